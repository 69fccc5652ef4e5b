package sshd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	bm "charm.land/wish/v2/bubbletea"
	rm "charm.land/wish/v2/recover"
	gossh "golang.org/x/crypto/ssh"

	"frontdesk/client"
	"frontdesk/tui"
)

// Defaults of Config's zero values.
const (
	DefaultAddr             = ":2222"
	DefaultIdleTimeout      = 15 * time.Minute
	DefaultMaxSessions      = 200
	DefaultRateLimit        = 1.0 // new connections per second per IP, after the burst
	DefaultRateBurst        = 30
	DefaultShutdownNotice   = 3 * time.Second
	DefaultHandshakeTimeout = 20 * time.Second
)

// APIConfig is how the gateway reaches the desk server: with its own API
// key, every session's requests naming their agent. Acting as an agent is
// the frontdesk contract's (X-Frontdesk-Agent); the gateway itself knows
// no driver, so the program that starts it builds the platform
// (cli.GatewayAPI).
type APIConfig struct {
	// Connect builds the platform of one agent: the gateway key acting as
	// agent ("" checks only the key), marked as coming over ssh, sending
	// through transport. Required.
	Connect func(agent string, transport http.RoundTripper) (client.Platform, error)
	// Transport sends the requests (default: a clone of
	// http.DefaultTransport shared by every session).
	Transport http.RoundTripper
	// Leases builds the desk's session leases for one agent (the gateway
	// key acting as agent, through transport): with it every session
	// holds a lease on the desk, so the desk's session caps (all
	// sessions, and one agent's) hold across every gateway of the desk,
	// and a session the desk refuses or cannot be asked about does not
	// open. nil leaves only MaxSessions, this gateway's own bound
	// (tests; `frontdesk ssh serve` always sets it).
	Leases func(agent string, transport http.RoundTripper) (Leases, error)
}

// ConsoleFunc builds the console of one PTY session: usually the tui shell
// with package screens on cl. ctx ends with the session; o carries the
// profile, colour, and the GET /me loader (gated by the agents file).
type ConsoleFunc func(ctx context.Context, cl *Client, o tui.Options) (tea.Model, error)

// CommandRequest is one command run without a PTY (`ssh host loyalty
// show 42`).
type CommandRequest struct {
	// Args is the command line, split as a POSIX shell would.
	Args []string
	// Stdin, Stdout and Stderr are the session's streams.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Environ is what the client sent (SendEnv), "KEY=value".
	Environ []string
	// Agent is the connected agent; the command must check its role and
	// limit before it changes anything (Agent.Check, CheckAdjust).
	Agent *Agent
	// KeyFingerprint is the SHA256 fingerprint of the key it connected
	// with.
	KeyFingerprint string
	// Client calls the API with the gateway key as Agent, via ssh.
	Client client.Platform
}

// CommandFunc runs a command and returns its exit status and the name to
// log for it ("loyalty adjust"; never its arguments, which may hold
// customer data).
type CommandFunc func(ctx context.Context, r CommandRequest) (exit int, name string)

// Config is everything a gateway needs. Zero values take the defaults.
type Config struct {
	// Addr is where ListenAndServe listens (default ":2222").
	Addr string
	// AgentsFile is the TOML file of agents and their keys (required).
	AgentsFile string
	// HostKeyFile is the host's private key; created (0600) if missing.
	HostKeyFile string
	// API is the gateway's key.
	API APIConfig
	// Profile is shown in every console's header; ReadOnly there makes
	// every console read-only.
	Profile tui.Profile
	// IdleTimeout ends a session with no input for this long (default
	// 15m; negative: never).
	IdleTimeout time.Duration
	// MaxSessions is how many sessions may be open at once on this
	// gateway (default 200); the desk's caps come on top (API.Leases).
	MaxSessions int
	// Name names this gateway in the desk's leases (default: the host
	// name).
	Name string
	// LeaseHeartbeat is how often a session's lease is renewed (default:
	// a third of the lease's lifetime as the desk gives it).
	LeaseHeartbeat time.Duration
	// RateLimit is how many new connections per second one IP may open
	// once its burst of RateBurst is spent (defaults 1 and 30; a negative
	// RateLimit turns limiting off).
	RateLimit float64
	RateBurst int
	// ShutdownNotice is how long open consoles see "shutting down" before
	// they close (default 3s).
	ShutdownNotice time.Duration
	// HandshakeTimeout bounds the SSH handshake and authentication
	// (default 20s).
	HandshakeTimeout time.Duration
	// Logger gets one line per session and the gateway's events; nil
	// discards.
	Logger *slog.Logger
	// Console builds a PTY session's console; nil refuses PTY sessions.
	Console ConsoleFunc
	// Command runs a command session; nil refuses commands.
	Command CommandFunc
	// Now is the clock (tests); default time.Now.
	Now func() time.Time
}

