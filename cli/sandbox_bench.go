package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"frontdesk/bench/search"
	"frontdesk/desk"
)

func newSandboxBenchCmd(a *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Benchmark the stores on seeded data",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newSandboxBenchSearchCmd(a))
	return cmd
}

func newSandboxBenchSearchCmd(a *App) *cobra.Command {
	o := search.Options{}
	var sqlitePath, pgURL, schema string
	cmd := &cobra.Command{
		Use:   "search [--customers N] [--sqlite PATH] [--postgres URL] [--no-baselines]",
		Short: "Time customer search on SQLite and PostgreSQL side by side, with baselines",
		Long: "Time the customer search on both storage engines over the same seeded\n" +
			"customers, through the store interface the server calls, and print one\n" +
			"markdown table on stdout (progress goes to stderr).\n\n" +
			"Rows: the query shapes wan, ach, kam, Otieno, nai, 254, Mwangi, \"j k\",\n" +
			"\"mary w\", \"a b\", \"a b c d e f g h\", 0712, \"+254 712\", a full email and a\n" +
			"7-digit phone fragment taken from the data, and élodie, each under every\n" +
			"sort (newest, top spenders, name); then, for everyone and for wan, page\n" +
			"100 of 100 and the page of 20 reached by key half way down the listing.\n" +
			"Columns: the total, each engine's p50 / p95 in ms over --runs runs, and\n" +
			"the p95 of three baselines over --baseline-runs runs: a naive folded\n" +
			"LIKE '%q%' scan on SQLite (folding with the search's own function) and\n" +
			"on PostgreSQL (lower(unaccent(…)), an approximation), and one pg_trgm\n" +
			"GIN index per column on PostgreSQL (the first design). A baseline run\n" +
			"longer than --baseline-timeout shows as \"> 5 s\" (the timeout) and is\n" +
			"not repeated. At 1,000,000 customers the baselines take most of the\n" +
			"run; --no-baselines times the engines only.\n\n" +
			"--sqlite is reused when it holds --customers customers and seeded when\n" +
			"it holds none. The customers are copied into the PostgreSQL schema\n" +
			"--schema (made if missing, reused when loaded with the same customers),\n" +
			"where the baselines' table and indexes are also built once. Without a\n" +
			"PostgreSQL URL only SQLite is timed.\n\n" +
			"The engines must give the same total and the same page of ids for\n" +
			"every query: a difference prints a MISMATCH line and the command exits\n" +
			"with status 1 after the table.",
		Example: "  eval \"$(scripts/pg-test-cluster)\"   # sets FRONTDESK_TEST_POSTGRES\n" +
			"  frontdesk sandbox bench search --customers 1000000 > search.md\n" +
			"  frontdesk sandbox bench search --customers 20000 --sqlite /tmp/20k.db --no-baselines",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if least := search.MinCustomers(); o.Customers < least {
				return Usagef("--customers must be at least %d (the seed's hostile records), not %d", least, o.Customers)
			}
			if o.Runs < 1 || o.BaselineRuns < 1 {
				return Usagef("--runs and --baseline-runs must be at least 1")
			}
			if o.BaselineTimeout <= 0 {
				return Usagef("--baseline-timeout must be a positive duration such as 5s, not %s", o.BaselineTimeout)
			}
			if pgURL != "" && !desk.IsPostgres(pgURL) {
				return Usagef("--postgres %q is not a postgres:// URL", pgURL)
			}
			if schema != "" && !validSchema(schema) {
				return Usagef("--schema %q: use lower-case letters, digits and _ (starting with a letter)", schema)
			}
			o.SQLitePath, o.Postgres, o.Schema = sqlitePath, pgURL, schema
			if !cmd.Flags().Changed("postgres") {
				o.Postgres = a.firstEnv("FRONTDESK_TEST_POSTGRES", "FRONTDESK_POSTGRES")
			}
			o.Stdout, o.Stderr = writerOrDiscard(a.Env.Stdout), writerOrDiscard(a.Env.Stderr)
			// A mismatch is an error (exit 1), printed after the table.
			_, err := search.Run(cmd.Context(), o)
			return err
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.Customers, "customers", search.DefaultCustomers, "how many customers the store holds (seeded when the SQLite file is new)")
	f.StringVar(&sqlitePath, "sqlite", "", "the SQLite file, reused when it holds --customers customers, else seeded (default $TMPDIR/frontdesk-bench-N.db)")
	f.StringVar(&pgURL, "postgres", "", "the PostgreSQL database, a postgres:// URL (default $FRONTDESK_TEST_POSTGRES, then $FRONTDESK_POSTGRES; \"\" skips PostgreSQL)")
	f.StringVar(&schema, "schema", "", "the PostgreSQL schema for the bench's data (default bench_N)")
	f.IntVar(&o.Runs, "runs", search.DefaultRuns, "timed runs of each query on each engine (after one untimed)")
	f.IntVar(&o.BaselineRuns, "baseline-runs", search.DefaultBaselineRuns, "timed runs of each query on each baseline")
	f.DurationVar(&o.BaselineTimeout, "baseline-timeout", search.DefaultBaselineTimeout, "give up a baseline query after this long")
	f.BoolVar(&o.NoBaselines, "no-baselines", false, "time the engines only")
	return cmd
}

// firstEnv is the first of the named variables that is set.
func (a *App) firstEnv(names ...string) string {
	for _, n := range names {
		if v := strings.TrimSpace(a.Getenv(n)); v != "" {
			return v
		}
	}
	return ""
}

// validSchema accepts a plain lower-case SQL identifier.
func validSchema(s string) bool {
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r == '_':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return s != "" && len(s) <= 63
}
