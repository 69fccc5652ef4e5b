// Package sshd is frontdesk's SSH gateway: the console and a few quick
// commands over `ssh`, for agents listed with their public keys in an
// agents file.
//
// Authentication is by public key only. The key must be in the agents file
// (TOML, see LoadAgents and docs/gateway.md); the session checks again
// that the key it runs with is the key that authenticated, and that it
// still belongs to the same agent. Every API request goes out with the
// gateway's one API key, naming the connected agent in X-Frontdesk-Agent
// and marked via ssh; the gateway also checks the agents file's role and
// loyalty limit itself before a change (Client, Agent.Check,
// Agent.CheckAdjust).
//
// A session with a PTY and no command gets the console (Config.Console,
// one Bubble Tea program per session through wish's bubbletea middleware);
// a session with a command runs it (Config.Command, which package cli
// provides with its own command tree, restricted). The middlewares, first
// to run first: recover (a panic ends its session only) → sessionMiddleware
// (identity, session limit, log line) → commandMiddleware → the bubbletea
// middleware (program) → afterConsole (exit status).
//
// Operations: a token bucket per remote IP on new connections, a session
// limit with a polite refusal, an idle timeout counted from the last
// keystroke, a reload of the agents file (Reload, on SIGHUP) that ends the
// sessions of removed agents, and a graceful Shutdown. A Server holds all
// its state; nothing is package-level, so many sessions (and servers)
// share one process.
package sshd
