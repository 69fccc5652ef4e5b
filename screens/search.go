package screens

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	bkey "charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/money"
	"frontdesk/tui"
	"frontdesk/tui/sanitize"
)

// searchPageSize is how many customers one server page holds. It is fixed
// rather than fitted to the terminal, so "page 3" means the same rows
// after a resize; rows beyond the window scroll.
const searchPageSize = 50

// Lines of the search screen above the table: the input, the status line
// and the column titles.
const searchHeadLines = 3

// sortNames are what the status line calls api.Sorts, in the same order.
var sortNames = []string{"newest", "top spenders", "name"}

var searchColumns = []column{
	{title: "Name", min: 12, weight: 4, max: 40},
	{title: "Email", min: 16, weight: 5, max: 48},
	{title: "Phone", min: 13, max: 16, weight: 1, drop: 2},
	{title: "Orders", min: 6, right: true, drop: 3},
	{title: "Total spent", min: 16, right: true, drop: 1},
	{title: "Created", min: 10, drop: 4},
}

// searchKey is what one search asked for. Every answer carries its key,
// so the screen knows what it is showing.
type searchKey struct {
	query string
	sort  string
	page  int
}

// searchTickMsg fires when the debounce delay after a keystroke is over;
// only the tick of the latest keystroke (seq) sends a request.
type searchTickMsg struct {
	s   *Search
	seq int
}

// searchDoneMsg is the answer to one search request. seq says which
// request: an answer that is not the latest is dropped, so a slow answer
// to "jan" cannot replace the answer to "jane".
type searchDoneMsg struct {
	s    *Search
	seq  int
	key  searchKey
	list api.CustomerList
	err  error
}

// Search is the start screen: a search box over a table of customers.
// Typing searches as you type (debounced); the empty query lists the
// newest customers.
type Search struct {
	c   *tui.Common
	env *env

	input textinput.Model
	// inBox is true while the search box has the keys; false while the
	// agent moves in the results.
	inBox         bool
	width, height int

	sort, page int

	// tick is the sequence number of the latest keystroke's debounce
	// tick; seq that of the latest request, whose cancel ends it.
	tick, seq int
	cancel    context.CancelFunc
	loading   bool
	asked     searchKey // what the latest request asked for

	shown   searchKey // what list answers
	list    api.CustomerList
	hasList bool
	err     error
	cur     cursor

	bSort, bRows, bCopyID, bResults Binding
}

// Binding is tui.Binding, spelled short for this package's key tables.
type Binding = tui.Binding

func newSearch(c *tui.Common, e *env, query string) *Search {
	in := textinput.New()
	in.Prompt = "Search: "
	in.Placeholder = "name, email or phone (empty lists the newest customers)"
	in.CharLimit = 200
	// A real terminal cursor: no blink ticks, and it works without colour.
	in.SetVirtualCursor(false)
	// ctrl+v would read the clipboard of the machine the console runs on,
	// which over SSH is the server's; terminal paste still works.
	in.KeyMap.Paste = bkey.NewBinding(bkey.WithDisabled())
	in.SetValue(query)
	in.CursorEnd()
	in.Focus()
	s := &Search{c: c, env: e, input: in, inBox: true, page: 1}
	s.bSort = Binding{Keys: []string{"s"}, Help: "sort"}
	s.bRows = Binding{Keys: []string{"down", "tab"}, HelpKey: "↓/tab", Help: "results"}
	s.bCopyID = Binding{Keys: []string{"Y"}, Help: "copy id", Disabled: s.noSelection}
	s.bResults = Binding{Keys: []string{"esc"}, Help: "leave the box"}
	s.styleInput()
	return s
}

// Query is the text in the search box.
func (s *Search) Query() string { return s.input.Value() }

// Init lists the first page for the starting query (the newest customers
// when it is empty).
func (s *Search) Init() tea.Cmd { return s.fetch() }

// Close cancels the request in flight.
func (s *Search) Close() {
	if s.cancel != nil {
		s.cancel()
		s.cancel = nil
	}
}

