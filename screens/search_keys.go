package screens

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/tui"
)

// What a key, a paste or a click does on the search screen. Every action
// on a row acts only on a list that answers the text in the box now.

func (s *Search) boxKey(msg tea.KeyPressMsg) tea.Cmd {
	k := s.c.Keys
	switch {
	case k.Open.Matches(msg):
		return s.enter()
	case s.opening && k.Back.Matches(msg):
		s.opening = false
		return tui.Info("stopped waiting to open")
	case s.input.Value() == "" && k.Help.Matches(msg):
		return tui.ShowHelp() // nothing typed yet: ? is help, as the footer says
	case s.input.Value() == "" && k.Palette.Matches(msg):
		return tui.OpenPalette()
	case s.bRows.Matches(msg):
		if len(s.list.Items) > 0 {
			s.blur()
		}
		return nil
	case k.Back.Matches(msg):
		s.blur()
		return nil
	case k.Refresh.Matches(msg):
		return s.refresh()
	case k.PageDown.Matches(msg):
		return s.nextPage()
	case k.PageUp.Matches(msg):
		return s.prevPage()
	case k.Up.Matches(msg) && msg.Text == "":
		return nil // the box has one line: up goes nowhere
	}
	return s.typed(msg)
}

// typed gives a key or paste to the box and, if the text changed, asks
// for it (at once, or when the search in flight answers).
func (s *Search) typed(msg tea.Msg) tea.Cmd {
	before := s.input.Value()
	var cmd tea.Cmd
	s.input, cmd = s.input.Update(msg)
	if s.input.Value() == before {
		return cmd
	}
	s.page = 1
	s.opening = false // enter was for the text before this key
	return tea.Batch(cmd, s.sync())
}

func (s *Search) resultsKey(msg tea.KeyPressMsg) tea.Cmd {
	k := s.c.Keys
	n := len(s.list.Items)
	vis := s.rowsVisible()
	switch {
	case s.c.Fires(msg, k.Up):
		if s.cur.pos == 0 {
			s.focus()
			return nil
		}
		s.cur.move(-1, n, vis)
	case s.c.Fires(msg, k.Down):
		s.cur.move(1, n, vis)
	case s.c.Fires(msg, k.Top):
		s.cur.to(0, n, vis)
	case s.c.Fires(msg, k.Bottom):
		s.cur.to(n-1, n, vis)
	case s.c.Fires(msg, k.PageDown):
		return s.nextPage()
	case s.c.Fires(msg, k.PageUp):
		return s.prevPage()
	case s.c.Fires(msg, k.Open):
		return s.enter()
	case s.c.Fires(msg, k.Search):
		s.focus()
	case s.c.Fires(msg, s.bSort):
		s.sort = (s.sort + 1) % len(api.Sorts)
		s.page = 1
		s.opening = false
		return tea.Batch(s.sync(), tui.Info("sorted by "+sortNames[s.sort]))
	case s.c.Fires(msg, k.Refresh):
		return s.refresh()
	case s.c.Fires(msg, k.New):
		return tui.Push(newCustomerForm(s.c, s.env))
	case s.c.Fires(msg, k.Copy):
		if c, ok := s.selected(); ok {
			return s.c.Copy("email", c.Email)
		}
	case s.c.Fires(msg, s.bCopyID):
		if c, ok := s.selected(); ok {
			return s.c.Copy("customer id", string(c.ID))
		}
	}
	return nil
}

func (s *Search) wheel(msg tea.MouseWheelMsg) tea.Cmd {
	n := len(s.list.Items)
	switch msg.Button {
	case tea.MouseWheelUp:
		s.cur.move(-3, n, s.rowsVisible())
	case tea.MouseWheelDown:
		s.cur.move(3, n, s.rowsVisible())
	}
	return nil
}

// click on the box focuses it; on a row highlights it, and on the
// highlighted row opens it. Rows of a stale list take no clicks: the
// agent would be picking from results of other text.
func (s *Search) click(msg tea.MouseClickMsg) tea.Cmd {
	if msg.Button != tea.MouseLeft {
		return nil
	}
	if msg.Y == 0 {
		s.focus()
		return nil
	}
	row := msg.Y - searchHeadLines
	if row < 0 || !s.showsTable() {
		return nil
	}
	i := s.cur.top + row
	if i >= len(s.list.Items) {
		return nil
	}
	if reason := s.noSelection(); reason != "" {
		return tui.Info(reason)
	}
	if i == s.cur.pos && !s.inBox {
		return s.open()
	}
	s.blur()
	s.cur.to(i, len(s.list.Items), s.rowsVisible())
	return nil
}

func (s *Search) focus() {
	s.inBox = true
	s.input.Focus()
}

func (s *Search) blur() {
	s.inBox = false
	s.input.Blur()
}

// enter opens the highlighted customer of a list that answers the text in
// the box now. Otherwise it waits for that answer (the status line says
// so) and then opens the customer it names, if it names one; a failed
// list is asked again.
func (s *Search) enter() tea.Cmd {
	if !s.stale() {
		return s.open()
	}
	want := s.currentKey()
	if s.err != nil && s.errKey == want && !s.flying {
		return s.refresh()
	}
	s.opening, s.openKey = true, want
	return s.sync()
}

func (s *Search) open() tea.Cmd {
	c, ok := s.selected()
	if !ok {
		return nil
	}
	return s.openCustomer(c)
}

func (s *Search) openCustomer(c api.Customer) tea.Cmd {
	// Back from the profile, the agent lands in the results, where q
	// quits and / returns to the box.
	s.blur()
	s.opening = false
	id := c.ID
	return func() tea.Msg { return tui.OpenCustomerMsg{ID: id} }
}

// namedCustomer is the one customer an answer names for query: the only
// result, or the only one whose email, phone or id is the query exactly.
func namedCustomer(list client.Page[api.Customer], query string) (api.Customer, bool) {
	if len(list.Items) == 1 && list.Total == 1 && !list.TotalIsEstimate {
		return list.Items[0], true
	}
	q := strings.TrimSpace(query)
	digits := phoneDigits(q)
	var found []api.Customer
	for _, c := range list.Items {
		if strings.EqualFold(c.Email, q) || string(c.ID) == q || (len(digits) >= 7 && phoneDigits(c.Phone) == digits) {
			found = append(found, c)
		}
	}
	if len(found) == 1 {
		return found[0], true
	}
	return api.Customer{}, false
}

// phoneDigits keeps the digits of a phone number, without a leading
// country code 254 or trunk 0, so "0711 222 333" and "+254711222333"
// compare equal.
func phoneDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else if r != ' ' && r != '+' && r != '-' && r != '(' && r != ')' {
			return "" // not a phone number
		}
	}
	d := b.String()
	d = strings.TrimPrefix(d, "254")
	return strings.TrimPrefix(d, "0")
}
