package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/desk"
	"frontdesk/desk/upstream"
	"frontdesk/server"
	"frontdesk/store"
)

// serverOptions are `frontdesk server`'s flags.
type serverOptions struct {
	db, addr, logFormat string
	drainDelay          time.Duration
	shutdownTimeout     time.Duration
	keyRetention        time.Duration
	sessionRetention    time.Duration
	purgeEvery          time.Duration
	rateLimit           float64
	// The SSH session caps across every gateway (0: none).
	maxGatewaySessions, maxSessionsPerAgent int
	gatewayLeaseTTL                         time.Duration

	// The platform behind the desk (--upstream): its driver's name, URL,
	// key and options; the secret comes from FRONTDESK_UPSTREAM_SECRET.
	upstream, upstreamURL, upstreamKey string
	upstreamOptions                    []string
}

// EnvUpstreamSecret holds the secret of the platform behind the desk.
const EnvUpstreamSecret = "FRONTDESK_UPSTREAM_SECRET"

func newServerCmd(a *App) *cobra.Command {
	var o serverOptions
	cmd := &cobra.Command{
		Use:   "server --db PATH|postgres://… [--addr HOST:PORT]",
		Short: "Run the desk server: frontdesk's Customers API on a store of record",
		Long: "Run the desk server: the Customers API (under /api/v1) that consoles,\n" +
			"scripts and SSH gateways use, with agents, roles, idempotent loyalty\n" +
			"adjustments, on-behalf sessions, notes and a tamper-evident audit trail,\n" +
			"on the store of record --db: a SQLite file (one process) or a\n" +
			"postgres:// URL (several replicas may share it; docs/deploy.md).\n\n" +
			"On the first start, when the database has no API keys, a supervisor key\n" +
			"is made and printed once on stdout after `url:` as `key:` and `secret:`;\n" +
			"keep it, the secret is stored only as a hash. Logs go to stderr.\n\n" +
			"For operators: GET /healthz (alive), GET /readyz (database answers,\n" +
			"search index loaded, not draining), GET /metrics (Prometheus), all\n" +
			"without a key. The search index loads at start (seconds at a million\n" +
			"customers); /readyz answers 503 until it has. On SIGTERM or\n" +
			"SIGINT /readyz turns 503, --drain-delay passes, the listener closes and\n" +
			"requests in flight finish (up to --shutdown-timeout). Idempotency-Key\n" +
			"answers are kept --idempotency-retention, ended on-behalf sessions\n" +
			"--session-retention. `sandbox serve` runs the same API on a seeded demo\n" +
			"store.\n\n" +
			"With --upstream NAME the desk stands in front of a store's own platform\n" +
			"(docs/platforms.md): customers, orders and loyalty points are the\n" +
			"platform's, reached through its driver with --upstream-url,\n" +
			"--upstream-key, --upstream-option NAME=VALUE and the secret in $" + EnvUpstreamSecret + ";\n" +
			"agents, roles, sessions, notes, the audit trail and idempotent\n" +
			"adjustments are the desk's, in --db. What the platform cannot do is\n" +
			"refused (501 unsupported, and GET /me says so to consoles).\n\n" +
			"SSH gateways (`frontdesk ssh serve`) hold a lease on the desk for every\n" +
			"session: --max-gateway-sessions caps the sessions open through all of\n" +
			"them, --max-sessions-per-agent one agent's (docs/gateway.md).",
		Example: "  frontdesk server --db /var/lib/frontdesk/desk.db --addr 127.0.0.1:8080\n" +
			"  frontdesk server --db postgres://frontdesk@db.internal/frontdesk --addr :8080 --drain-delay 5s --log-format json\n" +
			"  FRONTDESK_UPSTREAM_SECRET=sk_… frontdesk server --db desk.db --upstream chec --upstream-url https://api.chec.io --upstream-key pk_…",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.db == "" {
				return Usagef("--db is required: a SQLite file, or a postgres:// URL")
			}
			if o.logFormat != "text" && o.logFormat != "json" {
				return Usagef("--log-format is text or json, not %q", o.logFormat)
			}
			for name, d := range map[string]time.Duration{"--drain-delay": o.drainDelay, "--shutdown-timeout": o.shutdownTimeout,
				"--idempotency-retention": o.keyRetention, "--session-retention": o.sessionRetention, "--purge-every": o.purgeEvery,
				"--gateway-lease-ttl": o.gatewayLeaseTTL} {
				if d < 0 {
					return Usagef("%s must not be negative (got %s)", name, d)
				}
			}
			if o.maxGatewaySessions < 0 || o.maxSessionsPerAgent < 0 {
				return Usagef("--max-gateway-sessions and --max-sessions-per-agent must be 0 (no cap) or more")
			}
			if o.gatewayLeaseTTL > 0 && o.gatewayLeaseTTL < 3*time.Second {
				return Usagef("--gateway-lease-ttl %s is too short: gateways renew every third of it, at most once a second; keep at least 3s (default %s)", o.gatewayLeaseTTL, api.DefaultGatewayLeaseTTL)
			}
			if o.keyRetention > 0 && o.keyRetention < time.Hour {
				return Usagef("--idempotency-retention %s is too short: a client retrying after a lost answer would apply an adjustment twice; keep at least 1h (default 24h)", o.keyRetention)
			}
			return a.runServer(cmd.Context(), o)
		},
	}
	keys := &cobra.Command{Use: "keys", Short: "Manage the desk server's API keys", Args: cobra.NoArgs}
	keys.AddCommand(newSandboxKeysCreateCmd(a))
	cmd.AddCommand(keys)
	f := cmd.Flags()
	f.StringVar(&o.db, "db", "", "the store of record: a SQLite file, or a postgres:// URL (required)")
	f.StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free one)")
	f.StringVar(&o.logFormat, "log-format", "text", "log format on stderr: text or json")
	f.DurationVar(&o.drainDelay, "drain-delay", 0, "on a stop, how long /readyz answers 503 before the listener closes")
	f.DurationVar(&o.shutdownTimeout, "shutdown-timeout", desk.DefaultShutdownTimeout, "on a stop, how long requests in flight may take to finish")
	f.DurationVar(&o.keyRetention, "idempotency-retention", server.DefaultIdempotencyRetention, "how long an Idempotency-Key's answer is replayed")
	f.DurationVar(&o.sessionRetention, "session-retention", server.DefaultSessionRetention, "how long ended on-behalf sessions are kept (the audit trail keeps its rows)")
	f.DurationVar(&o.purgeEvery, "purge-every", server.DefaultPurgeEvery, "how often expired Idempotency-Keys and sessions are purged")
	f.Float64Var(&o.rateLimit, "rate-limit", server.DefaultRateLimit, "requests per second per key (negative: no limit)")
	f.IntVar(&o.maxGatewaySessions, "max-gateway-sessions", server.DefaultMaxGatewaySessions, "SSH sessions open at once through every gateway of this desk (0: no cap)")
	f.IntVar(&o.maxSessionsPerAgent, "max-sessions-per-agent", server.DefaultMaxSessionsPerAgent, "SSH sessions one agent may have open at once, across every gateway (0: no cap)")
	f.DurationVar(&o.gatewayLeaseTTL, "gateway-lease-ttl", api.DefaultGatewayLeaseTTL, "how long a gateway session's place is held without a heartbeat (a killed gateway's sessions free up after this)")
	f.StringVar(&o.upstream, "upstream", "", "the platform behind the desk: "+strings.Join(PlatformNames(), ", "))
	f.StringVar(&o.upstreamURL, "upstream-url", "", "the platform's API URL (with --upstream)")
	f.StringVar(&o.upstreamKey, "upstream-key", "", "the key id the desk uses at the platform (with --upstream)")
	f.StringArrayVar(&o.upstreamOptions, "upstream-option", nil, "a platform setting NAME=VALUE (with --upstream; repeatable)")
	return cmd
}