// Server is one SSH gateway. Everything it holds is per server or per
// session; several servers may run in one process.
type Server struct {
	cfg       Config
	srv       *ssh.Server
	hostKey   gossh.Signer
	agents    atomic.Pointer[AgentSet]
	limiter   *ipLimiter
	transport *countingTransport
	requests  *inflight
	log       *slog.Logger

	// baseCtx outlives every session; cancelling it aborts whatever API
	// request is still running (the last step of Shutdown).
	baseCtx    context.Context
	cancelBase context.CancelFunc
	closing    atomic.Bool

	// mu guards sessions and the swap of agents against registrations,
	// so a reload sees every session that was let in under the old set.
	mu       sync.Mutex
	sessions map[*session]struct{}
	open     *inflight // open sessions, for Shutdown to wait on
	reloadMu sync.Mutex

	lnMu sync.Mutex
	ln   net.Listener
}

// Extension keys of the SSH permissions: set at authentication for the
// key that authenticated, checked again when the session starts.
const (
	extAgent = "frontdesk-agent"
	extKeyFP = "frontdesk-key-fp"
)

// New checks the configuration, loads the agents file (refusing to start
// without agents) and the host key, and builds the server. It does not
// listen yet: call Serve or ListenAndServe.
func New(cfg Config) (*Server, error) {
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.MaxSessions <= 0 {
		cfg.MaxSessions = DefaultMaxSessions
	}
	if cfg.RateLimit == 0 {
		cfg.RateLimit = DefaultRateLimit
	}
	if cfg.RateBurst <= 0 {
		cfg.RateBurst = DefaultRateBurst
	}
	if cfg.ShutdownNotice <= 0 {
		cfg.ShutdownNotice = DefaultShutdownNotice
	}
	if cfg.HandshakeTimeout <= 0 {
		cfg.HandshakeTimeout = DefaultHandshakeTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Name == "" {
		cfg.Name, _ = os.Hostname()
		if cfg.Name == "" {
			cfg.Name = "frontdesk-gateway"
		}
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}

	agents, err := LoadAgents(cfg.AgentsFile)
	if err != nil {
		return nil, err
	}
	hostKey, err := LoadHostKey(cfg.HostKeyFile)
	if err != nil {
		return nil, err
	}
	// The gateway key is checked now, not at the first session.
	if cfg.API.Connect == nil {
		return nil, errors.New("sshd: Config.API.Connect is required: it builds the platform each session calls")
	}
	if _, err := cfg.API.Connect("", nil); err != nil {
		return nil, fmt.Errorf("gateway API key: %w", err)
	}

	s := &Server{
		cfg:      cfg,
		hostKey:  hostKey,
		log:      logger,
		requests: newInflight(),
		open:     newInflight(),
		sessions: map[*session]struct{}{},
	}
	s.agents.Store(agents)
	if cfg.RateLimit > 0 {
		s.limiter = newIPLimiter(cfg.RateLimit, cfg.RateBurst, cfg.Now)
	}
	next := cfg.API.Transport
	if next == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		// Every session talks to the same API host: keep enough idle
		// connections for them instead of the default two.
		t.MaxIdleConnsPerHost = 64
		next = t
	}
	s.transport = &countingTransport{next: next, f: s.requests}
	s.baseCtx, s.cancelBase = context.WithCancel(context.Background())

	srv, err := wish.NewServer(
		func(srv *ssh.Server) error { srv.AddHostKey(hostKey); return nil },
		wish.WithVersion("frontdesk"),
		// Public keys only: no password or keyboard-interactive handler
		// is set, so those methods (and "none") are refused.
		ssh.PublicKeyAuth(s.publicKeyHandler),
		ssh.EmulatePty(),
		ssh.WrapConn(s.connCallback),
		wish.WithIdleTimeout(s.transportIdle()),
		wish.WithMiddleware(rm.MiddlewareWithLogger(printfLogger{logger},
			// Run last-listed first: the session check, then command
			// mode, then the console, then what follows the console.
			s.afterConsole,
			bm.MiddlewareWithProgramHandler(s.program),
			s.commandMiddleware,
			s.sessionMiddleware,
		)),
	)
	if err != nil {
		return nil, fmt.Errorf("ssh server: %w", err)
	}
	srv.HandshakeTimeout = cfg.HandshakeTimeout
	// Only sessions: no port forwarding, no subsystems (sftp), no global
	// requests.
	srv.ChannelHandlers = map[string]ssh.ChannelHandler{"session": ssh.DefaultSessionHandler}
	srv.SubsystemHandlers = map[string]ssh.SubsystemHandler{}
	srv.RequestHandlers = map[string]ssh.RequestHandler{}
	srv.ServerConfigCallback = func(ssh.Context) *gossh.ServerConfig {
		return &gossh.ServerConfig{
			MaxAuthTries: 6,
			AuthLogCallback: func(conn gossh.ConnMetadata, method string, err error) {
				if err != nil && method != "none" {
					logger.Debug("ssh auth attempt refused", "remote", conn.RemoteAddr().String(), "method", method, "err", err)
				}
			},
		}
	}
	srv.ConnectionFailedCallback = func(conn net.Conn, err error) {
		logger.Info("ssh connection refused", "remote", conn.RemoteAddr().String(), "err", err)
	}
	s.srv = srv
	return s, nil
}

