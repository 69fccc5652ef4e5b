package sshd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	bm "charm.land/wish/v2/bubbletea"
	"github.com/charmbracelet/colorprofile"
	gossh "golang.org/x/crypto/ssh"

	"frontdesk/client"
	"frontdesk/policy"
	"frontdesk/tui"
)

// Exit statuses the gateway sends for its own refusals (the command's
// own are cli's: 0 ok, 2 usage, 3 not found, 4 permission, 5 conflict).
const (
	exitError      = 1
	exitUsage      = 2
	exitPermission = 4
)

// Why a session ended early; shown to the agent and logged.
var (
	errAccessChanged = errors.New("your access to this gateway was removed or changed (the agents file was reloaded); reconnect if you still have access")
	errShuttingDown  = errors.New("the gateway is shutting down; try again in a minute")
	errIdle          = errors.New("the session was idle for too long and has been closed")
)

// endError marks a cancellation that the gateway decided (as opposed to
// the client going away).
type endError struct{ err error }

func (e endError) Error() string { return e.err.Error() }
func (e endError) Unwrap() error { return e.err }

// session is one SSH session of one agent: the ssh.Session with what the
// gateway knows about it. Middlewares after sessionMiddleware get it as
// their ssh.Session.
type session struct {
	ssh.Session
	srv   *Server
	agent *Agent
	key   gossh.PublicKey
	fp    string
	start time.Time

	// ctx is the session's: the console program runs in it. It ends when
	// the client goes away or the gateway ends the session.
	ctx    context.Context
	cancel context.CancelCauseFunc
	// apiCtx is what API requests run in. It is not derived from the
	// connection: during a shutdown a request already sent finishes even
	// though its console has closed, and only the end of the shutdown
	// cancels it.
	apiCtx    context.Context
	apiCancel context.CancelFunc

	lastInput atomic.Int64 // unix nanoseconds
	idle      *time.Timer

	// lease is the session's place on the desk (nil without
	// Config.API.Leases); set by admit, released by leave.
	lease *sessionLease

	// panicked is set when the console's model panicked (see guard).
	panicked atomic.Bool

	mu      sync.Mutex
	program *tea.Program
	// releaseProgram stops the program's quit and kill timers once it
	// has ended.
	releaseProgram func()
	console        bool
	name           string // command name or "console", for the log
	exit           int
}

// Read records input for the idle timeout.
func (st *session) Read(p []byte) (int, error) {
	n, err := st.Session.Read(p)
	if n > 0 {
		st.lastInput.Store(st.srv.cfg.Now().UnixNano())
	}
	return n, err
}

// end stops the session for reason: the console program and any API
// request of the session.
func (st *session) end(reason error) {
	st.cancel(endError{reason})
	st.apiCancel()
}

// endConsole stops the console program but lets its API requests finish
// (shutdown).
func (st *session) endConsole(reason error) {
	st.cancel(endError{reason})
}

// endReason is why the gateway ended the session, or nil.
func (st *session) endReason() error {
	var e endError
	if errors.As(context.Cause(st.ctx), &e) {
		return e.err
	}
	return nil
}

// isConsole reports whether the session is (or is about to be) a console.
func (st *session) isConsole() bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.console
}

// send delivers msg to the console program without blocking the caller.
func (st *session) send(msg tea.Msg) {
	st.mu.Lock()
	p := st.program
	st.mu.Unlock()
	if p != nil {
		// Send returns once the program takes it or has stopped.
		go p.Send(msg)
	}
}

func (st *session) setResult(name string, exit int) {
	st.mu.Lock()
	st.name, st.exit = name, exit
	st.mu.Unlock()
}

// armIdle ends the session once no input has arrived for the idle timeout.
func (st *session) armIdle(d time.Duration) {
	if d <= 0 {
		return
	}
	st.lastInput.Store(st.start.UnixNano())
	var check func()
	check = func() {
		if st.ctx.Err() != nil {
			return
		}
		quiet := st.srv.cfg.Now().Sub(time.Unix(0, st.lastInput.Load()))
		if quiet >= d {
			st.end(errIdle)
			return
		}
		st.mu.Lock()
		st.idle = time.AfterFunc(d-quiet, check)
		st.mu.Unlock()
	}
	st.mu.Lock()
	st.idle = time.AfterFunc(d, check)
	st.mu.Unlock()
}

