package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
)

func TestQuitAndBackKeys(t *testing.T) {
	t.Run("q at the root quits", func(t *testing.T) {
		m, _ := testShell(t, Options{})
		if !hasQuit(sendAll(t, m, keyText("q"))) {
			t.Fatal("q at the root did not quit")
		}
	})
	t.Run("q on a child goes back", func(t *testing.T) {
		m, _ := testShell(t, Options{})
		sendAll(t, m, PushMsg{Screen: newFake(m.Common(), "Child")})
		if hasQuit(sendAll(t, m, keyText("q"))) || m.Depth() != 1 {
			t.Fatalf("q on a child: depth %d", m.Depth())
		}
	})
	t.Run("esc goes back, not out", func(t *testing.T) {
		m, _ := testShell(t, Options{})
		sendAll(t, m, PushMsg{Screen: newFake(m.Common(), "Child")})
		sendAll(t, m, keyEsc)
		if m.Depth() != 1 {
			t.Fatalf("esc: depth %d", m.Depth())
		}
		if hasQuit(sendAll(t, m, keyEsc)) || m.Depth() != 1 {
			t.Fatal("esc at the root quit or popped")
		}
	})
	t.Run("typing q in an input types q", func(t *testing.T) {
		m, root := testShell(t, Options{})
		root.capture = true
		if hasQuit(sendAll(t, m, keyText("q"))) {
			t.Fatal("q quit while the screen captures keys")
		}
		if len(root.keys) != 1 || root.keys[0] != "q" {
			t.Fatalf("capturing screen got %v", root.keys)
		}
	})
	t.Run("esc in an input is the screen's", func(t *testing.T) {
		m, _ := testShell(t, Options{})
		child := newFake(m.Common(), "Form")
		child.capture = true
		sendAll(t, m, PushMsg{Screen: child})
		sendAll(t, m, keyEsc)
		if m.Depth() != 2 || len(child.keys) != 1 {
			t.Fatalf("esc in a form popped it (depth %d, keys %v)", m.Depth(), child.keys)
		}
		// The input blurred on esc; the next esc goes back.
		sendAll(t, m, keyEsc)
		if m.Depth() != 1 {
			t.Fatalf("second esc: depth %d", m.Depth())
		}
	})
	t.Run("ctrl+c quits from anywhere", func(t *testing.T) {
		m, root := testShell(t, Options{})
		root.capture = true
		child := newFake(m.Common(), "Form")
		child.capture = true
		sendAll(t, m, PushMsg{Screen: child})
		if !hasQuit(sendAll(t, m, keyCtrlC)) {
			t.Fatal("ctrl+c did not quit")
		}
		if child.closed != 1 || root.closed != 1 {
			t.Errorf("quit did not close the screens: %d %d", child.closed, root.closed)
		}
		m2, _ := testShell(t, Options{})
		sendAll(t, m2, keyText(":"))
		if !hasQuit(sendAll(t, m2, keyCtrlC)) {
			t.Fatal("ctrl+c in the palette did not quit")
		}
	})
}

func TestDisabledBindingShowsReasonAndDoesNotFire(t *testing.T) {
	viewer := &api.Me{AgentID: "v1", Name: "Vera", Role: api.RoleViewer}
	m, root := testShell(t, Options{Agent: viewer})
	sendAll(t, m, keyText("e"))
	if len(root.keys) != 0 || root.edits != 0 {
		t.Fatalf("a disabled binding reached the screen: %v", root.keys)
	}
	if !strings.Contains(content(m), "edit profile: your role (viewer) cannot edit customers") {
		t.Errorf("no reason shown:\n%s", content(m))
	}

	agent, root2 := testShell(t, Options{})
	sendAll(t, agent, keyText("e"))
	if root2.edits != 1 {
		t.Fatalf("an agent's e did not edit: keys %v", root2.keys)
	}

	ro, root3 := testShell(t, Options{Profile: Profile{Name: "prod", ReadOnly: true}})
	sendAll(t, ro, keyText("e"))
	if root3.edits != 0 || !strings.Contains(content(ro), "edit profile: read-only profile") {
		t.Fatalf("read-only did not refuse e:\n%s", content(ro))
	}
}

