package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"frontdesk/api"
	"frontdesk/desk"
	"frontdesk/policy"
	"frontdesk/sandbox"
	"frontdesk/server"
)

// sandboxSeedValue fixes the generator's seed, so every `sandbox serve
// --seed N` makes the same store.
const sandboxSeedValue = 1

func newSandboxCmd(a *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run the sandbox Customers API and mint keys for it",
		Long: "The sandbox is a complete Customers API over one SQLite file, with\n" +
			"realistic seeded customers, orders and loyalty ledgers. Use it to try\n" +
			"frontdesk, and as the store in tests.",
		Args: cobra.NoArgs,
	}
	keys := &cobra.Command{
		Use:   "keys",
		Short: "Manage the sandbox's API keys",
		Args:  cobra.NoArgs,
	}
	keys.AddCommand(newSandboxKeysCreateCmd(a))
	cmd.AddCommand(newSandboxServeCmd(a), keys, newSandboxBenchCmd(a))
	return cmd
}

func newSandboxServeCmd(a *App) *cobra.Command {
	var (
		addr, dbPath, dialect string
		customers             int
	)
	cmd := &cobra.Command{
		Use:   "serve --db PATH [--addr HOST:PORT] [--seed N] [--dialect NAME]",
		Short: "Serve the sandbox API on a SQLite file",
		Long: "Serve the sandbox Customers API (under /api/v1) on the SQLite file --db,\n" +
			"creating and migrating it if needed. With --seed N an empty store is\n" +
			"filled with N generated customers first.\n\n" +
			"On the first start, when the file has no API keys, a supervisor key is\n" +
			"made and printed once on stdout as `key: ck_…` and `secret: cs_…`; keep\n" +
			"it, the secret is stored only as a hash. Logs go to stderr. Stop with\n" +
			"Ctrl-C (SIGINT) or SIGTERM.\n\n" +
			"--dialect NAME serves the same store in another platform's wire format\n" +
			"and auth (docs/platforms.md): `store` is the plain seed-004 store API\n" +
			"(read-only customers and loyalty). The first start then prints the\n" +
			"credentials that platform's driver uses, after `url:` (`key:`, `secret:`\n" +
			"and the platform's options): log in with `frontdesk auth login\n" +
			"--platform NAME --url URL --key KEY [--option NAME=VALUE]…`.",
		Example: "  frontdesk sandbox serve --db sandbox.db --seed 10000\n" +
			"  frontdesk sandbox serve --db sandbox.db --addr 127.0.0.1:9000\n" +
			"  frontdesk sandbox serve --db sandbox.db --seed 500 --dialect store",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dbPath == "" {
				return Usagef("--db is required: the SQLite file to serve (it is created if missing)")
			}
			if customers < 0 {
				return Usagef("--seed must be 0 or more customers, not %d", customers)
			}
			if _, port, err := net.SplitHostPort(addr); err != nil || port == "" {
				return Usagef("--addr %q is not HOST:PORT, e.g. 127.0.0.1:8080", addr)
			}
			if !slices.Contains(sandbox.Dialects, dialect) {
				return Usagef("--dialect %q is not one the sandbox speaks: %s", dialect, strings.Join(sandbox.Dialects, ", "))
			}
			return a.serveSandbox(cmd.Context(), addr, dbPath, customers, dialect)
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free one)")
	f.StringVar(&dbPath, "db", "", "SQLite file of the store (created if missing)")
	f.IntVar(&customers, "seed", 0, "seed this many customers into an empty store (0: none)")
	f.StringVar(&dialect, "dialect", sandbox.DialectFrontdesk, "the wire format to serve: "+strings.Join(sandbox.Dialects, ", "))
	return cmd
}

func (a *App) serveSandbox(ctx context.Context, addr, dbPath string, customers int, dialect string) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewTextHandler(writerOrDiscard(a.Env.Stderr), nil))
	run, err := sandbox.Start(ctx, sandbox.StartOptions{
		Addr: addr, DBPath: dbPath, Customers: customers, Seed: sandboxSeedValue, Logger: logger, Dialect: dialect,
	})
	if err != nil {
		return err
	}
	out := writerOrDiscard(a.Env.Stdout)
	fmt.Fprintf(out, "url: %s\n", run.URL)
	if run.KeyCreated {
		for _, l := range run.Credentials(run.Key) {
			fmt.Fprintf(out, "%s: %s\n", l.Name, l.Value)
		}
	}
	var served error
	select {
	case <-ctx.Done():
		logger.Info("shutting down")
	case served = <-run.Done():
	}
	closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := run.Close(closeCtx); err != nil && served == nil {
		served = err
	}
	if served != nil {
		return fmt.Errorf("sandbox server: %w", served)
	}
	logger.Info("stopped")
	return nil
}

