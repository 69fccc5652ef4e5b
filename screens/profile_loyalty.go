package screens

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/money"
	"frontdesk/tui"
)

// ledgerPageSize is how many ledger entries one server page holds.
const ledgerPageSize = 50

var ledgerColumns = []column{
	{title: "Date", min: 16, drop: 4},
	{title: "Type", min: 6},
	{title: "Points", min: 8, right: true},
	{title: "Balance", min: 8, right: true, drop: 3},
	{title: "Reason", min: 12, max: 16, weight: 1, drop: 2},
	{title: "Note", min: 12, weight: 4},
	{title: "Agent", min: 10, max: 24, weight: 1, drop: 1},
}

// Messages of the Loyalty tab.
type (
	loyaltyLoadedMsg struct {
		t       *loyaltyTab
		seq     int
		loyalty api.Loyalty
		err     error
	}
	ledgerLoadedMsg struct {
		t    *loyaltyTab
		seq  int
		at   int // the page number asked for
		page client.Page[api.LedgerEntry]
		err  error
	}
)

// loyaltyTab is the points balance and the ledger, a server page at a
// time. It brings `a` (adjust points) to the whole profile, and loads
// the balance from the start: the overview shows it and the adjust form
// needs it.
type loyaltyTab struct {
	tabBase
	balance api.Loyalty
	balL    load
	l       load
	pg      pager[api.LedgerEntry]
	cur     cursor
	adjust  Binding
}

func newLoyaltyTab(p *Profile) tabComponent {
	t := &loyaltyTab{tabBase: tabBase{p: p}, pg: newPager[api.LedgerEntry](ledgerPageSize)}
	// A store may show points it cannot change (read-only APIs).
	t.adjust = p.needs(p.c.Keys.Adjust, client.CapLoyaltyAdjust, t.needBalance).Do(func() tea.Cmd {
		return tui.Push(adjustForm(p.c, p.env, p.cust, t.balance.PointsBalance))
	})
	return t
}

func (t *loyaltyTab) kind() tab              { return tabLoyalty }
func (t *loyaltyTab) Actions() []tui.Binding { return []tui.Binding{t.adjust} }
func (t *loyaltyTab) Init() tea.Cmd          { return t.fetchBalance() }
func (t *loyaltyTab) Refresh() tea.Cmd       { return tea.Batch(t.fetchBalance(), t.fetch()) }

func (t *loyaltyTab) Loads() []paneLoad {
	return []paneLoad{{&t.balL, t.fetchBalance}, {&t.l, t.fetch}}
}

func (t *loyaltyTab) Show() tea.Cmd {
	var cmds []tea.Cmd
	if t.balL.wanted() {
		cmds = append(cmds, t.fetchBalance())
	}
	if t.l.wanted() {
		cmds = append(cmds, t.fetch())
	}
	return tea.Batch(cmds...)
}

func (t *loyaltyTab) needBalance() string {
	if r := t.p.needCustomer(); r != "" {
		return r
	}
	if !t.balL.loaded {
		return "the points balance is still loading"
	}
	return ""
}

func (t *loyaltyTab) SetSize(w, h int) {
	t.tabBase.SetSize(w, h)
	t.cur.clamp(len(t.pg.items()), t.tableRows())
}

func (t *loyaltyTab) Update(msg tea.Msg) tea.Cmd {
	switch m := msg.(type) {
	case loyaltyLoadedMsg:
		if m.t != t || !t.balL.accept(m.seq, m.err) {
			return nil
		}
		if m.err != nil {
			return t.p.failed(&t.balL, "load loyalty", m.err)
		}
		t.balance = m.loyalty
		return t.p.retryFailed()
	case ledgerLoadedMsg:
		if m.t != t || !t.l.accept(m.seq, m.err) {
			return nil
		}
		if m.err != nil {
			return t.p.failed(&t.l, "load loyalty ledger", m.err)
		}
		t.pg.take(m.at, m.page)
		t.cur.clamp(len(t.pg.items()), t.tableRows())
		return t.p.retryFailed()
	}
	return nil
}

