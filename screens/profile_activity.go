package screens

import (
	"context"
	"errors"
	"strings"
	"sync"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/tui"
)

// activityPerKind is how many of the newest orders, ledger entries, notes
// and audit rows the timeline merges.
const activityPerKind = 50

var activityColumns = []column{
	{title: "When", min: 16},
	{title: "Kind", min: 6},
	{title: "What", min: 20, weight: 5},
	{title: "By", min: 10, max: 40, weight: 2, drop: 1},
}

// activityLoadedMsg answers the Activity tab's request.
type activityLoadedMsg struct {
	t     *activityTab
	seq   int
	items []activity
	err   error
	// auditErr: the audit trail could not be read; the rest of the
	// timeline is shown without it.
	auditErr error
}

// activityTab is one timeline, newest first, of the customer's orders,
// points, notes and audit trail (what the platform has of them); enter
// opens an order.
type activityTab struct {
	tabBase
	l        load
	items    []activity
	auditErr error
	cur      cursor
	keys     []Binding
	// orders…audit are the kinds of history the platform keeps; newest
	// and merged say which, for the status line.
	orders, points, notes, audit bool
	newest, merged               string
}

func newActivityTab(p *Profile) tabComponent {
	t := &activityTab{tabBase: tabBase{p: p},
		orders: p.caps.Has(client.CapOrders), points: p.caps.Has(client.CapLoyalty),
		notes: p.caps.Has(client.CapNotes), audit: p.caps.Has(client.CapAudit)}
	t.merged = strings.Join(t.kinds(), ", ")
	t.newest = "the newest " + joinAnd(append(t.kinds(), "audit trail"))
	t.keys = []Binding{p.c.Keys.Open.WithHelp("open order").With(t.noOrder).Do(t.open)}
	return t
}

func (t *activityTab) kind() tab               { return tabActivity }
func (t *activityTab) Bindings() []tui.Binding { return t.keys }
func (t *activityTab) Loads() []paneLoad       { return []paneLoad{{&t.l, t.fetch}} }
func (t *activityTab) Refresh() tea.Cmd        { return t.fetch() }

func (t *activityTab) Show() tea.Cmd {
	if t.l.wanted() {
		return t.fetch()
	}
	return nil
}

func (t *activityTab) SetSize(w, h int) {
	t.tabBase.SetSize(w, h)
	t.cur.clamp(len(t.items), t.tableRows())
}

func (t *activityTab) Update(msg tea.Msg) tea.Cmd {
	switch m := msg.(type) {
	case activityLoadedMsg:
		if m.t != t || !t.l.accept(m.seq, m.err) {
			return nil
		}
		if m.err != nil {
			return t.p.failed(&t.l, "load activity", m.err)
		}
		t.items, t.auditErr = m.items, m.auditErr
		t.cur.clamp(len(t.items), t.tableRows())
		if m.auditErr != nil && !errors.Is(m.auditErr, context.Canceled) {
			t.p.c.Logger.Warn("load audit trail", "customer", t.p.id, "err", m.auditErr)
		}
		return t.p.retryFailed()
	case auditWrittenMsg:
		// At once when shown — also when a load is in flight, which may
		// have read the trail before the write — otherwise when next
		// looked at.
		t.l.stale()
		if t.shown(t) {
			return t.fetch()
		}
	}
	return nil
}

// Saved: an adjustment or a note is new history, read when next looked
// at.
func (t *activityTab) Saved(s formSave) tea.Cmd {
	if (s.loyaltyFor != "" && s.loyaltyFor == t.p.id) || (s.note != nil && s.note.CustomerID == t.p.id) {
		t.l.stale()
	}
	return nil
}

func (t *activityTab) Move(d int)           { t.cur.move(d, len(t.items), t.tableRows()) }
func (t *activityTab) PageBy(d int) tea.Cmd { t.Move(d * t.tableRows()); return nil }

func (t *activityTab) Click(row int) tea.Cmd {
	if again, _ := t.cur.click(row, len(t.items), t.tableRows()); again {
		return t.open()
	}
	return nil
}

func (t *activityTab) selected() (api.ID, bool) {
	if i := t.cur.pos; i >= 0 && i < len(t.items) && t.items[i].order != "" {
		return t.items[i].order, true
	}
	return "", false
}

