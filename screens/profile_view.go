package screens

import (
	"strings"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/tui"
)

// tableHeadLines are the lines of a table tab above its rows: a status
// line and the column titles.
const tableHeadLines = 2

// View draws the customer's line, the tabs and the tab shown.
func (p *Profile) View() string {
	if p.width <= 0 || p.height <= 0 {
		return ""
	}
	st := p.c.Styles
	lines := make([]string, 0, p.height)
	lines = append(lines, p.headLine(), p.tabsLine(), p.sessionLine())
	if p.missing() {
		// No tab has anything to show, and no retry would help.
		hint := "Check the id, or find the customer with / (search)."
		if !p.caps.Has(client.CapSearch) {
			hint = "Check the id, and type it again with / (this store has no search)."
		}
		lines = append(lines, st.Error.Render(st.Cells.Truncate(p.missingText()+".", p.width)),
			"", st.Muted.Render(st.Cells.Truncate(hint, p.width)))
		return fitLines(lines, p.width, p.height)
	}
	return fitLines(p.active().View(lines), p.width, p.height)
}

// headLine is the customer's name, email and status, and the id on the
// right.
func (p *Profile) headLine() string {
	st := p.c.Styles
	right := "id " + string(p.id)
	if !p.custL.loaded {
		left := "Loading customer " + string(p.id) + "…"
		switch {
		case p.missing():
			return st.Error.Render(st.Cells.Truncate(p.missingText(), p.width))
		case p.custL.waiting():
			left = "Customer " + string(p.id) + ": " + rateLimitText(&p.custL)
		case p.custL.err != nil && client.IsUnsupported(p.custL.err):
			left = "Customer " + string(p.id)
		case p.custL.err != nil:
			left = "Customer " + string(p.id) + " could not be loaded"
		}
		return st.Title.Render(st.Cells.Truncate(left, p.width))
	}
	c := &p.cust
	rightW := st.Cells.Width(right)
	room := max(0, p.width-rightW-2)
	// Measured as this terminal counts cells (st.Cells), so the id stays
	// at the end of the line whatever the name holds.
	name := st.Cells.Truncate(c.Name(), min(room, max(room/2, 20)))
	left := st.Title.Render(name)
	used := st.Cells.StringWidth(name)
	rest := " · " + c.Email
	if c.Status != "" && c.Status != api.StatusActive {
		rest += " · " + strings.ToUpper(c.Status)
	}
	rest = st.Cells.Truncate(rest, room-used)
	left += st.Muted.Render(rest)
	used += st.Cells.StringWidth(rest)
	return left + strings.Repeat(" ", max(1, p.width-used-rightW)) + st.Muted.Render(st.Cells.Truncate(right, p.width))
}

// sessionLine is the line under the tabs: who else is acting for this
// customer (their session is live; two agents acting at once confuse the
// customer), or else which other agents have the customer open (presence),
// or that this view is the customer's own while acting. Empty otherwise.
func (p *Profile) sessionLine() string {
	st := p.c.Styles
	var text string
	switch {
	case len(p.others) > 0:
		o := p.others[0]
		text = "⚠ " + agentName(o.AgentName, o.AgentID) + " (agent " + o.AgentID + ") is already acting for this customer"
		if n := len(p.others) - 1; n > 0 {
			text += " (and " + itoa(n) + " more)"
		}
		if p.Acting() {
			text += " · you too"
		}
		return st.Warning.Render(st.Cells.Truncate(text, p.width))
	case p.presenceText() != "":
		text = p.presenceText()
		if p.Acting() {
			text += " · you see what the customer sees"
		}
		return st.Warning.Render(st.Cells.Truncate(text, p.width))
	case p.Acting():
		text = "You see what the customer sees · c coupons · R password reset · O stops acting"
		return st.Muted.Render(st.Cells.Truncate(text, p.width))
	}
	return ""
}

// tabLabel is how the tab at index i is labelled: its number key and
// name.
func tabLabel(i int, t tab) string { return itoa(i+1) + " " + tabNames[t] }

func (p *Profile) tabsLine() string {
	st := p.c.Styles
	var b strings.Builder
	for i, t := range p.tabs {
		b.WriteString(st.RenderTab(tabLabel(i, t.kind()), i == p.cur))
	}
	return b.String()
}

// tabRanges are the columns [from, to) of each tab label on the tabs
// line, for mouse clicks; measured from the same rendering View uses.
func (p *Profile) tabRanges() [][2]int {
	st := p.c.Styles
	out := make([][2]int, len(p.tabs))
	x := 0
	for i, t := range p.tabs {
		w := st.Cells.StringWidth(st.RenderTab(tabLabel(i, t.kind()), i == p.cur))
		out[i] = [2]int{x, x + w}
		x += w
	}
	return out
}

// loadErrorLines is how many lines an error may take in a tab; the whole
// text is one :error away.
const loadErrorLines = 4

// loadState is the lines a tab shows instead of (or above) its data while
// it loads or after it failed: an error keeps its cause, advice and
// request id, wrapped.
func loadState(st tui.Styles, l *load, what string, width int) ([]string, bool) {
	switch {
	case l.waiting():
		msg := "Loading " + what + ": " + rateLimitText(l)
		return []string{st.Warning.Render(st.Cells.Truncate(msg, width))}, true
	case l.err != nil && !l.loading && client.IsUnsupported(l.err):
		// The platform cannot: no retry would help, the reason is all.
		out := tui.Wrap(st.Cells, strings.ToUpper(what[:1])+what[1:]+": "+client.Reason(l.err), width, loadErrorLines)
		for i := range out {
			out[i] = st.Muted.Render(out[i])
		}
		return out, true
	case l.err != nil && !l.loading:
		// The retry key first.
		msg := "Could not load " + what + " (press ctrl+r to retry): " + tui.ErrorText(l.err)
		out := tui.Wrap(st.Cells, msg, width, loadErrorLines)
		for i := range out {
			out[i] = st.Error.Render(out[i])
		}
		return out, true
	case l.loading && !l.loaded:
		return []string{st.Muted.Render("Loading " + what + "…")}, true
	}
	return nil, false
}

// rateLimitText is what a rate-limited load says while it counts down.
func rateLimitText(l *load) string {
	return "rate limited by the store, retrying in " + itoa(l.waitLeft) + " s"
}

// statusLine puts left and right on one line of width cells.
func statusLine(st tui.Styles, left, right string, width int) string {
	room := width - st.Cells.Width(right) - 2
	left = st.Cells.Truncate(left, max(0, room))
	gap := width - st.Cells.Width(left) - st.Cells.Width(right)
	return st.Muted.Render(left) + strings.Repeat(" ", max(1, gap)) + st.Muted.Render(right)
}
