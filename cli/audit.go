package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/desk"
	"frontdesk/store"
	"frontdesk/store/audit"
	"frontdesk/store/sqlite"
)

// newAuditCmd is `frontdesk audit list|verify`.
func newAuditCmd(a *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Read and verify the audit trail (who changed what, as whom)",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newAuditListCmd(a), newAuditVerifyCmd(a))
	return cmd
}

type auditListOptions struct {
	customer, agent, action, session string
	page, limit                      int
	asJSON                           bool
}

func newAuditListCmd(a *App) *cobra.Command {
	var o auditListOptions
	cmd := &cobra.Command{
		Use:   "list [--customer ID] [--agent ID] [--action A] [--page N] [--json]",
		Short: "List audit rows, newest first",
		Long: "list shows the audit trail: when, which agent, through what (api or ssh),\n" +
			"as whom (the on-behalf session when the agent acted as the customer), what\n" +
			"action on which customer, and the changed fields before → after.\n\n" +
			"Supervisors may read every row. Agents and viewers must name a customer\n" +
			"(--customer) or themselves (--agent with their own agent id).",
		Example: "  frontdesk audit list --customer 42\n  frontdesk audit list --agent amani --action customer.update --json",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.auditList(cmd.Context(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.customer, "customer", "", "only rows on this customer")
	f.StringVar(&o.agent, "agent", "", "only rows by this agent id")
	f.StringVar(&o.action, "action", "", "only rows of this action: "+strings.Join(api.AuditActions, ", "))
	f.StringVar(&o.session, "session", "", "only rows made through this on-behalf session")
	f.IntVar(&o.page, "page", 1, "page number, from 1")
	f.IntVar(&o.limit, "limit", api.DefaultPageLimit, fmt.Sprintf("rows per page, 1 to %d", api.MaxPageLimit))
	f.BoolVar(&o.asJSON, "json", false, "print the API's data object as JSON (stable)")
	return cmd
}

func (a *App) auditList(ctx context.Context, o auditListOptions) error {
	if err := checkPaging(o.page, o.limit); err != nil {
		return err
	}
	if o.action != "" && !slices.Contains(api.AuditActions, o.action) {
		return Usagef("--action must be one of %s", strings.Join(api.AuditActions, ", "))
	}
	p := client.AuditParams{AgentID: o.agent, Action: o.action, SessionID: o.session, Cursor: pageCursor(o.page), Limit: o.limit}
	if o.customer != "" {
		id, err := argID(o.customer, "--customer")
		if err != nil {
			return err
		}
		p.CustomerID = id
	}
	cl, err := a.NewClient(ctx)
	if err != nil {
		return err
	}
	page, err := cl.ListAudit(ctx, p)
	if err != nil {
		return printable(err)
	}
	if o.asJSON {
		return writeJSON(a.Env.Stdout, auditPageJSON(page))
	}
	out := a.out()
	if len(page.Items) == 0 {
		out.println("No audit rows.")
		return nil
	}
	cols := []column{
		{header: "#", right: true}, {header: "TIME"}, {header: "AGENT"}, {header: "VIA"},
		{header: "AS"}, {header: "ACTION"}, {header: "CUSTOMER"}, {header: "CHANGES"},
	}
	rows := make([][]string, 0, len(page.Items))
	for _, e := range page.Items {
		as := "—"
		if e.OnBehalf() {
			as = "customer (" + cell(e.SessionID, 32) + ")"
		}
		rows = append(rows, []string{
			fmt.Sprint(e.Seq), datetime(e.At), cell(orDash(e.AgentName), widthName), cell(e.Via, 4),
			as, cell(e.Action, 24), cell(e.CustomerID.String(), 20), cell(changesLine(e), 80),
		})
	}
	out.table(cols, rows)
	out.println(out.faint(pageLine(page.Number, page.Limit, page.Total, false, "rows")))
	return nil
}

// changesLine is "field: before → after; …", the changed fields of one
// row on one line.
func changesLine(e api.AuditEntry) string {
	var parts []string
	for _, c := range e.Changes() {
		switch {
		case c.Before == "":
			parts = append(parts, c.Field+": "+c.After)
		case c.After == "":
			parts = append(parts, c.Field+": "+c.Before+" → (none)")
		default:
			parts = append(parts, c.Field+": "+c.Before+" → "+c.After)
		}
	}
	if len(parts) == 0 {
		return "—"
	}
	return strings.Join(parts, "; ")
}

func newAuditVerifyCmd(a *App) *cobra.Command {
	var dbPath string
	var expect []string
	cmd := &cobra.Command{
		Use:   "verify --db PATH|postgres://…",
		Short: "Recompute the audit hash chain of a desk server's database",
		Long: "verify reads the store of record --db (a SQLite file, opened read-only, or\n" +
			"the postgres:// URL of `frontdesk server`; either may be in use by running\n" +
			"servers) and recomputes the audit trail's hash chain from the first\n" +
			"row. Every row's hash covers its contents and the previous row's hash, so a\n" +
			"row changed, removed or inserted after the fact breaks the chain. A row's\n" +
			"before/after values (its payload) are hashed as a salted digest, checked\n" +
			"against the payload while it is there; an erasure (customers erase)\n" +
			"destroys payload and salt and the chain still verifies (docs/audit.md). It prints\n" +
			"\"audit chain intact: N rows\", the head hash, and a checkpoint `N:HASH`, or\n" +
			"names the first bad row and exits 1.\n\n" +
			"A chain can be rewritten whole (every hash recomputed by someone with\n" +
			"write access) or cut short, and still be consistent. Keep each\n" +
			"checkpoint outside the database (a ticket, a log shipped elsewhere) and\n" +
			"give it back with --expect-head N:HASH: verify then also checks that row\n" +
			"N is still there with that hash, and says the chain was rewritten or\n" +
			"truncated if not.",
		Example: "  frontdesk audit verify --db ./sandbox.db\n" +
			"  frontdesk audit verify --db postgres://frontdesk@db.internal/frontdesk\n" +
			"  frontdesk audit verify --db ./sandbox.db --expect-head 1042:9f2c…",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dbPath == "" {
				return Usagef("--db is required: the SQLite file or postgres:// URL of the store of record")
			}
			checks, err := parseCheckpoints(expect)
			if err != nil {
				return err
			}
			return a.auditVerify(cmd.Context(), dbPath, checks)
		},
	}
	cmd.Flags().StringVar(&dbPath, "db", "", "the store of record: a SQLite file or a postgres:// URL")
	cmd.Flags().StringArrayVar(&expect, "expect-head", nil, "a checkpoint N:HASH an earlier verify printed: row N must still have that hash (repeatable)")
	return cmd
}

// checkpoint is a row of the chain as an earlier verify saw it.
type checkpoint struct {
	seq  int64
	hash string
}

// parseCheckpoints reads --expect-head values, N:HASH.
func parseCheckpoints(vals []string) ([]checkpoint, error) {
	var out []checkpoint
	for _, v := range vals {
		n, h, ok := strings.Cut(strings.TrimSpace(v), ":")
		seq, err := strconv.ParseInt(n, 10, 64)
		if !ok || err != nil || seq < 1 || len(h) != 64 || strings.Trim(h, "0123456789abcdef") != "" {
			return nil, Usagef("--expect-head %q: write the checkpoint verify printed, N:HASH (a row number, a colon, 64 hex digits)", v)
		}
		out = append(out, checkpoint{seq: seq, hash: h})
	}
	return out, nil
}

func (a *App) auditVerify(ctx context.Context, path string, checks []checkpoint) error {
	if desk.IsPostgres(path) {
		// Read-only and as it is, in one snapshot of the chain; the
		// servers may go on appending.
		st, err := desk.OpenReadOnly(ctx, path)
		if err != nil {
			return err
		}
		defer st.Close()
		return a.printVerified(ctx, st, "the database", checks)
	}
	if st, err := os.Stat(path); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return exitWithError{ExitNotFound, fmt.Errorf("no database at %s: pass the sandbox's --db file", path)}
		}
		return fmt.Errorf("audit verify: %w", err)
	} else if st.IsDir() {
		return Usagef("%s is a directory: pass the sandbox's database file", path)
	}
	// Read-only, so verifying never changes what it verifies, and a
	// running sandbox may keep writing meanwhile.
	st, err := sqlite.OpenReadOnly(ctx, path)
	if err != nil {
		return err
	}
	defer st.Close()
	return a.printVerified(ctx, st, path, checks)
}

