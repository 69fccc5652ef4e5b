package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
)

func TestHelpOverlay(t *testing.T) {
	viewer := &api.Me{AgentID: "v1", Name: "Vera", Role: api.RoleViewer}
	m, root := testShell(t, Options{Agent: viewer, NoColor: true})
	sendAll(t, m, keyText("?"))
	v := content(m)
	for _, want := range []string{"Keys — Search", "enter  open", "your role (viewer) cannot edit customers", "your role (viewer) cannot create customers", "ctrl+c  quit", ":       command"} {
		if !strings.Contains(v, want) {
			t.Errorf("help lacks %q:\n%s", want, v)
		}
	}
	sendAll(t, m, keyText("j"))
	if len(root.keys) != 0 {
		t.Errorf("a key reached the screen under the help overlay")
	}
	sendAll(t, m, keyEsc)
	if strings.Contains(content(m), "Keys — Search") {
		t.Errorf("esc did not close help")
	}
	if m.Depth() != 1 {
		t.Errorf("esc closing help also popped")
	}
}

// manyKeys is a screen with more bindings than an 80x24 overlay shows,
// in groups as a profile has them.
type manyKeys struct{ *fakeScreen }

func (s manyKeys) FullHelp() [][]Binding {
	var groups [][]Binding
	for g := range 6 {
		var group []Binding
		for i := range 5 {
			n := g*5 + i
			group = append(group, Binding{Keys: []string{fmt.Sprintf("f%d", n+1)}, Help: fmt.Sprintf("action %02d", n), Dangerous: n == 7})
		}
		groups = append(groups, group)
	}
	return groups
}

// The help overlay scrolls: at 80x24 every binding can be reached with
// j, pgdn and G, and the overlay says when there is more below or above.
func TestHelpOverlayScrolls(t *testing.T) {
	m, _ := testShell(t, Options{NoColor: true})
	send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	sendAll(t, m, PushMsg{Screen: manyKeys{newFake(m.Common(), "Wanjiru Kamau")}})
	sendAll(t, m, keyText("?"))
	first := content(m)
	if !strings.Contains(first, "more below") || strings.Contains(first, "action 29") {
		t.Fatalf("the first page does not say there is more:\n%s", first)
	}
	if !strings.Contains(first, "action 07 !") || !strings.Contains(first, "! = asks you to confirm first") {
		t.Errorf("the ! mark is not explained:\n%s", first)
	}
	if n := len(strings.Split(first, "\n")); n != 24 {
		t.Fatalf("the frame is %d lines", n)
	}
	seen := map[string]bool{}
	look := func() string {
		v := content(m)
		for i := range 30 {
			if a := fmt.Sprintf("action %02d", i); strings.Contains(v, a) {
				seen[a] = true
			}
		}
		for _, g := range []string{"back / quit", "command"} {
			if strings.Contains(v, g) {
				seen[g] = true
			}
		}
		return v
	}
	look()
	for range 100 {
		if !strings.Contains(look(), "more below") {
			break
		}
		sendAll(t, m, keyText("j"))
	}
	if len(seen) != 32 {
		t.Fatalf("j reached %d of 32 bindings: %v", len(seen), seen)
	}
	if v := content(m); !strings.Contains(v, "more above") || strings.Contains(v, "more below") {
		t.Errorf("at the end:\n%s", v)
	}
	sendAll(t, m, keyText("g"))
	if v := content(m); strings.Contains(v, "more above") || !strings.Contains(v, "action 00") {
		t.Errorf("g did not go back to the top:\n%s", v)
	}
	sendAll(t, m, keyText("G"))
	if v := content(m); !strings.Contains(v, "ctrl+c") || !strings.Contains(v, "more above") {
		t.Errorf("G did not go to the end:\n%s", v)
	}
	sendAll(t, m, keyText("g"))
	sendAll(t, m, tea.KeyPressMsg{Code: tea.KeyPgDown})
	if v := content(m); strings.Contains(v, "lines 1–") {
		t.Errorf("pgdn did not scroll:\n%s", v)
	}
	send(t, m, tea.MouseWheelMsg{X: 5, Y: 5, Button: tea.MouseWheelUp})
	send(t, m, tea.MouseWheelMsg{X: 5, Y: 5, Button: tea.MouseWheelUp})
	send(t, m, tea.MouseWheelMsg{X: 5, Y: 5, Button: tea.MouseWheelUp})
	send(t, m, tea.MouseWheelMsg{X: 5, Y: 5, Button: tea.MouseWheelUp})
	if v := content(m); !strings.Contains(v, "lines 1–") {
		t.Errorf("the wheel did not scroll back up:\n%s", v)
	}

	// Reopened, it starts at the top; at 160x45 everything fits.
	sendAll(t, m, keyEsc)
	send(t, m, tea.WindowSizeMsg{Width: 160, Height: 45})
	sendAll(t, m, keyText("?"))
	v := content(m)
	if strings.Contains(v, "more below") || !strings.Contains(v, "action 00") || !strings.Contains(v, "action 29") || !strings.Contains(v, "ctrl+c") {
		t.Errorf("at 160x45 the whole list should show:\n%s", v)
	}
}
