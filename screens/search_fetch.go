package screens

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/money"
	"frontdesk/tui"
	"frontdesk/tui/sanitize"
)

// The search's requests: one in flight at most, the newest text sent when
// it answers, and a countdown before retrying a store that rate-limited
// us or could not be reached.

// searchDoneMsg is the answer to one search request. seq says which
// request: only the answer to the request in flight is taken, so a late
// answer to a cancelled "jan" cannot replace the answer to "jane".
type searchDoneMsg struct {
	s    *Search
	seq  int
	key  searchKey
	list client.Page[api.Customer]
	// order is the order whose number key.query is, with its customer
	// (nil when it is no order number, or no order has it).
	order *api.OrderMatch
	err   error
	took  time.Duration // from sending to the answer
}

// searchRetryMsg counts down a wait before the next search (the store
// rate-limited us, or could not be reached); gen says which wait, so a
// wait that ctrl+r or new text cut short stops ticking.
type searchRetryMsg struct {
	s   *Search
	gen int
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
	case s.flying && want != s.flyKey && s.slowFor != s.seq:
		// Newer text waits for this answer, unless the answer is slow.
		s.slowFor = s.seq
		msg := searchSlowMsg{s: s, seq: s.seq}
		return tea.Tick(max(0, slowSearch-time.Since(s.sentAt)), func(time.Time) tea.Msg { return msg })
	case s.flying, s.waiting > 0, s.pacing:
		return nil
	case s.filterErr != "" && s.filterErrKey == want:
		return nil // refused: the agent has to change the text
	case s.hasList && s.err == nil && s.shown == want:
		if s.opening && s.openKey == want {
			return s.opened()
		}
		return nil // e.g. a trailing space: nothing new to ask
	}
	if wait := s.paceGap() - time.Since(s.sentAt); wait > 0 {
		s.pacing = true
		msg := searchPaceMsg{s: s, gen: s.paceGen}
		return tea.Tick(wait, func(time.Time) tea.Msg { return msg })
	}
	return s.send(want)
}

// A slow store is not asked once per key: while the agent types, searches
// are sent at most every paceGap, twice the store's last answer time, so
// a 12-character query typed at 40 ms a key makes a few requests against
// a store answering in 90–240 ms. A store answering under
// DefaultSearchPaceFrom (Config.SearchPaceFrom) is asked at once, every
// time: the sandbox at a million customers takes 30–70 ms over a broad
// prefix, and pacing it would only add that again.
const (
	DefaultSearchPaceFrom = 80 * time.Millisecond
	defaultPaceMax        = 300 * time.Millisecond
)

// paceGap is how long after a search the next may be sent: 0 for a fast
// store.
func (s *Search) paceGap() time.Duration {
	if s.rtt < s.env.paceFrom {
		return 0
	}
	return min(2*s.rtt, s.env.paceMax)
}

// searchPaceMsg ends a pause between searches to a slow store; gen is
// the screen's pace generation, so a closed screen's pause sends nothing.
type searchPaceMsg struct {
	s   *Search
	gen int
}

func (s *Search) paced(msg searchPaceMsg) tea.Cmd {
	if msg.s != s || msg.gen != s.paceGen || !s.pacing {
		return nil
	}
	s.pacing = false
	return s.sync()
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
	s.sentAt = time.Now()
	seq, cl := s.seq, s.env.cl
	quote, isOrder := api.ParseOrderNumber(key.query)
	isOrder = isOrder && key.page == 1 && s.env.caps().Has(client.CapFindOrder)
	return s.c.Track(func() tea.Msg {
		start := time.Now()
		if isOrder && quote.Marked {
			// FD-00001584, #1584: an order number and nothing else.
			order, err := findOrder(ctx, cl, key.query)
			return searchDoneMsg{s: s, seq: seq, key: key, list: client.Page[api.Customer]{Items: []api.Customer{}, Limit: searchPageSize},
				order: order, err: err, took: time.Since(start)}
		}
		var order *api.OrderMatch
		found := make(chan struct{})
		if isOrder {
			// Bare digits: part of a phone number as well as an order
			// number; both are asked at once and both shown.
			go func() {
				defer close(found)
				order, _ = findOrder(ctx, cl, key.query) // no order row if it failed
			}()
		} else {
			close(found)
		}
		list, err := cl.SearchCustomers(ctx, client.SearchParams{Query: key.query, Sort: key.sort, Cursor: key.cursor, Limit: searchPageSize})
		<-found
		return searchDoneMsg{s: s, seq: seq, key: key, list: list, order: order, err: err, took: time.Since(start)}
	})
}

