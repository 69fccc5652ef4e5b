package cli

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/spf13/cobra"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/money"
	"frontdesk/tui/sanitize"
)

// --json shapes (stable; each is exactly the `data` object of the API
// answer, see api/openapi.yaml and the types in package api):
//
//	customers search --json   api.CustomerList      {"customers":[…],"total":N,"total_is_estimate":B,"page":N,"limit":N,"next":"…"}
//	customers show --json     api.CustomerEnvelope  {"customer":{…, "version":N, "store_metrics":{…}}}
//	orders list --json        api.OrderList         {"orders":[…],"total":N,"page":N,"limit":N}
//	loyalty show --json       api.Loyalty           {"customer_id":…, "points_balance":N,"lifetime_earned":N,"ledger":[…]}
//	loyalty adjust --json     api.AdjustmentResult  {"entry":{…},"points_balance":N}
//	customers merge --json    api.MergeResult       {"keep_id":…,"drop_id":…,"moved":{…},"points_balance":N,…} (--dry-run: api.MergePreview)
//
// IDs are JSON numbers when all digits, strings otherwise (api.ID).

func newCustomersCmd(a *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "customers",
		Short: "Search customers and show one",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newCustomersSearchCmd(a), newCustomersShowCmd(a), newCustomersExportCmd(a), newCustomersRevealCmd(a), newCustomersMergeCmd(a))
	cmd.AddCommand(newCustomersExportDataCmd(a), newCustomersEraseCmd(a))
	return cmd
}

