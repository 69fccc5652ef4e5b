package screens

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
	"frontdesk/screens/forms"
	"frontdesk/tui"
)

func TestRouter(t *testing.T) {
	env := newSandbox(t, 20)
	app := NewApp(newClient(t, env, api.RoleAgent, env.URL), testConfig())
	c := testCommon(api.RoleAgent, 100, 30)

	cmd, ok := app.Route(c, tui.OpenCustomerMsg{ID: " 7 "})
	push, isPush := findMsg[tui.PushMsg](run(t, cmd))
	if !ok || !isPush {
		t.Fatalf(":customer 7 gave ok=%v %v", ok, run(t, cmd))
	}
	if p, isProfile := push.Screen.(*Profile); !isProfile || p.ID() != "7" {
		t.Fatalf(":customer 7 pushed %#v", push.Screen)
	}

	cmd, ok = app.Route(c, tui.SearchMsg{Query: "jane"})
	reset, isReset := findMsg[tui.ResetMsg](run(t, cmd))
	if !ok || !isReset {
		t.Fatalf(":search jane gave ok=%v", ok)
	}
	if s, isSearch := reset.Screen.(*Search); !isSearch || s.Query() != "jane" {
		t.Fatalf(":search jane reset to %#v", reset.Screen)
	}

	for _, msg := range []tea.Msg{tui.OpenCustomerMsg{ID: "  "}, tui.SwitchProfileMsg{Name: "prod\x1b[2J"}} {
		cmd, ok = app.Route(c, msg)
		ts := toasts(run(t, cmd))
		if !ok || len(ts) != 1 {
			t.Fatalf("%#v: ok=%v toasts %q", msg, ok, ts)
		}
		if _, isSwitch := msg.(tui.SwitchProfileMsg); isSwitch && !strings.Contains(ts[0], "not available over ssh") {
			t.Errorf("switch profile said %q", ts[0])
		}
	}
	if _, ok = app.Route(c, struct{}{}); ok {
		t.Fatal("the router claimed a message it does not know")
	}
	me, err := app.LoadAgent(c.Context())
	if err != nil || me.Role != api.RoleAgent {
		t.Fatalf("LoadAgent: %+v %v", me, err)
	}
}

// After the new-customer form has saved (and popped itself), the search
// opens the new customer and lists again.
func TestSearchOpensACreatedCustomer(t *testing.T) {
	s, _ := newTestSearch(t, api.RoleSupervisor, 20)
	before := s.seq
	_, cmd := s.Update(forms.CustomerCreatedMsg{Customer: api.Customer{ID: "21"}})
	msgs := settle(t, s, cmd)
	if open, ok := findMsg[tui.OpenCustomerMsg](msgs); !ok || open.ID != "21" {
		t.Fatalf("got %v, want the new customer opened", msgs)
	}
	if s.seq != before+1 {
		t.Fatal("the search did not list again")
	}
}
