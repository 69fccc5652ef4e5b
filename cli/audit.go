package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
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
	cmd := &cobra.Command{
		Use:   "verify --db PATH|postgres://…",
		Short: "Recompute the audit hash chain of a desk server's database",
		Long: "verify reads the store of record --db (a SQLite file, opened read-only, or\n" +
			"the postgres:// URL of `frontdesk server`; either may be in use by running\n" +
			"servers) and recomputes the audit trail's hash chain from the first\n" +
			"row. Every row's hash covers its contents and the previous row's hash, so a\n" +
			"row changed, removed or inserted after the fact breaks the chain. It prints\n" +
			"\"audit chain intact: N rows\" and the head hash (write it down elsewhere to\n" +
			"compare later), or names the first bad row and exits 1.",
		Example: "  frontdesk audit verify --db ./sandbox.db\n" +
			"  frontdesk audit verify --db postgres://frontdesk@db.internal/frontdesk",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dbPath == "" {
				return Usagef("--db is required: the SQLite file or postgres:// URL of the store of record")
			}
			return a.auditVerify(cmd.Context(), dbPath)
		},
	}
	cmd.Flags().StringVar(&dbPath, "db", "", "the store of record: a SQLite file or a postgres:// URL")
	return cmd
}

func (a *App) auditVerify(ctx context.Context, path string) error {
	if desk.IsPostgres(path) {
		// Read-only and as it is, in one snapshot of the chain; the
		// servers may go on appending.
		st, err := desk.OpenReadOnly(ctx, path)
		if err != nil {
			return err
		}
		defer st.Close()
		return a.printVerified(ctx, st, "the database")
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
	return a.printVerified(ctx, st, path)
}

// printVerified verifies st's audit chain and prints the result.
func (a *App) printVerified(ctx context.Context, st store.Store, what string) error {
	res, err := st.VerifyAudit(ctx)
	var ce *audit.ChainError
	switch {
	case errors.As(err, &ce):
		return fmt.Errorf("audit chain broken: %w", err)
	case err != nil:
		return fmt.Errorf("audit verify %s: %w", what, err)
	}
	a.out().printf("audit chain intact: %d rows\nhead %s\n", res.Rows, res.Head)
	return nil
}