// Saved shows the balance an adjustment answered at once, and reads the
// balance and the ledger again.
func (t *loyaltyTab) Saved(s formSave) tea.Cmd {
	if s.loyaltyFor == "" || s.loyaltyFor != t.p.id {
		return nil
	}
	t.balance.PointsBalance = s.balance
	t.l.stale()
	return t.fetchBalance()
}

func (t *loyaltyTab) Move(d int) { t.cur.move(d, len(t.pg.items()), t.tableRows()) }

func (t *loyaltyTab) PageBy(d int) tea.Cmd {
	return t.pg.turnThen(d, func() tea.Cmd { t.cur = cursor{}; return t.fetch() })
}

// Click highlights the entry clicked; there is nothing to open.
func (t *loyaltyTab) Click(row int) tea.Cmd {
	t.cur.click(row, len(t.pg.items()), t.tableRows())
	return nil
}

func (t *loyaltyTab) fetchBalance() tea.Cmd {
	cl, id := t.p.env.cl, t.p.id
	return t.balL.startPaced(t.p.c, func(ctx context.Context, seq int) tea.Msg {
		l, err := cl.GetLoyalty(ctx, id)
		return loyaltyLoadedMsg{t: t, seq: seq, loyalty: l, err: err}
	})
}

func (t *loyaltyTab) fetch() tea.Cmd {
	cl, id, at, params := t.p.env.cl, t.p.id, t.pg.n, t.pg.params()
	return t.l.startPaced(t.p.c, func(ctx context.Context, seq int) tea.Msg {
		l, err := cl.ListLedger(ctx, id, params)
		return ledgerLoadedMsg{t: t, seq: seq, at: at, page: l, err: err}
	})
}

// pointsLine is the balance as the overview shows it: the points, or
// why they are not there.
func (t *loyaltyTab) pointsLine() string {
	switch {
	case t.balL.loaded:
		return count(t.balance.PointsBalance, "point", "points") + " · lifetime earned " + money.Int(t.balance.LifetimeEarned)
	case t.balL.waiting():
		return rateLimitText(&t.balL)
	case t.balL.err != nil:
		return "could not load (ctrl+r retries)"
	}
	return "…"
}

func (t *loyaltyTab) View(lines []string) []string {
	st, w := t.p.c.Styles, t.width
	var left string
	if t.balL.loaded {
		left = "balance " + count(t.balance.PointsBalance, "point", "points") + " · lifetime earned " + money.Int(t.balance.LifetimeEarned)
	} else if s, ok := loadState(st, &t.balL, "the points balance", w); ok {
		lines = append(lines, s...)
	}
	if s, ok := loadState(st, &t.l, "the ledger", w); ok {
		if left != "" {
			lines = append(lines, statusLine(st, left, "", w))
		}
		lines = append(lines, s...)
		if !t.l.loaded {
			return lines
		}
	} else if left != "" || t.l.loaded {
		lines = append(lines, statusLine(st, left, t.pg.status("entry", "entries"), w))
	}
	items := t.pg.items()
	if len(items) == 0 {
		return append(lines, "", st.Muted.Render("No loyalty activity yet."))
	}
	widths := fitColumns(ledgerColumns, w)
	lines = append(lines, tableHeader(st, ledgerColumns, widths))
	cells := make([]cell, len(ledgerColumns))
	end := min(len(items), t.cur.top+t.tableRows())
	for i := t.cur.top; i < end; i++ {
		e := &items[i]
		pts := st.Success
		if e.Points < 0 {
			pts = st.Error
		}
		cells[0] = cell{text: t.p.env.dateTime(e.CreatedAt)}
		cells[1] = cell{text: e.Type}
		cells[2] = cell{text: signed(e.Points), style: &pts}
		cells[3] = cell{text: money.Int(e.BalanceAfter)}
		cells[4] = cell{text: e.Reason}
		cells[5] = cell{text: e.Note}
		cells[6] = cell{text: agentName(e.AgentName, e.AgentID)}
		lines = append(lines, tableRow(st, ledgerColumns, widths, cells, i == t.cur.pos, w))
	}
	return lines
}
