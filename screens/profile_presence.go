package screens

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/screens/forms"
)

// Presence on a profile (client.CapPresence): while the profile is on the
// stack it tells the desk every api.PresenceHeartbeat that this agent has
// the customer open (with its edit form open, when it is), and each
// answer names the other agents who have it open, for the header and
// the edit form's question before a save. One loop per profile: every
// heartbeat carries a generation, and only the newest one's answer
// schedules the next. A platform without the capability gets no presence
// traffic and the profile shows nothing about it.

// presenceTimeout bounds one heartbeat: a dead desk must not stack them.
const presenceTimeout = api.PresenceHeartbeat

type (
	// presenceMsg answers a heartbeat.
	presenceMsg struct {
		p   *Profile
		gen int
		res api.Presence
		err error
	}
	// presenceTickMsg is the time for the next heartbeat.
	presenceTickMsg struct {
		p   *Profile
		gen int
	}
)

// presenceState is the profile's side of presence.
type presenceState struct {
	// shared is what the header shows and the edit form reads; nil
	// without the capability.
	shared *forms.Presence
	gen    int
	closed bool
}

// initPresence starts the heartbeats when the platform keeps presence.
func (p *Profile) initPresence() tea.Cmd {
	if !p.caps.Has(client.CapPresence) {
		return nil
	}
	p.pres.shared = &forms.Presence{CustomerID: p.id, Loc: p.env.loc, Now: p.env.now}
	return p.beat()
}

// beat sends a heartbeat now; an older heartbeat's answer or tick is
// dropped from here on.
func (p *Profile) beat() tea.Cmd {
	if p.pres.shared == nil || p.pres.closed {
		return nil
	}
	p.pres.gen++
	gen, id, editing, cl := p.pres.gen, p.id, p.pres.shared.Editing, p.env.cl
	ctx := p.c.Context()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, presenceTimeout)
		defer cancel()
		// A heartbeat is not worth waiting out a rate limit for: the next
		// one comes soon.
		res, err := cl.Heartbeat(client.NoRateLimitWait(ctx), id, editing)
		return presenceMsg{p: p, gen: gen, res: res, err: err}
	}
}

// updatePresence handles the profile's presence messages; ok is false
// for any other.
func (p *Profile) updatePresence(msg tea.Msg) (cmd tea.Cmd, ok bool) {
	switch msg := msg.(type) {
	case presenceMsg:
		if msg.p != p || msg.gen != p.pres.gen || p.pres.closed {
			return nil, true
		}
		switch {
		case msg.err == nil:
			p.pres.shared.Others = msg.res.Viewers
		case client.IsUnsupported(msg.err):
			// A desk without presence (an older one): stop asking.
			p.pres.shared.Others = nil
			p.pres.closed = true
			return nil, true
		case client.IsNotFound(msg.err):
			// No such customer (yet: it may be created and the profile
			// refreshed); the profile says so itself.
			p.pres.shared.Others = nil
		default:
			// Only a hint: keep what the last answer said (it expires with
			// the TTL on the other side too) and try again at the next beat.
			p.c.Logger.Warn("presence heartbeat", "customer", p.id, "err", msg.err)
		}
		gen := msg.gen
		return tea.Tick(api.PresenceHeartbeat, func(time.Time) tea.Msg { return presenceTickMsg{p: p, gen: gen} }), true
	case presenceTickMsg:
		if msg.p != p || msg.gen != p.pres.gen {
			return nil, true
		}
		return p.beat(), true
	case forms.EditingMsg:
		if msg.CustomerID != p.id {
			return nil, true
		}
		return p.beat(), true
	}
	return nil, false
}

// closePresence stops the heartbeats and tells the desk the profile
// closed, without waiting for the answer: if it never arrives the
// agent's presence expires after api.PresenceTTL anyway.
func (p *Profile) closePresence() {
	if p.pres.shared == nil || p.pres.closed {
		return
	}
	p.pres.closed = true
	cl, id, session := p.env.cl, p.id, p.c.Context()
	go func() {
		// The session may be ending (quit, SSH hang-up): say goodbye anyway.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(session), presenceTimeout)
		defer cancel()
		_ = cl.LeavePresence(client.NoRateLimitWait(ctx), id)
	}()
}

// presenceText is the header's sentence about the other agents who have
// the customer open, "" when nobody (or no presence on this platform).
func (p *Profile) presenceText() string {
	if p.pres.shared == nil || len(p.pres.shared.Others) == 0 {
		return ""
	}
	return "Also open: " + p.pres.shared.Sentence(p.c.Styles.Cells, p.env.now(), 30)
}
