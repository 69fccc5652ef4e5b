package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"
	gossh "golang.org/x/crypto/ssh"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/client/frontdesk"
	"frontdesk/screens"
	"frontdesk/sshd"
	"frontdesk/tui"
)

// shutdownTimeout bounds a graceful stop: SIGTERM to exit in under 10 s
// (systemd's default TimeoutStopSec is 90 s; ours is shorter on purpose).
const shutdownTimeout = 9 * time.Second

func newSSHCmd(a *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ssh",
		Short: "Serve the console and quick commands over SSH",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newSSHServeCmd(a))
	return cmd
}

type sshServeOptions struct {
	addr, agents, hostKey string
	name                  string
	idle                  time.Duration
	maxSessions           int
	rate                  float64
	burst                 int
}

func newSSHServeCmd(a *App) *cobra.Command {
	var o sshServeOptions
	cmd := &cobra.Command{
		Use:   "serve --agents FILE --host-key FILE",
		Short: "Run the SSH gateway: the console and quick commands for the agents in FILE",
		Long: "serve lets the agents listed in the agents file reach the console with\n" +
			"`ssh -p 2222 HOST` and run quick commands with `ssh -p 2222 HOST loyalty show 42`.\n\n" +
			"Only public keys listed in the agents file get in. Every API request uses\n" +
			"this machine's gateway key (the profile's keyring entry, or FRONTDESK_API_URL,\n" +
			"FRONTDESK_API_KEY and FRONTDESK_API_SECRET), naming the connected agent.\n\n" +
			"SIGHUP reloads the agents file (sessions of removed agents end); SIGTERM or\n" +
			"SIGINT stop it gracefully. See docs/gateway.md.",
		Example: "  frontdesk ssh serve --agents /etc/frontdesk/agents.toml --host-key /var/lib/frontdesk/host_ed25519\n" +
			"  FRONTDESK_API_URL=https://api.example FRONTDESK_API_KEY=ck_… FRONTDESK_API_SECRET=cs_… frontdesk ssh serve --addr :2222 --agents agents.toml --host-key host_key",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.sshServe(cmd.Context(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.addr, "addr", sshd.DefaultAddr, "address to listen on")
	f.StringVar(&o.agents, "agents", "", "agents file (TOML): who may connect, with which keys and role (required)")
	f.StringVar(&o.hostKey, "host-key", "", "host private key; created with mode 0600 if missing (required)")
	f.DurationVar(&o.idle, "idle-timeout", sshd.DefaultIdleTimeout, "end a session after this long without input (0: never)")
	f.IntVar(&o.maxSessions, "max-sessions", sshd.DefaultMaxSessions, "sessions open at once on this gateway; more are turned away politely (the desk server's caps hold across gateways)")
	f.StringVar(&o.name, "name", "", "this gateway's name in the desk's session leases (default: the host name)")
	f.Float64Var(&o.rate, "rate-limit", sshd.DefaultRateLimit, "new connections per second per IP once the burst is spent (0: no limit)")
	f.IntVar(&o.burst, "rate-burst", sshd.DefaultRateBurst, "new connections one IP may open at once")
	return cmd
}

func (a *App) sshServe(ctx context.Context, o sshServeOptions) error {
	switch {
	case o.agents == "":
		return Usagef("--agents FILE is required: the agents file lists who may connect (see docs/gateway.md)")
	case o.hostKey == "":
		return Usagef("--host-key FILE is required: the gateway's private key (created if missing)")
	case o.maxSessions < 1:
		return Usagef("--max-sessions must be at least 1")
	case o.rate < 0 || o.burst < 1:
		return Usagef("--rate-limit must be 0 or more and --rate-burst at least 1")
	}
	creds, err := a.Credentials(ctx)
	if err != nil {
		return asUsage(err)
	}
	if platformOrDefault(creds.Platform) != PlatformFrontdesk {
		return UsageError{Err: fmt.Errorf("the SSH gateway runs on the frontdesk platform only (it sends each request as the connected agent, which only the desk server knows), not on %q: point it at a frontdesk API", creds.Platform)}
	}
	logger := a.gatewayLogger()

	// The key must be a gateway key: any other key may not name agents,
	// and every session would fail.
	check, err := connect(creds, viaSSH(""))
	if err != nil {
		return UsageError{Err: fmt.Errorf("the gateway key: %w", err)}
	}
	meCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	me, err := check.Me(meCtx)
	cancel()
	if err != nil {
		return fmt.Errorf("check the gateway key %s with GET /me: %w", creds.KeyID, printable(err))
	}
	if !me.Gateway {
		return UsageError{Err: fmt.Errorf("key %s (agent %q) is not a gateway key, so it may not act for the agents in the agents file: create one with `frontdesk sandbox keys create --gateway` (or ask your store admin) and use it here",
			creds.KeyID, me.AgentID)}
	}

	rate := o.rate
	if rate == 0 {
		rate = -1 // no limit
	}
	idle := o.idle
	if idle == 0 {
		idle = -1 // never
	}
	readOnly := creds.ReadOnly
	profileName := creds.Profile
	gatewayAPI := GatewayAPI(creds.URL, creds.KeyID, creds.Secret, creds.Timeout)
	if creds.MaskPII {
		// The gateway's profile masks for every session, whatever the role.
		connectAgent := gatewayAPI.Connect
		gatewayAPI.Connect = func(agent string, transport http.RoundTripper) (client.Platform, error) {
			p, err := connectAgent(agent, transport)
			if err != nil {
				return nil, err
			}
			return client.Mask(p), nil
		}
	}
	srv, err := sshd.New(sshd.Config{
		Addr:        o.addr,
		AgentsFile:  o.agents,
		HostKeyFile: o.hostKey,
		API:         gatewayAPI,
		Profile:     tui.Profile{Name: profileName, Host: hostOf(creds.URL), Production: creds.Production, ReadOnly: readOnly},
		IdleTimeout: idle,
		MaxSessions: o.maxSessions,
		Name:        o.name,
		RateLimit:   rate,
		RateBurst:   o.burst,
		Logger:      logger,
		Console:     SSHConsole,
		Command:     SSHCommand(profileName, readOnly),
	})
	if err != nil {
		return asUsage(err)
	}
	a.warnUnknownAgents(ctx, srv, creds, logger)

	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", o.addr, err)
	}
	fmt.Fprintf(writerOrDiscard(a.Env.Stderr), "frontdesk ssh gateway on %s · host key %s · %d agents · API %s as %s\n",
		ln.Addr(), gossh.FingerprintSHA256(srv.HostKey()), srv.Agents().Len(), creds.URL, creds.KeyID)

	stopCtx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	for {
		select {
		case <-hup:
			// Reload logs its outcome, and on failure keeps the old set.
			_ = srv.Reload()
		case err := <-served:
			srv.Close()
			return err
		case <-stopCtx.Done():
			sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
			err := srv.Shutdown(sctx)
			cancel()
			<-served
			if err != nil && !errors.Is(err, context.DeadlineExceeded) {
				return err
			}
			return nil
		}
	}
}

// gatewayLogger writes the gateway's structured log (one line per session)
// to --log-file, or to stderr when there is none (a service's journal).
func (a *App) gatewayLogger() *slog.Logger {
	var w io.Writer = writerOrDiscard(a.Env.Stderr)
	if a.Flags.LogFile != "" {
		w = appendFile(a.Flags.LogFile)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// warnUnknownAgents asks the API about every agent of the agents file and
// logs those it does not know: their sessions would fail on every request.
func (a *App) warnUnknownAgents(ctx context.Context, srv *sshd.Server, creds Credentials, logger *slog.Logger) {
	for _, ag := range srv.Agents().Agents() {
		cl, err := connect(creds, viaSSH(ag.ID), func(c *frontdesk.Config) { c.MaxRetries = -1 })
		if err != nil {
			continue
		}
		c, cancel := context.WithTimeout(ctx, 5*time.Second)
		me, err := cl.Me(c)
		cancel()
		switch {
		case client.IsCode(err, api.CodeUnknownAgent):
			logger.Warn("agents file: the API has no agent with this id; their sessions will fail", "agent", ag.ID)
		case err != nil:
			logger.Warn("agents file: could not check agent with the API", "agent", ag.ID, "err", err)
		case api.RoleRank(me.Role) < api.RoleRank(ag.Role):
			logger.Warn("agents file: the API gives this agent a weaker role; the API's applies",
				"agent", ag.ID, "file_role", ag.Role, "api_role", me.Role)
		}
	}
}

// SSHConsole is the gateway's console: the shell with package screens on
// the session's gated client.
func SSHConsole(ctx context.Context, cl *sshd.Client, o tui.Options) (tea.Model, error) {
	return screens.NewShell(ctx, cl, screens.Config{}, o)
}

// SSHCommand is the gateway's command mode: the command tree run with
// RunRemote for the connected agent. profile and readOnly describe the
// gateway's own profile.
func SSHCommand(profile string, readOnly bool) sshd.CommandFunc {
	return func(ctx context.Context, r sshd.CommandRequest) (int, string) {
		env := Env{
			Stdin:  r.Stdin,
			Stdout: r.Stdout,
			Stderr: r.Stderr,
			// Only NO_COLOR is taken from what the client sent: nothing
			// the client sets may choose files or credentials here.
			Getenv: func(k string) string {
				if k != "NO_COLOR" {
					return ""
				}
				return environValue(r.Environ, k)
			},
			Remote: &Remote{Agent: r.Agent, KeyFingerprint: r.KeyFingerprint, Client: r.Client, Profile: profile, ReadOnly: readOnly},
		}
		return RunRemote(ctx, env, r.Args)
	}
}

func environValue(environ []string, key string) string {
	v := ""
	for _, kv := range environ {
		if rest, ok := strings.CutPrefix(kv, key+"="); ok {
			v = rest
		}
	}
	return v
}

// GatewayAPI is how an SSH gateway reaches the desk server at url with its
// own key: the frontdesk driver, acting as each session's agent
// (X-Frontdesk-Agent), via ssh. Only the desk server knows agents, so the
// gateway runs on the frontdesk platform alone.
//
// Every session also holds a lease on the desk (sshd.Leases, the same
// driver's gateway-session calls), so the desk server's session caps hold
// across every gateway in front of it.
func GatewayAPI(url, keyID, secret string, timeout time.Duration) sshd.APIConfig {
	driver := func(agent string, transport http.RoundTripper) (*frontdesk.Client, error) {
		return frontdesk.New(frontdesk.Config{
			BaseURL:   url,
			KeyID:     keyID,
			Secret:    secret,
			Agent:     agent,
			Via:       frontdesk.ViaSSH,
			Timeout:   timeout,
			UserAgent: "frontdesk-gateway/" + Version,
			Transport: transport,
		})
	}
	return sshd.APIConfig{
		Connect: func(agent string, transport http.RoundTripper) (client.Platform, error) {
			p, err := driver(agent, transport)
			if err != nil {
				return nil, err // a nil Platform, not a nil *frontdesk.Client in one
			}
			return p, nil
		},
		Leases: func(agent string, transport http.RoundTripper) (sshd.Leases, error) {
			p, err := driver(agent, transport)
			if err != nil {
				return nil, err
			}
			return p, nil
		},
	}
}
