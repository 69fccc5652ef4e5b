package screens

import (
	"context"
	"strings"

	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
	"frontdesk/money"
	"frontdesk/tui"
)

// orderLoadedMsg answers one order request of an OrderDetail.
type orderLoadedMsg struct {
	o     *OrderDetail
	seq   int
	order api.Order
	err   error
}

var itemColumns = []column{
	{title: "SKU", min: 8, max: 16, weight: 1, drop: 1},
	{title: "Item", min: 14, weight: 4},
	{title: "Qty", min: 4, right: true},
	{title: "Unit price", min: 14, right: true},
	{title: "Total", min: 15, right: true},
}

// OrderDetail is one order: its items, totals, addresses, and payment and
// fulfilment status.
type OrderDetail struct {
	c          *tui.Common
	env        *env
	customerID api.ID
	orderID    api.ID

	width, height int
	order         api.Order
	l             load
	scroll        int
}

func newOrderDetail(c *tui.Common, e *env, customerID, orderID api.ID) *OrderDetail {
	return &OrderDetail{c: c, env: e, customerID: customerID, orderID: orderID}
}

// Init loads the order.
func (o *OrderDetail) Init() tea.Cmd { return o.fetch() }

// Close cancels the request in flight.
func (o *OrderDetail) Close() { o.l.stop() }

// Title is the order's number once known.
func (o *OrderDetail) Title() string {
	if o.l.loaded && o.order.Number != "" {
		return "Order #" + o.order.Number
	}
	return "Order " + string(o.orderID)
}

// CapturesKeys is false: nothing to type.
func (o *OrderDetail) CapturesKeys() bool { return false }

// SetSize fits the screen to the content area.
func (o *OrderDetail) SetSize(w, h int) { o.width, o.height = w, h }

func (o *OrderDetail) needOrder() string {
	if !o.l.loaded {
		return "the order is still loading"
	}
	return ""
}

// ShortHelp is the footer's key help.
func (o *OrderDetail) ShortHelp() []Binding {
	k := o.c.Keys
	return []Binding{k.Up, k.Down, k.Copy.WithHelp("copy number").With(o.needOrder), k.Refresh}
}

// FullHelp is every binding of the screen.
func (o *OrderDetail) FullHelp() [][]Binding {
	k := o.c.Keys
	return [][]Binding{
		{k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown},
		{k.Copy.WithHelp("copy number").With(o.needOrder), k.Refresh},
	}
}

// Update handles scrolling, refresh and the order's answer.
func (o *OrderDetail) Update(msg tea.Msg) (tui.Screen, tea.Cmd) {
	k := o.c.Keys
	switch msg := msg.(type) {
	case orderLoadedMsg:
		if msg.o != o || !o.l.accept(msg.seq, msg.err) {
			return o, nil
		}
		if msg.err != nil {
			if tick := o.l.limited(); tick != nil {
				o.c.Logger.Warn("load order: rate limited", "customer", o.customerID, "order", o.orderID, "retry_in_s", o.l.waitLeft)
				return o, tick
			}
			o.c.Logger.Error("load order", "customer", o.customerID, "order", o.orderID, "err", msg.err)
			return o, tui.ErrorFrom(msg.err)
		}
		o.order = msg.order
	case loadTickMsg:
		due, next := o.l.tick(msg)
		if due {
			return o, o.fetch()
		}
		return o, next
	case tea.KeyPressMsg:
		switch {
		case o.c.Fires(msg, k.Up):
			o.scrollBy(-1)
		case o.c.Fires(msg, k.Down):
			o.scrollBy(1)
		case o.c.Fires(msg, k.Top):
			o.scrollBy(-1 << 30)
		case o.c.Fires(msg, k.Bottom):
			o.scrollBy(1 << 30)
		case o.c.Fires(msg, k.PageUp):
			o.scrollBy(-max(1, o.height-1))
		case o.c.Fires(msg, k.PageDown):
			o.scrollBy(max(1, o.height-1))
		case o.c.Fires(msg, k.Refresh):
			return o, o.fetch()
		case o.c.Fires(msg, k.Copy.With(o.needOrder)):
			return o, o.c.Copy("order number", o.order.Number)
		}
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			o.scrollBy(-3)
		case tea.MouseWheelDown:
			o.scrollBy(3)
		}
	}
	return o, nil
}

