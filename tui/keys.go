package tui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"frontdesk/policy"
)

// Binding is one action of a screen, as data. The same list drives key
// handling (the shell refuses a disabled binding before the screen sees the
// key), the footer's short help, the ? overlay (disabled actions greyed
// with the reason) and role gating.
type Binding struct {
	// Keys are the key strings that fire the binding, as tea.KeyPressMsg's
	// String or Keystroke spells them: "e", "N", "ctrl+r", "shift+tab",
	// "pgdown", "?".
	Keys []string
	// HelpKey is how help shows the keys ("↑/k"); empty means Keys joined
	// with "/".
	HelpKey string
	// Help says what the binding does, in a few words ("edit profile").
	Help string

	// Dangerous marks actions that destroy or cost something; help marks
	// them and forms confirm them with the safe answer as default.
	Dangerous bool
	// Policy is what the binding does in policy's terms
	// (policy.EditCustomer): Common.Reason asks policy whether this
	// session's agent may do it on this profile (role, read-only), and
	// says policy's sentence when not. policy.None for keys anyone may
	// press.
	Policy policy.Action
	// Mutates marks a change that names no Policy action (a form's save
	// key): it is disabled on a read-only profile. A binding with a
	// Policy takes that from its action.
	Mutates bool
	// Disabled, if set, returns why the action cannot be used right now
	// ("no customer selected"), or "" when it can. Role and read-only
	// checks come from Policy and Mutates; do not repeat them here.
	Disabled func() string
	// Hidden keeps the binding out of the footer's short help and the ?
	// overlay (it still fires): for aliases such as "1"…"5".
	Hidden bool
	// Run, if set, is what the binding does. Then the binding is the
	// screen's one place for that key: the shell (or Common.Dispatch, for
	// a screen that takes keys itself) gates it and calls Run, and the key
	// never reaches the screen's Update. Without Run the key goes to
	// Update, which acts on it with Common.Fires.
	Run func() tea.Cmd
}

// Do returns a copy of b that runs run when it fires.
func (b Binding) Do(run func() tea.Cmd) Binding {
	b.Run = run
	return b
}

// Matches reports whether the key fires the binding. It does not look at
// whether the binding is enabled; use Common.Fires for that.
func (b Binding) Matches(msg tea.KeyPressMsg) bool {
	if len(b.Keys) == 0 {
		return false
	}
	s := msg.String()
	if slices.Contains(b.Keys, s) {
		return true
	}
	ks := msg.Keystroke()
	return ks != s && slices.Contains(b.Keys, ks)
}

// KeyLabel is the key as help shows it.
func (b Binding) KeyLabel() string {
	if b.HelpKey != "" {
		return b.HelpKey
	}
	return strings.Join(b.Keys, "/")
}

// With returns a copy of b with a Disabled func: a screen takes a shared
// binding from Common.Keys and adds its own condition.
func (b Binding) With(disabled func() string) Binding {
	b.Disabled = disabled
	return b
}

// WithHelp returns a copy of b with other help text.
func (b Binding) WithHelp(help string) Binding {
	b.Help = help
	return b
}

// KeyBinding converts b for bubbles components (list, table, viewport)
// that take a key.Binding. Gating does not carry over: those components
// only ever get navigation keys.
func (b Binding) KeyBinding() key.Binding {
	return key.NewBinding(key.WithKeys(b.Keys...), key.WithHelp(b.KeyLabel(), b.Help))
}

// Reason says why b cannot be used by this session now, or "" when it can.
// Policy decides first (read-only profile, then the role: its sentence,
// the one the server and the gateway also say), then the binding's own
// condition.
func (c *Common) Reason(b Binding) string {
	if err := policy.Check(c.Actor(), b.Policy, policy.On(c.Policy())); err != nil {
		return err.Error()
	}
	if b.Mutates {
		if err := policy.Writable(c.Policy()); err != nil {
			return err.Error()
		}
	}
	if b.Disabled != nil {
		return b.Disabled()
	}
	return ""
}

// Enabled reports whether this session may use b now.
func (c *Common) Enabled(b Binding) bool { return c.Reason(b) == "" }

// Dispatch finds the binding among groups that msg fires and that has a
// Run. It runs it when enabled, and otherwise shows why not (an error
// toast with the reason); handled is false when no such binding matches,
// so the caller goes on with the key. The shell dispatches the top
// screen's FullHelp this way; a screen that captures keys (a form) calls
// it with its own list.
func (c *Common) Dispatch(msg tea.KeyPressMsg, groups ...[]Binding) (cmd tea.Cmd, handled bool) {
	for _, g := range groups {
		for _, b := range g {
			if b.Run == nil || !b.Matches(msg) {
				continue
			}
			if reason := c.Reason(b); reason != "" {
				return Error(b.Help + ": " + reason), true
			}
			return b.Run(), true
		}
	}
	return nil, false
}