// printVerified verifies st's audit chain and prints the result.
func (a *App) printVerified(ctx context.Context, st store.Store, what string, checks []checkpoint) error {
	res, err := st.VerifyAudit(ctx)
	var ce *audit.ChainError
	switch {
	case errors.As(err, &ce):
		return fmt.Errorf("audit chain broken: %w", err)
	case err != nil:
		return fmt.Errorf("audit verify %s: %w", what, err)
	}
	for _, c := range checks {
		if err := checkCheckpoint(ctx, st, res.Rows, c); err != nil {
			return err
		}
	}
	a.out().printf("audit chain intact: %d rows\nhead %s\n", res.Rows, res.Head)
	if res.Erased > 0 {
		a.out().printf("%d rows' payloads erased with their customers (their digests still chain; docs/audit.md)\n", res.Erased)
	}
	if res.Rows > 0 {
		a.out().printf("checkpoint %d:%s (keep it outside the database; check it later with --expect-head)\n", res.Rows, res.Head)
	}
	if len(checks) > 0 {
		a.out().printf("%d checkpoint(s) still in the chain\n", len(checks))
	}
	return nil
}

// checkCheckpoint says the chain of rows rows was rewritten or cut short
// when row c.seq is not there with hash c.hash.
func checkCheckpoint(ctx context.Context, st store.Store, rows int64, c checkpoint) error {
	if c.seq > rows {
		return exitWithError{ExitError, fmt.Errorf("audit chain truncated: checkpoint %d:%.12s… names row %d, and the chain has %d rows: rows were removed from its end", c.seq, c.hash, c.seq, rows)}
	}
	var got []audit.Row
	err := st.Read(ctx, func(tx store.Tx) error {
		var err error
		got, err = tx.AuditRows(ctx, store.AuditFilter{}, 1, int(rows-c.seq)) // newest first
		return err
	})
	if err != nil {
		return fmt.Errorf("audit verify: read row %d: %w", c.seq, err)
	}
	if len(got) != 1 || got[0].Seq != c.seq {
		return exitWithError{ExitError, fmt.Errorf("audit chain rewritten: row %d is not where the checkpoint saw it", c.seq)}
	}
	if got[0].Hash != c.hash {
		return exitWithError{ExitError, fmt.Errorf("audit chain rewritten: row %d's hash is %.12s…, the checkpoint saw %.12s…: the chain was recomputed from row %d or before", c.seq, got[0].Hash, c.hash, c.seq)}
	}
	return nil
}
