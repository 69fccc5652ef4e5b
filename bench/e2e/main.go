// Command e2e measures the frontdesk console end to end, as an agent
// sees it: the real binary in tmux, on a sandbox store behind a counting
// proxy, typing real queries at a human pace.
//
//	go run ./bench/e2e [--customers 10000] [--samples 30] [--delay 90ms-240ms] …
//
// It prints a markdown table (per query shape: p50/p95/max from the last
// key to the results on screen, and the search requests each query
// sent; enter → profile; 2 → Orders tab) and the settings it ran with.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"
)

// options are the command's flags.
type options struct {
	customers   int
	db          string
	samples     int
	delay       delayRange
	keyInterval time.Duration
	width       int
	height      int
	bin         string
	seed        uint64
	shapes      []shape
	profile     bool   // measure enter → profile and the Orders tab
	cmdline     string // the flags as given, but --bin: to rerun it
}

func main() {
	var o options
	var delay, shapes string
	flag.IntVar(&o.customers, "customers", 10000, "customers to seed into a new store (an existing --db is served as it is)")
	flag.StringVar(&o.db, "db", "", "SQLite store to use, seeded on first use and kept (default: a temporary one)")
	flag.IntVar(&o.samples, "samples", 30, "queries per shape (and profiles opened)")
	flag.StringVar(&delay, "delay", "", "delay the proxy adds to every request: 90ms, or 90ms-240ms uniform (default none)")
	flag.DurationVar(&o.keyInterval, "key-interval", 40*time.Millisecond, "time between two typed keys")
	flag.IntVar(&o.width, "width", 160, "terminal columns")
	flag.IntVar(&o.height, "height", 45, "terminal rows")
	flag.StringVar(&o.bin, "bin", "", "frontdesk binary to measure (default: go build this module)")
	flag.Uint64Var(&o.seed, "seed", 1, "picks the queries and the delays")
	flag.StringVar(&shapes, "shapes", "all", "comma-separated: email, email12, phone, surname, initials, fragment, profile (enter and the Orders tab)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: go run ./bench/e2e [flags]\n\n"+
			"Drives the frontdesk console in tmux against a sandbox store behind a counting proxy\n"+
			"and prints a markdown table of end-to-end latencies. Needs tmux.\n\nFlags:\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	flag.Visit(func(f *flag.Flag) {
		if f.Name != "bin" {
			o.cmdline += " --" + f.Name + " " + shellWord(f.Value.String())
		}
	})
	if flag.NArg() > 0 {
		usageError(fmt.Errorf("no arguments expected, got %q", flag.Arg(0)))
	}
	var err error
	if o.delay, err = parseDelay(delay); err != nil {
		usageError(err)
	}
	if o.shapes, o.profile, err = parseShapes(shapes); err != nil {
		usageError(err)
	}
	switch {
	case o.samples < 1:
		usageError(fmt.Errorf("--samples must be at least 1"))
	case o.customers < 1:
		usageError(fmt.Errorf("--customers must be at least 1"))
	case o.keyInterval < 0:
		usageError(fmt.Errorf("--key-interval must not be negative"))
	case o.width < 80 || o.height < 20:
		usageError(fmt.Errorf("--width/--height %d×%d: the console needs at least 80×20", o.width, o.height))
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		fmt.Fprintln(os.Stderr, "bench/e2e: tmux is not installed (it runs the console): install it, e.g. `apt-get install -y tmux` or `brew install tmux`")
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err = run(ctx, o, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if errors.Is(err, context.Canceled) {
			err = errors.New("interrupted; everything it started is stopped and removed")
		}
		fmt.Fprintln(os.Stderr, "bench/e2e:", err)
		os.Exit(1)
	}
}

func usageError(err error) {
	fmt.Fprintln(os.Stderr, "bench/e2e:", err)
	fmt.Fprintln(os.Stderr, "run with -h for the flags")
	os.Exit(2)
}