func (st *session) stopIdle() {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.idle != nil {
		st.idle.Stop()
	}
}

// refuse tells the client why and ends the session with code.
func refuse(sess ssh.Session, code int, msg string) {
	fmt.Fprintf(sess.Stderr(), "frontdesk: %s\n", msg)
	_ = sess.Exit(code)
}

// sessionMiddleware runs first for every session. It checks again who
// this is — the key of the session must be the key that authenticated and
// must still belong to the agent recorded then (CVE-2023-43809: a key
// offered during authentication is not necessarily the one that
// signed) — then admits the session under the session limit, and writes
// one log line when it ends.
func (s *Server) sessionMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		start := s.cfg.Now()
		remote := remoteString(sess.RemoteAddr())
		agent, key, why := s.identify(sess)
		if agent == nil {
			s.log.Warn("ssh session refused", "remote", remote, "key", fingerprint(sess.PublicKey()), "reason", why)
			refuse(sess, exitPermission, "permission denied")
			return
		}
		fp := gossh.FingerprintSHA256(key)
		st := &session{Session: sess, srv: s, agent: agent, key: key, fp: fp, start: start}
		st.ctx, st.cancel = context.WithCancelCause(sess.Context())
		st.apiCtx, st.apiCancel = context.WithCancel(s.baseCtx)
		// The client going away cancels its requests, except during a
		// shutdown, which lets them finish.
		stopAfter := context.AfterFunc(sess.Context(), func() {
			if !s.closing.Load() {
				st.apiCancel()
			}
		})
		defer stopAfter()
		defer st.cancel(nil)

		if msg, code := s.admit(st); msg != "" {
			s.log.Warn("ssh session refused", "agent", agent.ID, "key", fp, "remote", remote, "reason", msg)
			refuse(sess, code, msg)
			return
		}
		defer s.leave(st)
		st.armIdle(s.cfg.IdleTimeout)
		defer st.stopIdle()

		defer func() {
			st.mu.Lock()
			name, exit := st.name, st.exit
			st.mu.Unlock()
			attrs := []any{"agent", agent.ID, "key", fp, "remote", remote, "command", name,
				"duration", s.cfg.Now().Sub(start).Round(time.Millisecond), "exit", exit}
			if r := st.endReason(); r != nil {
				attrs = append(attrs, "ended", r.Error())
			}
			s.log.Info("ssh session", attrs...)
		}()
		// A panic ends this session only, with status 1; wish's recover
		// middleware around this one is the backstop.
		defer func() {
			if r := recover(); r != nil {
				s.log.Error("ssh session panicked", "agent", agent.ID, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				st.mu.Lock()
				if st.name == "" {
					st.name = "-"
				}
				st.exit = exitError
				st.mu.Unlock()
				refuse(sess, exitError, "internal error; it has been logged")
			}
		}()
		next(st)
	}
}

// identify finds the agent of a session, or says why there is none.
func (s *Server) identify(sess ssh.Session) (*Agent, gossh.PublicKey, string) {
	key := sess.PublicKey()
	if key == nil {
		return nil, nil, "no public key"
	}
	perms := sess.Permissions()
	if perms.Permissions == nil || perms.Extensions == nil {
		return nil, nil, "no authentication record"
	}
	if perms.Extensions[extKeyFP] != gossh.FingerprintSHA256(key) {
		return nil, nil, "the session's key is not the key that authenticated"
	}
	a, ok := s.agents.Load().ByKey(key)
	if !ok {
		return nil, nil, "the key is no longer in the agents file"
	}
	if a.ID != perms.Extensions[extAgent] {
		return nil, nil, "the key now belongs to another agent"
	}
	return a, key, ""
}

// admit registers a session, or says why it may not open: shutting down,
// full here, its agent changed since authentication, or no place on the
// desk (its session caps across every gateway: acquireLease).
func (s *Server) admit(st *session) (string, int) {
	if msg, code := s.admitLocal(st); msg != "" {
		return msg, code
	}
	if msg := s.acquireLease(st); msg != "" {
		s.unregister(st)
		return msg, exitError
	}
	return "", 0
}