// Fires reports whether msg fires b and b is enabled: what a screen's
// Update asks before acting on a key.
func (c *Common) Fires(msg tea.KeyPressMsg, b Binding) bool {
	return b.Matches(msg) && c.Enabled(b)
}

// KeyMap holds the default bindings shared by every screen, so that the
// same key means the same thing everywhere (DESIGN.md, "Default keys").
// Screens put the ones they use in their help lists, adding a Disabled
// condition with Binding.With where needed.
type KeyMap struct {
	// Shell-wide: handled by the shell, not by screens.
	Back, Quit, ForceQuit, Palette, Help Binding

	// Movement.
	Up, Down, PageUp, PageDown, Top, Bottom Binding
	// Open the highlighted item; focus the search box.
	Open, Search Binding
	// Profile tabs.
	NextTab, PrevTab, Tab1, Tab2, Tab3, Tab4, Tab5 Binding

	// Actions on a customer.
	Edit, Adjust, Note, New, StartSession, EndSession, Copy, Refresh Binding
	// Reveal shows one masked field (viewer, mask_pii profile) after a
	// reason.
	Reveal Binding

	// Forms (every form and the first-run screen): save the draft, move
	// between fields, cancel. A form captures keys, so it runs these
	// itself with Common.Dispatch, each with its action (Binding.Do); a
	// form gives Save the Policy of what it saves, so policy refuses the
	// key with its sentence.
	Save, NextField, PrevField, Cancel Binding
}

// DefaultKeyMap is the key map of DESIGN.md. The actions' role floors
// and read-only gating are policy's, the same the API enforces.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Back:      Binding{Keys: []string{"esc"}, Help: "back"},
		Quit:      Binding{Keys: []string{"q"}, Help: "back / quit"},
		ForceQuit: Binding{Keys: []string{"ctrl+c"}, Help: "quit"},
		Palette:   Binding{Keys: []string{":"}, Help: "command"},
		Help:      Binding{Keys: []string{"?"}, Help: "help"},

		Up:       Binding{Keys: []string{"k", "up"}, HelpKey: "↑/k", Help: "up"},
		Down:     Binding{Keys: []string{"j", "down"}, HelpKey: "↓/j", Help: "down"},
		PageUp:   Binding{Keys: []string{"pgup"}, Help: "previous page"},
		PageDown: Binding{Keys: []string{"pgdown"}, HelpKey: "pgdn", Help: "next page"},
		Top:      Binding{Keys: []string{"g", "home"}, HelpKey: "g", Help: "first"},
		Bottom:   Binding{Keys: []string{"G", "end"}, HelpKey: "G", Help: "last"},
		Open:     Binding{Keys: []string{"enter"}, Help: "open"},
		Search:   Binding{Keys: []string{"/"}, Help: "search"},

		NextTab: Binding{Keys: []string{"tab"}, Help: "next tab"},
		PrevTab: Binding{Keys: []string{"shift+tab"}, Help: "previous tab"},
		Tab1:    Binding{Keys: []string{"1"}, HelpKey: "1-5", Help: "go to tab"},
		Tab2:    Binding{Keys: []string{"2"}, Hidden: true},
		Tab3:    Binding{Keys: []string{"3"}, Hidden: true},
		Tab4:    Binding{Keys: []string{"4"}, Hidden: true},
		Tab5:    Binding{Keys: []string{"5"}, Hidden: true},

		Edit:         Binding{Keys: []string{"e"}, Help: "edit profile", Policy: policy.EditCustomer},
		Adjust:       Binding{Keys: []string{"a"}, Help: "adjust points", Policy: policy.AdjustLoyalty},
		Note:         Binding{Keys: []string{"N"}, Help: "add note", Policy: policy.AddNote},
		New:          Binding{Keys: []string{"n"}, Help: "new customer", Policy: policy.CreateCustomer},
		StartSession: Binding{Keys: []string{"o"}, Help: "act on behalf", Dangerous: true, Policy: policy.ActOnBehalf},
		EndSession:   Binding{Keys: []string{"O"}, Help: "end on-behalf session"},
		Copy:         Binding{Keys: []string{"y"}, Help: "copy"},
		Refresh:      Binding{Keys: []string{"ctrl+r"}, Help: "refresh"},
		Reveal:       Binding{Keys: []string{"v"}, Help: "reveal masked field", Policy: policy.RevealPII},

		Save:      Binding{Keys: []string{"ctrl+s"}, Help: "save", Mutates: true},
		NextField: Binding{Keys: []string{"tab"}, HelpKey: "tab/↓", Help: "next field"},
		PrevField: Binding{Keys: []string{"shift+tab"}, HelpKey: "shift+tab/↑", Help: "previous field"},
		Cancel:    Binding{Keys: []string{"esc"}, Help: "cancel"},
	}
}

// Global is the shell's own list, shown in the ? overlay after the
// screen's groups.
func (k KeyMap) Global() []Binding {
	return []Binding{k.Back, k.Quit, k.ForceQuit, k.Palette, k.Help}
}