// transportIdle is the SSH connection's own idle timeout, a backstop for
// connections that never open a session. Sessions have their own, counted
// from the agent's last keystroke.
func (s *Server) transportIdle() time.Duration {
	if s.cfg.IdleTimeout < 0 {
		return 0
	}
	return s.cfg.IdleTimeout
}

// HostKey is the server's public host key (for known_hosts).
func (s *Server) HostKey() gossh.PublicKey { return s.hostKey.PublicKey() }

// Agents is the agents set in use.
func (s *Server) Agents() *AgentSet { return s.agents.Load() }

// Sessions is the number of open sessions.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// Addr is the address the server listens on, once Serve has been called.
func (s *Server) Addr() net.Addr {
	s.lnMu.Lock()
	defer s.lnMu.Unlock()
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

// ListenAndServe listens on Config.Addr and serves until Shutdown.
func (s *Server) ListenAndServe() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.cfg.Addr, err)
	}
	return s.Serve(ln)
}

// Serve accepts connections on ln until Shutdown; it then returns nil.
func (s *Server) Serve(ln net.Listener) error {
	s.lnMu.Lock()
	s.ln = ln
	s.lnMu.Unlock()
	s.log.Info("ssh gateway listening", "addr", ln.Addr().String(),
		"host_key", gossh.FingerprintSHA256(s.hostKey.PublicKey()), "agents", s.Agents().Len())
	err := s.srv.Serve(ln)
	if errors.Is(err, ssh.ErrServerClosed) || s.closing.Load() {
		return nil
	}
	return err
}

// connCallback runs before any SSH is spoken: it drops connections over
// the per-IP rate and any that arrive while shutting down.
func (s *Server) connCallback(_ ssh.Context, conn net.Conn) net.Conn {
	if s.closing.Load() {
		return nil
	}
	if !s.limiter.allow(conn.RemoteAddr()) {
		s.log.Warn("ssh connection rate limited", "remote", conn.RemoteAddr().String())
		return nil
	}
	return conn
}

// publicKeyHandler accepts a key listed in the agents file and records,
// in the permissions of this authentication attempt, which agent and key
// it was. The session checks them again (see sessionMiddleware).
func (s *Server) publicKeyHandler(ctx ssh.Context, key ssh.PublicKey) bool {
	a, ok := s.agents.Load().ByKey(key)
	if !ok {
		s.log.Debug("ssh key not in the agents file", "remote", remoteString(ctx.RemoteAddr()), "key", gossh.FingerprintSHA256(key))
		return false
	}
	perms := ctx.Permissions()
	if perms.Extensions == nil {
		perms.Extensions = map[string]string{}
	}
	perms.Extensions[extAgent] = a.ID
	perms.Extensions[extKeyFP] = gossh.FingerprintSHA256(key)
	return true
}

