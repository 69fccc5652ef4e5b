package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"frontdesk/api"
)

// Key messages as the terminal sends them.
func keyText(s string) tea.KeyPressMsg {
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}

func keyCode(code rune, mod tea.KeyMod) tea.KeyPressMsg {
	return tea.KeyPressMsg{Code: code, Mod: mod}
}

var (
	keyEsc      = keyCode(tea.KeyEscape, 0)
	keyEnter    = keyCode(tea.KeyEnter, 0)
	keyTab      = keyCode(tea.KeyTab, 0)
	keyShiftTab = keyCode(tea.KeyTab, tea.ModShift)
	keyCtrlC    = keyCode('c', tea.ModCtrl)
	keyCtrlR    = keyCode('r', tea.ModCtrl)
	keyPgDown   = keyCode(tea.KeyPgDown, 0)
	keyDown     = keyCode(tea.KeyDown, 0)
)

func TestDefaultKeysMatch(t *testing.T) {
	k := DefaultKeyMap()
	tests := []struct {
		name string
		b    Binding
		msg  tea.KeyPressMsg
		want bool
	}{
		{"slash search", k.Search, keyText("/"), true},
		{"enter open", k.Open, keyEnter, true},
		{"esc back", k.Back, keyEsc, true},
		{"q quit", k.Quit, keyText("q"), true},
		{"ctrl+c", k.ForceQuit, keyCtrlC, true},
		{"tab", k.NextTab, keyTab, true},
		{"shift+tab", k.PrevTab, keyShiftTab, true},
		{"tab is not shift+tab", k.PrevTab, keyTab, false},
		{"1", k.Tab1, keyText("1"), true},
		{"5", k.Tab5, keyText("5"), true},
		{"j", k.Down, keyText("j"), true},
		{"down arrow", k.Down, keyDown, true},
		{"k", k.Up, keyText("k"), true},
		{"pgdn", k.PageDown, keyPgDown, true},
		{"g", k.Top, keyText("g"), true},
		{"G", k.Bottom, keyText("G"), true},
		{"g is not G", k.Bottom, keyText("g"), false},
		{"e", k.Edit, keyText("e"), true},
		{"a", k.Adjust, keyText("a"), true},
		{"N note", k.Note, keyText("N"), true},
		{"n new", k.New, keyText("n"), true},
		{"N is not n", k.New, keyText("N"), false},
		{"o", k.StartSession, keyText("o"), true},
		{"O", k.EndSession, keyText("O"), true},
		{"y", k.Copy, keyText("y"), true},
		{"ctrl+r", k.Refresh, keyCtrlR, true},
		{"r is not ctrl+r", k.Refresh, keyText("r"), false},
		{":", k.Palette, keyText(":"), true},
		{"?", k.Help, keyText("?"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.b.Matches(tt.msg); got != tt.want {
				t.Errorf("%v.Matches(%q) = %v, want %v", tt.b.Keys, tt.msg.String(), got, tt.want)
			}
		})
	}
}

func TestReason(t *testing.T) {
	k := DefaultKeyMap()
	noSelection := k.Copy.With(func() string { return "no customer selected" })
	tests := []struct {
		name     string
		role     string
		readOnly bool
		b        Binding
		want     string
	}{
		{"agent edits", api.RoleAgent, false, k.Edit, ""},
		{"viewer cannot edit", api.RoleViewer, false, k.Edit, "your role (viewer) cannot edit customers"},
		{"viewer cannot adjust", api.RoleViewer, false, k.Adjust, "your role (viewer) cannot adjust loyalty points"},
		{"agent cannot create", api.RoleAgent, false, k.New, "your role (agent) cannot create customers"},
		{"supervisor creates", api.RoleSupervisor, false, k.New, ""},
		{"admin creates", api.RoleAdmin, false, k.New, ""},
		{"read-only beats role", api.RoleAdmin, true, k.Edit, "read-only profile"},
		{"read-only keeps reading", api.RoleViewer, true, k.Refresh, ""},
		{"unknown agent yet", "", false, k.Edit, "cannot edit customers until the API says who you are"},
		{"own condition", api.RoleAgent, false, noSelection, "no customer selected"},
		{"viewer may copy", api.RoleViewer, false, k.Copy, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestCommon(tt.role, tt.readOnly)
			if got := c.Reason(tt.b); got != tt.want {
				t.Errorf("Reason = %q, want %q", got, tt.want)
			}
			if c.Enabled(tt.b) != (tt.want == "") {
				t.Errorf("Enabled disagrees with Reason")
			}
		})
	}
}

