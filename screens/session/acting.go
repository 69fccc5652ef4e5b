// Package session is the console's on-behalf-of pieces: the Acting state
// (one per console session) that holds the live agent session, keeps its
// token fresh, draws the header banner "Acting as Jane Wanjiru · 14:32
// left" and revokes it on end or quit; the start form (o); the coupons
// list; and the "send password reset" confirmation. The profile screen
// wires them in (see Acting's doc for the hooks).
package session

import (
	"context"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/tui"
	"frontdesk/tui/sanitize"
)

// Defaults of Options.
const (
	// DefaultTick is how often the banner counts down.
	DefaultTick = time.Second
	// DefaultEndTimeout bounds the revocation when a session ends: it is
	// best effort, the token expires on its own anyway.
	DefaultEndTimeout = 3 * time.Second
)

// Options tune Acting. The zero value is right for a real terminal.
type Options struct {
	// Now is the clock of the countdown and of the refresh decision
	// (default time.Now); tests pass the sandbox's.
	Now func() time.Time
	// Tick is the countdown's interval (default DefaultTick).
	Tick time.Duration
	// EndTimeout bounds the revocation on end and quit (default
	// DefaultEndTimeout).
	EndTimeout time.Duration
	// Unaudited, when set, is why the store keeps no audit trail of
	// what the agent does as the customer (the platform lacks
	// client.CapAudit): the start form says so instead of promising one.
	Unaudited func() string
}

// Messages Acting sends; the profile reacts to them.
type (
	// StartedMsg: a session on CustomerID has started; read the profile
	// again with the customer's token (Acting.Session).
	StartedMsg struct {
		CustomerID api.ID
		Name       string
	}
	// EndedMsg: the session on CustomerID is over: ended with O, or lost
	// (Err says why: the 8-hour cap, ended by a supervisor, expired while
	// the store was unreachable). Read the profile as the agent again.
	EndedMsg struct {
		CustomerID api.ID
		Err        error
	}
	// OthersMsg answers CheckOthers: the live sessions of other agents on
	// CustomerID.
	OthersMsg struct {
		CustomerID api.ID
		Sessions   []api.AgentSession
		Err        error
	}
)

// Internal messages carry the generation of the session they belong to,
// so a tick or answer of an ended session is dropped.
type (
	tickMsg      struct{ gen int }
	refreshedMsg struct {
		gen int
		err error
	}
	lostMsg struct {
		gen int
		err error
	}
)

// Acting is the on-behalf state of one console session. The console
// makes one per terminal or SSH session and shares it by pointer; it is
// only touched from the program's goroutine (Update, View, commands'
// results), except Close, which runs after the program has stopped.
//
// Hooks for the console:
//   - tui.Options.Banner = acting.Banner (the shell draws it under the
//     header; its Styles.Banner colour should be BannerStyle's: no other
//     state uses it).
//   - Forward every message to acting.Update from a screen that is always
//     on the stack (or the shell): it keeps the countdown ticking, the
//     token fresh, and turns a lost session into EndedMsg.
//   - o on a profile: push acting.StartForm(id, name); O: acting.End().
//   - While acting.ActiveFor(id): read the profile with
//     acting.Session().Customer, edit through acting.Client(cl), offer
//     NewCoupons and NewPasswordReset.
//   - After the program returns (quit, ctrl+c, dropped SSH): acting.Close().
type Acting struct {
	c    *tui.Common
	cl   client.OnBehalf
	now  func() time.Time
	tick time.Duration
	endT time.Duration
	// unaudited is Options.Unaudited.
	unaudited func() string

	sess   *client.Session
	name   string
	id     api.ID
	gen    int
	cancel context.CancelFunc // stops the lost-watcher of the current session

	refreshing bool
	// refreshErr is the last refresh failure while the token still works
	// (the store is unreachable); the banner says so.
	refreshErr error
}

// NewActing makes the on-behalf state of one console session.
func NewActing(c *tui.Common, cl client.OnBehalf, o Options) *Acting {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Tick <= 0 {
		o.Tick = DefaultTick
	}
	if o.EndTimeout <= 0 {
		o.EndTimeout = DefaultEndTimeout
	}
	return &Acting{c: c, cl: cl, now: o.Now, tick: o.Tick, endT: o.EndTimeout, unaudited: o.Unaudited}
}

// Active reports whether a session is live.
func (a *Acting) Active() bool { return a.sess != nil }

// ActiveFor reports whether a session is live on customer id.
func (a *Acting) ActiveFor(id api.ID) bool { return a.sess != nil && a.id == id }

// CustomerID is the customer of the live session ("" without one).
func (a *Acting) CustomerID() api.ID { return a.id }

// Session is the live session, nil without one. Its calls run as the
// customer and refresh the token first when due.
func (a *Acting) Session() *client.Session { return a.sess }

// Banner is the header line while a session is live: "Acting as Jane
// Wanjiru · 14:32 left", "" otherwise. The name is raw API text (the
// shell sanitizes the line).
func (a *Acting) Banner() string {
	if a.sess == nil {
		return ""
	}
	line := "Acting as " + a.name + " · " + Countdown(a.sess.Info().ExpiresAt.Sub(a.now())) + " left"
	if a.refreshErr != nil {
		line += " · cannot refresh, retrying"
	}
	return line
}

// RenderBanner is Banner in BannerStyle, sanitized and padded to width,
// for a caller that draws the line itself.
func (a *Acting) RenderBanner(width int) string {
	b := a.Banner()
	if b == "" {
		return ""
	}
	return BannerStyle(a.c.Styles).Render(a.c.Styles.Cells.Pad(b, width))
}

