package cli

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/money"
)

type mergeOptions struct {
	yes, dryRun, asJSON bool
	key                 string
}

func newCustomersMergeCmd(a *App) *cobra.Command {
	var o mergeOptions
	cmd := &cobra.Command{
		Use:   "merge KEEP_ID DROP_ID",
		Short: "Merge a duplicate customer (DROP_ID) into another (KEEP_ID)",
		Long: "merge moves DROP_ID's orders, notes and addresses to KEEP_ID, adds its\n" +
			"points balance to KEEP_ID's (one ledger entry on each side, so both\n" +
			"ledgers still sum to their balances) and its order totals, and retires\n" +
			"DROP_ID: it is disabled and opens as \"merged into KEEP_ID\". Supervisors\n" +
			"only; the desk server only (other platforms cannot merge: exit 6).\n\n" +
			"It shows what would move and asks before merging when run in a terminal;\n" +
			"--yes merges without asking (needed without a terminal, e.g. over ssh),\n" +
			"--dry-run only shows. Each run sends one idempotency key (a new one unless\n" +
			"--idempotency-key is given): if a run gets no answer, run it again with the\n" +
			"same key and the merge happens at most once.",
		Example: "  frontdesk customers merge 42 97\n" +
			"  frontdesk customers merge 42 97 --yes --json",
		Args: exactArgs(2, "KEEP_ID DROP_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.customersMerge(cmd, args[0], args[1], o)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.yes, "yes", "y", false, "merge without asking")
	f.BoolVar(&o.dryRun, "dry-run", false, "only show what would move; change nothing")
	f.StringVar(&o.key, "idempotency-key", "", "reuse the key of an earlier run that got no answer (default: a new key)")
	f.BoolVar(&o.asJSON, "json", false, "print the API's data object as JSON (stable): the preview with --dry-run, else the merge's result")
	return cmd
}

func (a *App) customersMerge(cmd *cobra.Command, rawKeep, rawDrop string, o mergeOptions) error {
	ctx := cmd.Context()
	keep, err := argID(rawKeep, "KEEP_ID")
	if err != nil {
		return err
	}
	drop, err := argID(rawDrop, "DROP_ID")
	if err != nil {
		return err
	}
	if keep == drop {
		return Usagef("KEEP_ID and DROP_ID are both %s: name the duplicate to merge into it", keep)
	}
	if err := checkIdempotencyKey(o.key); err != nil {
		return UsageError{Err: err}
	}
	if o.yes && o.dryRun {
		return Usagef("--yes and --dry-run contradict each other: pick one")
	}
	_, terminal := a.stdinTerminal()
	if !o.yes && !o.dryRun && (o.asJSON || !terminal) {
		return Usagef("nobody to ask before merging (no terminal, or --json): pass --yes to merge, or --dry-run to see what would move")
	}

	cl, creds, err := a.newClientWithCredentials(ctx)
	if err != nil {
		return err
	}
	if creds.ReadOnly && !o.dryRun {
		return exitWithError{ExitPermission, fmt.Errorf("profile %q is read-only: it cannot merge customers; use another profile", creds.Profile)}
	}
	if err := cl.Capabilities().Check(client.CapMerge); err != nil {
		return printable(err)
	}
	p, err := cl.PreviewMerge(ctx, keep, drop)
	switch {
	case err == nil:
		if o.dryRun && o.asJSON {
			return writeJSON(a.Env.Stdout, p)
		}
		if !o.asJSON {
			a.printMergePreview(p)
		}
	case o.yes && o.key != "" && client.IsCode(err, api.CodeAlreadyMerged):
		// A retry of a merge whose answer was lost: the merge itself
		// answers, replaying the key's stored result (or refusing).
	default:
		return printable(err)
	}
	if o.dryRun {
		return nil
	}
	if !o.yes {
		fmt.Fprintf(a.Env.Stderr, "Merge customer %s into %s? This cannot be undone. [y/N] ", cell(drop.String(), 40), cell(keep.String(), 40))
		line, _ := bufio.NewReader(a.Env.Stdin).ReadString('\n')
		if ans := strings.ToLower(strings.TrimSpace(line)); ans != "y" && ans != "yes" {
			a.out().println("Not merged.")
			return nil
		}
	}

	key := o.key
	if key == "" {
		key = client.NewIdempotencyKey()
	}
	res, replayed, err := cl.MergeCustomers(ctx, keep, drop, key)
	if err != nil {
		if client.IsTransport(err) || ctx.Err() != nil || client.IsCode(err, api.CodeIdempotencyInFlight) {
			err = fmt.Errorf("%w\nThe merge may or may not have been applied. To finish it safely, run the same command again with --yes --idempotency-key %s", err, key)
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
		out.printf("%s: idempotency key %s was already applied; nothing changed now. The stored answer:\n", out.bold("Replayed"), key)
	} else {
		out.printf("Merged customer %s into %s.\n", cell(res.DropID.String(), 40), cell(res.KeepID.String(), 40))
	}
	out.field("Moved", fmt.Sprintf("%d orders · %d notes · %d addresses · %s points",
		res.Moved.Orders, res.Moved.Notes, res.Moved.Addresses, money.Int(res.Moved.Points)))
	out.field("Balance", out.bold(money.Int(res.PointsBalance)+" points"))
	out.field("Orders", fmt.Sprintf("%d · spent %s", res.TotalOrders, money.Int(res.TotalSpent)))
	out.field("Key", key)
	return nil
}

func (a *App) printMergePreview(p api.MergePreview) {
	o := a.out()
	o.printf("Merge %s %s into %s %s\n\n",
		o.bold(cell(orDash(p.Drop.Name()), widthName)), o.faint("#"+cell(p.Drop.ID.String(), 40)),
		o.bold(cell(orDash(p.Keep.Name()), widthName)), o.faint("#"+cell(p.Keep.ID.String(), 40)))
	cur := p.Keep.Currency
	o.field("Orders", fmt.Sprintf("%d move", p.OrderCount))
	for _, ord := range p.Orders {
		o.field("", fmt.Sprintf("%s · %s · %s · %s", cell(ord.Number, 24), datetime(ord.CreatedAt), cell(ord.Status, 16), money.Format(ord.Total, ord.Currency)))
	}
	if more := p.OrderCount - len(p.Orders); more > 0 {
		o.field("", o.faint(fmt.Sprintf("and %d more", more)))
	}
	o.field("Notes", fmt.Sprintf("%d move", p.NoteCount))
	for _, n := range p.Notes {
		o.field("", fmt.Sprintf("%s · %s", datetime(n.CreatedAt), cell(n.Body, widthText)))
	}
	o.field("Addresses", fmt.Sprintf("%d move (a default where %s has one of its type is no longer a default)", len(p.Addresses), cell(p.Keep.ID.String(), 40)))
	for _, ad := range p.Addresses {
		o.field("", fmt.Sprintf("%s · %s, %s", cell(ad.Type, 10), cell(ad.Address1, widthText), cell(ad.City, widthName)))
	}
	o.field("Ledger", fmt.Sprintf("%d entries stay with %s; its balance moves", p.LedgerCount, cell(p.Drop.ID.String(), 40)))
	o.field("Points", fmt.Sprintf("%s + %s = %s", money.Int(p.KeepBalance), money.Int(p.DropBalance), o.bold(money.Int(p.PointsBalance)+" points")))
	o.field("Totals", fmt.Sprintf("%d orders · spent %s", p.TotalOrders, money.Format(p.TotalSpent, cur)))
	o.println("")
}
