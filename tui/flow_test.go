package tui

import (
	"bytes"
	"context"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"frontdesk/api"
)

// loadingScreen loads itself through a tracked command, as a real screen
// loads a customer, and shows what arrived.
type loadingScreen struct {
	*fakeScreen
	id     api.ID
	loaded bool
}

type customerLoadedMsg struct{ id api.ID }

func (s *loadingScreen) Init() tea.Cmd {
	id := s.id
	return s.c.Track(func() tea.Msg { return customerLoadedMsg{id: id} })
}

func (s *loadingScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	if m, ok := msg.(customerLoadedMsg); ok && m.id == s.id {
		s.loaded = true
		s.body = "customer-" + string(s.id) + "-loaded"
		return s, Success("loaded customer " + string(s.id))
	}
	_, cmd := s.fakeScreen.Update(msg)
	return s, cmd
}

func flowShell(t *testing.T, noColor bool) *Shell {
	t.Helper()
	m, err := New(context.Background(), Options{
		NoColor: noColor,
		Profile: Profile{Name: "staging", Production: true},
		Agent:   &api.Me{AgentID: "a1", Name: "Amina Otieno", Role: api.RoleAgent},
		Root:    func(c *Common) Screen { return newFake(c, "Search") },
		Router: func(c *Common, msg tea.Msg) (tea.Cmd, bool) {
			if o, ok := msg.(OpenCustomerMsg); ok {
				return Push(&loadingScreen{fakeScreen: newFake(c, "Customer "+string(o.ID)), id: o.ID}), true
			}
			return nil, false
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestFlowPaletteOpensCustomer drives a real program: ':' opens the
// palette, tab completes the command, enter routes it, the new screen
// loads through a tracked command, and the final frame is compared with
// a golden file (go test ./tui -run TestFlow -update rewrites it).
func TestFlowPaletteOpensCustomer(t *testing.T) {
	for _, tt := range []struct {
		name    string
		noColor bool
		profile colorprofile.Profile
	}{
		{"truecolor", false, colorprofile.TrueColor},
		{"nocolor", true, colorprofile.Ascii},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := flowShell(t, tt.noColor)
			tm := teatest.NewTestModel(t, m,
				teatest.WithInitialTermSize(100, 24),
				teatest.WithProgramOptions(tea.WithColorProfile(tt.profile)))
			tm.Type(":cu")
			tm.Send(keyTab)
			tm.Type("42")
			tm.Send(keyEnter)
			teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
				return bytes.Contains(b, []byte("customer-42-loaded"))
			}, teatest.WithDuration(30*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
			tm.Send(keyCtrlC)
			final, ok := tm.FinalModel(t, teatest.WithFinalTimeout(30*time.Second)).(*Shell)
			if !ok {
				t.Fatal("final model is not the shell")
			}
			if final.Depth() != 2 || final.Common().InFlight() != 0 {
				t.Fatalf("depth %d, in flight %d", final.Depth(), final.Common().InFlight())
			}
			// The success toast would expire on a timer; clear it so the
			// golden frame does not depend on how fast this machine is.
			final.status.toast = toastState{}
			golden.RequireEqual(t, final.View().Content)
		})
	}
}
