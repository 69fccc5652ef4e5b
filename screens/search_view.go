package screens

import (
	"strconv"
	"strings"

	"frontdesk/api"
	"frontdesk/client"

	"frontdesk/money"
	"frontdesk/tui"
)

// Drawing the search screen: the box, the status line and the table.

func (s *Search) showsTable() bool {
	return s.err == nil && s.hasList && s.rows() > 0
}

// View draws the box, the status line and the page of results.
func (s *Search) View() string {
	if s.width <= 0 || s.height <= 0 {
		return ""
	}
	st := s.c.Styles
	lines := make([]string, 0, s.height)
	lines = append(lines, s.input.View())
	if why := s.filterErrShown(); why != "" {
		lines = append(lines, st.Error.Render(st.Cells.Truncate(why, s.width)))
	} else {
		lines = append(lines, s.statusLine())
	}
	if len(s.env.views) > 0 {
		lines = append(lines, s.viewsLine())
	}

	body := s.height - s.headLines() + 1
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
	case s.rows() == 0:
		lines = append(lines, "")
		if quote, ok := api.ParseOrderNumber(s.shown.query); ok && quote.Marked && s.env.caps().Has(client.CapFindOrder) {
			lines = append(lines, st.Muted.Render(st.Cells.Truncate("No order "+quote.Number+".", s.width)),
				st.Muted.Render(st.Cells.Truncate("Check the number with the customer: it looks like FD-00001584.", s.width)))
		} else if s.shown.query == "" {
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
		end := min(s.rows(), s.cur.top+rows)
		cells := make([]cell, len(searchColumns))
		for i := s.cur.top; i < end; i++ {
			if s.order != nil && i == 0 {
				lines = append(lines, s.orderRow(i == s.cur.pos && !stale))
				continue
			}
			c := &s.list.Items[i-s.orderRows()]
			cells[0] = cell{text: c.Name()}
			if c.MergedInto != nil {
				// A retired duplicate: found by its old details, but not a
				// customer like the others.
				cells[0] = cell{text: c.Name() + " → merged into #" + string(*c.MergedInto)}
			}
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
		if s.order != nil {
			// The order row is no customer: say it apart from the count.
			left = "order #" + s.order.Order.Number + " · " + left
		}
	}
	state := s.stateText()
	if f, ok := s.completion(); ok {
		state = "tab: " + f.Name + ": " + f.Help + ", e.g. " + f.Example
	}
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

// orderRowColumns is the order row's one column, across the table.
var orderRowColumns = []column{{title: "Order"}}

// orderRow draws the order found by its number, above the customers:
// "Order #FD-00001584 · Mary Wanjiru · shipped · KES 3,200.00 · 2 Apr
// 2026 · mary@example.com".
func (s *Search) orderRow(selected bool) string {
	m := s.order
	o := m.Order
	text := "Order #" + o.Number + " · " + m.Customer.Name() + " · " + o.Status + " · " +
		money.Format(o.Total, o.Currency) + " · " + s.env.date(o.CreatedAt)
	if m.Customer.Email != "" {
		text += " · " + m.Customer.Email
	}
	st := s.c.Styles
	style := st.Accent
	w := max(1, s.width-markerWidth)
	return tableRow(st, orderRowColumns, []int{w}, []cell{{text: text, style: &style}}, selected, s.width)
}
