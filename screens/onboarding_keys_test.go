package screens

import (
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"frontdesk/api"
)

// The first-run screen takes its form keys from the session's key map:
// rebinding them there changes what the screen does, and the footer
// lists the bindings that run them.
func TestOnboardingKeysComeFromTheKeyMap(t *testing.T) {
	var calls atomic.Int32
	c := testCommon(api.RoleViewer, 100, 30)
	c.Keys.Save.Keys = []string{"ctrl+w"}
	c.Keys.NextField.Keys = []string{"ctrl+n"}
	s := NewOnboarding(c, Onboarding{Connect: connectTo(&calls)}).(*onboardingScreen)
	s.SetSize(100, 30)
	s.Init()

	s.Update(key("tab"))
	if s.focused() != 0 {
		t.Fatalf("tab moved to field %d with NextField on ctrl+n", s.focused())
	}
	s.Update(key("ctrl+n"))
	if s.focused() != 1 {
		t.Fatalf("ctrl+n did not move to the key id: field %d", s.focused())
	}
	// ctrl+s no longer connects; ctrl+w does (and finds the empty URL).
	s.Update(key("ctrl+s"))
	if s.tried {
		t.Fatal("ctrl+s tried to connect with Save on ctrl+w")
	}
	s.Update(key("ctrl+w"))
	if v := ansi.Strip(s.View()); !s.tried || !strings.Contains(v, "fix the marked field first") || calls.Load() != 0 {
		t.Fatalf("ctrl+w did not check the draft (calls %d):\n%s", calls.Load(), v)
	}
	// esc is no way out of the first-run screen.
	if _, cmd := s.Update(key("esc")); cmd != nil {
		t.Fatalf("esc did something: %v", run(t, cmd))
	}
	for _, b := range s.ShortHelp() {
		if b.Run == nil {
			t.Errorf("footer key %s has no action", b.KeyLabel())
		}
	}
	var connect bool
	for _, g := range s.FullHelp() {
		for _, b := range g {
			if slices.Equal(b.Keys, []string{"ctrl+w"}) && b.Help == "connect" && b.Run != nil {
				connect = true
			}
		}
	}
	if !connect {
		t.Fatalf("? does not list connect on the key map's Save key: %+v", s.FullHelp())
	}
}

// ctrl+e shows the whole message only when there is one; otherwise it is
// the field's (end of line), not a refusal.
func TestOnboardingCtrlEWithoutAMessageIsTheField(t *testing.T) {
	s := newOnboardingScreen(t, Onboarding{})
	typeInto(s, "https://x")
	_, cmd := s.Update(key("ctrl+e"))
	if s.whole || len(toasts(run(t, cmd))) != 0 {
		t.Fatalf("ctrl+e without a message: whole %v", s.whole)
	}
}