// Title names the screen in the breadcrumbs.
func (s *Search) Title() string { return "Search" }

// CapturesKeys is true while the search box has focus: then letters are
// text, not commands.
func (s *Search) CapturesKeys() bool { return s.inBox }

// SetSize fits the table and the box to the content area.
func (s *Search) SetSize(w, h int) {
	s.width, s.height = w, h
	s.input.SetWidth(max(10, w-sanitize.Width(s.input.Prompt)-2))
	s.cur.clamp(len(s.list.Customers), s.rowsVisible())
}

func (s *Search) rowsVisible() int { return max(1, s.height-searchHeadLines) }

func (s *Search) noSelection() string {
	if len(s.list.Customers) == 0 {
		return "no customer highlighted"
	}
	return ""
}

func (s *Search) selected() (api.Customer, bool) {
	if s.cur.pos < 0 || s.cur.pos >= len(s.list.Customers) {
		return api.Customer{}, false
	}
	return s.list.Customers[s.cur.pos], true
}

// ShortHelp is the footer's key help for the box or the results.
func (s *Search) ShortHelp() []Binding {
	k := s.c.Keys
	if s.inBox {
		return []Binding{k.Open.With(s.noSelection), s.bRows, s.bResults, k.Refresh}
	}
	return []Binding{k.Up, k.Down, k.Open.With(s.noSelection), k.Search, s.bSort, k.PageDown, k.New}
}

// FullHelp is every binding of the results; the shell gates keys by it.
func (s *Search) FullHelp() [][]Binding {
	k := s.c.Keys
	return [][]Binding{
		{k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown},
		{k.Open.With(s.noSelection), k.Search, s.bSort, k.Refresh},
		{k.New, k.Copy.WithHelp("copy email").With(s.noSelection), s.bCopyID},
	}
}

// Update handles keys, mouse, the debounce tick and search answers.
func (s *Search) Update(msg tea.Msg) (tui.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case searchTickMsg:
		if msg.s != s || msg.seq != s.tick {
			return s, nil // a later keystroke has its own tick coming
		}
		if s.currentKey() == s.asked && (s.loading || s.hasList) {
			return s, nil // e.g. a trailing space: nothing new to ask
		}
		return s, s.fetch()
	case searchDoneMsg:
		return s, s.answer(msg)
	case tea.KeyPressMsg:
		if s.inBox {
			return s, s.boxKey(msg)
		}
		return s, s.resultsKey(msg)
	case tea.PasteMsg:
		if s.inBox {
			return s, s.typed(msg)
		}
	case tea.MouseWheelMsg:
		return s, s.wheel(msg)
	case tea.MouseClickMsg:
		return s, s.click(msg)
	default:
		if created, ok := customerCreated(msg); ok {
			// The form has popped itself: open the new customer, and
			// list again so they are among the newest.
			id := created.ID
			return s, tea.Batch(s.fetch(), func() tea.Msg { return tui.OpenCustomerMsg{ID: id} })
		}
	}
	return s, nil
}

func (s *Search) boxKey(msg tea.KeyPressMsg) tea.Cmd {
	k := s.c.Keys
	switch {
	case k.Open.Matches(msg):
		if _, ok := s.selected(); ok {
			return s.open()
		}
		return s.fetch()
	case s.bRows.Matches(msg):
		if len(s.list.Customers) > 0 {
			s.blur()
		}
		return nil
	case k.Back.Matches(msg):
		s.blur()
		return nil
	case k.Refresh.Matches(msg):
		return s.fetch()
	case k.PageDown.Matches(msg):
		return s.nextPage()
	case k.PageUp.Matches(msg):
		return s.prevPage()
	case k.Up.Matches(msg) && msg.Text == "":
		return nil // the box has one line: up goes nowhere
	}
	return s.typed(msg)
}

