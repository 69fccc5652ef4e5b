package screens

import (
	tea "charm.land/bubbletea/v2"

	"frontdesk/client"
	"frontdesk/tui"
)

// tab names a kind of profile tab. The tabs a profile shows are the ones
// its platform can fill (profileTabs()), in this order.
type tab int

const (
	tabOverview tab = iota
	tabOrders
	tabLoyalty
	tabNotes
	tabActivity
	numTabs
)

var tabNames = [numTabs]string{"Overview", "Orders", "Loyalty", "Notes", "Activity"}

// tabComponent is one tab of the profile: it owns its requests and their
// messages, its keys and its view. The frame (Profile) holds the
// customer, draws the lines above the tab and routes to the tab shown.
//
// To add a tab: write a type that embeds tabBase and overrides what it
// needs, and give it an entry in profileTabs() with the capability it
// needs (docs/architecture.md, "Adding a tab").
type tabComponent interface {
	// kind says which tab this is.
	kind() tab
	// Init starts what the tab loads as soon as the profile opens (the
	// points balance, which the overview shows), or nil.
	Init() tea.Cmd
	// Show starts the loads the tab needs now that it is looked at:
	// never loaded, made stale by a save, or failed in a way another
	// try may cure.
	Show() tea.Cmd
	// Refresh loads what the tab shows again (ctrl+r).
	Refresh() tea.Cmd
	// Update takes the tab's own messages (the answers to its requests,
	// tagged with the tab; auditWrittenMsg from the frame) and ignores
	// every other one.
	Update(msg tea.Msg) tea.Cmd
	// Saved takes what a form saved on this customer: the tab marks
	// what changed stale, or updates it at once.
	Saved(s formSave) tea.Cmd
	// SetSize is the size of the body under the frame's lines.
	SetSize(width, height int)
	// View appends the tab's body to lines: at most the height of the
	// last SetSize, each line fitting its width.
	View(lines []string) []string
	// Bindings are the tab's keys while it is shown (enter, f); on
	// other tabs ? greys them with "only on the … tab".
	Bindings() []tui.Binding
	// Actions are the keys the tab brings to the whole profile
	// whichever tab is shown (a adjusts points, N adds a note): absent
	// with the tab, and then greyed in ? with the platform's reason.
	Actions() []tui.Binding
	// Move moves the highlight of a table, or scrolls text, by delta
	// rows; PageBy turns a server page (or scrolls a screenful).
	Move(delta int)
	PageBy(d int) tea.Cmd
	// Click handles a left click on row of the body (0 is its first
	// line).
	Click(row int) tea.Cmd
	// Loads are the tab's requests, for retries, rate-limit countdowns
	// and Close.
	Loads() []paneLoad
}

// tabSpec is a tab the profile may have: the capability it needs, how to
// build it, and the profile-wide keys it brings (shown greyed with the
// platform's reason when the platform lacks it).
type tabSpec struct {
	kind    tab
	needs   []client.Capability
	build   func(p *Profile) tabComponent
	actions func(k tui.KeyMap) []tui.Binding
}

// profileTabs are the profile's tabs, in order. A tab whose capability
// the platform lacks is not built; 1–5 count only the tabs built.
func profileTabs() []tabSpec {
	return []tabSpec{
		{kind: tabOverview, build: newOverviewTab},
		{kind: tabOrders, needs: []client.Capability{client.CapOrders}, build: newOrdersTab},
		{kind: tabLoyalty, needs: []client.Capability{client.CapLoyalty}, build: newLoyaltyTab,
			actions: func(k tui.KeyMap) []tui.Binding { return []tui.Binding{k.Adjust} }},
		{kind: tabNotes, needs: []client.Capability{client.CapNotes}, build: newNotesTab,
			actions: func(k tui.KeyMap) []tui.Binding { return []tui.Binding{k.Note} }},
		{kind: tabActivity, build: newActivityTab},
	}
}

// missingReason is why the platform cannot fill the tab, "" when it can.
func (s tabSpec) missingReason(caps client.Capabilities) string {
	for _, c := range s.needs {
		if !caps.Has(c) {
			if why := caps.Why(c); why != "" {
				return why
			}
			return "this platform cannot do that"
		}
	}
	return ""
}

// tabBase is what a tab does unless it says otherwise: nothing. It holds
// the frame and the body's size.
type tabBase struct {
	p             *Profile
	width, height int
}

func (b *tabBase) Init() tea.Cmd             { return nil }
func (b *tabBase) Show() tea.Cmd             { return nil }
func (b *tabBase) Refresh() tea.Cmd          { return nil }
func (b *tabBase) Update(tea.Msg) tea.Cmd    { return nil }
func (b *tabBase) Saved(formSave) tea.Cmd    { return nil }
func (b *tabBase) SetSize(width, height int) { b.width, b.height = width, height }
func (b *tabBase) Bindings() []tui.Binding   { return nil }
func (b *tabBase) Actions() []tui.Binding    { return nil }
func (b *tabBase) Move(int)                  {}
func (b *tabBase) PageBy(int) tea.Cmd        { return nil }
func (b *tabBase) Click(int) tea.Cmd         { return nil }
func (b *tabBase) Loads() []paneLoad         { return nil }
func (b *tabBase) tableRows() int            { return max(1, b.height-tableHeadLines) }
func (b *tabBase) shown(t tabComponent) bool { return b.p.active() == t }
func (b *tabBase) scrollBy(s *int, d, n int) { *s = min(max(0, *s+d), max(0, n-b.height)) }
func (b *tabBase) window(s int, text []string) []string {
	top := min(s, max(0, len(text)-b.height))
	return text[top:min(len(text), top+b.height)]
}

// findTab is the profile's tab of type T, or the zero T when the
// platform does not have it.
func findTab[T tabComponent](p *Profile) T {
	for _, t := range p.tabs {
		if v, ok := t.(T); ok {
			return v
		}
	}
	var zero T
	return zero
}
