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
		Short: "List a customer's orders",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newOrdersListCmd(a))
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