func TestFires(t *testing.T) {
	k := DefaultKeyMap()
	viewer := newTestCommon(api.RoleViewer, false)
	agent := newTestCommon(api.RoleAgent, false)
	if viewer.Fires(keyText("e"), k.Edit) {
		t.Error("a viewer's e fired edit")
	}
	if !agent.Fires(keyText("e"), k.Edit) {
		t.Error("an agent's e did not fire edit")
	}
	if agent.Fires(keyText("x"), k.Edit) {
		t.Error("x fired edit")
	}
}

func TestShortHelpViewFitsAndGreys(t *testing.T) {
	k := DefaultKeyMap()
	c := newTestCommon(api.RoleViewer, false)
	c.Styles = NewStyles(true, true)
	bs := []Binding{k.Search, k.Open, k.Edit, k.Tab2, k.Refresh}
	got := c.ShortHelpView(bs, 200)
	// Without colour a disabled binding cannot be greyed, so it is left out.
	want := "/ search • enter open • ctrl+r refresh"
	if got != want {
		t.Errorf("ShortHelpView = %q, want %q", got, want)
	}
	c.Styles = NewStyles(true, false)
	if got := ansi.Strip(c.ShortHelpView(bs, 200)); got != "/ search • enter open • e edit profile • ctrl+r refresh" {
		t.Errorf("colour ShortHelpView = %q, want the disabled binding greyed in place", got)
	}
	narrow := c.ShortHelpView(bs, 25)
	if ansi.Strip(narrow) != "/ search • enter open" {
		t.Errorf("narrow ShortHelpView = %q", narrow)
	}
	if w := ansi.StringWidth(narrow); w > 25 {
		t.Errorf("narrow help is %d cells", w)
	}
}

func TestFullHelpViewShowsReasons(t *testing.T) {
	k := DefaultKeyMap()
	c := newTestCommon(api.RoleViewer, false)
	c.Styles = NewStyles(true, true)
	out := c.FullHelpView([][]Binding{{k.Up, k.Down, k.Tab1, k.Tab2}, {k.Edit, k.New, k.Refresh}}, 200)
	for _, want := range []string{
		"↑/k", "1-5  go to tab",
		"edit profile — your role (viewer) cannot edit customers",
		"new customer — your role (viewer) cannot create customers",
		"ctrl+r  refresh",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("full help lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "ctrl+r  refresh —") {
		t.Errorf("an enabled binding shows a reason:\n%s", out)
	}
	// Hidden aliases stay out of help.
	if strings.Count(out, "go to tab") != 1 {
		t.Errorf("hidden tab aliases shown:\n%s", out)
	}
	narrow := c.FullHelpView([][]Binding{{k.Edit}, {k.New}}, 40)
	for line := range strings.SplitSeq(narrow, "\n") {
		if w := ansi.StringWidth(line); w > 40 {
			t.Errorf("line %q is %d cells, want ≤ 40", line, w)
		}
	}
}

// A binding with Run is the key's one handler: the shell gates it and
// calls Run, and the screen's Update never sees the key; Dispatch does
// the same for a screen that takes keys itself.
func TestBindingsRunTheirAction(t *testing.T) {
	viewer := newTestCommon(api.RoleViewer, false)
	agent := newTestCommon(api.RoleAgent, false)
	ran := 0
	edit := agent.Keys.Edit.Do(func() tea.Cmd { ran++; return nil })
	if _, handled := agent.Dispatch(keyText("x"), []Binding{edit}); handled {
		t.Fatal("a key no binding has was handled")
	}
	if _, handled := agent.Dispatch(keyText("e"), []Binding{edit}); !handled || ran != 1 {
		t.Fatalf("e for an agent: handled, ran = %v, %d", ran == 1, ran)
	}
	cmd, handled := viewer.Dispatch(keyText("e"), []Binding{edit})
	if !handled || ran != 1 {
		t.Fatalf("e for a viewer ran the action (ran %d)", ran)
	}
	msgs := runCmd(t, cmd)
	if len(msgs) != 1 || !strings.Contains(msgs[0].(ToastMsg).Text, "your role (viewer) cannot edit customers") {
		t.Fatalf("e for a viewer said %v", msgs)
	}
	// Without Run, Dispatch leaves the key to the screen.
	if _, handled := agent.Dispatch(keyText("e"), []Binding{agent.Keys.Edit}); handled {
		t.Fatal("a binding without Run was handled")
	}
}
