package screens

import (
	"strconv"
	"strings"

	"frontdesk/money"
	"frontdesk/tui"
)

// Drawing the search screen: the box, the status line and the table.

func (s *Search) showsTable() bool {
	return s.err == nil && s.hasList && len(s.list.Items) > 0
}

// View draws the box, the status line and the page of results.
func (s *Search) View() string {
	if s.width <= 0 || s.height <= 0 {
		return ""
	}
	st := s.c.Styles
	lines := make([]string, 0, s.height)
	lines = append(lines, s.input.View())
	lines = append(lines, s.statusLine())

	body := s.height - 2
	switch {
	case s.err != nil:
		lines = append(lines, "", st.Error.Render(st.Cells.Truncate("Could not load customers.", s.width)))
		lines = append(lines, tui.WrapError(st.Cells, s.err, s.width)...)
		retry := "Press ctrl+r to retry."
		if s.waiting > 0 {
			retry = "Retrying by itself in " + strconv.Itoa(s.waiting) + " s; ctrl+r retries now."
		}
		lines = append(lines, "", st.Muted.Render(retry))
	case !s.hasList:
		lines = append(lines, "", st.Muted.Render("Loading customers…"))
	case len(s.list.Items) == 0:
		lines = append(lines, "")
		if s.shown.query == "" {
			lines = append(lines, st.Muted.Render("No customers yet."))
		} else {
			lines = append(lines, st.Muted.Render(st.Cells.Truncate(`No customers match "`+s.shown.query+`".`, s.width)),
				st.Muted.Render("Try part of an email, a first or last name, or a phone number."))
		}
	default:
		// A stale list shows no highlight: no row of it can be opened.
		stale := s.stale()
		widths := fitColumns(searchColumns, s.width)
		lines = append(lines, tableHeader(st, searchColumns, widths))
		rows := body - 1
		end := min(len(s.list.Items), s.cur.top+rows)
		cells := make([]cell, len(searchColumns))
		for i := s.cur.top; i < end; i++ {
			c := &s.list.Items[i]
			cells[0] = cell{text: c.Name()}
			cells[1] = cell{text: c.Email}
			cells[2] = cell{text: c.Phone}
			cells[3] = cell{text: money.Int(int64(c.TotalOrders))}
			cells[4] = cell{text: money.Format(c.TotalSpent, c.Currency)}
			cells[5] = cell{text: s.env.date(c.CreatedAt)}
			lines = append(lines, tableRow(st, searchColumns, widths, cells, i == s.cur.pos && !stale, s.width))
		}
	}
	return fitLines(lines, s.width, s.height)
}

// statusLine says which page this is, how many customers matched, the
// sort, and whether a search is under way.
func (s *Search) statusLine() string {
	st := s.c.Styles
	var left string
	if s.hasList && s.err == nil {
		total := money.Int(int64(s.list.Total))
		pages := strconv.Itoa(s.pages())
		if s.list.TotalIsEstimate {
			total += "+"
			pages += "+"
		}
		noun := " customers"
		if s.list.Total == 1 && !s.list.TotalIsEstimate {
			noun = " customer"
		}
		if s.list.Total > 0 {
			left = "page " + strconv.Itoa(s.shown.page) + " of " + pages + " · " + total + noun
		} else {
			left = "0 customers"
		}
		if s.shown.query != "" {
			left += ` matching "` + s.shown.query + `"`
		}
	}
	state := s.stateText()
	right := "sort: " + sortNames[s.sort]
	if !s.inBox {
		right += " (s)"
	}
	// What the screen is doing never gives way; the list's counts do.
	room := s.width - st.Cells.Width(right) - 2
	if state != "" {
		state = st.Cells.Truncate(state, max(0, room))
		if left != "" {
			state = " · " + state
		}
		room -= st.Cells.Width(state)
	}
	left = st.Cells.Truncate(left, max(0, room)) + state
	gap := s.width - st.Cells.Width(left) - st.Cells.Width(right)
	return st.Muted.Render(left) + strings.Repeat(" ", max(1, gap)) + st.Muted.Render(right)
}

// stateText says what the screen is waiting for, if anything: the answer
// for newer text, a rate limit or an unreachable store, or the answer
// that enter will open.
func (s *Search) stateText() string {
	want := s.currentKey()
	switch {
	case s.waiting > 0 && s.limited:
		return "rate limited by the store, retrying in " + strconv.Itoa(s.waiting) + " s"
	case s.waiting > 0:
		return "retrying in " + strconv.Itoa(s.waiting) + " s (ctrl+r now)"
	case s.opening:
		return "opening when " + strconv.Quote(s.openKey.query) + " answers (esc stops)"
	case (s.flying || s.pacing) && s.hasList && want.query != s.shown.query:
		return "searching " + strconv.Quote(want.query) + "…"
	case s.flying || s.pacing:
		return "searching…"
	}
	return ""
}
