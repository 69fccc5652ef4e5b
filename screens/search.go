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
	query  string
	sort   string
	page   int
	cursor string // the platform's cursor of page ("" for the first)
}

// searchDoneMsg is the answer to one search request. seq says which
// request: only the answer to the request in flight is taken, so a late
// answer to a cancelled "jan" cannot replace the answer to "jane".
type searchDoneMsg struct {
	s    *Search
	seq  int
	key  searchKey
	list client.Page[api.Customer]
	err  error
}

// searchRetryMsg counts down a wait before the next search (the store
// rate-limited us, or could not be reached); gen says which wait, so a
// wait that ctrl+r or new text cut short stops ticking.
type searchRetryMsg struct {
	s   *Search
	gen int
}

// Search is the start screen: a search box over a table of customers.
//
// Typing searches as you type, with no fixed delay: a key sends its search
// at once when nothing is in flight; while one is, only the newest text is
// kept and sent when the answer arrives. So there is never more than one
// search in flight, a fast store answers every key, and a slow one gets a
// few requests per word instead of one per key.
//
// Every action on a row (enter, copy, a click) acts only on a list that
// answers the text in the box now. While the list is stale it shows no
// highlight; enter then waits for the current text's answer and opens the
// customer only if that answer names one (a single result, or one exact
// email, phone or id match).
type Search struct {
	c   *tui.Common
	env *env

	input textinput.Model
	// inBox is true while the search box has the keys; false while the
	// agent moves in the results.
	inBox         bool
	width, height int

	sort, page int
	// ahead[i] is the cursor of page i+2 of the current text and sort:
	// pages are reached one at a time (nextPage), each from the answer
	// before it, so the cursor of every page up to page is known.
	ahead []string

	// The one request in flight: flying, what it asked (flyKey), its
	// number (seq) and its cancel. again asks for the same key once more
	// when it answers (ctrl+r while it was out).
	flying bool
	flyKey searchKey
	seq    int
	cancel context.CancelFunc
	again  bool

	shown   searchKey // what list answers
	list    client.Page[api.Customer]
	hasList bool
	err     error
	errKey  searchKey // what err answered
	cur     cursor

	// opening is set while enter waits for the answer to openKey.
	opening bool
	openKey searchKey

	// waiting > 0 is the seconds left before the next search is sent,
	// after a 429 or a store that could not be reached; waitGen numbers
	// the wait, limited says which kind it is, fails counts failures in a
	// row for the backoff.
	waiting int
	waitGen int
	limited bool
	fails   int

	bSort, bRows, bCopyID, bResults Binding
}

// Binding is tui.Binding, spelled short for this package's key tables.
type Binding = tui.Binding

