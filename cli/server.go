package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"frontdesk/desk"
	"frontdesk/server"
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
}

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
			"For operators: GET /healthz (alive), GET /readyz (database answers, not\n" +
			"draining), GET /metrics (Prometheus), all without a key. On SIGTERM or\n" +
			"SIGINT /readyz turns 503, --drain-delay passes, the listener closes and\n" +
			"requests in flight finish (up to --shutdown-timeout). Idempotency-Key\n" +
			"answers are kept --idempotency-retention, ended on-behalf sessions\n" +
			"--session-retention. `sandbox serve` runs the same API on a seeded demo\n" +
			"store.",
		Example: "  frontdesk server --db /var/lib/frontdesk/desk.db --addr 127.0.0.1:8080\n" +
			"  frontdesk server --db postgres://frontdesk@db.internal/frontdesk --addr :8080 --drain-delay 5s --log-format json",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.db == "" {
				return Usagef("--db is required: a SQLite file, or a postgres:// URL")
			}
			if o.logFormat != "text" && o.logFormat != "json" {
				return Usagef("--log-format is text or json, not %q", o.logFormat)
			}
			for name, d := range map[string]time.Duration{"--drain-delay": o.drainDelay, "--shutdown-timeout": o.shutdownTimeout,
				"--idempotency-retention": o.keyRetention, "--session-retention": o.sessionRetention, "--purge-every": o.purgeEvery} {
				if d < 0 {
					return Usagef("%s must not be negative (got %s)", name, d)
				}
			}
			if o.keyRetention > 0 && o.keyRetention < time.Hour {
				return Usagef("--idempotency-retention %s is too short: a client retrying after a lost answer would apply an adjustment twice; keep at least 1h (default 24h)", o.keyRetention)
			}
			return a.runServer(cmd.Context(), o)
		},
	}
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

	st, err := desk.Open(ctx, o.db)
	if err != nil {
		return fmt.Errorf("open the store of record: %w", err)
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
