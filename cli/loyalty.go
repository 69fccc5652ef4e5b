package cli

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/money"
	"frontdesk/tui/sanitize"
)

func newLoyaltyCmd(a *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "loyalty",
		Short: "Show and adjust a customer's loyalty points",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newLoyaltyShowCmd(a), newLoyaltyAdjustCmd(a), newLoyaltyBulkCmd(a))
	return cmd
}

func newLoyaltyShowCmd(a *App) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "show CUSTOMER_ID",
		Short:   "Show the points balance and the recent ledger",
		Example: "  frontdesk loyalty show 42\n  frontdesk loyalty show 42 --json",
		Args:    exactArgs(1, "CUSTOMER_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := argID(args[0], "CUSTOMER_ID")
			if err != nil {
				return err
			}
			cl, err := a.NewClient(cmd.Context())
			if err != nil {
				return err
			}
			l, err := cl.GetLoyalty(cmd.Context(), id)
			if err != nil {
				return printable(err)
			}
			if asJSON {
				return writeJSON(a.Env.Stdout, l)
			}
			a.printLoyalty(id, l)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the API's data object as JSON (stable)")
	return cmd
}

func (a *App) printLoyalty(id api.ID, l api.Loyalty) {
	o := a.out()
	o.printf("Customer %s · balance %s · lifetime earned %s\n\n",
		cell(id.String(), 40), o.bold(money.Int(l.PointsBalance)+" points"), money.Int(l.LifetimeEarned))
	if len(l.Ledger) == 0 {
		o.println("No ledger entries yet.")
		return
	}
	cols := []column{
		{header: "DATE"}, {header: "TYPE"}, {header: "POINTS", right: true, color: pointsColor},
		{header: "BALANCE", right: true}, {header: "REASON"}, {header: "NOTE"}, {header: "AGENT"},
	}
	rows := make([][]string, 0, len(l.Ledger))
	for _, e := range l.Ledger {
		rows = append(rows, []string{
			datetime(e.CreatedAt), cell(e.Type, 10), signed(e.Points), money.Int(e.BalanceAfter),
			cell(orDash(e.Reason), 16), cell(orDash(e.Note), widthText), cell(orDash(agentLabel(e)), 24),
		})
	}
	o.table(cols, rows)
	o.println(o.faint(fmt.Sprintf("%d most recent entries", len(l.Ledger))))
}

func agentLabel(e api.LedgerEntry) string {
	if e.AgentName != "" {
		return e.AgentName
	}
	return e.AgentID
}

// signed prints points with their sign: +50, -20.
func signed(n int64) string {
	if n > 0 {
		return "+" + money.Int(n)
	}
	return money.Int(n)
}

type adjustOptions struct {
	points int64
	reason string
	note   string
	key    string
	asJSON bool
}

func newLoyaltyAdjustCmd(a *App) *cobra.Command {
	var o adjustOptions
	cmd := &cobra.Command{
		Use:   "adjust CUSTOMER_ID --points ±N --reason R --note TEXT",
		Short: "Add or remove loyalty points, with a reason and a note",
		Long: "adjust adds (or with negative --points removes) loyalty points. Every\n" +
			"adjustment needs a reason (" + strings.Join(api.AdjustmentReasons, ", ") + ") and a note of\n" +
			fmt.Sprintf("%d to %d characters. The balance never goes below zero.\n\n", api.MinNoteLen, api.MaxAdjustNoteLen) +
			"Each run sends one idempotency key (a new one unless --idempotency-key is\n" +
			"given) and prints it. If a run fails without an answer from the store,\n" +
			"run it again with the same --idempotency-key: the points are applied at\n" +
			"most once, and a repeat says it was replayed.",
		Example: "  frontdesk loyalty adjust 42 --points 50 --reason goodwill --note \"late delivery\"\n" +
			"  frontdesk loyalty adjust 42 --points -20 --reason correction --note \"double earn on ORD-1001\"",
		Args: exactArgs(1, "CUSTOMER_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.loyaltyAdjust(cmd, args[0], o)
		},
	}
	f := cmd.Flags()
	f.Int64Var(&o.points, "points", 0, "points to add; negative to remove (e.g. --points -50)")
	f.StringVar(&o.reason, "reason", "", "why: "+strings.Join(api.AdjustmentReasons, ", "))
	f.StringVar(&o.note, "note", "", fmt.Sprintf("what happened, %d to %d characters", api.MinNoteLen, api.MaxAdjustNoteLen))
	f.StringVar(&o.key, "idempotency-key", "", "reuse the key of an earlier run that got no answer (default: a new key)")
	f.BoolVar(&o.asJSON, "json", false, "print the API's data object as JSON (stable)")
	return cmd
}

