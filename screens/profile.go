package screens

import (
	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/screens/forms"
	"frontdesk/screens/session"
	"frontdesk/tui"
	"frontdesk/tui/sanitize"
)

// profileHeadLines are the frame's lines above the tab: the customer's
// line, the tabs, and the session line (blank when there is nothing to
// say).
const profileHeadLines = 3

// customerLoadedMsg answers the frame's request for the customer. Like
// every answer of the profile it carries its requester and the sequence
// number of its request: an answer to a request that was superseded
// (ctrl+r pressed twice) is dropped.
type customerLoadedMsg struct {
	p    *Profile
	seq  int
	cust api.Customer
	err  error
}

// auditWrittenMsg tells the tabs that this session just wrote to the
// customer's audit trail (an on-behalf session started or ended, a
// password reset was sent). It goes from the frame to its tabs only.
type auditWrittenMsg struct{}

// Profile is one customer: a frame (the customer's line, the tabs, the
// on-behalf line) around the tab shown. The tabs are the ones the
// platform can fill (profileTabs()); each loads the first time it is
// looked at.
type Profile struct {
	c   *tui.Common
	env *env
	id  api.ID

	width, height int

	// tabs are the tabs built for this platform, in order; cur is the
	// index of the one shown.
	tabs []tabComponent
	cur  int
	// slots are every tab the profile may have, in order: the tab built,
	// or why the platform cannot fill it (its keys are greyed in ? with
	// that reason).
	slots []tabSlot
	// caps is what the platform can do, asked once.
	caps client.Capabilities

	cust  api.Customer
	custL load
	// revealed are the masked fields revealed in this view (v), by
	// api.RevealFields name; the view's own, never shared.
	revealed map[string]api.RevealResult

	// acting is the session's on-behalf state; others are the live
	// sessions other agents hold on this customer.
	acting *session.Acting
	others []api.AgentSession

	keys profileKeys

	// pres is who else has the customer open (profile_presence.go).
	pres presenceState
}

// tabSlot is one of the tabs a profile may have: built, or absent and
// why.
type tabSlot struct {
	spec tabSpec
	tab  tabComponent
	why  string
}

func newProfile(c *tui.Common, e *env, id api.ID) *Profile {
	p := &Profile{c: c, env: e, id: id, caps: e.caps()}
	p.acting = e.actingOn(c)
	for _, s := range profileTabs() {
		slot := tabSlot{spec: s, why: s.missingReason(p.caps)}
		if slot.why == "" {
			slot.tab = s.build(p)
			p.tabs = append(p.tabs, slot.tab)
		}
		p.slots = append(p.slots, slot)
	}
	p.keys = newProfileKeys(p)
	return p
}

// Acting reports whether the agent acts as this customer right now.
func (p *Profile) Acting() bool { return p.acting.ActiveFor(p.id) }

// customerClient reads the customer: while acting for them, as the
// customer (their token, their own view); otherwise as the agent.
func (p *Profile) customerClient() forms.Client { return p.acting.Client(p.env.cl) }

// ID is the customer's id.
func (p *Profile) ID() api.ID { return p.id }

// Init loads the customer and what the tabs need from the start (the
// overview shows the points balance, and the adjust form needs it). It
// also asks whether another agent is acting for the customer.
func (p *Profile) Init() tea.Cmd {
	cmds := []tea.Cmd{p.fetchCustomer()}
	for _, t := range p.tabs {
		cmds = append(cmds, t.Init())
	}
	if p.cur != 0 {
		// Opened on another tab (an order found by its number): load it.
		cmds = append(cmds, p.ensure())
	}
	return tea.Batch(append(cmds, p.acting.CheckOthers(p.id), p.initPresence())...)
}

// Close cancels every request in flight and ends the presence
// heartbeats.
func (p *Profile) Close() {
	for _, r := range p.loads() {
		r.l.stop()
	}
	p.closePresence()
}

// Title is the customer's name once it is known.
func (p *Profile) Title() string {
	if p.missing() {
		return p.missingText()
	}
	if p.custL.loaded {
		if n := p.cust.Name(); n != "" {
			return n
		}
	}
	return "Customer " + string(p.id)
}

// CapturesKeys is false: the profile has no text input.
func (p *Profile) CapturesKeys() bool { return false }

// SetSize fits the frame and its tabs to the content area.
func (p *Profile) SetSize(w, h int) {
	p.width, p.height = w, h
	for _, t := range p.tabs {
		t.SetSize(w, p.bodyHeight())
	}
}

func (p *Profile) bodyHeight() int { return max(0, p.height-profileHeadLines) }

// Tab is the kind of tab shown (0 Overview … 4 Activity), whichever
// number key reaches it on this platform.
func (p *Profile) Tab() int { return int(p.active().kind()) }

// active is the tab shown.
func (p *Profile) active() tabComponent { return p.tabs[p.cur] }

// show switches to the tab at index i and loads it if it never was.
func (p *Profile) show(i int) tea.Cmd {
	if i < 0 || i >= len(p.tabs) {
		return nil
	}
	p.cur = i
	return p.ensure()
}

// focus makes tab t the one shown without loading anything; false when
// the platform has no such tab.
func (p *Profile) focus(t tab) bool {
	for i, tc := range p.tabs {
		if tc.kind() == t {
			p.cur = i
			return true
		}
	}
	return false
}

// ensure starts the loads of the tab shown that were never made (or were
// made stale by a save).
func (p *Profile) ensure() tea.Cmd {
	if p.missing() {
		return nil
	}
	return p.active().Show()
}