// parseShapes reads --shapes: query shapes, and "profile" for the
// profile and tab measurements.
func parseShapes(list string) ([]shape, bool, error) {
	if list == "" || list == "all" {
		return allShapes(), true, nil
	}
	var names []string
	profile := false
	for _, n := range strings.Split(list, ",") {
		if n = strings.TrimSpace(n); n == "profile" {
			profile = true
		} else {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return nil, profile, nil
	}
	sh, err := shapesNamed(strings.Join(names, ","))
	return sh, profile, err
}

// run sets everything up, measures, reports, and takes everything down
// again (also when ctx ends: ctrl+c).
func run(ctx context.Context, o options, stdout, stderr io.Writer) error {
	say := func(format string, a ...any) { fmt.Fprintf(stderr, "bench/e2e: "+format+"\n", a...) }
	tmp, err := os.MkdirTemp("", "frontdesk-e2e-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	bin, binary := o.bin, "prebuilt binary "+o.bin
	if bin == "" {
		say("building frontdesk…")
		if bin, err = buildFrontdesk(ctx, tmp); err != nil {
			return err
		}
		binary = "frontdesk built from " + gitRevision(ctx)
	} else if bin, err = filepath.Abs(bin); err != nil {
		return err
	}

	dbPath := o.db
	if dbPath == "" {
		dbPath = filepath.Join(tmp, "store.db")
	} else if dbPath, err = filepath.Abs(dbPath); err != nil {
		return err
	}
	_, err = os.Stat(dbPath)
	fresh := errors.Is(err, os.ErrNotExist)
	if fresh {
		say("seeding %s customers into %s…", thousands(o.customers), dbPath)
	} else {
		say("reusing the store %s (it is served as it is; --customers only seeds a new one)", dbPath)
	}
	// A store this run made but did not finish seeding (ctrl+c, an
	// error) is removed: served again, it would not be seeded.
	dropHalfSeeded := func() {
		if fresh {
			for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
				os.Remove(dbPath + suffix)
			}
		}
	}
	key, secret, err := mintKey(ctx, bin, dbPath)
	if err != nil {
		dropHalfSeeded()
		return err
	}
	started := time.Now()
	sb, err := startSandbox(ctx, bin, dbPath, o.customers, filepath.Join(tmp, "sandbox.log"))
	if err != nil {
		dropHalfSeeded()
		return err
	}
	defer sb.stop()
	say("sandbox listening on %s after %s", sb.URL, time.Since(started).Round(time.Millisecond))

	store, err := openStore(dbPath)
	if err != nil {
		return err
	}
	defer store.Close()
	customers, err := countCustomers(ctx, store)
	if err != nil {
		return fmt.Errorf("count the store's customers: %w", err)
	}
	if customers != o.customers {
		say("note: the store has %s customers, not the %s of --customers", thousands(customers), thousands(o.customers))
	}
	picked := map[string][]query{}
	need := slices.Clone(o.shapes)
	if o.profile {
		need = append(need, allShapes()[0]) // whole emails: one customer each, to open
	}
	for _, sh := range need {
		if _, ok := picked[sh.name]; ok {
			continue
		}
		// The status line holds "page 1 of 99,999 · 9,999,999 customers
		// matching "…"" and the sort on the right: 60 cells besides the
		// query.
		qs, err := pickQueries(ctx, store, sh, o.samples, o.width-60, o.seed)
		if err != nil {
			return err
		}
		picked[sh.name] = qs
	}
	store.Close()

	px, err := startProxy(sb.URL, o.delay, o.seed)
	if err != nil {
		return err
	}
	defer px.Close()

	env := map[string]string{
		"FRONTDESK_API_URL":    px.URL,
		"FRONTDESK_API_KEY":    key,
		"FRONTDESK_API_SECRET": secret,
		"NO_COLOR":             "1",
		"HOME":                 filepath.Join(tmp, "home"),
		"XDG_CONFIG_HOME":      filepath.Join(tmp, "config"),
		"XDG_STATE_HOME":       filepath.Join(tmp, "state"),
		"XDG_DATA_HOME":        filepath.Join(tmp, "data"),
		"XDG_CACHE_HOME":       filepath.Join(tmp, "cache"),
		"TMPDIR":               filepath.Join(tmp, "tmp"),
	}
	for _, d := range []string{"home", "config", "state", "data", "cache", "tmp"} {
		if err := os.MkdirAll(filepath.Join(tmp, d), 0o700); err != nil {
			return err
		}
	}
	logFile := filepath.Join(tmp, "console.log")
	tm, err := startTmux(ctx, tmp, o.width, o.height, env, []string{bin, "--no-color", "--log-file", logFile})
	if err != nil {
		return err
	}
	defer tm.kill()
	ctl, err := tm.attach()
	if err != nil {
		return err
	}
	defer ctl.close()

	d := &driver{ctl: ctl, px: px, keyInterval: o.keyInterval}
	if _, _, err := ctl.waitFor(ctx, waitTimeout, "the console's first page of customers", listsNewest); err != nil {
		return fmt.Errorf("%w\nconsole log:\n%s", err, tail(logFile, 20))
	}
	say("console up; %d query shapes × %d samples, one key every %s, proxy delay %s", len(o.shapes), o.samples, o.keyInterval, o.delay)

	var rows []result
	for _, sh := range o.shapes {
		r, err := d.searchShape(ctx, sh, picked[sh.name], o.samples, say)
		if err != nil {
			return err
		}
		rows = append(rows, r)
	}
	if o.profile {
		open, tab, err := d.openProfiles(ctx, picked["email"], say)
		if err != nil {
			return err
		}
		rows = append(rows, open, tab)
	}

	routes, statuses := px.totals()
	writeReport(stdout, settings{
		customers: customers, db: displayDB(o.db, dbPath), delay: o.delay, keyInterval: o.keyInterval,
		samples: o.samples, width: o.width, height: o.height, cores: runtime.NumCPU(), binary: binary,
		seed: o.seed, rtts: ctl.roundTrips(), cmdline: o.cmdline,
	}, rows, routes, statuses)
	return nil
}

// shellWord quotes s for a shell when it needs it.
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.,/:@") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// displayDB names the store for the report: a temporary one by kind.
func displayDB(flagValue, path string) string {
	if flagValue == "" {
		return "temporary"
	}
	return path
}

// gitRevision names the commit the binary was built from.
func gitRevision(ctx context.Context) string {
	out, err := exec.CommandContext(ctx, "git", "describe", "--always", "--dirty").Output()
	if err != nil {
		return "this checkout"
	}
	return "commit " + strings.TrimSpace(string(out))
}
