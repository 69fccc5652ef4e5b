package screens

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/money"
	"frontdesk/tui"
	"frontdesk/tui/sanitize"
)

// ordersPageSize is how many orders one server page of the Orders tab
// holds.
const ordersPageSize = 50

// statusFilters are the order statuses `f` cycles through; "" is all.
var statusFilters = append([]string{""}, api.OrderStatuses...)

var orderColumns = []column{
	{title: "Order", min: 8, max: 14, weight: 1},
	{title: "Date", min: 16},
	{title: "Status", min: 10, max: 12, weight: 1},
	{title: "Payment", min: 9, max: 12, weight: 1, drop: 2},
	{title: "Fulfilment", min: 11, max: 14, weight: 1, drop: 1},
	{title: "Items", min: 5, right: true, drop: 3},
	{title: "Total", min: 15, right: true},
}

// ordersLoadedMsg answers the Orders tab's request for page at.
type ordersLoadedMsg struct {
	t    *ordersTab
	seq  int
	at   int
	list client.Page[api.Order]
	err  error
}

// ordersTab is the customer's orders, newest first, a server page at a
// time, filtered by status (f); enter opens the highlighted order.
type ordersTab struct {
	tabBase
	l      load
	pg     pager[api.Order]
	cur    cursor
	filter int // index in statusFilters
	keys   []Binding
	// mark is the order the agent came for (found by its number): its
	// row is marked and highlighted when its page shows. Until it is
	// found, further pages are turned to it, up to markPages.
	mark      api.Order
	markTurns int
}

// markPages bounds how many pages the Orders tab turns looking for the
// marked order (a customer with more orders than that is shown the first
// pages and told so).
const markPages = 5

func newOrdersTab(p *Profile) tabComponent {
	t := &ordersTab{tabBase: tabBase{p: p}, pg: newPager[api.Order](ordersPageSize)}
	t.keys = []Binding{
		p.c.Keys.Open.WithHelp("open order").With(t.noOrder).Do(t.open),
		{Keys: []string{"f"}, Help: "filter status", Run: t.nextFilter},
	}
	return t
}

func (t *ordersTab) kind() tab               { return tabOrders }
func (t *ordersTab) Bindings() []tui.Binding { return t.keys }
func (t *ordersTab) Loads() []paneLoad       { return []paneLoad{{&t.l, t.fetch}} }
func (t *ordersTab) Refresh() tea.Cmd        { return t.fetch() }

func (t *ordersTab) Show() tea.Cmd {
	if t.l.wanted() {
		return t.fetch()
	}
	return nil
}

func (t *ordersTab) SetSize(w, h int) {
	t.tabBase.SetSize(w, h)
	t.cur.clamp(len(t.pg.items()), t.tableRows())
}

func (t *ordersTab) Update(msg tea.Msg) tea.Cmd {
	m, ok := msg.(ordersLoadedMsg)
	if !ok || m.t != t || !t.l.accept(m.seq, m.err) {
		return nil
	}
	if m.err != nil {
		return t.p.failed(&t.l, "load orders", m.err)
	}
	t.pg.take(m.at, m.list)
	t.cur.clamp(len(t.pg.items()), t.tableRows())
	return tea.Batch(t.p.retryFailed(), t.seekMark())
}

// seekMark highlights the marked order if the page shown holds it, and
// otherwise turns to the next page (from a page the agent did not turn
// to by hand), until markPages pages were looked at.
func (t *ordersTab) seekMark() tea.Cmd {
	if t.mark.ID == "" || t.markTurns < 0 {
		return nil
	}
	for i, o := range t.pg.items() {
		if o.ID == t.mark.ID {
			t.markTurns = -1 // found: from now on the agent moves
			t.cur.to(i, len(t.pg.items()), t.tableRows())
			return nil
		}
	}
	if t.pg.page.Next == "" || t.markTurns+1 >= markPages || statusFilters[t.filter] != "" {
		t.markTurns = -1
		return tui.Info("order #" + sanitize.Line(t.mark.Number) + " is not on the first pages of orders: :order " + sanitize.Line(t.mark.Number) + " opens it")
	}
	t.markTurns++
	return t.pg.turnThen(1, func() tea.Cmd { t.cur = cursor{}; return t.fetch() })
}

// marked reports whether o is the order the agent came for.
func (t *ordersTab) marked(o *api.Order) bool { return t.mark.ID != "" && o.ID == t.mark.ID }

func (t *ordersTab) Move(d int) { t.cur.move(d, len(t.pg.items()), t.tableRows()) }