func newSearch(c *tui.Common, e *env, query string) *Search {
	in := textinput.New()
	in.Prompt = "Search: "
	in.Placeholder = "name, email or phone · ? help · : command"
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
func (s *Search) Init() tea.Cmd { return s.send(s.currentKey()) }

// Close cancels the request in flight and any pending wait.
func (s *Search) Close() {
	if s.cancel != nil {
		s.cancel()
		s.cancel = nil
	}
	s.flying = false
	s.stopWait()
}

// Refocus reloads a list that failed to load, now that the agent is back
// on the search: the store may have come back meanwhile.
func (s *Search) Refocus() tea.Cmd {
	if s.err == nil {
		return nil
	}
	return s.refresh()
}

// Title names the screen in the breadcrumbs.
func (s *Search) Title() string { return "Search" }

// CapturesKeys is true while the search box has focus: then letters are
// text, not commands.
func (s *Search) CapturesKeys() bool { return s.inBox }

// GlobalKeysLive is true when ? and : reach the shell: in the results, or
// in an empty box (where they open help and the palette instead of being
// typed).
func (s *Search) GlobalKeysLive() bool { return !s.inBox || s.input.Value() == "" }

// SetSize fits the table and the box to the content area.
func (s *Search) SetSize(w, h int) {
	s.width, s.height = w, h
	s.input.SetWidth(max(10, w-sanitize.Width(s.input.Prompt)-2))
	s.cur.clamp(len(s.list.Items), s.rowsVisible())
}

func (s *Search) rowsVisible() int { return max(1, s.height-searchHeadLines) }

// stale reports whether the list on screen does not answer the text, sort
// and page asked for now (an answer is on its way, or failed): then no row
// may be acted on.
func (s *Search) stale() bool {
	return !s.hasList || s.err != nil || s.shown != s.currentKey()
}

// noSelection says why no row can be acted on, or "".
func (s *Search) noSelection() string {
	if s.stale() && s.hasList && len(s.list.Items) > 0 {
		return "the list is not yet for " + strconv.Quote(s.currentKey().query) + ": wait for its results"
	}
	if len(s.list.Items) == 0 || !s.hasList {
		return "no customer highlighted"
	}
	return ""
}

func (s *Search) selected() (api.Customer, bool) {
	if s.stale() || s.cur.pos < 0 || s.cur.pos >= len(s.list.Items) {
		return api.Customer{}, false
	}
	return s.list.Items[s.cur.pos], true
}

// ShortHelp is the footer's key help for the box or the results.
func (s *Search) ShortHelp() []Binding {
	k := s.c.Keys
	if s.inBox {
		return []Binding{k.Open, s.bRows, s.bResults, k.Refresh}
	}
	return []Binding{k.Up, k.Down, k.Open, k.Search, s.bSort, k.PageDown, k.New}
}

// FullHelp is every binding of the results; the shell gates keys by it.
func (s *Search) FullHelp() [][]Binding {
	k := s.c.Keys
	return [][]Binding{
		{k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown},
		{k.Open, k.Search, s.bSort, k.Refresh},
		{k.New, k.Copy.WithHelp("copy email").With(s.noSelection), s.bCopyID},
	}
}

// Update handles keys, mouse, search answers and retry countdowns.
func (s *Search) Update(msg tea.Msg) (tui.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case searchDoneMsg:
		return s, s.answer(msg)
	case searchRetryMsg:
		return s, s.countdown(msg)
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
			return s, tea.Batch(s.refresh(), func() tea.Msg { return tui.OpenCustomerMsg{ID: id} })
		}
	}
	return s, nil
}

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
	if s.stale() {
		return tui.Info("wait for the results before turning the page")
	}
	if s.page >= s.pages() && !s.list.TotalIsEstimate || len(s.list.Items) == 0 || s.list.Next == "" {
		return tui.Info("this is the last page")
	}
	s.ahead = append(s.ahead[:s.page-1], s.list.Next)
	s.page++
	s.opening = false
	return s.sync()
}

func (s *Search) prevPage() tea.Cmd {
	if s.page <= 1 {
		return tui.Info("this is the first page")
	}
	s.page--
	s.opening = false
	return s.sync()
}

func (s *Search) currentKey() searchKey {
	k := searchKey{query: strings.TrimSpace(s.input.Value()), sort: api.Sorts[s.sort], page: s.page}
	if s.page > 1 {
		k.cursor = s.ahead[s.page-2]
	}
	return k
}

// sync brings the list towards the current text, sort and page: it sends
// the search now if nothing is in flight and the screen is not counting
// down to a retry, and otherwise leaves it to the answer (or the
// countdown), which always asks for the newest key.
func (s *Search) sync() tea.Cmd {
	want := s.currentKey()
	switch {
	case s.flying, s.waiting > 0:
		return nil
	case s.hasList && s.err == nil && s.shown == want:
		if s.opening && s.openKey == want {
			return s.opened()
		}
		return nil // e.g. a trailing space: nothing new to ask
	}
	return s.send(want)
}

// refresh asks for the current key again even if it is on screen (ctrl+r,
// a reload after an error). A wait in progress is cut short.
func (s *Search) refresh() tea.Cmd {
	s.stopWait()
	if s.flying {
		s.again = s.flyKey == s.currentKey()
		return nil
	}
	return s.send(s.currentKey())
}

// send asks for key now. Only one search is ever in flight: callers check
// s.flying first (sync), except Init.
func (s *Search) send(key searchKey) tea.Cmd {
	if s.cancel != nil {
		s.cancel()
	}
	s.seq++
	ctx, cancel := context.WithCancel(client.NoRateLimitWait(s.c.Context()))
	s.cancel = cancel
	s.flying, s.flyKey, s.again = true, key, false
	seq, cl := s.seq, s.env.cl
	return s.c.Track(func() tea.Msg {
		list, err := cl.SearchCustomers(ctx, client.SearchParams{Query: key.query, Sort: key.sort, Cursor: key.cursor, Limit: searchPageSize})
		return searchDoneMsg{s: s, seq: seq, key: key, list: list, err: err}
	})
}

// answer takes the answer of the search in flight, then asks for the
// newest key if the text, sort or page moved on meanwhile.
func (s *Search) answer(msg searchDoneMsg) tea.Cmd {
	if msg.s != s || !s.flying || msg.seq != s.seq {
		return nil // not this screen's, or a request Close cancelled
	}
	s.flying = false
	if s.cancel != nil {
		s.cancel()
		s.cancel = nil
	}
	again := s.again
	s.again = false
	if msg.err != nil {
		if errors.Is(msg.err, context.Canceled) {
			return nil // the session is ending
		}
		return s.failed(msg)
	}
	s.fails, s.limited = 0, false
	s.take(msg.key, msg.list)
	if again {
		return s.send(s.currentKey())
	}
	return s.sync()
}

