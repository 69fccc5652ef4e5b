package cli

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/money"
)

func newOrdersCmd(a *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "orders",
		Short: "List a customer's orders, or find an order by its number",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newOrdersListCmd(a), newOrdersFindCmd(a))
	return cmd
}

func newOrdersListCmd(a *App) *cobra.Command {
	var (
		p      client.OrderParams
		page   int
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "list CUSTOMER_ID",
		Short: "List a customer's orders, newest first",
		Long: "list shows one page of a customer's orders, newest first. --status keeps\n" +
			"only orders in one status: " + strings.Join(api.OrderStatuses, ", ") + ".",
		Example: "  frontdesk orders list 42\n  frontdesk orders list 42 --status delivered --page 2 --json",
		Args:    exactArgs(1, "CUSTOMER_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := argID(args[0], "CUSTOMER_ID")
			if err != nil {
				return err
			}
			if err := checkPaging(page, p.Limit); err != nil {
				return err
			}
			p.Cursor = pageCursor(page)
			if p.Status != "" && !slices.Contains(api.OrderStatuses, p.Status) {
				return Usagef("--status %q: use one of %s", p.Status, strings.Join(api.OrderStatuses, ", "))
			}
			cl, err := a.NewClient(cmd.Context())
			if err != nil {
				return err
			}
			list, err := cl.ListOrders(cmd.Context(), id, p)
			if err != nil {
				return printable(err)
			}
			if asJSON {
				return writeJSON(a.Env.Stdout, orderListJSON(list))
			}
			a.printOrders(id, p, list)
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&page, "page", 1, "page number, from 1")
	f.IntVar(&p.Limit, "limit", api.DefaultPageLimit, fmt.Sprintf("orders per page, 1 to %d", api.MaxPageLimit))
	f.StringVar(&p.Status, "status", "", "only orders in this status: "+strings.Join(api.OrderStatuses, ", "))
	f.BoolVar(&asJSON, "json", false, "print the API's data object as JSON (stable)")
	return cmd
}

func (a *App) printOrders(id api.ID, p client.OrderParams, list client.Page[api.Order]) {
	o := a.out()
	if len(list.Items) == 0 {
		what := "no orders"
		if p.Status != "" {
			what = "no " + p.Status + " orders"
		}
		if list.Total > 0 {
			o.printf("No orders on page %d; %s.\n", list.Number, pageLine(list.Number, list.Limit, list.Total, false, "orders"))
			return
		}
		o.printf("Customer %s has %s.\n", cell(id.String(), 40), what)
		return
	}
	cols := []column{
		{header: "NUMBER"}, {header: "ID", right: true}, {header: "STATUS", color: statusColor},
		{header: "PAYMENT"}, {header: "FULFILMENT"}, {header: "ITEMS", right: true},
		{header: "TOTAL", right: true}, {header: "CREATED"},
	}
	rows := make([][]string, 0, len(list.Items))
	for _, ord := range list.Items {
		rows = append(rows, []string{
			cell(orDash(ord.Number), 24), cell(ord.ID.String(), 20), cell(ord.Status, 12),
			cell(orDash(ord.PaymentStatus), 14), cell(orDash(ord.FulfillmentStatus), 14),
			strconv.Itoa(ord.ItemCount), money.Format(ord.Total, ord.Currency), datetime(ord.CreatedAt),
		})
	}
	o.table(cols, rows)
	o.println(o.faint(pageLine(list.Number, list.Limit, list.Total, false, "orders")))
}

func newOrdersFindCmd(a *App) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "find NUMBER",
		Short: "Find an order by its number, and the customer who placed it",
		Long: "find looks an order up by its number as a customer quotes it: FD-00001584,\n" +
			"fd-1584, \"FD 1584\", #1584 or 1584 all find order FD-00001584 (on another\n" +
			"platform, its own order number). It prints the order with its items and\n" +
			"the customer who placed it. Exit 3 when no order has the number, 6 when\n" +
			"the platform cannot find orders by number.",
		Example: "  frontdesk orders find FD-00001584\n  frontdesk orders find '#1584' --json",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return Usagef("%s takes NUMBER, the order number (FD-00001584 or #1584): see `%s --help`", cmd.Name(), cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			// "FD 1584" typed without quotes arrives as two arguments.
			number := strings.TrimSpace(strings.Join(args, " "))
			if number == "" {
				return Usagef("NUMBER is empty: give the order number, such as FD-00001584 or #1584")
			}
			cl, err := a.NewClient(cmd.Context())
			if err != nil {
				return err
			}
			if err := cl.Capabilities().Check(client.CapFindOrder); err != nil {
				return printable(err)
			}
			m, err := cl.FindOrder(cmd.Context(), number)
			if err != nil {
				return printable(err)
			}
			if asJSON {
				return writeJSON(a.Env.Stdout, m)
			}
			a.printOrderMatch(m)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the API's data object as JSON (stable): {order, customer}")
	return cmd
}

// printOrderMatch prints an order found by number and its customer.
func (a *App) printOrderMatch(m api.OrderMatch) {
	o := a.out()
	ord, c := m.Order, m.Customer
	o.printf("%s %s\n\n", o.bold("Order "+cell(orDash(ord.Number), 40)), o.faint("id "+cell(ord.ID.String(), 40)))
	o.field("Customer", cell(orDash(c.Name()), widthName)+" "+o.faint("#"+cell(c.ID.String(), 40)))
	o.field("Email", cell(orDash(c.Email), widthLong))
	o.field("Phone", cell(orDash(c.Phone), widthText))
	st := cell(orDash(ord.Status), 20)
	if col := statusColor(ord.Status); col != nil {
		st = o.fg(col, st)
	}
	o.field("Status", st+" · payment "+cell(orDash(ord.PaymentStatus), 20)+" · fulfilment "+cell(orDash(ord.FulfillmentStatus), 20))
	o.field("Created", datetime(ord.CreatedAt))
	o.field("Total", fmt.Sprintf("%s (%d items; subtotal %s, shipping %s, tax %s, discount %s)",
		money.Format(ord.Total, ord.Currency), ord.ItemCount, money.Format(ord.Subtotal, ord.Currency),
		money.Format(ord.Shipping, ord.Currency), money.Format(ord.Tax, ord.Currency), money.Format(ord.Discount, ord.Currency)))
	if ad := ord.ShippingAddress; ad != nil {
		o.field("Ship to", formatAddress(*ad))
	}
	if ad := ord.BillingAddress; ad != nil {
		o.field("Bill to", formatAddress(*ad))
	}
	if len(ord.Items) == 0 {
		return
	}
	o.println("")
	cols := []column{{header: "QTY", right: true}, {header: "ITEM"}, {header: "SKU"}, {header: "UNIT", right: true}, {header: "TOTAL", right: true}}
	rows := make([][]string, 0, len(ord.Items))
	for _, it := range ord.Items {
		rows = append(rows, []string{strconv.Itoa(it.Quantity), cell(orDash(it.Name), widthName), cell(orDash(it.SKU), 24),
			money.Format(it.UnitPrice, ord.Currency), money.Format(it.Total, ord.Currency)})
	}
	o.table(cols, rows)
}