// refresh fetches the tab shown again (ctrl+r); the header's customer
// comes along, so a rename shows too.
func (p *Profile) refresh() tea.Cmd {
	if p.missing() {
		// Ask again whether the customer exists (an id that was just
		// created); the tabs load once it does.
		return p.fetchCustomer()
	}
	return tea.Batch(p.fetchCustomer(), p.active().Refresh())
}

// CustomerID is the customer shown (tui.CustomerScreen: ":merge ID"
// merges into it).
func (p *Profile) CustomerID() api.ID { return p.id }

// refreshAll loads the customer and every tab again (after a merge moved
// orders, notes and points in or out).
func (p *Profile) refreshAll() tea.Cmd {
	cmds := []tea.Cmd{p.fetchCustomer()}
	for _, t := range p.tabs {
		cmds = append(cmds, t.Refresh())
	}
	return tea.Batch(cmds...)
}

// needMerged is why the customer this one was merged into cannot be
// opened: it was not merged.
func (p *Profile) needMerged() string {
	if r := p.needCustomer(); r != "" {
		return r
	}
	if p.cust.MergedInto == nil {
		return "this customer was not merged into another"
	}
	return ""
}

func (p *Profile) needCustomer() string {
	switch {
	case p.missing():
		return "no such customer"
	case !p.custL.loaded && p.custL.err != nil && !p.custL.loading:
		return "the customer could not be loaded"
	case !p.custL.loaded:
		return "the customer is still loading"
	}
	return ""
}

// missing reports whether the store said there is no such customer.
func (p *Profile) missing() bool {
	return !p.custL.loading && client.IsNotFound(p.custL.err)
}

// missingText is what the profile of a customer the store does not know
// says, instead of an error with a retry.
func (p *Profile) missingText() string { return "No customer " + sanitize.Line(string(p.id)) }

// Update handles keys, mouse, the customer's answer, what the forms send
// after a save and the on-behalf state; every other message goes to the
// tabs, which take their own answers.
func (p *Profile) Update(msg tea.Msg) (tui.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return p, p.key(msg)
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			p.active().Move(-3)
		case tea.MouseWheelDown:
			p.active().Move(3)
		}
		return p, nil
	case tea.MouseClickMsg:
		return p, p.click(msg)

	case tui.MergedMsg:
		if msg.Keep == p.id || msg.Drop == p.id {
			return p, p.refreshAll()
		}
		return p, nil
	case customerLoadedMsg:
		wasMissing := client.IsNotFound(p.custL.err)
		if msg.p != p || !p.custL.accept(msg.seq, msg.err) {
			return p, nil
		}
		if msg.err != nil {
			return p, p.failed(&p.custL, "load customer", msg.err)
		}
		p.cust = msg.cust
		if wasMissing {
			// A customer that was missing exists now (ctrl+r): load the tab.
			return p, tea.Batch(p.retryFailed(), p.ensure())
		}
		return p, p.retryFailed()
	case loadTickMsg:
		for _, r := range p.loads() {
			if r.l == msg.l {
				due, next := r.l.tick(msg)
				if due {
					return p, r.fetch()
				}
				return p, next
			}
		}
		return p, nil

	case presenceMsg, presenceTickMsg, forms.EditingMsg:
		cmd, _ := p.updatePresence(msg)
		return p, cmd
	case session.OthersMsg:
		if msg.CustomerID != p.id {
			return p, nil
		}
		if msg.Err != nil {
			// Only a hint: the profile works without it.
			p.c.Logger.Warn("list agent sessions", "customer", p.id, "err", msg.Err)
			return p, nil
		}
		p.others = msg.Sessions
		return p, nil
	case session.StartedMsg, session.EndedMsg:
		// Read the customer again as whom the agent now is (the
		// customer, or the agent again), and the trail that recorded it.
		if sessionCustomer(msg) != p.id {
			return p, nil
		}
		return p, tea.Batch(p.fetchCustomer(), p.toTabs(auditWrittenMsg{}))
	case forms.RevealedMsg:
		return p, p.onRevealed(msg)
	case session.PasswordResetSentMsg:
		if msg.CustomerID == p.id {
			return p, p.toTabs(auditWrittenMsg{})
		}
		return p, nil
	}
	if s := savedByForm(msg); s.about(p.id) {
		return p, p.saved(s)
	}
	return p, p.toTabs(msg)
}

// toTabs hands msg to every tab; each takes only its own.
func (p *Profile) toTabs(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	for _, t := range p.tabs {
		if cmd := t.Update(msg); cmd != nil {
			cmds = append(cmds, cmd)
		}
	}
	return tea.Batch(cmds...)
}

// click selects a tab by its label, or hands a click on the body to the
// tab shown.
func (p *Profile) click(msg tea.MouseClickMsg) tea.Cmd {
	if msg.Button != tea.MouseLeft {
		return nil
	}
	if msg.Y == 1 {
		for i, r := range p.tabRanges() {
			if msg.X >= r[0] && msg.X < r[1] {
				return p.show(i)
			}
		}
		return nil
	}
	if row := msg.Y - profileHeadLines; row >= 0 {
		return p.active().Click(row)
	}
	return nil
}

// sessionCustomer is the customer a StartedMsg or EndedMsg is about.
func sessionCustomer(msg tea.Msg) api.ID {
	switch m := msg.(type) {
	case session.StartedMsg:
		return m.CustomerID
	case session.EndedMsg:
		return m.CustomerID
	}
	return ""
}

// Erase is ":erase" on this profile: the erase form (reason, the email
// typed to confirm), once the customer has loaded.
func (p *Profile) Erase() tea.Cmd {
	if why := p.needCustomer(); why != "" {
		return tui.Error("cannot erase: " + why)
	}
	return tui.Push(eraseForm(p.c, p.env, p.cust))
}