func (a *App) loyaltyAdjust(cmd *cobra.Command, rawID string, o adjustOptions) error {
	ctx := cmd.Context()
	id, err := argID(rawID, "CUSTOMER_ID")
	if err != nil {
		return err
	}
	req := api.AdjustmentRequest{Points: o.points, Reason: o.reason, Note: o.note}
	// Everything the store would refuse for its shape is refused here,
	// before any request, with the same words.
	problems := api.ValidateAdjustment(req)
	for _, name := range []string{"points", "reason", "note"} {
		if !cmd.Flags().Changed(name) {
			problems[name] = "--" + name + " is required"
		}
	}
	if err := checkIdempotencyKey(o.key); err != nil {
		problems["idempotency-key"] = err.Error()
	}
	if len(problems) > 0 {
		return UsageError{Err: fmt.Errorf("cannot adjust: %s", flagProblems(problems))}
	}

	cl, creds, err := a.newClientWithCredentials(ctx)
	if err != nil {
		return err
	}
	if creds.ReadOnly {
		return exitWithError{ExitPermission, fmt.Errorf("profile %q is read-only: it cannot adjust loyalty points; use another profile", creds.Profile)}
	}
	key := o.key
	if key == "" {
		key = client.NewIdempotencyKey()
	}
	res, replayed, err := cl.AdjustLoyalty(ctx, id, req, key)
	if err != nil {
		if client.IsTransport(err) || ctx.Err() != nil || client.IsCode(err, api.CodeIdempotencyInFlight) {
			// Nobody knows whether the store applied it: say how to
			// finish it without applying it twice.
			err = fmt.Errorf("%w\nThe adjustment may or may not have been applied. To finish it safely, run the same command again with --idempotency-key %s", err, key)
		}
		return printable(err)
	}
	if o.asJSON {
		if replayed {
			fmt.Fprintf(a.Env.Stderr, "replayed: idempotency key %s was already applied; this is the stored answer and nothing changed now\n", key)
		}
		return writeJSON(a.Env.Stdout, res)
	}
	out := a.out()
	if replayed {
		out.printf("%s: idempotency key %s was already applied; nothing changed now. The stored answer:\n",
			out.bold("Replayed"), key)
	} else {
		out.printf("Adjusted customer %s by %s points (%s).\n", cell(id.String(), 40), signed(res.Entry.Points), cell(res.Entry.Reason, 20))
	}
	out.field("Balance", out.bold(money.Int(res.PointsBalance)+" points"))
	e := res.Entry
	out.field("Entry", fmt.Sprintf("#%s · %s · %s", cell(e.ID.String(), 30), signed(e.Points), datetime(e.CreatedAt)))
	if l := agentLabel(e); l != "" {
		out.field("By", cell(l, widthName))
	}
	out.field("Note", cell(e.Note, widthLong))
	out.field("Key", key)
	return nil
}

// checkIdempotencyKey accepts what the contract does: 1 to 255 visible
// ASCII characters (it travels in a header).
func checkIdempotencyKey(k string) error {
	if k == "" {
		return nil
	}
	if len(k) > 255 {
		return errors.New("--idempotency-key is longer than 255 characters")
	}
	for i := 0; i < len(k); i++ {
		if k[i] <= ' ' || k[i] > '~' {
			return fmt.Errorf("--idempotency-key %q must be visible ASCII without spaces", sanitize.Line(k))
		}
	}
	return nil
}

// flagProblems lists field problems by flag name, in a stable order.
func flagProblems(p api.FieldErrors) string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		msg := p[k]
		if !strings.HasPrefix(msg, "--") {
			msg = "--" + k + ": " + msg
		}
		parts[i] = msg
	}
	return strings.Join(parts, "; ")
}
