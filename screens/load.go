package screens

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"frontdesk/client"
	"frontdesk/tui"
)

// load is the state of one kind of request a screen makes (the customer,
// a page of orders): the sequence number of the latest request, its
// cancel, and how it ended. Answers carry the sequence number they were
// asked with; only the latest one is taken.
//
// A load started with startPaced gets a 429 back at once instead of
// waiting inside the client; limited then counts down to the store's
// Retry-After in whole seconds (loadTickMsg, one a second), the pane says
// "rate limited by the store, retrying in N s", and the screen starts the
// load again when tick says it is due.
type load struct {
	seq     int
	cancel  context.CancelFunc
	loading bool
	loaded  bool // an answer has been taken at least once
	err     error

	// waitLeft is the seconds left before a rate-limited load is tried
	// again; 0 when it is not waiting.
	waitLeft int
	// tickEvery is the length of one countdown second; 0 is a second.
	// Tests shorten it.
	tickEvery time.Duration
}

// loadTickMsg is one second of the countdown of a rate-limited load; seq
// is the request that was limited, so a countdown outlived by a newer
// request (ctrl+r) stops.
type loadTickMsg struct {
	l   *load
	seq int
}

// defaultRateLimitWait is the wait when a 429 names none.
const defaultRateLimitWait = 5 * time.Second

// start cancels the request in flight, if any, and returns a tracked
// command running fn with a fresh context; fn gets the new sequence number
// to put into its message.
func (l *load) start(c *tui.Common, fn func(ctx context.Context, seq int) tea.Msg) tea.Cmd {
	return l.startWith(c, false, fn)
}

// startPaced is start for a load whose screen handles rate limiting
// itself (limited, tick): the client gives a 429 back at once rather than
// retrying it behind a spinner.
func (l *load) startPaced(c *tui.Common, fn func(ctx context.Context, seq int) tea.Msg) tea.Cmd {
	return l.startWith(c, true, fn)
}

func (l *load) startWith(c *tui.Common, noWait bool, fn func(ctx context.Context, seq int) tea.Msg) tea.Cmd {
	l.stop()
	l.seq++
	ctx, cancel := context.WithCancel(c.Context())
	if noWait {
		ctx = client.NoRateLimitWait(ctx)
	}
	l.cancel = cancel
	l.loading = true
	seq := l.seq
	return c.Track(func() tea.Msg { return fn(ctx, seq) })
}

// accept reports whether an answer with seq is the latest, and if so
// records how it ended.
func (l *load) accept(seq int, err error) bool {
	if seq != l.seq || !l.loading {
		return false
	}
	l.loading = false
	if l.cancel != nil {
		l.cancel()
		l.cancel = nil
	}
	l.err = err
	if err == nil {
		l.loaded = true
	}
	return true
}

// limited starts the countdown when the answer just accepted was a 429,
// and returns its first tick; nil for any other answer.
func (l *load) limited() tea.Cmd {
	wait, ok := client.RateLimited(l.err)
	if !ok {
		return nil
	}
	if wait <= 0 {
		wait = defaultRateLimitWait
	}
	l.waitLeft = max(1, int((wait+time.Second-1)/time.Second))
	return l.nextTick()
}

func (l *load) nextTick() tea.Cmd {
	every := l.tickEvery
	if every <= 0 {
		every = time.Second
	}
	msg := loadTickMsg{l: l, seq: l.seq}
	return tea.Tick(every, func(time.Time) tea.Msg { return msg })
}

// tick takes one second of the countdown: due is true when the load
// should start again now; otherwise next is the following tick (nil when
// the tick belongs to a countdown that was superseded).
func (l *load) tick(msg loadTickMsg) (due bool, next tea.Cmd) {
	if msg.l != l || msg.seq != l.seq || l.loading || l.waitLeft <= 0 {
		return false, nil
	}
	l.waitLeft--
	if l.waitLeft == 0 {
		return true, nil
	}
	return false, l.nextTick()
}

// waiting reports whether the load is counting down to a retry.
func (l *load) waiting() bool { return l.waitLeft > 0 && !l.loading }

// stop cancels the request in flight and any countdown; an answer, when
// it comes, is not taken.
func (l *load) stop() {
	if l.cancel != nil {
		l.cancel()
		l.cancel = nil
	}
	l.loading = false
	l.waitLeft = 0
}

// stale forgets that the data was loaded, so the next look fetches it.
func (l *load) stale() { l.loaded = false }

// wanted reports whether a fetch should start when the data is looked at:
// never loaded, or the last try failed with something another try may
// cure; and nothing in flight or counting down.
func (l *load) wanted() bool {
	return !l.loading && l.waitLeft == 0 && (!l.loaded || l.retryable())
}

// retryable reports whether the last answer was an error that trying
// again may cure: no answer at all, or a server or proxy failure. A 404
// or a refusal stays what it is until the agent asks again (ctrl+r).
func (l *load) retryable() bool {
	if l.err == nil || l.loading {
		return false
	}
	switch client.KindOf(l.err) {
	case client.KindUnavailable, client.KindRateLimited:
		return true
	}
	return false
}