// admitLocal registers a session under this gateway's own bound.
func (s *Server) admitLocal(st *session) (string, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closing.Load():
		return errShuttingDown.Error(), exitError
	case len(s.sessions) >= s.cfg.MaxSessions:
		return fmt.Sprintf("sorry, all %d sessions of this gateway are in use; please try again in a few minutes", s.cfg.MaxSessions), exitError
	}
	// Checked under the lock that Reload swaps the set under, so a
	// session is either seen by a reload or checked against its result.
	if a, ok := s.agents.Load().ByID(st.agent.ID); !ok || !st.agent.sameGrant(a, st.key) {
		return "permission denied", exitPermission
	}
	s.sessions[st] = struct{}{}
	s.open.add()
	return "", 0
}

// leave unregisters a session that has ended and gives its place on the
// desk back.
func (s *Server) leave(st *session) {
	s.releaseLease(st)
	s.unregister(st)
}

func (s *Server) unregister(st *session) {
	s.mu.Lock()
	delete(s.sessions, st)
	s.mu.Unlock()
	if !s.closing.Load() {
		st.apiCancel()
	}
	s.open.done()
}

// commandMiddleware runs the command of a session that has one (`ssh host
// loyalty show 42`, with or without -t). A session with a PTY and no
// command goes on to the console; one with neither gets the help.
func (s *Server) commandMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		st := sess.(*session)
		args := sess.Command()
		if _, _, isPty := sess.Pty(); isPty && len(args) == 0 {
			st.mu.Lock()
			st.console = true
			st.mu.Unlock()
			next(sess)
			return
		}
		if s.cfg.Command == nil {
			st.setResult("-", exitUsage)
			refuse(sess, exitUsage, "commands are not available on this gateway")
			return
		}
		cl, err := s.newAPIClient(st.agent)
		if err != nil {
			st.setResult("-", exitError)
			refuse(sess, exitError, "cannot reach the API: "+err.Error())
			return
		}
		if policy.MasksPII(st.agent.Role) {
			// A viewer by the agents file sees masks even where the API
			// knows the agent as more (the console's NewClient does the
			// same).
			cl = client.Mask(cl)
		}
		// The command runs in the API context, so a shutdown lets it
		// finish; ending the session (a reload, idle) cancels it.
		code, name := s.cfg.Command(st.apiCtx, CommandRequest{
			Args:           args,
			Stdin:          st,
			Stdout:         st,
			Stderr:         sess.Stderr(),
			Environ:        sess.Environ(),
			Agent:          st.agent,
			KeyFingerprint: st.fp,
			Client:         cl,
		})
		if r := st.endReason(); r != nil {
			fmt.Fprintf(sess.Stderr(), "frontdesk: %s\n", r)
			if code == 0 {
				code = exitError
			}
		}
		st.setResult(name, code)
		_ = sess.Exit(code)
	}
}

// program builds the console program of a PTY session (the ProgramHandler
// of wish's bubbletea middleware, which runs it with the session's PTY
// and forwards window changes).
func (s *Server) program(sess ssh.Session) *tea.Program {
	st := sess.(*session)
	st.setResult("console", 0)
	if s.cfg.Console == nil {
		st.setResult("console", exitUsage)
		fmt.Fprintln(sess.Stderr(), "frontdesk: the console is not available on this gateway; run a command instead: ssh … help")
		return nil
	}
	cl, err := s.newAPIClient(st.agent)
	if err != nil {
		st.setResult("console", exitError)
		fmt.Fprintf(sess.Stderr(), "frontdesk: cannot reach the API: %v\n", err)
		return nil
	}
	gated := NewClient(cl, st.agent)
	noColor := envValue(sess.Environ(), "NO_COLOR") != ""
	model, err := s.cfg.Console(st.apiCtx, gated, tui.Options{
		Profile:   s.cfg.Profile,
		NoColor:   noColor,
		LoadAgent: gated.Me,
		Logger:    consoleLogger(s.log, st.agent.ID, fingerprint(st.key)),
	})
	if err != nil {
		s.log.Error("ssh console failed to start", "agent", st.agent.ID, "err", err)
		st.setResult("console", exitError)
		fmt.Fprintf(sess.Stderr(), "frontdesk: the console could not start: %v\n", err)
		return nil
	}
	// When the session ends (the gateway ends it, or the client goes
	// away) the program is asked to quit, which restores the terminal;
	// if it has not within programGrace, its context kills it.
	hard, kill := context.WithCancel(context.Background())
	opts := append(bm.MakeOptions(sess),
		tea.WithContext(hard),
		// The gateway handles SIGINT and SIGTERM; a program must not
		// quit on the server's signals.
		tea.WithoutSignalHandler(),
	)
	if noColor {
		opts = append(opts, tea.WithColorProfile(colorprofile.NoTTY))
	}
	p := tea.NewProgram(&guard{m: model, st: st}, opts...)
	ended := make(chan struct{})
	go func() {
		select {
		case <-st.ctx.Done():
			p.Quit() // returns once taken, or once the program has stopped
			select {
			case <-time.After(programGrace):
				kill()
			case <-ended:
			}
		case <-ended:
		}
	}()
	st.mu.Lock()
	st.program = p
	st.releaseProgram = func() {
		close(ended)
		kill()
		// The program has stopped (quit, ctrl+c, a dropped connection):
		// a console that holds something live — an on-behalf session —
		// gives it back now, best effort and bounded by its own timeout.
		if c, ok := model.(io.Closer); ok {
			if err := c.Close(); err != nil {
				s.log.Warn("ssh console: could not release on close", "agent", st.agent.ID, "err", err)
			}
		}
	}
	st.mu.Unlock()
	return p
}