func newCustomersSearchCmd(a *App) *cobra.Command {
	var (
		p      client.SearchParams
		page   int
		after  string
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "search QUERY",
		Short: "Find customers by part of their email, name or phone",
		Long: "search lists the customers whose email, first or last name, or phone\n" +
			"contains QUERY (one or two characters match the start instead), ignoring\n" +
			"case and accents (elodie finds Élodie, muller finds Müller).\n" +
			"Sort with --sort: " + strings.Join(api.Sorts, ", ") + " (default " + api.SortNewest + ").\n\n" +
			"Words field:value in QUERY are filters (the desk's own search; other\n" +
			"platforms refuse them): email:, phone:, name: look in that column only;\n" +
			"status:active|disabled; orders:, spent: (whole currency units) and\n" +
			"points: compare with >, >=, <, <=, = or a bare number; since:2026-01 is\n" +
			"created on or after a UTC year, month or day; last-order:<2026-06 takes\n" +
			"the same dates with < <= > >= or none (within).",
		Example: "  frontdesk customers search wanjiku\n  frontdesk customers search 0712 --sort name --limit 50 --json\n" +
			"  frontdesk customers search 'orders:>5 spent:>=10000' --sort -total_spent",
		Args: exactArgs(1, "QUERY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			p.Query = strings.TrimSpace(args[0])
			if p.Query == "" {
				return Usagef("QUERY is empty: give part of an email, name or phone")
			}
			if n := len([]rune(p.Query)); n > api.MaxSearchQueryLen {
				return Usagef("QUERY is %d characters long; at most %d", n, api.MaxSearchQueryLen)
			}
			if err := checkPaging(page, p.Limit); err != nil {
				return err
			}
			p.Cursor = pageCursor(page)
			if cmd.Flags().Changed("after") {
				if cmd.Flags().Changed("page") {
					return Usagef("--after and --page do not go together: --after continues where the page before ended")
				}
				if p.Cursor = strings.TrimSpace(after); p.Cursor == "" {
					return Usagef("--after is empty: give the next cursor of a page (--json prints it)")
				}
			}
			if p.Sort != "" && !slices.Contains(api.Sorts, p.Sort) {
				return Usagef("--sort %q: use one of %s", p.Sort, strings.Join(api.Sorts, ", "))
			}
			cl, err := a.NewClient(cmd.Context())
			if err != nil {
				return err
			}
			list, err := cl.SearchCustomers(cmd.Context(), p)
			if err != nil {
				return printable(err)
			}
			if asJSON {
				return writeJSON(a.Env.Stdout, customerListJSON(list))
			}
			a.printCustomerList(p, list)
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&page, "page", 1, "page number, from 1")
	f.StringVar(&after, "after", "", "the page after this cursor (a page's next, printed by --json): for pages past the first 10,000 matches")
	f.IntVar(&p.Limit, "limit", api.DefaultPageLimit, fmt.Sprintf("customers per page, 1 to %d", api.MaxPageLimit))
	f.StringVar(&p.Sort, "sort", "", "order: "+strings.Join(api.Sorts, ", "))
	f.BoolVar(&asJSON, "json", false, "print the API's data object as JSON (stable)")
	return cmd
}

func (a *App) printCustomerList(p client.SearchParams, list client.Page[api.Customer]) {
	o := a.out()
	if len(list.Items) == 0 {
		if list.Total > 0 {
			o.printf("No customers on page %d; %s.\n", list.Number, pageLine(list.Number, list.Limit, list.Total, list.TotalIsEstimate, "customers"))
			return
		}
		o.printf("No customers match %s.\n", strconv.Quote(sanitize.Line(p.Query)))
		return
	}
	cols := []column{
		{header: "ID", right: true}, {header: "NAME"}, {header: "EMAIL"}, {header: "PHONE"},
		{header: "STATUS", color: statusColor}, {header: "ORDERS", right: true},
		{header: "TOTAL SPENT", right: true}, {header: "CREATED"},
	}
	rows := make([][]string, 0, len(list.Items))
	for _, c := range list.Items {
		rows = append(rows, []string{
			cell(c.ID.String(), 20), cell(c.Name(), widthName), cell(c.Email, widthEmail), cell(orDash(c.Phone), 20),
			cell(c.Status, 10), strconv.Itoa(c.TotalOrders),
			money.Format(c.TotalSpent, c.Currency), date(c.CreatedAt),
		})
	}
	o.table(cols, rows)
	o.println(o.faint(pageLine(list.Number, list.Limit, list.Total, list.TotalIsEstimate, "customers")))
}

func newCustomersShowCmd(a *App) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "show ID",
		Short:   "Show one customer: contact, status, addresses, store metrics",
		Example: "  frontdesk customers show 42\n  frontdesk customers show 42 --json",
		Args:    exactArgs(1, "ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := argID(args[0], "ID")
			if err != nil {
				return err
			}
			cl, err := a.NewClient(cmd.Context())
			if err != nil {
				return err
			}
			c, err := cl.GetCustomer(cmd.Context(), id)
			if err != nil {
				return printable(err)
			}
			if asJSON {
				return writeJSON(a.Env.Stdout, api.CustomerEnvelope{Customer: c})
			}
			a.printCustomer(c)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the API's data object as JSON (stable)")
	return cmd
}

func (a *App) printCustomer(c api.Customer) {
	o := a.out()
	o.printf("%s %s\n\n", o.bold(cell(orDash(c.Name()), widthLong)), o.faint("#"+cell(c.ID.String(), 40)))
	if c.MergedInto != nil {
		into := cell(c.MergedInto.String(), 40)
		o.printf("%s: open it with `frontdesk customers show %s`\n\n", o.bold("Merged into "+into), into)
	}
	email := cell(orDash(c.Email), widthLong)
	if c.Email != "" && !c.EmailConfirmed {
		email += " " + o.fg(lipgloss.Yellow, "(not confirmed)")
	}
	o.field("Email", email)
	o.field("Phone", cell(orDash(c.Phone), widthText))
	st := cell(orDash(c.Status), 20)
	if col := statusColor(c.Status); col != nil {
		st = o.fg(col, st)
	}
	o.field("Status", st)
	o.field("Created", datetime(c.CreatedAt))
	o.field("Updated", datetime(c.UpdatedAt))
	o.field("Version", strconv.FormatInt(c.Version, 10))

	cur := c.Currency
	if m := c.StoreMetrics; m != nil {
		if m.Currency != "" {
			cur = m.Currency
		}
		o.field("Orders", fmt.Sprintf("%d · spent %s · average %s", m.TotalOrders,
			money.Format(m.TotalSpent, cur), money.Format(m.AverageOrderValue, cur)))
		o.field("First order", datePtr(m.FirstOrderAt))
		o.field("Last order", datePtr(m.LastOrderAt))
		o.field("LTV", fmt.Sprintf("percentile %d", m.LTVPercentile))
	} else {
		o.field("Orders", fmt.Sprintf("%d · spent %s", c.TotalOrders, money.Format(c.TotalSpent, cur)))
	}

	if len(c.Addresses) == 0 {
		o.field("Addresses", "—")
	}
	for i, ad := range c.Addresses {
		label := ""
		if i == 0 {
			label = "Addresses"
		}
		kind := cell(ad.Type, 10)
		if ad.Default {
			kind += " (default)"
		}
		o.field(label, kind+": "+formatAddress(ad))
	}
	if len(c.Notes) > 0 {
		o.println("")
		o.println(o.bold("Recent notes"))
		for _, n := range c.Notes {
			o.printf("  %s %s: %s\n", o.faint(date(n.CreatedAt)), cell(orDash(n.AgentName), widthName), cell(n.Body, widthLong))
		}
	}
}

// formatAddress joins an address's parts on one sanitized line.
func formatAddress(ad api.Address) string {
	var parts []string
	for _, p := range []string{ad.Address1, ad.Address2, ad.City, strings.TrimSpace(ad.State + " " + ad.Zip), ad.Country} {
		if strings.TrimSpace(p) != "" {
			parts = append(parts, p)
		}
	}
	return cell(strings.Join(parts, ", "), widthLong)
}

// exactArgs is cobra.ExactArgs with a message that names the argument.
func exactArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return Usagef("%s takes %s (got %d arguments): see `%s --help`", cmd.Name(), names, len(args), cmd.CommandPath())
		}
		return nil
	}
}

// argID checks an id argument. IDs are opaque, so any non-blank text
// without control characters is passed on; the store says whether it
// exists.
func argID(s, name string) (api.ID, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", Usagef("%s is empty", name)
	}
	if !sanitize.Safe(s) || strings.ContainsAny(s, "/?#") {
		return "", Usagef("%s %q is not an id", name, sanitize.Line(s))
	}
	return api.ID(s), nil
}

// checkPaging checks --page and --limit before any request.
func checkPaging(page, limit int) error {
	if page < 1 {
		return Usagef("--page must be 1 or more, not %d", page)
	}
	if limit < 1 || limit > api.MaxPageLimit {
		return Usagef("--limit must be 1 to %d, not %d", api.MaxPageLimit, limit)
	}
	return nil
}