// Reload reads the agents file again. On success the new set replaces the
// old one and every session whose agent was removed, or whose role,
// limit or key changed, ends; others carry on. On failure the old set
// stays and the error says why.
func (s *Server) Reload() error {
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	set, err := LoadAgents(s.cfg.AgentsFile)
	if err != nil {
		s.log.Error("agents file reload failed; keeping the previous agents", "err", err)
		return err
	}
	s.mu.Lock()
	s.agents.Store(set)
	var gone []*session
	for st := range s.sessions {
		if a, ok := set.ByID(st.agent.ID); !ok || !st.agent.sameGrant(a, st.key) {
			gone = append(gone, st)
		}
	}
	s.mu.Unlock()
	for _, st := range gone {
		st.end(errAccessChanged)
	}
	s.log.Info("agents file reloaded", "agents", set.Len(), "sessions_ended", len(gone))
	return nil
}

// Shutdown stops the gateway: it stops accepting connections, tells open
// consoles, gives them ShutdownNotice, closes them, lets commands and API
// requests already under way finish, and then closes what is left when
// ctx ends. It returns ctx's error if it had to cut something short.
func (s *Server) Shutdown(ctx context.Context) error {
	if !s.closing.CompareAndSwap(false, true) {
		return errors.New("the gateway is already shutting down")
	}
	s.log.Info("ssh gateway shutting down", "sessions", s.Sessions(), "requests", s.requests.count())
	srvDone := make(chan error, 1)
	go func() { srvDone <- s.srv.Shutdown(ctx) }() // closes the listeners at once

	consoles := s.consoles()
	notice := s.cfg.ShutdownNotice
	if d, ok := ctx.Deadline(); ok {
		// Leave at least half the time for requests to finish.
		notice = min(notice, time.Until(d)/2)
	}
	for _, st := range consoles {
		st.send(tui.ToastMsg{Kind: tui.ToastError, TTL: notice + time.Minute,
			Text: fmt.Sprintf("The gateway is shutting down: this session closes in %d s. Anything not saved by then is lost.", max(1, int(notice.Round(time.Second).Seconds())))})
	}
	if len(consoles) > 0 {
		wait, cancel := context.WithTimeout(ctx, notice)
		_ = s.open.wait(wait) // everyone may leave earlier
		cancel()
		for _, st := range s.consoles() {
			st.endConsole(errShuttingDown)
		}
	}
	// Commands run to their end; then nothing may be left in flight.
	err := s.open.wait(ctx)
	if err == nil {
		err = s.requests.wait(ctx)
	}
	s.cancelBase()
	// Connections whose sessions have ended (a client that keeps its
	// connection open) are closed now.
	_ = s.srv.Close()
	<-srvDone
	if err != nil {
		s.log.Warn("ssh gateway stopped before everything finished", "sessions", s.Sessions(), "requests", s.requests.count(), "err", err)
		return err
	}
	s.log.Info("ssh gateway stopped")
	return nil
}

// Close stops the gateway at once, cutting every session.
func (s *Server) Close() error {
	s.closing.Store(true)
	s.cancelBase()
	return s.srv.Close()
}

func (s *Server) consoles() []*session {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*session
	for st := range s.sessions {
		if st.isConsole() {
			out = append(out, st)
		}
	}
	return out
}

// newAPIClient is the platform of one agent: the gateway key, the agent
// in X-Frontdesk-Agent, via ssh, the shared counting transport.
func (s *Server) newAPIClient(a *Agent) (client.Platform, error) {
	return s.cfg.API.Connect(a.ID, s.transport)
}

// printfLogger lets wish's recover middleware log panics to the
// gateway's log.
type printfLogger struct{ l *slog.Logger }

func (p printfLogger) Printf(format string, v ...any) {
	p.l.Error("ssh session panicked", "panic", fmt.Sprintf(format, v...))
}

func remoteString(a net.Addr) string {
	if a == nil {
		return ""
	}
	return a.String()
}