func newSandboxKeysCreateCmd(a *App) *cobra.Command {
	var (
		dbPath string
		spec   server.KeySpec
	)
	cmd := &cobra.Command{
		Use:   "create --db PATH --agent ID --name NAME --role ROLE [--gateway] [--loyalty-limit N]",
		Short: "Mint an API key for an agent (made if new) and print it",
		Long: "Mint an API key for agent --agent and print it once as `key: ck_…` and\n" +
			"`secret: cs_…`. A new agent is created; an existing one takes the given\n" +
			"name, role and loyalty limit. Roles: " + strings.Join(api.Roles, ", ") + ".\n" +
			"--loyalty-limit caps each adjustment of an agent-role key (stronger roles\n" +
			"are not capped). A --gateway key may act for any agent (the SSH gateway\n" +
			"uses one). Safe to run while a server uses the same database (a SQLite\n" +
			"file, or the postgres:// URL of `frontdesk server`).",
		Example: "  frontdesk sandbox keys create --db sandbox.db --agent amina --name \"Amina Njoroge\" --role agent --loyalty-limit 500",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dbPath == "" {
				return Usagef("--db is required: the store's SQLite file or postgres:// URL")
			}
			if err := spec.Validate(); err != nil {
				return Usagef("%v", err)
			}
			limitSet := cmd.Flags().Changed("loyalty-limit")
			switch {
			case spec.Role == api.RoleAgent && !limitSet:
				return Usagef("an agent key needs --loyalty-limit N: the most points one adjustment may move (500 is common; 0 means the agent may not adjust points at all)")
			case spec.Role != api.RoleAgent && limitSet && spec.LoyaltyLimit != 0:
				return Usagef("--loyalty-limit caps role agent only: a %s adjusts any number of points (drop the flag, or use --role agent)", spec.Role)
			}
			st, err := desk.Open(cmd.Context(), dbPath)
			if err != nil {
				return err
			}
			defer st.Close()
			k, err := server.MintKey(cmd.Context(), st, spec)
			if err != nil {
				return err
			}
			printKey(writerOrDiscard(a.Env.Stdout), k)
			fmt.Fprintf(writerOrDiscard(a.Env.Stderr), "%s (%s) may %s.\n", spec.Name, spec.Role, keyAbilities(spec))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&dbPath, "db", "", "the store of record: a SQLite file or a postgres:// URL")
	f.StringVar(&spec.AgentID, "agent", "", "agent id (letters, digits, - _ . @)")
	f.StringVar(&spec.Name, "name", "", "the agent's display name")
	f.StringVar(&spec.Role, "role", "", "role: "+strings.Join(api.Roles, ", "))
	f.BoolVar(&spec.Gateway, "gateway", false, "a gateway key, which may act for any agent (X-Frontdesk-Agent)")
	f.Int64Var(&spec.LoyaltyLimit, "loyalty-limit", 0, "largest |points| per adjustment for role agent")
	return cmd
}

// printKey prints a key pair in the two-line form scripts read.
// keyAbilities says what a key of spec may do, in policy's words ("read
// customers, edit customers, …, and adjust at most 500 points at a
// time"): what `keys create` tells whoever minted it.
func keyAbilities(spec server.KeySpec) string {
	who := policy.Actor{Role: spec.Role, LoyaltyLimit: spec.LoyaltyLimit, Limited: spec.Role == api.RoleAgent}
	var can []string
	for _, act := range policy.Actions() {
		if act == policy.AdjustLoyalty || slices.Contains(can, act.What()) || policy.Check(who, act) != nil {
			continue
		}
		can = append(can, act.What())
	}
	switch {
	case policy.Check(who, policy.AdjustLoyalty) != nil:
		can = append(can, "not adjust loyalty points")
	case who.Limited && spec.LoyaltyLimit == 0:
		can = append(can, "not adjust loyalty points (its limit is 0)")
	case who.Limited:
		can = append(can, fmt.Sprintf("adjust at most %d points at a time", spec.LoyaltyLimit))
	default:
		can = append(can, "adjust any number of points")
	}
	if spec.Gateway {
		can = append(can, "act for any agent (a gateway key)")
	}
	return strings.Join(can[:len(can)-1], ", ") + " and " + can[len(can)-1]
}

func printKey(w io.Writer, k server.Key) {
	fmt.Fprintf(w, "key: %s\nsecret: %s\n", k.KeyID, k.Secret)
}

func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return Usagef("%s takes no arguments (got %q): see `%s --help`", cmd.Name(), args[0], cmd.CommandPath())
	}
	return nil
}

func writerOrDiscard(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}