func (t *ordersTab) PageBy(d int) tea.Cmd {
	t.markTurns = -1 // the agent turns pages now
	return t.pg.turnThen(d, func() tea.Cmd { t.cur = cursor{}; return t.fetch() })
}

func (t *ordersTab) Click(row int) tea.Cmd {
	if again, _ := t.cur.click(row, len(t.pg.items()), t.tableRows()); again {
		return t.open()
	}
	return nil
}

func (t *ordersTab) nextFilter() tea.Cmd {
	t.markTurns = -1
	t.filter = (t.filter + 1) % len(statusFilters)
	t.pg.reset()
	t.cur = cursor{}
	name := statusFilters[t.filter]
	if name == "" {
		name = "all statuses"
	}
	return tea.Batch(t.fetch(), tui.Info("orders: "+name))
}

func (t *ordersTab) selected() (api.ID, bool) {
	if i := t.cur.pos; i >= 0 && i < len(t.pg.items()) {
		return t.pg.items()[i].ID, true
	}
	return "", false
}

func (t *ordersTab) noOrder() string {
	if _, ok := t.selected(); !ok {
		return "no order highlighted"
	}
	return ""
}

func (t *ordersTab) open() tea.Cmd {
	id, ok := t.selected()
	if !ok {
		return nil
	}
	return tui.Push(newOrderDetail(t.p.c, t.p.env, t.p.id, id))
}

func (t *ordersTab) fetch() tea.Cmd {
	cl, id, at, pp := t.p.env.cl, t.p.id, t.pg.n, t.pg.params()
	params := client.OrderParams{Cursor: pp.Cursor, Limit: pp.Limit, Status: statusFilters[t.filter]}
	return t.l.startPaced(t.p.c, func(ctx context.Context, seq int) tea.Msg {
		l, err := cl.ListOrders(ctx, id, params)
		return ordersLoadedMsg{t: t, seq: seq, at: at, list: l, err: err}
	})
}

// listsAll reports whether the tab has listed every status, so its total
// counts every order.
func (t *ordersTab) listsAll() bool { return statusFilters[t.filter] == "" && t.l.loaded }

// uncounted says, on the Orders tab listing every status, how many of
// the orders the store metrics (the Overview, the search list) leave out:
// total_orders counts neither cancelled nor refunded orders.
func (t *ordersTab) uncounted() string {
	p := t.p
	m := p.cust.StoreMetrics
	if statusFilters[t.filter] != "" || m == nil || !p.custL.loaded {
		return ""
	}
	n := t.pg.page.Total - m.TotalOrders
	if n <= 0 {
		return ""
	}
	return " · " + money.Int(int64(n)) + " cancelled or refunded (the overview counts " + money.Int(int64(m.TotalOrders)) + ")"
}

func (t *ordersTab) View(lines []string) []string {
	st, w := t.p.c.Styles, t.width
	filter := statusFilters[t.filter]
	if filter == "" {
		filter = "all"
	}
	right := "status: " + filter + " (f)"
	if s, ok := loadState(st, &t.l, "orders", w); ok {
		lines = append(lines, s...)
		if !t.l.loaded {
			return lines
		}
	} else {
		left := t.pg.status("order", "orders") + t.uncounted()
		if t.mark.ID != "" {
			left += " · ▸ #" + t.mark.Number
		}
		if t.l.loading {
			left += " · loading…"
		}
		lines = append(lines, statusLine(st, left, right, w))
	}
	items := t.pg.items()
	if len(items) == 0 {
		if statusFilters[t.filter] != "" {
			return append(lines, "", st.Muted.Render("No "+statusFilters[t.filter]+" orders. Press f for another status."))
		}
		return append(lines, "", st.Muted.Render("No orders yet."))
	}
	widths := fitColumns(orderColumns, w)
	lines = append(lines, tableHeader(st, orderColumns, widths))
	cells := make([]cell, len(orderColumns))
	end := min(len(items), t.cur.top+t.tableRows())
	for i := t.cur.top; i < end; i++ {
		o := &items[i]
		style := st.OrderStatus(o.Status)
		cells[0] = cell{text: "#" + o.Number}
		if t.marked(o) {
			cells[0].text = "▸#" + o.Number
		}
		cells[1] = cell{text: t.p.env.dateTime(o.CreatedAt)}
		cells[2] = cell{text: o.Status, style: &style}
		cells[3] = cell{text: o.PaymentStatus}
		cells[4] = cell{text: o.FulfillmentStatus}
		cells[5] = cell{text: money.Int(int64(o.ItemCount))}
		cells[6] = cell{text: money.Format(o.Total, o.Currency)}
		lines = append(lines, tableRow(st, orderColumns, widths, cells, i == t.cur.pos, w))
	}
	return lines
}
