package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

func TestPalette(t *testing.T) {
	t.Run("complete and open a customer", func(t *testing.T) {
		m, _ := testShell(t, Options{})
		sendAll(t, m, keyText(":"))
		if !m.palette.open {
			t.Fatal(": did not open the palette")
		}
		typeText(t, m, "cu")
		sendAll(t, m, keyTab)
		if got := m.palette.input.Value(); got != "customer " {
			t.Fatalf("tab completed to %q", got)
		}
		if !strings.Contains(content(m), ":customer ID — open a customer by id") {
			t.Errorf("completion note missing:\n%s", content(m))
		}
		typeText(t, m, "42")
		msgs := sendAll(t, m, keyEnter)
		var opened bool
		for _, msg := range msgs {
			if o, ok := msg.(OpenCustomerMsg); ok && o.ID == "42" {
				opened = true
			}
		}
		if !opened {
			t.Fatalf("enter did not ask for customer 42: %v", msgs)
		}
		if m.palette.open || m.Top().Title() != "Customer 42" {
			t.Fatalf("palette open %v, top %q", m.palette.open, m.Top().Title())
		}
	})
	t.Run("search resets to the search screen", func(t *testing.T) {
		m, _ := testShell(t, Options{})
		sendAll(t, m, PushMsg{Screen: newFake(m.Common(), "Customer 1")})
		sendAll(t, m, keyText(":"))
		typeText(t, m, "search jane doe")
		sendAll(t, m, keyEnter)
		if m.Depth() != 1 || m.Top().Title() != "Search: jane doe" {
			t.Fatalf("depth %d top %q", m.Depth(), m.Top().Title())
		}
	})
	t.Run("unknown command closes with the error; up brings the line back", func(t *testing.T) {
		m, _ := testShell(t, Options{})
		sendAll(t, m, keyText(":"))
		typeText(t, m, "frobnicate")
		sendAll(t, m, keyEnter)
		if m.palette.open {
			t.Fatal("the palette stayed open on an unknown command")
		}
		if !strings.Contains(content(m), `unknown command "frobnicate"`) {
			t.Errorf("no error shown:\n%s", content(m))
		}
		sendAll(t, m, keyText(":"))
		typeText(t, m, "cust")
		sendAll(t, m, tea.KeyPressMsg{Code: tea.KeyUp})
		if got := m.palette.input.Value(); got != "frobnicate" {
			t.Fatalf("up recalled %q", got)
		}
		sendAll(t, m, tea.KeyPressMsg{Code: tea.KeyDown})
		if got := m.palette.input.Value(); got != "cust" {
			t.Fatalf("down went back to %q, want the line being typed", got)
		}
		sendAll(t, m, keyEsc)
		if m.palette.open || m.Depth() != 1 {
			t.Fatal("esc did not close just the palette")
		}
	})
	// ":profile" (no name, refused by the palette) and ":profile nope"
	// (refused later by the Router) end the same way: the palette
	// closes and an error toast says why. Before, the first kept the
	// palette open and the second closed it.
	t.Run("profile with and without a name fail alike", func(t *testing.T) {
		router := func(c *Common, msg tea.Msg) (tea.Cmd, bool) {
			if p, ok := msg.(SwitchProfileMsg); ok {
				return Errorf("could not switch to profile %q: no such profile", p.Name), true
			}
			return nil, false
		}
		for _, line := range []string{"profile", "profile nope"} {
			m, _ := testShell(t, Options{Router: router, NoColor: true})
			send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
			sendAll(t, m, keyText(":"))
			typeText(t, m, line)
			sendAll(t, m, keyEnter)
			if m.palette.open || m.status.toast.kind != ToastError || m.status.toast.text == "" {
				t.Errorf(":%s: palette open %v, toast %+v", line, m.palette.open, m.status.toast)
			}
		}
	})
	t.Run("opening it does not move the screen", func(t *testing.T) {
		m, root := testShell(t, Options{})
		send(t, m, tea.WindowSizeMsg{Width: 60, Height: 20})
		h := root.h
		sendAll(t, m, keyText(":"))
		if root.h != h || !strings.Contains(content(m), "tab completes · ↑ recalls") {
			t.Errorf("content %d → %d lines:\n%s", h, root.h, content(m))
		}
	})
	t.Run("quit", func(t *testing.T) {
		m, _ := testShell(t, Options{})
		sendAll(t, m, keyText(":"))
		typeText(t, m, "q")
		if !hasQuit(sendAll(t, m, keyEnter)) {
			t.Fatal(":q did not quit")
		}
	})
	t.Run("profile without a router says what to do", func(t *testing.T) {
		m, _ := testShell(t, Options{})
		sendAll(t, m, keyText(":"))
		typeText(t, m, "profile prod")
		sendAll(t, m, keyEnter)
		if !strings.Contains(content(m), "frontdesk --profile prod") {
			t.Errorf("no advice shown:\n%s", content(m))
		}
	})
	t.Run("keys typed into the palette do not reach the screen", func(t *testing.T) {
		m, root := testShell(t, Options{})
		sendAll(t, m, keyText(":"))
		typeText(t, m, "qe?")
		if len(root.keys) != 0 || m.Depth() != 1 || !m.palette.open {
			t.Fatalf("palette leaked keys: %v", root.keys)
		}
	})
}

func TestParseCommand(t *testing.T) {
	m, _ := testShell(t, Options{})
	cmds := m.commands()
	tests := []struct {
		line, name, arg, err string
	}{
		{"customer 42", "customer", "42", ""},
		{":customer   42  ", "customer", "42", ""},
		{"c 42", "customer", "42", ""},
		{"CUSTOMER 7", "customer", "7", ""},
		{"search jane doe", "search", "jane doe", ""},
		{"order FD 1584", "order", "FD 1584", ""},
		{"order", "", "", "usage: :order NUMBER"},
		{"search", "search", "", ""},
		{"q", "quit", "", ""},
		{"quit now", "", "", ":quit takes no argument"},
		{"customer", "", "", "usage: :customer ID"},
		{"customer 4 2", "", "", "usage: :customer ID (one word)"},
		{"profile", "", "", "usage: :profile NAME"},
		{"nope", "", "", `unknown command "nope": try :customer :order :search :profile :bulk :erase :merge :help :error :mouse :quit`},
		{"", "", "", "type a command: :customer :order :search :profile :bulk :erase :merge :help :error :mouse :quit"},
	}
	for _, tt := range tests {
		c, arg, err := parseCommand(cmds, tt.line)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("parse(%q) error %v, want %q", tt.line, err, tt.err)
			}
			continue
		}
		if err != nil || c.name != tt.name || arg != tt.arg {
			t.Errorf("parse(%q) = %q %q %v, want %q %q", tt.line, c.name, arg, err, tt.name, tt.arg)
		}
	}
	for _, tt := range []struct {
		in, want string
		n        int
	}{
		{"", "", 11}, {"c", "customer ", 1}, {"era", "erase ", 1}, {"o", "order ", 1}, {"s", "search ", 1}, {"b", "bulk ", 1}, {"x", "x", 0}, {"search ja", "search ja", 0},
	} {
		got, names := complete(cmds, tt.in)
		if got != tt.want || len(names) != tt.n {
			t.Errorf("complete(%q) = %q %v, want %q (%d names)", tt.in, got, names, tt.want, tt.n)
		}
	}
}
