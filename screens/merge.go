package screens

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/money"
	"frontdesk/policy"
	"frontdesk/tui"
)

// The merge screen (":merge 97" on the profile of the customer to keep):
// what merging the duplicate would move, then y merges (n, esc or enter
// do not: the safe answer is the default). One idempotency key per
// screen, so y after a failed try retries the same merge and never
// merges twice. When it is done the screen closes and the profiles of
// both customers load again.

type mergeState int

const (
	mergeLoading mergeState = iota
	mergeFailed
	mergeReady
	mergeApplying
)

type mergePreviewMsg struct {
	m   *Merge
	p   api.MergePreview
	err error
}

type mergeAppliedMsg struct {
	m        *Merge
	res      api.MergeResult
	replayed bool
	err      error
}

// Merge is the merge screen of one duplicate (Drop) into Keep.
type Merge struct {
	c          *tui.Common
	env        *env
	keep, drop api.ID
	key        string

	state   mergeState
	err     string
	preview api.MergePreview

	width, height int
}

func newMerge(c *tui.Common, e *env, keep, drop api.ID) *Merge {
	return &Merge{c: c, env: e, keep: keep, drop: drop, key: client.NewIdempotencyKey()}
}

var (
	mergeYes = tui.Binding{Keys: []string{"y"}, Help: "yes, merge", Dangerous: true, Policy: policy.MergeCustomers}
	mergeNo  = tui.Binding{Keys: []string{"n", "esc", "enter"}, HelpKey: "n/esc", Help: "no"}
)

// Init checks what the platform and the role allow, then asks for the
// preview.
func (m *Merge) Init() tea.Cmd {
	if err := m.env.caps().Check(client.CapMerge); err != nil {
		m.state, m.err = mergeFailed, client.Reason(err)
		return nil
	}
	if err := policy.Check(m.c.Actor(), policy.MergeCustomers, policy.On(m.c.Policy())); err != nil {
		m.state, m.err = mergeFailed, err.Error()
		return nil
	}
	cl, ctx, keep, drop := m.env.cl, m.c.Context(), m.keep, m.drop
	return m.c.Track(func() tea.Msg {
		p, err := cl.PreviewMerge(ctx, keep, drop)
		return mergePreviewMsg{m: m, p: p, err: err}
	})
}

func (m *Merge) apply() tea.Cmd {
	m.state = mergeApplying
	cl, ctx, keep, drop, key := m.env.cl, m.c.Context(), m.keep, m.drop, m.key
	return m.c.Track(func() tea.Msg {
		res, replayed, err := cl.MergeCustomers(ctx, keep, drop, key)
		return mergeAppliedMsg{m: m, res: res, replayed: replayed, err: err}
	})
}

// Title names the two customers.
func (m *Merge) Title() string { return "Merge " + string(m.drop) + " into " + string(m.keep) }

// CapturesKeys while asking: y, n, esc and enter are the answer.
func (m *Merge) CapturesKeys() bool { return m.state == mergeReady || m.state == mergeApplying }

// SetSize fits the screen to the content area.
func (m *Merge) SetSize(w, h int) { m.width, m.height = w, h }

// ShortHelp is the footer's key help.
func (m *Merge) ShortHelp() []tui.Binding {
	if m.state == mergeReady {
		return []tui.Binding{mergeYes, mergeNo}
	}
	return nil
}

// FullHelp is every binding of the screen.
func (m *Merge) FullHelp() [][]tui.Binding { return [][]tui.Binding{m.ShortHelp()} }

// Update handles the preview, the merge's answer and the keys.
func (m *Merge) Update(msg tea.Msg) (tui.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case mergePreviewMsg:
		if msg.m != m {
			return m, nil
		}
		if msg.err != nil {
			m.state, m.err = mergeFailed, tui.ErrorText(msg.err)
			return m, nil
		}
		m.state, m.preview = mergeReady, msg.p
	case mergeAppliedMsg:
		if msg.m != m {
			return m, nil
		}
		if msg.err != nil {
			// The same key goes with the next y: a merge that did happen
			// answers again, and one that did not happens once.
			m.state = mergeReady
			return m, tui.ErrorFrom(msg.err)
		}
		done := fmt.Sprintf("merged customer %s into %s: balance %s points", msg.res.DropID, msg.res.KeepID, money.Int(msg.res.PointsBalance))
		if msg.replayed {
			done = "already " + done
		}
		merged := tui.MergedMsg{Keep: msg.res.KeepID, Drop: msg.res.DropID}
		return m, tea.Batch(tui.Pop(), func() tea.Msg { return merged }, tui.Success(done))
	case tea.KeyPressMsg:
		if m.state != mergeReady {
			return m, nil
		}
		switch {
		case mergeYes.Matches(msg) && m.c.Enabled(mergeYes):
			return m, m.apply()
		case mergeNo.Matches(msg):
			return m, tea.Batch(tui.Pop(), tui.Info("not merged"))
		}
	}
	return m, nil
}

// View draws the preview and the question.
func (m *Merge) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	st := m.c.Styles
	w := m.width
	switch m.state {
	case mergeLoading:
		return fitLines([]string{st.Muted.Render("Asking the store what merging " + st.Cells.Truncate(string(m.drop), 30) + " would move… nothing is changed yet")}, w, m.height)
	case mergeFailed:
		lines := tui.Wrap(st.Cells, m.err, w, m.height)
		for i := range lines {
			lines[i] = st.Error.Render(lines[i])
		}
		return fitLines(lines, w, m.height)
	}
	p := m.preview
	name := func(c api.Customer) string {
		return st.Cells.Truncate(c.Name(), max(10, w/3)) + " #" + st.Cells.Truncate(string(c.ID), 30)
	}
	line := func(s string) string { return st.Cells.Truncate(s, w) }
	out := []string{
		st.Title.Render(line("Merge " + name(p.Drop) + " into " + name(p.Keep))),
		"",
		line(fmt.Sprintf("Orders     %d move", p.OrderCount)),
	}
	for _, o := range p.Orders {
		out = append(out, line(fmt.Sprintf("           %s · %s · %s", o.Number, o.Status, money.Format(o.Total, o.Currency))))
	}
	if more := p.OrderCount - len(p.Orders); more > 0 {
		out = append(out, st.Muted.Render(line(fmt.Sprintf("           and %d more", more))))
	}
	out = append(out, line(fmt.Sprintf("Notes      %d move", p.NoteCount)))
	out = append(out, line(fmt.Sprintf("Addresses  %d move (a default where the kept customer has one of its type is no longer a default)", len(p.Addresses))))
	out = append(out, line(fmt.Sprintf("Ledger     %d entries stay with %s; its balance moves", p.LedgerCount, p.Drop.ID)))
	out = append(out, line(fmt.Sprintf("Points     %s + %s = %s", money.Int(p.KeepBalance), money.Int(p.DropBalance), money.Int(p.PointsBalance))))
	out = append(out, line(fmt.Sprintf("Totals     %d orders · spent %s", p.TotalOrders, money.Format(p.TotalSpent, p.Keep.Currency))))
	out = append(out, "")
	q := "Merge now? This cannot be undone. y merges; n, esc or enter do not."
	if m.state == mergeApplying {
		q = "Merging…"
	}
	out = append(out, st.Warning.Render(line(q)))
	return fitLines(out, w, m.height)
}
