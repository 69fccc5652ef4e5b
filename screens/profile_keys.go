package screens

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"frontdesk/client"
	"frontdesk/policy"
	"frontdesk/screens/forms"
	"frontdesk/screens/session"
	"frontdesk/tui"
)

// profileKeys are the frame's bindings, each carrying what it does: the
// same list drives the keys, the footer, ? and the gating. The tabs add
// their own (tabComponent.Bindings and Actions).
type profileKeys struct {
	tabs                                  []Binding // 1…n, one per tab built
	next, prev                            Binding
	up, down, top, bottom, pageUp, pageDn Binding
	edit, newCustomer, copyEmail, copyID  Binding
	reveal                                Binding
	refresh, openMerged                   Binding
	start, end, coupons, resetPassword    Binding
	copyEmailShort                        Binding // the footer's: never greyed
}

func newProfileKeys(p *Profile) profileKeys {
	k := p.c.Keys
	move := func(d int) func() tea.Cmd { return func() tea.Cmd { p.active().Move(d); return nil } }
	page := func(d int) func() tea.Cmd { return func() tea.Cmd { return p.active().PageBy(d) } }
	pk := profileKeys{
		next: k.NextTab.Do(func() tea.Cmd { return p.show((p.cur + 1) % len(p.tabs)) }),
		prev: k.PrevTab.Do(func() tea.Cmd { return p.show((p.cur + len(p.tabs) - 1) % len(p.tabs)) }),

		up: k.Up.Do(move(-1)), down: k.Down.Do(move(1)),
		top: k.Top.Do(move(-1 << 30)), bottom: k.Bottom.Do(move(1 << 30)),
		pageUp: k.PageUp.Do(page(-1)), pageDn: k.PageDown.Do(page(1)),

		// While acting, the form saves through the customer scope.
		edit: p.needs(k.Edit, client.CapEditCustomer, p.canEdit).Do(func() tea.Cmd {
			return tui.Push(forms.WatchPresence(forms.NewEditProfile(p.c, p.customerClient(), p.cust), p.pres.shared))
		}),
		newCustomer: p.needs(k.New, client.CapCreateCustomer, nil).Do(func() tea.Cmd {
			return tui.Push(newCustomerForm(p.c, p.env))
		}),
		copyEmail: k.Copy.WithHelp("copy email").With(p.needCustomer).Do(func() tea.Cmd {
			return p.c.Copy("email", p.shown().Email)
		}),
		copyID: Binding{Keys: []string{"Y"}, Help: "copy id"}.Do(func() tea.Cmd {
			return p.c.Copy("customer id", string(p.id))
		}),
		refresh: k.Refresh.Do(p.refresh),
		reveal:  k.Reveal.With(p.canReveal).Do(p.openReveal),
		openMerged: Binding{Keys: []string{"M"}, Help: "open the customer this one was merged into"}.With(p.needMerged).Do(func() tea.Cmd {
			into := *p.cust.MergedInto
			return func() tea.Msg { return tui.OpenCustomerMsg{ID: into} }
		}),

		start: p.needs(k.StartSession, client.CapOnBehalf, p.canStart).Do(func() tea.Cmd {
			return tui.Push(p.acting.StartForm(p.id, p.cust.Name()))
		}),
		end: p.needs(k.EndSession, client.CapOnBehalf, p.needActing).Do(func() tea.Cmd { return p.acting.End() }),
		coupons: p.needs(Binding{Keys: []string{"c"}, Help: "coupons (as the customer)", Policy: policy.ReadAsCustomer},
			client.CapCoupons, p.needActing).Do(func() tea.Cmd { return tui.Push(session.NewCoupons(p.c, p.acting)) }),
		resetPassword: p.needs(Binding{Keys: []string{"R"}, Help: "send password reset", Dangerous: true, Policy: policy.ActOnBehalf},
			client.CapPasswordReset, p.needActing).Do(func() tea.Cmd { return tui.Push(session.NewPasswordReset(p.c, p.acting)) }),
	}
	// The footer's copy is never greyed (it is in every frame); the one
	// that acts, and ? lists, says why not while the customer loads.
	pk.copyEmailShort = k.Copy.WithHelp("copy email")
	pk.copyEmailShort.Run = pk.copyEmail.Run
	numbers := []Binding{k.Tab1, k.Tab2, k.Tab3, k.Tab4, k.Tab5}
	for i := range min(len(p.tabs), len(numbers)) {
		pk.tabs = append(pk.tabs, numbers[i].Do(func() tea.Cmd { return p.show(i) }))
	}
	if n := len(pk.tabs); n != len(numbers) {
		pk.tabs[0].HelpKey = "1-" + itoa(n)
		if n == 1 {
			pk.tabs[0].HelpKey = "1"
		}
	}
	return pk
}

// needs is b gated by the platform's capability c (its reason when it
// lacks it) and then by cond (nil: none).
func (p *Profile) needs(b Binding, c client.Capability, cond func() string) Binding {
	if !p.caps.Has(c) || cond == nil {
		return capable(p.caps, b, c)
	}
	return b.With(cond)
}

