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

// boxKeys is the search box's one list of keys: each binding's help and
// what it does. The box captures keys, so it runs them itself
// (Common.Dispatch); a key that none fires is typed. In an empty box ?
// and : open help and the palette (the footer says so) instead of being
// typed.
func (s *Search) boxKeys() []Binding {
	if s.input.Value() == "" {
		return s.boxEmpty
	}
	return s.box
}

// makeBoxKeys builds the box's lists once: with text, and empty.
func (s *Search) makeBoxKeys() {
	k := s.c.Keys
	s.bRows = s.bRows.Do(s.toResults)
	s.bResults = s.bResults.Do(s.leaveBox)
	s.bTab = s.bTab.Do(s.tab)
	s.box = []Binding{
		// The first four are the footer's (ShortHelp).
		k.Open.Do(s.enter),
		s.bRows,
		s.bResults,
		k.Refresh.Do(s.refresh),
		k.PageDown.Do(s.nextPage),
		k.PageUp.Do(s.prevPage),
		// The box has one line: the up arrow goes nowhere (k is typed).
		{Keys: []string{"up"}, Hidden: true, Run: func() tea.Cmd { return nil }},
	}
	s.box = append(s.box, s.bTab) // tab: a filter's completion, or the results (↓/tab)
	s.box = append(s.box, s.viewKeys(true)...)
	s.boxEmpty = append([]Binding{k.Help.Do(tui.ShowHelp), k.Palette.Do(tui.OpenPalette)}, s.box...)
}

// makeResultKeys builds the results' one list of keys, in help's groups: the
// shell gates each binding and runs it; FullHelp and ShortHelp show them.
func (s *Search) makeResultKeys() {
	k := s.c.Keys
	s.bSort = s.bSort.Do(s.nextSort)
	s.bCopyID = s.bCopyID.Do(s.copyID)
	up, down, pgdn := k.Up.Do(s.up), k.Down.Do(s.move(1)), k.PageDown.Do(s.nextPage)
	open, search, newC := k.Open.Do(s.enter), k.Search.Do(s.focusBox), capable(s.env.caps(), k.New.Do(s.newCustomer), client.CapCreateCustomer)
	s.results = [][]Binding{
		{up, down, k.Top.Do(s.toRow(first)), k.Bottom.Do(s.toRow(last)), k.PageUp.Do(s.prevPage), pgdn},
		{open, search, s.bSort, k.Refresh.Do(s.refresh)},
		{newC, k.Copy.WithHelp("copy email").With(s.noSelection).Do(s.copyEmail), s.bCopyID},
	}
	if views := append(s.viewKeys(false), s.viewKeys(true)...); len(views) > 0 {
		s.results = append(s.results, views)
	}
	s.resultsShort = []Binding{up, down, open, search, s.bSort, pgdn, newC}
}

// boxKey runs the box's binding for msg, or types it.
func (s *Search) boxKey(msg tea.KeyPressMsg) tea.Cmd {
	if cmd, ok := s.c.Dispatch(msg, s.boxKeys()); ok {
		return cmd
	}
	return s.typed(msg)
}

// resultsKey runs the results' binding for a key that reached Update
// (the shell runs them before that; a screen driven on its own, as in
// tests, gets them here). A disabled binding does nothing: the shell is
// the one that says why.
func (s *Search) resultsKey(msg tea.KeyPressMsg) tea.Cmd {
	for _, g := range s.results {
		for _, b := range g {
			if b.Run != nil && s.c.Fires(msg, b) {
				return b.Run()
			}
		}
	}
	return nil
}

// leaveBox is esc in the box: it stops a pending open (enter waiting for
// its answer) or else moves to the results.
func (s *Search) leaveBox() tea.Cmd {
	if s.opening {
		s.opening = false
		return tui.Info("stopped waiting to open")
	}
	s.blur()
	return nil
}

// toResults moves from the box to the results, when there are any.
func (s *Search) toResults() tea.Cmd {
	if s.rows() > 0 {
		s.blur()
	}
	return nil
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
	s.suggest()
	return tea.Batch(cmd, s.sync())
}

// up moves the highlight up; from the first row it goes back to the box.
func (s *Search) up() tea.Cmd {
	if s.cur.pos == 0 {
		s.focus()
		return nil
	}
	s.cur.move(-1, s.rows(), s.rowsVisible())
	return nil
}

// move returns the action that moves the highlight by n rows.
func (s *Search) move(n int) func() tea.Cmd {
	return func() tea.Cmd {
		s.cur.move(n, s.rows(), s.rowsVisible())
		return nil
	}
}

// Rows toRow can go to.
const (
	first = iota
	last
)

// toRow returns the action that highlights the first or the last row.
func (s *Search) toRow(which int) func() tea.Cmd {
	return func() tea.Cmd {
		n := s.rows()
		i := 0
		if which == last {
			i = n - 1
		}
		s.cur.to(i, n, s.rowsVisible())
		return nil
	}
}

func (s *Search) focusBox() tea.Cmd {
	s.focus()
	return nil
}

// nextSort lists by the next sort, from the first page.
func (s *Search) nextSort() tea.Cmd {
	s.sort = (s.sort + 1) % len(api.Sorts)
	s.page = 1
	s.opening = false
	return tea.Batch(s.sync(), tui.Info("sorted by "+sortNames[s.sort]))
}

func (s *Search) newCustomer() tea.Cmd { return tui.Push(newCustomerForm(s.c, s.env)) }

func (s *Search) copyEmail() tea.Cmd {
	if c, ok := s.selected(); ok {
		return s.c.Copy("email", c.Email)
	}
	return nil
}

func (s *Search) copyID() tea.Cmd {
	if c, ok := s.selected(); ok {
		return s.c.Copy("customer id", string(c.ID))
	}
	return nil
}

func (s *Search) wheel(msg tea.MouseWheelMsg) tea.Cmd {
	n := s.rows()
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
	row := msg.Y - s.headLines()
	if row < 0 || !s.showsTable() {
		return nil
	}
	i := s.cur.top + row
	if i >= s.rows() {
		return nil
	}
	if reason := s.noSelection(); reason != "" {
		return tui.Info(reason)
	}
	if i == s.cur.pos && !s.inBox {
		return s.open()
	}
	s.blur()
	s.cur.to(i, s.rows(), s.rowsVisible())
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
	if m, ok := s.selectedOrder(); ok {
		return s.openOrder(m)
	}
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

// openOrder opens the customer who placed m's order on their Orders
// tab, the order marked.
func (s *Search) openOrder(m api.OrderMatch) tea.Cmd {
	s.blur()
	s.opening = false
	return tui.Push(newOrderProfile(s.c, s.env, m))
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