// programGrace is how long a console may take to quit once its session
// has ended before it is killed.
const programGrace = 2 * time.Second

// afterConsole runs when the console has ended (or could not start): it
// says why if the gateway ended it, and sends the exit status.
func (s *Server) afterConsole(_ ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		st := sess.(*session)
		st.mu.Lock()
		st.program = nil
		release := st.releaseProgram
		code := st.exit
		st.mu.Unlock()
		if release != nil {
			release()
		}
		// On the PTY's output, not stderr: a terminal shows both, and
		// this way the words come after the program has restored the
		// screen rather than racing it.
		switch r := st.endReason(); {
		case r != nil:
			fmt.Fprintf(sess, "\nfrontdesk: %s\n", r)
			code = max(code, exitError)
		case st.panicked.Load():
			fmt.Fprintln(sess, "\nfrontdesk: the console hit an internal error and closed; it has been logged")
			code = max(code, exitError)
		}
		st.setResult("console", code)
		_ = sess.Exit(code)
	}
}

func envValue(environ []string, key string) string {
	prefix := key + "="
	// The last value wins, as in a shell.
	for _, kv := range slices.Backward(environ) {
		if v, ok := strings.CutPrefix(kv, prefix); ok {
			return v
		}
	}
	return ""
}

func fingerprint(k gossh.PublicKey) string {
	if k == nil {
		return ""
	}
	return gossh.FingerprintSHA256(k)
}

// guard runs the console's model and turns a panic in Init, Update or
// View into the end of this session: logged with its stack, the program
// quits, the agent is told. (A panic inside a command's goroutine is
// caught by Bubble Tea itself, which also ends only this program.)
type guard struct {
	m  tea.Model
	st *session
}

func (g *guard) caught(r any) {
	if g.st.panicked.CompareAndSwap(false, true) {
		g.st.srv.log.Error("ssh console panicked", "agent", g.st.agent.ID, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
	}
}

func (g *guard) Init() (cmd tea.Cmd) {
	defer func() {
		if r := recover(); r != nil {
			g.caught(r)
			cmd = tea.Quit
		}
	}()
	return g.m.Init()
}

func (g *guard) Update(msg tea.Msg) (m tea.Model, cmd tea.Cmd) {
	if g.st.panicked.Load() {
		return g, tea.Quit
	}
	defer func() {
		if r := recover(); r != nil {
			g.caught(r)
			m, cmd = g, tea.Quit
		}
	}()
	next, cmd := g.m.Update(msg)
	if next != nil {
		g.m = next
	}
	return g, cmd
}

func (g *guard) View() (v tea.View) {
	if g.st.panicked.Load() {
		return tea.NewView("")
	}
	defer func() {
		if r := recover(); r != nil {
			g.caught(r)
			v = tea.NewView("")
			g.st.send(tea.QuitMsg{})
		}
	}()
	return g.m.View()
}
