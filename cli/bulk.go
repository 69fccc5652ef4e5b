package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"frontdesk/api"
	"frontdesk/bulk"
	"frontdesk/client"
	"frontdesk/money"
	"frontdesk/policy"
	"frontdesk/sshd"
)

func newLoyaltyBulkCmd(a *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bulk",
		Short: "Correct many customers' points from a CSV: plan, then apply",
		Long: "bulk corrects loyalty points from a CSV in two steps. `plan` checks every\n" +
			"row against the store and changes nothing; `apply` applies a plan, and is\n" +
			"safe to run again after a crash or ctrl-c: rows already applied are\n" +
			"replayed by the store, never applied twice.\n\n" +
			"The CSV's header names the columns customer, points, reason, note (any\n" +
			"order). customer is an id or an email; points a whole number, not 0,\n" +
			"negative to remove; reason one of " + strings.Join(api.AdjustmentReasons, ", ") + ";\n" +
			fmt.Sprintf("note %d to %d characters on one line. At most %d rows and %d MiB.",
				api.MinNoteLen, api.MaxAdjustNoteLen, bulk.MaxRows, bulk.MaxCSVBytes>>20),
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newBulkPlanCmd(a), newBulkApplyCmd(a))
	return cmd
}

func newBulkPlanCmd(a *App) *cobra.Command {
	var out string
	var concurrency int
	cmd := &cobra.Command{
		Use:   "plan FILE.csv|-",
		Short: "Check a CSV of adjustments against the store and write a plan; changes nothing",
		Long: "plan reads the CSV (- for stdin), looks up every customer and balance, and\n" +
			"writes a plan (JSON) to --out FILE or stdout. Each row of the plan has its\n" +
			"line, the customer as given and its id, the adjustment, its idempotency key,\n" +
			"the balance before and after (rows of one customer add up in file order),\n" +
			"and ok or refused with the reason: invalid values, unknown customer,\n" +
			"disabled customer, a negative result, or over your loyalty limit.\n" +
			"A CSV whose structure is wrong (header, fields, quoting, not UTF-8) is\n" +
			"refused whole, with its line. The summary (and every refused row) goes to\n" +
			"stdout with --out, to stderr without. A plan may be applied for 23 hours.\n\n" +
			"Exit status 0 when the plan is written, refused rows or not (they are in\n" +
			"it); 2 for a CSV refused whole; 4 when you may not adjust points at all.",
		Example: "  frontdesk loyalty bulk plan fixes.csv --out fixes.plan\n" +
			"  ssh gw loyalty bulk plan - < fixes.csv > fixes.plan",
		Args: exactArgs(1, "FILE.csv"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.bulkPlan(cmd, args[0], out, concurrency)
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "write the plan to FILE instead of stdout")
	cmd.Flags().IntVar(&concurrency, "concurrency", 4, fmt.Sprintf("customers looked up at once, 1 to %d", bulk.MaxConcurrency))
	return cmd
}

func newBulkApplyCmd(a *App) *cobra.Command {
	var out string
	var concurrency int
	cmd := &cobra.Command{
		Use:   "apply PLAN|-",
		Short: "Apply a plan made by `loyalty bulk plan`; safe to run again",
		Long: "apply sends every ok row of the plan (- for stdin) with its idempotency\n" +
			"key, --concurrency customers at a time (the rows of one customer in file\n" +
			"order), and writes a result CSV to --out FILE or stdout: one row per row\n" +
			"of the plan, with its status (applied, replayed, refused, failed, pending),\n" +
			"the planned and the new balance, and the error. On a terminal a progress\n" +
			"bar goes to stderr; the summary line always does.\n\n" +
			"Run it again after a crash, a ctrl-c or a failure: rows applied before are\n" +
			"replayed by the store (never applied twice) and the rest are applied. A\n" +
			"balance someone else changed since the plan is still corrected by the\n" +
			"row's points; the result marks it (balance_differs). The plan must be\n" +
			"applied by the agent and on the store it was made for, within 23 hours\n" +
			"(the store keeps idempotency keys for 24).\n\n" +
			"Exit status 0 when every ok row of the plan is applied or replayed, 1 when\n" +
			"any failed, was refused by the store, or was not sent.",
		Example: "  frontdesk loyalty bulk apply fixes.plan --out fixes-result.csv\n" +
			"  ssh gw loyalty bulk apply - < fixes.plan > fixes-result.csv",
		Args: exactArgs(1, "PLAN"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.bulkApply(cmd, args[0], out, concurrency)
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "write the result CSV to FILE instead of stdout")
	cmd.Flags().IntVar(&concurrency, "concurrency", 4, fmt.Sprintf("customers adjusted at once, 1 to %d", bulk.MaxConcurrency))
	return cmd
}

// bulkRemoteGate refuses --out over ssh: the file would land on the
// gateway's machine; the plan or result comes down stdout instead.
func bulkRemoteGate(_ *Remote, cmd *cobra.Command) error {
	if out, _ := cmd.Flags().GetString("out"); out != "" {
		return Usagef("--out is not available over ssh: the output comes down this session's stdout (ssh … > FILE)")
	}
	return nil
}

// openInput opens name, or stdin for "-". Over ssh only stdin exists: a
// path would name a file on the gateway.
func (a *App) openInput(cmd *cobra.Command, name, what string) (io.ReadCloser, error) {
	if name == "-" {
		return io.NopCloser(cmd.InOrStdin()), nil
	}
	if a.Env.Remote != nil {
		return nil, Usagef("over ssh the %s comes on stdin: ssh … loyalty bulk %s - < %s", what, cmd.Name(), filepath.Base(name))
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, Usagef("cannot open the %s: %v", what, err)
	}
	return f, nil
}

// bulkClient is the platform for bulk commands after the checks every
// one needs: the platform can adjust points, the profile is writable, and
// the agent's role may adjust. Over ssh the gateway's agents file gates
// every call as well.
func (a *App) bulkClient(ctx context.Context) (client.Platform, Credentials, api.Me, func(int64) error, error) {
	cl, creds, err := a.newClientWithCredentials(ctx)
	if err != nil {
		return nil, creds, api.Me{}, nil, err
	}
	var agent *sshd.Agent
	if a.Env.Remote != nil {
		agent = a.Env.Remote.Agent
		cl = sshd.NewClient(cl, agent)
	}
	if err := cl.Capabilities().Check(client.CapLoyaltyAdjust); err != nil {
		return nil, creds, api.Me{}, nil, printable(err)
	}
	if creds.ReadOnly {
		return nil, creds, api.Me{}, nil, exitWithError{ExitPermission, fmt.Errorf("profile %q is read-only: it cannot adjust loyalty points; use another profile", creds.Profile)}
	}
	me, err := cl.Me(ctx)
	if err != nil {
		return nil, creds, api.Me{}, nil, printable(err)
	}
	actor := policy.FromMe(me)
	if err := policy.Check(actor, policy.AdjustLoyalty); err != nil {
		return nil, creds, api.Me{}, nil, exitWithError{ExitPermission, err}
	}
	check := func(points int64) error {
		if err := policy.CheckLoyalty(actor, points); err != nil {
			return err
		}
		if agent != nil {
			return agent.CheckAdjust(points)
		}
		return nil
	}
	return cl, creds, me, check, nil
}

func checkConcurrency(n int) error {
	if n < 1 || n > bulk.MaxConcurrency {
		return Usagef("--concurrency %d: use 1 to %d", n, bulk.MaxConcurrency)
	}
	return nil
}

func (a *App) bulkPlan(cmd *cobra.Command, name, out string, concurrency int) error {
	ctx := cmd.Context()
	if err := checkConcurrency(concurrency); err != nil {
		return err
	}
	in, err := a.openInput(cmd, name, "CSV")
	if err != nil {
		return err
	}
	inputs, err := bulk.ParseCSV(in)
	in.Close()
	var ce *bulk.CSVError
	if errors.As(err, &ce) {
		return Usagef("%s: %v; nothing was planned", displayName(name), printable(err))
	}
	if err != nil {
		return err
	}
	cl, creds, me, check, err := a.bulkClient(ctx)
	if err != nil {
		return err
	}
	plan, err := bulk.MakePlan(ctx, cl, me, inputs, bulk.PlanOptions{
		Profile: creds.Profile, Store: creds.URL, Source: displayName(name), Check: check, Concurrency: concurrency,
	})
	if err != nil {
		return printable(err)
	}
	summary := a.Env.Stderr
	if out != "" {
		if err := writeFileAtomic(out, func(w io.Writer) error { return bulk.WritePlan(w, plan) }); err != nil {
			return fmt.Errorf("write the plan: %w", err)
		}
		summary = a.Env.Stdout
	} else if err := bulk.WritePlan(a.Env.Stdout, plan); err != nil {
		return fmt.Errorf("write the plan: %w", err)
	}
	a.printPlanSummary(summary, plan, out)
	return nil
}

func displayName(name string) string {
	if name == "-" {
		return "stdin"
	}
	return name
}

// printPlanSummary prints what the plan would do and every refused row.
func (a *App) printPlanSummary(w io.Writer, p *bulk.Plan, dest string) {
	ok, refused := p.Counts()
	var add, remove int64
	for _, r := range p.Rows {
		if r.Status == bulk.StatusOK {
			if r.Points > 0 {
				add += r.Points
			} else {
				remove -= r.Points
			}
		}
	}
	where := ""
	if dest != "" {
		where = " in " + dest
	}
	fmt.Fprintf(w, "Plan %s%s: %d rows, %d ok, %d refused; +%s and -%s points as %s.\n",
		p.ID, where, len(p.Rows), ok, refused, money.Int(add), money.Int(remove), cell(p.AgentID, 40))
	if refused > 0 {
		cols := []column{{header: "LINE", right: true}, {header: "CUSTOMER"}, {header: "POINTS", right: true}, {header: "WHY"}}
		var rows [][]string
		for _, r := range p.Rows {
			if r.Status != bulk.StatusOK {
				rows = append(rows, []string{fmt.Sprint(r.Line), cell(r.Customer, widthEmail), signed(r.Points), cell(r.Refusal, widthLong)})
			}
		}
		(&out{w: w}).table(cols, rows)
	}
	if ok > 0 {
		next := "frontdesk loyalty bulk apply PLAN"
		if dest != "" {
			next = "frontdesk loyalty bulk apply " + dest
		}
		fmt.Fprintf(w, "Nothing was changed. To apply the %d ok rows: %s\n", ok, next)
	}
}

func (a *App) bulkApply(cmd *cobra.Command, name, out string, concurrency int) error {
	ctx := cmd.Context()
	if err := checkConcurrency(concurrency); err != nil {
		return err
	}
	in, err := a.openInput(cmd, name, "plan")
	if err != nil {
		return err
	}
	plan, err := bulk.ReadPlan(in)
	in.Close()
	if err != nil {
		return UsageError{Err: fmt.Errorf("%s: %w", displayName(name), printable(err))}
	}
	cl, creds, me, _, err := a.bulkClient(ctx)
	if err != nil {
		return err
	}
	if plan.AgentID != me.AgentID {
		return exitWithError{ExitPermission, fmt.Errorf("the plan was made by agent %s and you are %s: its idempotency keys are the maker's, so it must be applied by the same agent (or plan again as yourself)",
			cell(plan.AgentID, 40), cell(me.AgentID, 40))}
	}
	if plan.Store != "" && creds.URL != "" && strings.TrimRight(plan.Store, "/") != strings.TrimRight(creds.URL, "/") {
		return UsageError{Err: fmt.Errorf("the plan was made for the store at %s, not %s: use that profile, or plan again on this one", cell(plan.Store, 80), cell(creds.URL, 80))}
	}
	if age := time.Since(plan.CreatedAt); age > bulk.KeyLifetime {
		return UsageError{Err: fmt.Errorf("the plan was made %s ago; after %s the store may have forgotten its idempotency keys, so a row applied before could apply twice. Plan again (check the ledgers of what was applied) and apply the new plan",
			age.Round(time.Minute), bulk.KeyLifetime)}
	}
	if a.Env.Remote == nil {
		// ctrl-c stops sending; the rows in flight finish and the result
		// says what is left. A second ctrl-c quits at once (the store
		// finishes what it started; a re-run replays it).
		sigs := make(chan os.Signal, 1)
		signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		finished := make(chan struct{})
		defer func() {
			close(finished)
			signal.Stop(sigs)
			cancel()
		}()
		go func() {
			select {
			case <-sigs:
				signal.Stop(sigs)
				fmt.Fprintln(a.Env.Stderr, "\nstopping: the rows being sent finish, the rest are not sent (ctrl-c again quits at once)")
				cancel()
			case <-finished:
			}
		}()
	}
	prog := a.bulkProgress(len(plan.Rows))
	results := bulk.Apply(ctx, cl, plan, bulk.ApplyOptions{Concurrency: concurrency, Progress: prog.update})
	prog.end()
	write := func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		if err := bulk.WriteResults(bw, results); err != nil {
			return err
		}
		return bw.Flush()
	}
	if out != "" {
		err = writeFileAtomic(out, write)
	} else {
		err = write(a.Env.Stdout)
	}
	if err != nil {
		return fmt.Errorf("write the result: %w", err)
	}
	s := bulk.Summarize(results)
	fmt.Fprintf(a.Env.Stderr, "plan %s: %s in %s (%.0f rows/s)\n", plan.ID, s, prog.elapsed().Round(10*time.Millisecond), prog.rate())
	if s.Complete() {
		return nil
	}
	again := "frontdesk loyalty bulk apply " + name
	if name == "-" {
		again = "loyalty bulk apply - < PLAN"
	}
	why := fmt.Sprintf("%d rows failed, %d were refused by the store, %d were not sent", s.Failed, s.Refused-s.PlanRefused, s.Pending)
	if ctx.Err() != nil {
		why = "stopped; " + why
	}
	return exitWithError{ExitError, fmt.Errorf("%s. Fix what the result's error column says, then run `%s` again: rows already applied are replayed, never applied twice", why, again)}
}

// bulkProgressBar is apply's progress bar on a terminal's stderr (silent
// elsewhere).
type bulkProgressBar struct {
	w     io.Writer
	total int
	start time.Time
	last  time.Time
	done  int
}

func (a *App) bulkProgress(total int) *bulkProgressBar {
	p := &bulkProgressBar{total: total, start: time.Now()}
	if f, ok := a.Env.Stderr.(*os.File); ok && term.IsTerminal(f.Fd()) {
		p.w = f
	}
	return p
}

func (p *bulkProgressBar) update(done, total int) {
	p.done = done
	if p.w == nil || (time.Since(p.last) < 100*time.Millisecond && done < total) {
		return
	}
	p.last = time.Now()
	fmt.Fprintf(p.w, "\r\x1b[K%s", progressLine(done, total, p.rate(), 30))
}

func (p *bulkProgressBar) elapsed() time.Duration { return time.Since(p.start) }

func (p *bulkProgressBar) rate() float64 {
	s := time.Since(p.start).Seconds()
	if s <= 0 {
		return 0
	}
	return float64(p.done) / s
}

func (p *bulkProgressBar) end() {
	if p.w != nil {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

// progressLine is "[#######-------] 450/1000 45% · 120 rows/s" with a bar
// of width cells.
func progressLine(done, total int, perSecond float64, width int) string {
	pct := 0
	if total > 0 {
		pct = done * 100 / total
	}
	fill := width * pct / 100
	return fmt.Sprintf("[%s%s] %d/%d %d%% · %.0f rows/s", strings.Repeat("#", fill), strings.Repeat("-", width-fill), done, total, pct, perSecond)
}

// writeFileAtomic writes path through a temporary file beside it, renamed
// into place once complete: a failed write leaves no half file.
func writeFileAtomic(path string, write func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.part")
	if err != nil {
		return err
	}
	defer func() {
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(tmp.Name(), path)
		}
		if err != nil {
			os.Remove(tmp.Name())
		}
	}()
	return write(tmp)
}
