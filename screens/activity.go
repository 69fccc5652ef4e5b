package screens

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"frontdesk/api"
	"frontdesk/money"
)

// Kinds of activity in the timeline.
const (
	kindOrder  = "order"
	kindPoints = "points"
	kindNote   = "note"
)

// activity is one line of the profile's timeline: an order, a loyalty
// ledger entry or a note. Text is raw API data; the view sanitizes it.
type activity struct {
	at     time.Time
	kind   string
	what   string
	by     string // the agent, for ledger entries and notes
	order  api.ID // the order to open, for orders
	status string // the order's status, for its colour
}

// mergeActivity makes one timeline, newest first, of orders, ledger
// entries and notes. Items at the same moment keep the order orders,
// ledger, notes, so the timeline does not shuffle between refreshes.
func mergeActivity(orders []api.Order, ledger []api.LedgerEntry, notes []api.Note) []activity {
	out := make([]activity, 0, len(orders)+len(ledger)+len(notes))
	for _, o := range orders {
		what := "#" + o.Number + " · " + o.Status + " · " + money.Format(o.Total, o.Currency) + " · " + itemCount(o.ItemCount)
		out = append(out, activity{at: o.CreatedAt, kind: kindOrder, what: what, order: o.ID, status: o.Status})
	}
	for _, e := range ledger {
		what := signed(e.Points) + " " + e.Type
		if e.Reason != "" {
			what += " · " + e.Reason
		}
		if e.Note != "" {
			what += " · " + e.Note
		}
		what += " → " + money.Int(e.BalanceAfter)
		out = append(out, activity{at: e.CreatedAt, kind: kindPoints, what: what, by: agentName(e.AgentName, e.AgentID)})
	}
	for _, n := range notes {
		// The first line of the note stands for it; the Notes tab has
		// the whole text.
		body, _, _ := strings.Cut(strings.TrimSpace(n.Body), "\n")
		out = append(out, activity{at: n.CreatedAt, kind: kindNote, what: body, by: agentName(n.AgentName, n.AgentID)})
	}
	slices.SortStableFunc(out, func(a, b activity) int { return b.at.Compare(a.at) })
	return out
}

func itemCount(n int) string {
	if n == 1 {
		return "1 item"
	}
	return money.Int(int64(n)) + " items"
}

// signed formats points with their sign: "+50", "-120".
func signed(n int64) string {
	if n > 0 {
		return "+" + money.Int(n)
	}
	return money.Int(n)
}

func agentName(name, id string) string {
	return cmp.Or(name, id)
}
