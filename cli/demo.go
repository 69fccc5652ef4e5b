package cli

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"charm.land/log/v2"
	"github.com/spf13/cobra"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/money"
	"frontdesk/sandbox"
	"frontdesk/server"
	"frontdesk/tui"
)

// Bounds of `demo --customers`: at least one customer to find, and no more
// than a laptop seeds in reasonable time and disk.
const (
	defaultDemoCustomers = 10000
	maxDemoCustomers     = 2_000_000
)

// demoAgentID is the agent the demo mints a key for when the database it
// is given has keys already (their secrets are only stored hashed).
const demoAgentID = "demo-supervisor"

func newDemoCmd(a *App) *cobra.Command {
	var (
		customers int
		dbPath    string
	)
	cmd := &cobra.Command{
		Use:   "demo [--customers N] [--db PATH]",
		Short: "Open the console on a seeded sandbox store",
		Long: "Start the sandbox Customers API in this process on 127.0.0.1 (a free\n" +
			"port), seed it with realistic customers, orders and loyalty ledgers,\n" +
			"and open the console on it as a supervisor. Nothing to set up.\n\n" +
			"The store lives in a temporary SQLite file removed on exit, unless --db\n" +
			"names a file to keep (an existing file is used as it is). Press ? in\n" +
			"the console for the keys; q or ctrl+c quits.\n\n" +
			"--platform store serves the store as a plain seed-004 store API and\n" +
			"opens the console on it with the store driver (read-only).",
		Example: "  frontdesk demo\n  frontdesk demo --customers 500 --db demo.db\n  frontdesk demo --platform store",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if customers < 1 || customers > maxDemoCustomers {
				return Usagef("--customers must be between 1 and %d, not %d", maxDemoCustomers, customers)
			}
			if _, err := a.demoPlatform(); err != nil {
				return err
			}
			return a.runDemo(cmd.Context(), customers, dbPath)
		},
	}
	f := cmd.Flags()
	f.IntVar(&customers, "customers", defaultDemoCustomers, "customers to seed into an empty store")
	f.StringVar(&dbPath, "db", "", "keep the store in this SQLite file (default: a temporary file)")
	return cmd
}

func (a *App) runDemo(ctx context.Context, customers int, dbPath string) (err error) {
	started := time.Now()
	logs, err := a.openConsoleLog()
	if err != nil {
		return err
	}
	defer logs.Close()
	defer a.sayWhereLogsWent(logs.path)

	if a.Env.Stderr != nil {
		// Seeding takes a second or two; say what is happening before
		// the console takes the screen.
		fmt.Fprintf(a.Env.Stderr, "frontdesk: starting the demo store (%s customers if it is new)…\n", money.Int(int64(customers)))
	}
	demo, err := a.startDemoStore(ctx, customers, dbPath, logs.logger)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := demo.Close(ctx); cerr != nil && err == nil {
			err = cerr
		}
	}()
	cl, run := demo.Client, demo.Run
	logs.logger.Info("demo store ready", "url", run.URL, "db", run.DBPath, "seeded", run.Seeded,
		"customers", run.SeedStats.Customers, "took", time.Since(started).Round(time.Millisecond))
	profile := tui.Profile{Name: "demo", Host: hostOf(run.URL)}
	// The agent is not passed in: the shell asks GET /me like it does on
	// a real store, which also proves the key works.
	if err := a.runShell(ctx, cl, profile, logs.logger, nil); err != nil {
		return err
	}
	if dbPath != "" && a.Env.Stderr != nil {
		fmt.Fprintf(a.Env.Stderr, "frontdesk: the demo store is kept in %s\n", dbPath)
	}
	return nil
}

// demoPlatform is the platform the demo serves and speaks: --platform or
// FRONTDESK_PLATFORM (no profile is involved), frontdesk by default. It
// must be one the sandbox has a dialect for.
func (a *App) demoPlatform() (string, error) {
	name, _ := a.selectedPlatform("")
	drv, err := platformNamed(name)
	if err != nil {
		return "", err
	}
	if !slices.Contains(sandbox.Dialects, drv.name) {
		return "", Usagef("the demo has no %s store to serve (dialects: %s)", drv.name, strings.Join(sandbox.Dialects, ", "))
	}
	return drv.name, nil
}

// demoStore is a sandbox store running in this process and a client on
// it as a supervisor: `demo`, and the onboarding screen's "or try the
// sandbox".
type demoStore struct {
	Run    *sandbox.Running
	Client client.Platform
}

// startDemoStore starts the sandbox on 127.0.0.1 (a free port), seeded
// with customers when new, kept in dbPath ("" for a temporary file), and
// a client on it. Close stops it.
func (a *App) startDemoStore(ctx context.Context, customers int, dbPath string, logger *log.Logger) (*demoStore, error) {
	platform, err := a.demoPlatform()
	if err != nil {
		return nil, err
	}
	run, err := sandbox.Start(ctx, sandbox.StartOptions{
		Addr:      "127.0.0.1:0",
		DBPath:    dbPath,
		Customers: customers,
		Seed:      sandboxSeedValue,
		Logger:    slog.New(logger.WithPrefix("sandbox")),
		Dialect:   platform,
	})
	if err != nil {
		return nil, err
	}
	d := &demoStore{Run: run}
	key := run.Key
	if !run.KeyCreated {
		spec := server.KeySpec{AgentID: demoAgentID, Name: "Demo Supervisor", Role: api.RoleSupervisor}
		if key, err = server.MintKey(ctx, run.Store, spec); err != nil {
			_ = d.Close(ctx)
			return nil, fmt.Errorf("demo: %w", err)
		}
	}
	d.Client, err = connect(dialectCredentials(run, key), logTo(slog.New(logger.WithPrefix("client"))))
	if err != nil {
		_ = d.Close(ctx)
		return nil, fmt.Errorf("demo: %w", err)
	}
	return d, nil
}

// dialectCredentials are the credentials a driver of run's dialect
// calls it with, for the sandbox key pair k: the lines `sandbox serve`
// prints (`key`, `secret`, and the platform's options).
func dialectCredentials(run *sandbox.Running, k sandbox.Key) Credentials {
	c := Credentials{URL: run.URL, Platform: run.Dialect}
	for _, l := range run.Credentials(k) {
		switch l.Name {
		case "key":
			c.KeyID = l.Value
		case "secret":
			c.Secret = l.Value
		default:
			if c.Options == nil {
				c.Options = map[string]string{}
			}
			c.Options[l.Name] = l.Value
		}
	}
	return c
}

// Close stops the store, waiting at most 15 s (a loaded machine can take
// seconds to finish a request and checkpoint the WAL), also when ctx has
// ended.
func (d *demoStore) Close(ctx context.Context) error {
	closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	if err := d.Run.Close(closeCtx); err != nil {
		return fmt.Errorf("stop the demo store: %w", err)
	}
	return nil
}
