package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
)

func newTestCommon(role string, readOnly bool) *Common {
	c := NewCommon(context.Background(), Profile{Name: "test", ReadOnly: readOnly}, nil, false)
	c.Agent = api.Me{AgentID: "a1", Name: "Amina", Role: role}
	return c
}

// runCmd runs cmd and flattens batches, returning every message.
func runCmd(t *testing.T, cmd tea.Cmd) []tea.Msg {
	t.Helper()
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, runCmd(t, c)...)
		}
		return out
	}
	return []tea.Msg{msg}
}

func TestCopySanitizesAndToasts(t *testing.T) {
	c := newTestCommon(api.RoleAgent, false)
	msgs := runCmd(t, c.Copy("email", "jane@example.com\n\x1b[2Jrm -rf ~"))
	var sawClip, sawToast bool
	for _, m := range msgs {
		switch m := m.(type) {
		case ToastMsg:
			sawToast = true
			if !strings.HasPrefix(m.Text, "copied email: ") {
				t.Errorf("toast = %q", m.Text)
			}
		default:
			// tea.SetClipboard's message is unexported; its text is what
			// the terminal receives inside OSC 52.
			s := fmt.Sprint(m)
			if strings.Contains(s, "jane@example.com") {
				sawClip = true
				if strings.ContainsAny(s, "\n\x1b") {
					t.Errorf("clipboard text carries controls: %q", s)
				}
			}
		}
	}
	if !sawClip || !sawToast {
		t.Fatalf("Copy gave %#v, want a clipboard write and a toast", msgs)
	}
}

func TestTrackCountsInFlight(t *testing.T) {
	c := newTestCommon(api.RoleAgent, false)
	type answer struct{}
	cmd := c.Track(func() tea.Msg { return answer{} })
	if c.InFlight() != 1 {
		t.Fatalf("InFlight = %d after Track, want 1", c.InFlight())
	}
	done, ok := cmd().(DoneMsg)
	if !ok {
		t.Fatal("tracked command did not answer DoneMsg")
	}
	if _, ok := done.Msg.(answer); !ok {
		t.Fatalf("DoneMsg carries %T, want the command's answer", done.Msg)
	}
	if c.Track(nil) != nil || c.InFlight() != 1 {
		t.Fatal("Track(nil) must do nothing")
	}
}

func TestProfileLabel(t *testing.T) {
	for _, tt := range []struct {
		p    Profile
		want string
	}{
		{Profile{Name: "prod", Host: "api.shop.test"}, "prod"},
		{Profile{Host: "api.shop.test"}, "api.shop.test"},
		{Profile{}, "no profile"},
	} {
		if got := tt.p.Label(); got != tt.want {
			t.Errorf("%+v.Label() = %q, want %q", tt.p, got, tt.want)
		}
	}
}