// take shows list as the answer to key.
func (s *Search) take(key searchKey, list client.Page[api.Customer]) {
	var highlighted api.ID
	if c, ok := s.selected(); ok && s.shown == key {
		highlighted = c.ID // a refresh keeps the highlight on the same customer
	}
	s.err = nil
	s.shown, s.list, s.hasList = key, list, true
	s.cur.pos = 0
	if highlighted != "" {
		for i, c := range list.Items {
			if c.ID == highlighted {
				s.cur.pos = i
				break
			}
		}
	}
	if s.cur.pos == 0 {
		s.cur.top = 0
	}
	s.cur.clamp(len(s.list.Items), s.rowsVisible())
	if len(s.list.Items) == 0 && !s.inBox {
		s.focus() // nothing to move in
	}
}

// opened finishes an enter that waited: the list now answers the key
// enter was pressed for.
func (s *Search) opened() tea.Cmd {
	s.opening = false
	if c, ok := namedCustomer(s.list, s.shown.query); ok {
		return s.openCustomer(c)
	}
	if len(s.list.Items) == 0 {
		return nil // the view says nothing matched
	}
	return tui.Info(money.Int(int64(s.list.Total)) + " customers match " + strconv.Quote(s.shown.query) + ": highlight one and press enter")
}

// failed handles a search that got no list. An answer for text the agent
// has since changed only matters if the store asked us to slow down; a
// failure for the current key is shown, and retried by itself when the
// store may come back (429, no answer, 5xx).
func (s *Search) failed(msg searchDoneMsg) tea.Cmd {
	wait, limited := client.RateLimited(msg.err)
	retryable := limited || client.IsTransport(msg.err) || isServerError(msg.err)
	current := msg.key == s.currentKey()
	if !current && !limited {
		return s.sync() // the agent moved on: ask for what they want now
	}
	s.opening = s.opening && !current
	if !limited {
		s.c.Logger.Error("search customers", "query", msg.key.query, "page", msg.key.page, "err", msg.err)
		s.err, s.errKey = msg.err, msg.key
	}
	if !retryable {
		return nil
	}
	s.fails++
	secs := int((wait + time.Second - 1) / time.Second)
	if secs <= 0 {
		secs = min(1<<min(s.fails, 5), 30) // 2, 4, 8, 16, 30 s
	}
	return s.startWait(secs, limited)
}

// isServerError reports an answer saying the store (or a proxy) failed
// (a 5xx), which may recover; no answer at all is not one.
func isServerError(err error) bool {
	return !client.IsTransport(err) && client.KindOf(err) == client.KindUnavailable
}

// startWait counts down secs seconds, then searches again.
func (s *Search) startWait(secs int, limited bool) tea.Cmd {
	s.waitGen++
	s.waiting, s.limited = secs, limited
	return s.tick()
}

func (s *Search) stopWait() {
	s.waitGen++
	s.waiting = 0
}

func (s *Search) tick() tea.Cmd {
	msg := searchRetryMsg{s: s, gen: s.waitGen}
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return msg })
}

// countdown takes one second off the wait; at zero it searches again.
func (s *Search) countdown(msg searchRetryMsg) tea.Cmd {
	if msg.s != s || msg.gen != s.waitGen || s.waiting <= 0 {
		return nil
	}
	s.waiting--
	if s.waiting > 0 {
		return s.tick()
	}
	if s.flying {
		return nil
	}
	return s.send(s.currentKey())
}

func (s *Search) showsTable() bool {
	return s.err == nil && s.hasList && len(s.list.Items) > 0
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
			lines = append(lines, st.Muted.Render(sanitize.Truncate(`No customers match "`+s.shown.query+`".`, s.width)),
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
	room := s.width - sanitize.Width(right) - 2
	if state != "" {
		state = sanitize.Truncate(state, max(0, room))
		if left != "" {
			state = " · " + state
		}
		room -= sanitize.Width(state)
	}
	left = sanitize.Truncate(left, max(0, room)) + state
	gap := s.width - sanitize.Width(left) - sanitize.Width(right)
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
	case s.flying && s.hasList && want.query != s.shown.query:
		return "searching " + strconv.Quote(want.query) + "…"
	case s.flying:
		return "searching…"
	}
	return ""
}
