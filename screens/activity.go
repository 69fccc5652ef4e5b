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
	kindAudit  = "audit"
)

// activity is one line of the profile's timeline: an order, a loyalty
// ledger entry or a note. Text is raw API data; the view sanitizes it.
type activity struct {
	at     time.Time
	kind   string
	what   string
	by     string // the agent (as the customer, on behalf), for ledger entries, notes and audit rows
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

func itemCount(n int) string { return count(int64(n), "item", "items") }

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

// withAudit merges the audit trail's rows into the timeline: who did
// what, as whom (the customer, name, when they acted on behalf), through
// what (api or ssh), and each changed field before → after. Adjustments
// and notes are already in the timeline from the ledger and the notes, so
// their audit rows are left out rather than shown twice. Text is raw API
// data; the view sanitizes it.
func withAudit(items []activity, entries []api.AuditEntry, name string) []activity {
	for _, e := range entries {
		if e.Action == api.ActionLoyaltyAdjust || e.Action == api.ActionNoteCreate {
			continue
		}
		what := auditLabel(e.Action)
		if e.Action != api.ActionCustomerCreate {
			var ch []string
			for _, c := range e.Changes() {
				ch = append(ch, c.Field+" "+cmp.Or(c.Before, "∅")+" → "+cmp.Or(c.After, "∅"))
			}
			if len(ch) > 0 {
				what += " · " + strings.Join(ch, "; ")
			}
		}
		if e.Via != "" {
			what += " · via " + e.Via
		}
		by := agentName(e.AgentName, e.AgentID)
		if e.OnBehalf() {
			by += " as " + cmp.Or(name, "the customer")
		}
		items = append(items, activity{at: e.At, kind: kindAudit, what: what, by: by})
	}
	slices.SortStableFunc(items, func(a, b activity) int { return b.at.Compare(a.at) })
	return items
}

// auditLabel says what an audit action was, in a few words.
func auditLabel(action string) string {
	switch action {
	case api.ActionCustomerCreate:
		return "customer created"
	case api.ActionCustomerUpdate:
		return "profile changed"
	case api.ActionSessionStart:
		return "started acting on behalf"
	case api.ActionSessionRefresh:
		return "on-behalf session refreshed"
	case api.ActionSessionEnd:
		return "stopped acting on behalf"
	case api.ActionPasswordReset:
		return "password reset sent"
	}
	return action
}