// BannerStyle is the on-behalf banner's look: teal, a colour no other
// state of the console uses (production is red, read-only amber, errors
// red, success green, info blue, the accent violet). Without colour it is
// reverse video, so it still stands out.
func BannerStyle(s tui.Styles) lipgloss.Style {
	if s.NoColor {
		return lipgloss.NewStyle().Reverse(true)
	}
	ld := lipgloss.LightDark(s.IsDark)
	return lipgloss.NewStyle().Bold(true).
		Foreground(ld(lipgloss.Color("#FFFFFF"), lipgloss.Color("#062B2B"))).
		Background(ld(lipgloss.Color("#00796B"), lipgloss.Color("#4FD1C5")))
}

// Countdown prints a duration left as minutes and seconds, "14:32".
func Countdown(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	s := int(d / time.Second)
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// adopt makes sess the live session (ending any other first) and starts
// its countdown and its lost-watcher.
func (a *Acting) adopt(sess *client.Session, name string) tea.Cmd {
	prev := a.stop(nil)
	info := sess.Info()
	if name == "" {
		name = info.CustomerName
	}
	a.sess, a.name, a.id = sess, name, info.CustomerID
	a.gen++
	ctx, cancel := context.WithCancel(a.c.Context())
	a.cancel = cancel
	gen := a.gen
	watch := func() tea.Msg {
		select {
		case err := <-sess.Lost():
			return lostMsg{gen: gen, err: err}
		case <-ctx.Done():
			return nil
		}
	}
	id := a.id
	return tea.Batch(prev, a.nextTick(), watch, func() tea.Msg { return StartedMsg{CustomerID: id, Name: name} })
}

func (a *Acting) nextTick() tea.Cmd {
	gen := a.gen
	return tea.Tick(a.tick, func(time.Time) tea.Msg { return tickMsg{gen: gen} })
}

// stop forgets the live session and returns the command that revokes it
// (best effort, bounded by EndTimeout) and then says EndedMsg, whose Err
// is reason, or without one the revocation's failure.
func (a *Acting) stop(reason error) tea.Cmd {
	sess := a.sess
	if sess == nil {
		return nil
	}
	if a.cancel != nil {
		a.cancel()
	}
	a.sess, a.cancel, a.refreshing, a.refreshErr = nil, nil, false, nil
	a.gen++
	id, timeout := a.id, a.endT
	a.id, a.name = "", ""
	return func() tea.Msg {
		// Not the session's context: ending must still try when the
		// console is going away.
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		err := sess.Close(ctx)
		if reason != nil {
			err = reason
		}
		return EndedMsg{CustomerID: id, Err: err}
	}
}

// End ends the live session (O): the banner goes at once, the store
// revokes the token in the background, and EndedMsg follows.
func (a *Acting) End() tea.Cmd {
	if a.sess == nil {
		return tui.Info("not acting on behalf of anyone")
	}
	name := a.name
	return tea.Batch(a.stop(nil), tui.Info("stopped acting as "+sanitize.Truncate(name, 40)))
}

// Close revokes the live session synchronously (best effort, bounded by
// EndTimeout): for when the program has stopped — quit, ctrl+c, a dropped
// SSH connection. The token's TTL covers a revocation that fails.
func (a *Acting) Close() error {
	cmd := a.stop(nil)
	if cmd == nil {
		return nil
	}
	if m, ok := cmd().(EndedMsg); ok {
		return m.Err
	}
	return nil
}

// CheckOthers asks which other agents hold a live session on customer id;
// the answer is OthersMsg.
func (a *Acting) CheckOthers(id api.ID) tea.Cmd {
	ctx := a.c.Context()
	self := a.c.Agent.AgentID
	return a.c.Track(func() tea.Msg {
		list, err := a.cl.ListSessions(ctx, id)
		var others []api.AgentSession
		for _, s := range list {
			if s.AgentID != self {
				others = append(others, s)
			}
		}
		return OthersMsg{CustomerID: id, Sessions: others, Err: err}
	})
}

// Update handles Acting's own messages: ok is false for any other. Feed
// it every message (see the hooks in Acting's doc).
func (a *Acting) Update(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case tickMsg:
		if msg.gen != a.gen || a.sess == nil {
			return nil, true
		}
		cmds := []tea.Cmd{a.nextTick()}
		if !a.refreshing && a.sess.Due() {
			a.refreshing = true
			sess, gen := a.sess, a.gen
			ctx := a.c.Context()
			cmds = append(cmds, func() tea.Msg {
				_, err := sess.RefreshIfDue(ctx)
				return refreshedMsg{gen: gen, err: err}
			})
		}
		return tea.Batch(cmds...), true
	case refreshedMsg:
		if msg.gen == a.gen {
			a.refreshing = false
			a.refreshErr = nil
			if msg.err != nil && a.sess != nil && a.sess.Err() == nil {
				a.refreshErr = msg.err
			}
		}
		return nil, true
	case lostMsg:
		if msg.gen != a.gen || a.sess == nil {
			return nil, true
		}
		name := a.name
		stop := a.stop(msg.err)
		return tea.Batch(stop, tui.Error("stopped acting as "+sanitize.Truncate(name, 40)+": "+lostReason(msg.err))), true
	}
	return nil, false
}

// lostReason says in a few words why a session could not go on.
func lostReason(err error) string {
	switch {
	case client.IsCode(err, api.CodeSessionCapReached):
		return "the session reached its 8-hour limit; start a new one with o"
	case client.IsCode(err, api.CodeSessionEnded), client.IsCode(err, api.CodeSessionRevoked):
		return "the session was ended (by a supervisor?); start a new one with o"
	case err == nil:
		return "the session ended"
	}
	return err.Error()
}