// typed gives a key or paste to the box and, if the text changed, starts
// the debounce: only the tick of the last keystroke searches.
func (s *Search) typed(msg tea.Msg) tea.Cmd {
	before := s.input.Value()
	var cmd tea.Cmd
	s.input, cmd = s.input.Update(msg)
	if s.input.Value() == before {
		return cmd
	}
	s.page = 1
	s.tick++
	seq := s.tick
	return tea.Batch(cmd, tea.Tick(s.env.debounce, func(time.Time) tea.Msg { return searchTickMsg{s: s, seq: seq} }))
}

func (s *Search) resultsKey(msg tea.KeyPressMsg) tea.Cmd {
	k := s.c.Keys
	n := len(s.list.Customers)
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
		return s.open()
	case s.c.Fires(msg, k.Search):
		s.focus()
	case s.c.Fires(msg, s.bSort):
		s.sort = (s.sort + 1) % len(api.Sorts)
		s.page = 1
		return tea.Batch(s.fetch(), tui.Info("sorted by "+sortNames[s.sort]))
	case s.c.Fires(msg, k.Refresh):
		return s.fetch()
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
	n := len(s.list.Customers)
	switch msg.Button {
	case tea.MouseWheelUp:
		s.cur.move(-3, n, s.rowsVisible())
	case tea.MouseWheelDown:
		s.cur.move(3, n, s.rowsVisible())
	}
	return nil
}

// click on the box focuses it; on a row highlights it, and on the
// highlighted row opens it.
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
	if i >= len(s.list.Customers) {
		return nil
	}
	if i == s.cur.pos && !s.inBox {
		return s.open()
	}
	s.blur()
	s.cur.to(i, len(s.list.Customers), s.rowsVisible())
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

func (s *Search) open() tea.Cmd {
	c, ok := s.selected()
	if !ok {
		return nil
	}
	// Back from the profile, the agent lands in the results, where q
	// quits and / returns to the box.
	s.blur()
	id := c.ID
	return func() tea.Msg { return tui.OpenCustomerMsg{ID: id} }
}

func (s *Search) pages() int {
	if s.list.Total <= 0 {
		return 0
	}
	limit := s.list.Limit
	if limit <= 0 {
		limit = searchPageSize
	}
	return (s.list.Total + limit - 1) / limit
}

func (s *Search) nextPage() tea.Cmd {
	if !s.hasList || (s.page >= s.pages() && !s.list.TotalIsEstimate) || len(s.list.Customers) == 0 {
		return tui.Info("this is the last page")
	}
	s.page++
	return s.fetch()
}

func (s *Search) prevPage() tea.Cmd {
	if s.page <= 1 {
		return tui.Info("this is the first page")
	}
	s.page--
	return s.fetch()
}

func (s *Search) currentKey() searchKey {
	return searchKey{query: strings.TrimSpace(s.input.Value()), sort: api.Sorts[s.sort], page: s.page}
}

// fetch asks for the current query, sort and page now, cancelling the
// request before it: its answer is no longer wanted.
func (s *Search) fetch() tea.Cmd {
	if s.cancel != nil {
		s.cancel()
	}
	s.seq++
	ctx, cancel := context.WithCancel(s.c.Context())
	s.cancel = cancel
	s.loading = true
	s.tick++ // a pending debounce tick is now moot
	key := s.currentKey()
	s.asked = key
	seq, cl := s.seq, s.env.cl
	return s.c.Track(func() tea.Msg {
		list, err := cl.SearchCustomers(ctx, client.SearchParams{Query: key.query, Sort: key.sort, Page: key.page, Limit: searchPageSize})
		return searchDoneMsg{s: s, seq: seq, key: key, list: list, err: err}
	})
}

// answer takes a search answer if it is the latest one.
func (s *Search) answer(msg searchDoneMsg) tea.Cmd {
	if msg.s != s || msg.seq != s.seq {
		return nil // superseded: a newer request is in flight or answered
	}
	s.loading = false
	if s.cancel != nil {
		s.cancel()
		s.cancel = nil
	}
	if msg.err != nil {
		s.err = msg.err
		if errors.Is(msg.err, context.Canceled) {
			return nil // the session is ending
		}
		s.c.Logger.Error("search customers", "query", msg.key.query, "page", msg.key.page, "err", msg.err)
		return tui.ErrorFrom(msg.err)
	}
	prev := s.shown
	s.err = nil
	s.shown, s.list, s.hasList = msg.key, msg.list, true
	if prev.query != msg.key.query || prev.sort != msg.key.sort || prev.page != msg.key.page {
		s.cur = cursor{}
	}
	s.cur.clamp(len(s.list.Customers), s.rowsVisible())
	if len(s.list.Customers) == 0 && !s.inBox {
		s.focus() // nothing to move in
	}
	return nil
}