func (a *App) runServer(ctx context.Context, o serverOptions) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	var h slog.Handler = slog.NewTextHandler(writerOrDiscard(a.Env.Stderr), nil)
	if o.logFormat == "json" {
		h = slog.NewJSONHandler(writerOrDiscard(a.Env.Stderr), nil)
	}
	logger := slog.New(h)

	up, err := a.upstreamPlatform(ctx, o, logger)
	if err != nil {
		return err
	}
	local, err := desk.Open(ctx, o.db)
	if err != nil {
		return fmt.Errorf("open the store of record: %w", err)
	}
	var st store.Store = local
	var unsupported map[string]string
	if up != nil {
		u := upstream.New(local, up)
		st, unsupported = u, u.Unsupported()
		logger.Info("in front of a platform", "platform", o.upstream, "url", o.upstreamURL, "unsupported", len(unsupported))
	}
	defer st.Close()
	key, created, err := server.BootstrapKey(ctx, st)
	if err != nil {
		return err
	}
	out := writerOrDiscard(a.Env.Stdout)
	err = desk.Run(ctx, st, desk.Options{
		Addr:   o.addr,
		Logger: logger,
		Server: server.Options{
			Logger: logger, RateLimit: o.rateLimit,
			IdempotencyRetention: o.keyRetention, SessionRetention: o.sessionRetention,
			Unsupported:     unsupported,
			GatewaySessions: store.GatewayCaps{Total: o.maxGatewaySessions, PerAgent: o.maxSessionsPerAgent},
			GatewayLeaseTTL: o.gatewayLeaseTTL,
		},
		PurgeEvery:      o.purgeEvery,
		DrainDelay:      o.drainDelay,
		ShutdownTimeout: o.shutdownTimeout,
		Listening: func(url string) {
			fmt.Fprintf(out, "url: %s\n", url)
			if created {
				printKey(out, key)
			}
		},
	})
	if err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("desk server: %w", err)
	}
	return nil
}

