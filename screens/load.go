package screens

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"frontdesk/tui"
)

// load is the state of one kind of request a screen makes (the customer,
// a page of orders): the sequence number of the latest request, its
// cancel, and how it ended. Answers carry the sequence number they were
// asked with; only the latest one is taken.
type load struct {
	seq     int
	cancel  context.CancelFunc
	loading bool
	loaded  bool // an answer has been taken at least once
	err     error
}

// start cancels the request in flight, if any, and returns a tracked
// command running fn with a fresh context; fn gets the new sequence number
// to put into its message.
func (l *load) start(c *tui.Common, fn func(ctx context.Context, seq int) tea.Msg) tea.Cmd {
	l.stop()
	l.seq++
	ctx, cancel := context.WithCancel(c.Context())
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

// stop cancels the request in flight; its answer, when it comes, is not
// taken.
func (l *load) stop() {
	if l.cancel != nil {
		l.cancel()
		l.cancel = nil
	}
	l.loading = false
}

// stale forgets that the data was loaded, so the next look fetches it.
func (l *load) stale() { l.loaded = false }

// wanted reports whether a fetch should start when the data is looked at:
// never loaded and nothing in flight.
func (l *load) wanted() bool { return !l.loaded && !l.loading }