func (o *OrderDetail) scrollBy(d int) {
	n := len(o.lines())
	o.scroll = min(max(0, o.scroll+d), max(0, n-o.height))
}

func (o *OrderDetail) fetch() tea.Cmd {
	cl, cid, oid := o.env.cl, o.customerID, o.orderID
	return o.l.startPaced(o.c, func(ctx context.Context, seq int) tea.Msg {
		order, err := cl.GetOrder(ctx, cid, oid)
		return orderLoadedMsg{o: o, seq: seq, order: order, err: err}
	})
}

// View draws the order.
func (o *OrderDetail) View() string {
	if o.width <= 0 || o.height <= 0 {
		return ""
	}
	lines := o.lines()
	top := min(o.scroll, max(0, len(lines)-o.height))
	return fitLines(lines[top:], o.width, o.height)
}

func (o *OrderDetail) lines() []string {
	st := o.c.Styles
	w := o.width
	if s, ok := loadState(st, &o.l, "the order", w); ok && !o.l.loaded {
		return s
	}
	ord := &o.order
	var out []string
	if s, ok := loadState(st, &o.l, "the order", w); ok {
		out = append(append(out, s...), "")
	}
	status := st.OrderStatus(ord.Status)
	when := o.env.dateTime(ord.CreatedAt)
	room := max(0, w-len(when)-2)
	number := st.Cells.Truncate("Order #"+ord.Number, room/2)
	state := st.Cells.Truncate(ord.Status, max(0, room-st.Cells.Width(number)-2))
	head := st.Title.Render(number) + "  " + status.Render(state)
	out = append(out, padRight(st.Cells, head, w-len(when))+st.Muted.Render(when))
	pay := st.Cells.Truncate(ord.PaymentStatus, max(0, (w-24)/2))
	ful := st.Cells.Truncate(ord.FulfillmentStatus, max(0, w-24-st.Cells.Width(pay)))
	out = append(out,
		"  "+st.Label.Render("payment ")+st.Value.Render(pay)+st.Label.Render("   fulfilment ")+st.Value.Render(ful),
		"")

	out = append(out, st.Strong.Render("Items"))
	widths := fitColumns(itemColumns, w)
	out = append(out, tableHeader(st, itemColumns, widths))
	cells := make([]cell, len(itemColumns))
	for _, it := range ord.Items {
		cells[0] = cell{text: it.SKU}
		cells[1] = cell{text: it.Name}
		cells[2] = cell{text: money.Int(int64(it.Quantity))}
		cells[3] = cell{text: money.Format(it.UnitPrice, ord.Currency)}
		cells[4] = cell{text: money.Format(it.Total, ord.Currency)}
		out = append(out, tableRow(st, itemColumns, widths, cells, false, w))
	}
	if len(ord.Items) == 0 {
		out = append(out, "  "+st.Muted.Render("no items"))
	}
	out = append(out, "")

	// Totals line up under the last column.
	totalW := 0
	for i, wd := range widths {
		if i < len(widths)-1 && wd > 0 {
			totalW += wd + colGap
		}
	}
	amount := func(label string, v int64, strong bool) string {
		val := align(st.Cells, money.Format(v, ord.Currency), widths[len(widths)-1], true)
		l := strings.Repeat(" ", markerWidth) + align(st.Cells, label, max(0, totalW-colGap), true) + strings.Repeat(" ", colGap)
		if strong {
			return st.Strong.Render(l + val)
		}
		return st.Label.Render(l) + st.Value.Render(val)
	}
	out = append(out, amount("Subtotal", ord.Subtotal, false), amount("Shipping", ord.Shipping, false), amount("Tax", ord.Tax, false))
	if ord.Discount != 0 {
		out = append(out, amount("Discount", -ord.Discount, false))
	}
	out = append(out, amount("Total", ord.Total, true), "")

	out = append(out, st.Strong.Render("Addresses"))
	addr := func(label string, a *api.Address) string {
		v := "—"
		if a != nil {
			v = addressLine(*a)
		}
		return "  " + st.Label.Render(st.Cells.Pad(label, labelWidth)) + st.Value.Render(st.Cells.Truncate(v, max(1, w-2-labelWidth)))
	}
	out = append(out, addr("Shipping", ord.ShippingAddress), addr("Billing", ord.BillingAddress))
	return out
}
