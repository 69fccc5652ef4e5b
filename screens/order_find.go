package screens

import (
	"context"
	"errors"

	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/tui"
	"frontdesk/tui/sanitize"
)

// Finding a customer by an order number: ":order NUMBER", and the search
// box recognising a number pasted from a customer's message.

// newOrderProfile is the profile of the customer who placed m's order,
// opened on the Orders tab with that order marked and highlighted (the
// tab turns to the order's page). A platform without the Orders tab opens
// on the overview.
func newOrderProfile(c *tui.Common, e *env, m api.OrderMatch) *Profile {
	p := newProfile(c, e, m.Customer.ID)
	if t := findTab[*ordersTab](p); t != nil && p.focus(tabOrders) {
		t.mark = m.Order
	}
	return p
}

// orderFoundMsg answers ":order NUMBER" (seq numbers the asks, so only the
// newest one's answer opens anything).
type orderFoundMsg struct {
	seq    int
	number string
	match  api.OrderMatch
	err    error
}

// openOrder looks the number up and, when it answers, opens the customer
// on their Orders tab with the order marked and its detail on top.
func (a *App) openOrder(c *tui.Common, number string) tea.Cmd {
	number = oneLine(number)
	if number == "" {
		return tui.Error("which order? type :order NUMBER (FD-00001584 or #1584)")
	}
	if !a.env.caps().Has(client.CapFindOrder) {
		return tui.Error(sanitize.Line("cannot find orders by number: " + a.env.caps().Why(client.CapFindOrder)))
	}
	a.env.orderSeq++
	seq, cl, ctx := a.env.orderSeq, a.env.cl, c.Context()
	return tea.Sequence(tui.Info("finding order "+sanitize.Line(number)+"…"), c.Track(func() tea.Msg {
		m, err := cl.FindOrder(ctx, number)
		return tui.NavigateMsg{To: orderFoundMsg{seq: seq, number: number, match: m, err: err}}
	}))
}

// orderFound opens the order ":order" asked for, if it is still the
// newest ask.
func (a *App) orderFound(c *tui.Common, msg orderFoundMsg) tea.Cmd {
	if msg.seq != a.env.orderSeq {
		return nil // a newer :order was typed since
	}
	switch {
	case errors.Is(msg.err, context.Canceled):
		return nil
	case client.IsNotFound(msg.err):
		return tui.Error("no order " + sanitize.Line(msg.number))
	case msg.err != nil:
		c.Logger.Error("find order", "number", msg.number, "err", msg.err)
		return tui.ErrorFrom(msg.err)
	}
	p := newOrderProfile(c, a.env, msg.match)
	return tea.Sequence(tui.Push(p), tui.Push(newOrderDetail(c, a.env, msg.match.Customer.ID, msg.match.Order.ID)))
}