// upstreamPlatform builds and checks the driver of the platform behind
// the desk; nil without --upstream.
func (a *App) upstreamPlatform(ctx context.Context, o serverOptions, logger *slog.Logger) (client.Platform, error) {
	if o.upstream == "" {
		if o.upstreamURL != "" || o.upstreamKey != "" || len(o.upstreamOptions) > 0 {
			return nil, Usagef("--upstream-url, --upstream-key and --upstream-option need --upstream NAME")
		}
		return nil, nil
	}
	if o.upstream == PlatformFrontdesk && o.upstreamURL == "" {
		return nil, Usagef("--upstream frontdesk needs --upstream-url: the other desk server's URL")
	}
	if o.upstreamURL == "" || o.upstreamKey == "" {
		return nil, Usagef("--upstream %s needs --upstream-url and --upstream-key, and the secret in $%s", o.upstream, EnvUpstreamSecret)
	}
	secret := a.Getenv(EnvUpstreamSecret)
	if secret == "" {
		return nil, Usagef("$%s is empty: put the secret of key %s at the %s platform there (it never goes on the command line)", EnvUpstreamSecret, o.upstreamKey, o.upstream)
	}
	opts, err := parseOptions(o.upstreamOptions, "--upstream-option")
	if err != nil {
		return nil, err
	}
	p, err := connect(Credentials{Platform: o.upstream, URL: o.upstreamURL, KeyID: o.upstreamKey, Secret: secret, Options: opts},
		logTo(logger.With("upstream", o.upstream)))
	if err != nil {
		return nil, fmt.Errorf("--upstream %s: %w", o.upstream, err)
	}
	if _, err := p.Me(ctx); err != nil {
		return nil, fmt.Errorf("the %s platform at %s refused the desk's key %s: %w", o.upstream, o.upstreamURL, o.upstreamKey, err)
	}
	return p, nil
}