// findOrder asks for the order numbered as query: nil without error when
// there is none.
func findOrder(ctx context.Context, cl client.Platform, query string) (*api.OrderMatch, error) {
	m, err := cl.FindOrder(ctx, query)
	switch {
	case client.IsNotFound(err):
		return nil, nil
	case err != nil:
		return nil, err
	}
	return &m, nil
}

// slowSearch is how long the search in flight may hold back newer text.
// A store answers most searches in milliseconds, and a slow store (90–240
// ms) is waited for, so typing sends a few requests per word; but one
// pathological query (a second or more: at 1M customers the sandbox takes
// a second over "odhiambo.") is cancelled once it has taken this long and
// the newest text is asked instead. There is still one search in flight:
// the cancelled one's answer is dropped.
const slowSearch = 500 * time.Millisecond

// searchSlowMsg is the search in flight (seq) turning slow while newer
// text waits for it.
type searchSlowMsg struct {
	s   *Search
	seq int
}

// slow gives up on the search in flight if it is still the one that was
// holding back newer text, and asks for the newest key.
func (s *Search) slow(msg searchSlowMsg) tea.Cmd {
	if msg.s != s || !s.flying || msg.seq != s.seq || s.flyKey == s.currentKey() {
		return nil
	}
	return s.send(s.currentKey()) // send cancels the slow one
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
	s.rtt = msg.took
	s.take(msg.key, msg.list, msg.order)
	if again {
		return s.send(s.currentKey())
	}
	return s.sync()
}

// take shows list (and the order found by its number) as the answer to
// key.
func (s *Search) take(key searchKey, list client.Page[api.Customer], order *api.OrderMatch) {
	var highlighted api.ID
	_, onOrder := s.selectedOrder()
	if c, ok := s.selected(); ok && s.shown == key && !onOrder {
		highlighted = c.ID // a refresh keeps the highlight on the same customer
	}
	s.err, s.filterErr = nil, ""
	s.shown, s.list, s.order, s.hasList = key, list, order, true
	s.cur.pos = 0
	if highlighted != "" {
		for i, c := range list.Items {
			if c.ID == highlighted {
				s.cur.pos = i + s.orderRows()
				break
			}
		}
	}
	if s.cur.pos == 0 {
		s.cur.top = 0
	}
	s.cur.clamp(s.rows(), s.rowsVisible())
	if s.rows() == 0 && !s.inBox {
		s.focus() // nothing to move in
	}
}

// opened finishes an enter that waited: the list now answers the key
// enter was pressed for.
func (s *Search) opened() tea.Cmd {
	s.opening = false
	if s.order != nil {
		// The order whose number was typed: "#1584", or bare digits that
		// no customer matched. Bare digits that customers match too are
		// opened only from the highlighted row.
		if quote, _ := api.ParseOrderNumber(s.shown.query); quote.Marked || len(s.list.Items) == 0 {
			return s.openOrder(*s.order)
		}
		return tui.Info("order #" + sanitize.Line(s.order.Order.Number) + " and " + money.Int(int64(s.list.Total)) +
			" customers match " + strconv.Quote(s.shown.query) + ": highlight one and press enter")
	}
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
	if why := filterRefusal(msg.err); why != "" && current {
		s.refused(msg.key, why)
		return nil
	}
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