func (t *activityTab) noOrder() string {
	if _, ok := t.selected(); !ok {
		return "no order highlighted"
	}
	return ""
}

func (t *activityTab) open() tea.Cmd {
	id, ok := t.selected()
	if !ok {
		return nil
	}
	return tui.Push(newOrderDetail(t.p.c, t.p.env, t.p.id, id))
}

// fetch asks for the newest orders, ledger entries, notes and audit rows
// at once (those the platform keeps) and merges them into one timeline.
// The audit trail is not essential: if it cannot be read, the rest is
// shown and the tab says so.
func (t *activityTab) fetch() tea.Cmd {
	cl, id, name := t.p.env.cl, t.p.id, t.p.cust.Name()
	hasOrders, hasPoints, hasNotes, hasAudit := t.orders, t.points, t.notes, t.audit
	auditMissing := t.p.caps.Check(client.CapAudit)
	return t.l.startPaced(t.p.c, func(ctx context.Context, seq int) tea.Msg {
		var (
			wg      sync.WaitGroup
			orders  client.Page[api.Order]
			ledger  client.Page[api.LedgerEntry]
			notes   client.Page[api.Note]
			audit   client.Page[api.AuditEntry]
			errs    [3]error
			auditE  = auditMissing
			perKind = activityPerKind
		)
		if hasOrders {
			wg.Go(func() { orders, errs[0] = cl.ListOrders(ctx, id, client.OrderParams{Limit: perKind}) })
		}
		if hasPoints {
			wg.Go(func() { ledger, errs[1] = cl.ListLedger(ctx, id, client.PageParams{Limit: perKind}) })
		}
		if hasNotes {
			wg.Go(func() { notes, errs[2] = cl.ListNotes(ctx, id, client.PageParams{Limit: perKind}) })
		}
		if hasAudit {
			wg.Go(func() { audit, auditE = cl.ListAudit(ctx, client.AuditParams{CustomerID: id, Limit: perKind}) })
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				return activityLoadedMsg{t: t, seq: seq, err: err}
			}
		}
		items := withAudit(mergeActivity(orders.Items, ledger.Items, notes.Items), audit.Items, name)
		return activityLoadedMsg{t: t, seq: seq, items: items, auditErr: auditE}
	})
}

// kinds names the history the timeline merges: "orders, points, notes".
func (t *activityTab) kinds() []string {
	var out []string
	for _, k := range []struct {
		on   bool
		name string
	}{{t.orders, "orders"}, {t.points, "points"}, {t.notes, "notes"}} {
		if k.on {
			out = append(out, k.name)
		}
	}
	return out
}

// joinAnd is "a, b and c".
func joinAnd(s []string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

func (t *activityTab) View(lines []string) []string {
	st, w := t.p.c.Styles, t.width
	if s, ok := loadState(st, &t.l, "the activity", w); ok {
		lines = append(lines, s...)
		if !t.l.loaded {
			return lines
		}
	} else {
		events := count(int64(len(t.items)), "event", "events")
		left := events + ": " + t.newest
		if t.auditErr != nil {
			left = events + ": " + t.merged + " (audit trail unavailable: " + t.auditErr.Error() + ")"
		}
		lines = append(lines, statusLine(st, left, "enter opens an order", w))
	}
	if len(t.items) == 0 {
		return append(lines, "", st.Muted.Render("Nothing has happened yet."))
	}
	widths := fitColumns(activityColumns, w)
	lines = append(lines, tableHeader(st, activityColumns, widths))
	cells := make([]cell, len(activityColumns))
	end := min(len(t.items), t.cur.top+t.tableRows())
	for i := t.cur.top; i < end; i++ {
		a := &t.items[i]
		var kindStyle *lipgloss.Style
		if a.kind == kindOrder {
			s := st.OrderStatus(a.status)
			kindStyle = &s
		}
		cells[0] = cell{text: t.p.env.dateTime(a.at)}
		cells[1] = cell{text: a.kind, style: kindStyle}
		cells[2] = cell{text: a.what}
		cells[3] = cell{text: a.by}
		lines = append(lines, tableRow(st, activityColumns, widths, cells, i == t.cur.pos, w))
	}
	return lines
}