// capable is b when caps has c, else b greyed with the platform's reason
// (unavailable).
func capable(caps client.Capabilities, b Binding, c client.Capability) Binding {
	if caps.Has(c) {
		return b
	}
	why := caps.Why(c)
	if why == "" {
		why = "this platform cannot do that"
	}
	return unavailable(b, why)
}

// unavailable is b on a platform that cannot do it at all: greyed with
// the platform's reason, which comes before the role's (no role would
// help), and doing nothing.
func unavailable(b Binding, why string) Binding {
	b.Policy, b.Mutates, b.Run = policy.None, false, nil
	return b.With(func() string { return why })
}

func (p *Profile) canStart() string {
	if r := p.needCustomer(); r != "" {
		return r
	}
	if p.Acting() {
		return "already acting for this customer: O ends it"
	}
	return ""
}

func (p *Profile) needActing() string {
	if !p.Acting() {
		return "only while acting for this customer (o starts it)"
	}
	return ""
}

// key runs the binding that msg fires, if it is enabled. The shell does
// the same before the key gets here (and says why a disabled one does
// not work); this serves callers that hand the profile keys directly.
func (p *Profile) key(msg tea.KeyPressMsg) tea.Cmd {
	for _, g := range p.FullHelp() {
		for _, b := range g {
			if !b.Matches(msg) {
				continue
			}
			if b.Run == nil || !p.c.Enabled(b) {
				return nil
			}
			return b.Run()
		}
	}
	return nil
}

// ShortHelp is the footer's key help: the tab's keys, then the
// profile's.
func (p *Profile) ShortHelp() []Binding {
	pk := &p.keys
	t := p.active()
	b := []Binding{pk.tabs[0], pk.next}
	b = append(b, t.Bindings()...)
	b = append(b, t.Actions()...)
	if p.cust.MergedInto != nil {
		b = append(b, pk.openMerged)
	}
	b = append(b, pk.edit, pk.copyEmailShort, pk.refresh)
	if len(p.maskedFields()) > 0 {
		b = append(b, pk.reveal)
	}
	// Last, so a narrow footer drops them first: the line under the tabs
	// repeats them while acting, and ? lists them always.
	if p.Acting() {
		return append(b, pk.end, pk.coupons, pk.resetPassword)
	}
	return append(b, pk.start)
}

// FullHelp is every binding, in the order the shell looks a key up: the
// tab shown before the others, whose keys are greyed with the tabs they
// work on. The keys of a tab the platform lacks are greyed with the
// platform's reason; the shell refuses disabled ones with their reason (a
// viewer's e says "your role (viewer) cannot edit customers").
func (p *Profile) FullHelp() [][]Binding {
	pk := &p.keys
	tabs := make([]Binding, 0, len(pk.tabs)+2)
	tabs = append(append(tabs, pk.tabs...), pk.next, pk.prev)
	move := append([]Binding{pk.up, pk.down, pk.top, pk.bottom, pk.pageUp, pk.pageDn}, p.tabKeys()...)
	actions := []Binding{pk.edit}
	for _, s := range p.slots {
		switch {
		case s.tab != nil:
			actions = append(actions, s.tab.Actions()...)
		case s.spec.actions != nil:
			for _, b := range s.spec.actions(p.c.Keys) {
				actions = append(actions, unavailable(b, s.why))
			}
		}
	}
	actions = append(actions, pk.newCustomer, pk.copyEmail, pk.copyID, pk.reveal, pk.refresh, pk.openMerged)
	return [][]Binding{tabs, move, actions, {pk.start, pk.end, pk.coupons, pk.resetPassword}}
}

// tabKeys are the keys of the tab shown, then those of the other tabs
// (one binding per key, greyed with the tabs it works on).
func (p *Profile) tabKeys() []Binding {
	shown := p.active()
	out := append([]Binding(nil), shown.Bindings()...)
	taken := map[string]bool{}
	for _, b := range out {
		taken[b.Keys[0]] = true
	}
	type elsewhere struct {
		b    Binding
		tabs []string
	}
	var others []*elsewhere
	byKey := map[string]*elsewhere{}
	for _, t := range p.tabs {
		if t == shown {
			continue
		}
		for _, b := range t.Bindings() {
			k := b.Keys[0]
			if taken[k] {
				continue
			}
			if o := byKey[k]; o != nil {
				o.tabs = append(o.tabs, tabNames[t.kind()])
				continue
			}
			o := &elsewhere{b: b, tabs: []string{tabNames[t.kind()]}}
			byKey[k] = o
			others = append(others, o)
		}
	}
	for _, o := range others {
		reason := onlyOn(o.tabs)
		out = append(out, o.b.With(func() string { return reason }))
	}
	return out
}

// onlyOn is "only on the Orders tab", "only on the Orders and Activity
// tabs".
func onlyOn(tabs []string) string {
	if len(tabs) == 1 {
		return "only on the " + tabs[0] + " tab"
	}
	return "only on the " + strings.Join(tabs[:len(tabs)-1], ", ") + " and " + tabs[len(tabs)-1] + " tabs"
}
