package screens

import (
	"context"
	"strconv"
	"time"

	bkey "charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/tui"
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
	// sentAt is when the search in flight was sent; slowFor is the seq
	// whose slowness is being watched (searchSlowMsg), so newer keys
	// schedule one watch per request.
	sentAt  time.Time
	slowFor int
	// rtt is how long the store took over the last search answered;
	// pacing is set while the next search waits out paceGap (paceGen
	// numbers the pauses, so Close can void one).
	rtt     time.Duration
	pacing  bool
	paceGen int

	shown searchKey // what list (and order) answer
	// order is the order whose number the shown query is (api.
	// ParseOrderNumber), with its customer: drawn as the first row, above
	// the customers list holds. nil when the query is no order number or
	// no order has it.
	order   *api.OrderMatch
	list    client.Page[api.Customer]
	hasList bool
	err     error
	errKey  searchKey // what err answered
	cur     cursor
	// filterErr is the store's refusal of the filters of filterErrKey
	// (search_filters.go), shown under the box over the list before.
	filterErr    string
	filterErrKey searchKey

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

	bSort, bRows, bCopyID, bResults, bTab Binding
	// The one list of keys of the box (with text, and empty) and of the
	// results: each binding carries its help, gating and action.
	box, boxEmpty []Binding
	results       [][]Binding
	// resultsShort is the footer's pick of results.
	resultsShort []Binding
}

// Binding is tui.Binding, spelled short for this package's key tables.
type Binding = tui.Binding

func newSearch(c *tui.Common, e *env, query string) *Search {
	what := "name, email or phone"
	if e.caps().Has(client.CapFindOrder) {
		what = "name, email, phone or order number"
	}
	in := newBox(c, "Search: ", what+" · ? help · : command", query)
	s := &Search{c: c, env: e, input: in, inBox: true, page: 1}
	s.bSort = Binding{Keys: []string{"s"}, Help: "sort"}
	s.bRows = Binding{Keys: []string{"down"}, HelpKey: "↓/tab", Help: "results"}
	s.bTab = Binding{Keys: []string{"tab"}, Hidden: true} // completes a filter, or results
	s.input.ShowSuggestions = e.caps().Has(client.CapSearchFilters)
	s.bCopyID = Binding{Keys: []string{"Y"}, Help: "copy id", Disabled: s.noSelection}
	s.bResults = Binding{Keys: []string{"esc"}, Help: "leave the box"}
	s.makeBoxKeys()
	s.makeResultKeys()
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
	s.pacing = false
	s.paceGen++
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
	s.input.SetWidth(max(10, w-s.c.Styles.Cells.Width(s.input.Prompt)-2))
	s.cur.clamp(s.rows(), s.rowsVisible())
}

// rows counts the rows of the list shown: the order found by its
// number, if any, and the customers.
func (s *Search) rows() int {
	if s.order != nil {
		return len(s.list.Items) + 1
	}
	return len(s.list.Items)
}

// orderRows is 1 when the first row is the order found by its number.
func (s *Search) orderRows() int {
	if s.order != nil {
		return 1
	}
	return 0
}

func (s *Search) rowsVisible() int { return max(1, s.height-s.headLines()) }

// stale reports whether the list on screen does not answer the text, sort
// and page asked for now (an answer is on its way, or failed): then no row
// may be acted on.
func (s *Search) stale() bool {
	return !s.hasList || s.err != nil || s.shown != s.currentKey()
}

// noSelection says why no row can be acted on, or "".
func (s *Search) noSelection() string {
	if s.stale() && s.hasList && s.rows() > 0 {
		return "the list is not yet for " + strconv.Quote(s.currentKey().query) + ": wait for its results"
	}
	if s.rows() == 0 || !s.hasList {
		return "no customer highlighted"
	}
	return ""
}

// selected is the customer of the highlighted row (on the order row, the
// customer who placed the order) of a list that answers the text now.
func (s *Search) selected() (api.Customer, bool) {
	if m, ok := s.selectedOrder(); ok {
		return m.Customer, true
	}
	i := s.cur.pos - s.orderRows()
	if s.stale() || i < 0 || i >= len(s.list.Items) {
		return api.Customer{}, false
	}
	return s.list.Items[i], true
}

// selectedOrder is the order found by its number when its row is
// highlighted in a list that answers the text now.
func (s *Search) selectedOrder() (api.OrderMatch, bool) {
	if s.stale() || s.order == nil || s.cur.pos != 0 {
		return api.OrderMatch{}, false
	}
	return *s.order, true
}

// ShortHelp is the footer's key help for the box or the results, taken
// from the lists that run the keys.
func (s *Search) ShortHelp() []Binding {
	if s.inBox {
		return s.box[:4] // enter, ↓/tab, esc, ctrl+r
	}
	return s.resultsShort
}

// FullHelp is every binding of the results: the shell gates and runs
// them, and the ? overlay lists them.
func (s *Search) FullHelp() [][]Binding { return s.results }

// Update handles keys, mouse, search answers and retry countdowns.
func (s *Search) Update(msg tea.Msg) (tui.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case searchDoneMsg:
		return s, s.answer(msg)
	case searchRetryMsg:
		return s, s.countdown(msg)
	case searchSlowMsg:
		return s, s.slow(msg)
	case searchPaceMsg:
		return s, s.paced(msg)
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

// Cursor puts the terminal's cursor in the box while it has focus.
func (s *Search) Cursor() *tea.Cursor {
	if !s.inBox {
		return nil
	}
	return s.input.Cursor()
}

// newBox is a focused one-line input holding value: the search box,
// the id box.
func newBox(c *tui.Common, prompt, placeholder, value string) textinput.Model {
	in := textinput.New()
	in.Prompt = prompt
	in.Placeholder = placeholder
	in.CharLimit = 200
	// A real terminal cursor: no blink ticks, and it works without colour.
	in.SetVirtualCursor(false)
	// ctrl+v would read the clipboard of the machine the console runs on,
	// which over SSH is the server's; terminal paste still works.
	in.KeyMap.Paste = bkey.NewBinding(bkey.WithDisabled())
	in.SetValue(value)
	in.CursorEnd()
	in.Focus()

	st := in.Styles()
	plain := lipgloss.NewStyle()
	if c.NoColor() {
		st.Cursor.Color = nil
		st.Focused = textinput.StyleState{Prompt: plain, Text: plain, Placeholder: plain, Suggestion: plain}
		st.Blurred = st.Focused
	} else {
		sty := c.Styles
		st.Cursor.Color = sty.Colors.Accent
		st.Focused = textinput.StyleState{Prompt: sty.Accent.Bold(true), Text: sty.Value, Placeholder: sty.Muted, Suggestion: sty.Muted}
		st.Blurred = textinput.StyleState{Prompt: sty.Muted, Text: sty.Value, Placeholder: sty.Muted, Suggestion: sty.Muted}
	}
	in.SetStyles(st)
	return in
}