func (s *Search) showsTable() bool {
	return s.err == nil && s.hasList && len(s.list.Customers) > 0
}

// Cursor puts the terminal's cursor in the box while it has focus.
func (s *Search) Cursor() *tea.Cursor {
	if !s.inBox {
		return nil
	}
	return s.input.Cursor()
}

func (s *Search) styleInput() {
	st := s.input.Styles()
	plain := lipgloss.NewStyle()
	if s.c.NoColor() {
		st.Cursor.Color = nil
		st.Focused = textinput.StyleState{Prompt: plain, Text: plain, Placeholder: plain, Suggestion: plain}
		st.Blurred = st.Focused
	} else {
		sty := s.c.Styles
		st.Cursor.Color = sty.Colors.Accent
		st.Focused = textinput.StyleState{Prompt: sty.Accent.Bold(true), Text: sty.Value, Placeholder: sty.Muted, Suggestion: sty.Muted}
		st.Blurred = textinput.StyleState{Prompt: sty.Muted, Text: sty.Value, Placeholder: sty.Muted, Suggestion: sty.Muted}
	}
	s.input.SetStyles(st)
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
		lines = append(lines, "", st.Error.Render(sanitize.Truncate("Could not load customers.", s.width)))
		lines = append(lines, tui.WrapError(s.err, s.width)...)
		lines = append(lines, "", st.Muted.Render("Press ctrl+r to retry."))
	case !s.hasList:
		lines = append(lines, "", st.Muted.Render("Loading customers…"))
	case len(s.list.Customers) == 0:
		lines = append(lines, "")
		if s.shown.query == "" {
			lines = append(lines, st.Muted.Render("No customers yet."))
		} else {
			lines = append(lines, st.Muted.Render(sanitize.Truncate(`No customers match "`+s.shown.query+`".`, s.width)),
				st.Muted.Render("Try part of an email, a first or last name, or a phone number."))
		}
	default:
		widths := fitColumns(searchColumns, s.width)
		lines = append(lines, tableHeader(st, searchColumns, widths))
		rows := body - 1
		end := min(len(s.list.Customers), s.cur.top+rows)
		cells := make([]cell, len(searchColumns))
		for i := s.cur.top; i < end; i++ {
			c := &s.list.Customers[i]
			cells[0] = cell{text: c.Name()}
			cells[1] = cell{text: c.Email}
			cells[2] = cell{text: c.Phone}
			cells[3] = cell{text: money.Int(int64(c.TotalOrders))}
			cells[4] = cell{text: money.Format(c.TotalSpent, c.Currency)}
			cells[5] = cell{text: s.env.date(c.CreatedAt)}
			lines = append(lines, tableRow(st, searchColumns, widths, cells, i == s.cur.pos, s.width))
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
	if s.loading {
		if left != "" {
			left += " · "
		}
		left += "searching…"
	}
	right := "sort: " + sortNames[s.sort]
	if !s.inBox {
		right += " (s)"
	}
	room := s.width - sanitize.Width(right) - 2
	left = sanitize.Truncate(left, max(0, room))
	gap := s.width - sanitize.Width(left) - sanitize.Width(right)
	return st.Muted.Render(left) + strings.Repeat(" ", max(1, gap)) + st.Muted.Render(right)
}

// errorText is what an error says to the agent: the client's user
// message when it has one.
func errorText(err error) string {
	var um interface{ UserMessage() string }
	if errors.As(err, &um) {
		return um.UserMessage()
	}
	return err.Error()
}