func TestMouse(t *testing.T) {
	m, root := testShell(t, Options{})
	send(t, m, tea.MouseWheelMsg{X: 5, Y: headerLines + 3, Button: tea.MouseWheelDown})
	send(t, m, tea.MouseClickMsg{X: 7, Y: headerLines, Button: tea.MouseLeft})
	send(t, m, tea.MouseClickMsg{X: 7, Y: 0, Button: tea.MouseLeft})  // header
	send(t, m, tea.MouseClickMsg{X: 7, Y: 29, Button: tea.MouseLeft}) // footer
	if len(root.wheel) != 1 || root.wheel[0].Y != 3 || root.wheel[0].X != 5 || root.wheel[0].Button != tea.MouseWheelDown {
		t.Errorf("wheel: %+v", root.wheel)
	}
	if len(root.clicks) != 1 || root.clicks[0].Y != 0 || root.clicks[0].X != 7 {
		t.Errorf("clicks: %+v (header and footer clicks must not reach the screen)", root.clicks)
	}
	v := m.View()
	if v.MouseMode != tea.MouseModeCellMotion || !v.AltScreen {
		t.Errorf("view mouse mode %v alt screen %v", v.MouseMode, v.AltScreen)
	}
}

// ":mouse off" gives the mouse back to the terminal (drag selects text)
// for this session; ":mouse on" and ":mouse" (toggle) take it again.
func TestMouseOff(t *testing.T) {
	m, root := testShell(t, Options{})
	other, _ := testShell(t, Options{})
	run := func(line string) {
		sendAll(t, m, keyText(":"))
		typeText(t, m, line)
		sendAll(t, m, keyEnter)
	}
	run("mouse off")
	if v := m.View(); v.MouseMode != tea.MouseModeNone {
		t.Fatalf(":mouse off left mouse mode %v", v.MouseMode)
	}
	if !strings.Contains(content(m), "drag to select text") {
		t.Errorf("no word on what it did:\n%s", content(m))
	}
	if other.View().MouseMode != tea.MouseModeCellMotion {
		t.Error("another session lost its mouse")
	}
	run("mouse")
	if m.View().MouseMode != tea.MouseModeCellMotion {
		t.Fatal(":mouse did not toggle it back on")
	}
	run("mouse off")
	run("mouse on")
	if m.View().MouseMode != tea.MouseModeCellMotion {
		t.Fatal(":mouse on did not turn it on")
	}
	run("mouse sideways")
	if m.View().MouseMode != tea.MouseModeCellMotion || !strings.Contains(content(m), "usage: :mouse on|off") {
		t.Errorf("a bad argument:\n%s", content(m))
	}
	send(t, m, tea.MouseWheelMsg{X: 5, Y: headerLines + 3, Button: tea.MouseWheelDown})
	if len(root.wheel) != 1 {
		t.Error("the wheel does not reach the screen with the mouse on")
	}
	sendAll(t, m, keyText("?"))
	if !strings.Contains(strings.Join(strings.Fields(content(m)), " "), "to select text: shift+drag, or :mouse off") {
		t.Errorf("help does not say how to select text:\n%s", content(m))
	}
}

// runKeys is a screen whose e binding carries its action.
type runKeys struct {
	*fakeScreen
	ran *int
}

func (s runKeys) FullHelp() [][]Binding {
	return [][]Binding{{s.c.Keys.Edit.Do(func() tea.Cmd { *s.ran++; return nil })}}
}

// The shell runs a binding's Run instead of handing the key to the
// screen, and refuses it with the reason when policy says no.
func TestShellRunsBindings(t *testing.T) {
	for _, role := range []string{api.RoleAgent, api.RoleViewer} {
		ran := 0
		m, _ := testShell(t, Options{Agent: &api.Me{AgentID: "x", Name: "X", Role: role}})
		screen := runKeys{fakeScreen: newFake(m.c, "Runs"), ran: &ran}
		send(t, m, PushMsg{Screen: screen})
		msgs := sendAll(t, m, keyText("e"))
		if len(screen.keys) != 0 {
			t.Fatalf("%s: the screen's Update got %v; Run should have taken the key", role, screen.keys)
		}
		switch role {
		case api.RoleAgent:
			if ran != 1 {
				t.Fatalf("agent: Run ran %d times, want 1", ran)
			}
		default:
			if ran != 0 || !strings.Contains(content(m), "your role (viewer) cannot edit customers") {
				t.Fatalf("viewer: Run ran %d times; screen:\n%s (%v)", ran, content(m), msgs)
			}
		}
	}
}
