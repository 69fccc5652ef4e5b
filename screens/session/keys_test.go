package session_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
	"frontdesk/client/fake"
	"frontdesk/screens/session"
	"frontdesk/tui"
)

// keysCommon is an agent's session context with Cancel rebound to
// ctrl+q in its key map.
func keysCommon(t *testing.T) (*tui.Common, *session.Acting) {
	t.Helper()
	c := tui.NewCommon(context.Background(), tui.Profile{Name: "test"}, nil, true)
	c.Agent = api.Me{AgentID: "a1", Name: "Amani", Role: api.RoleAgent}
	c.Keys.Cancel.Keys = []string{"ctrl+q"}
	return c, session.NewActing(c, fake.New(fake.Options{}), session.Options{})
}

// pops reports whether cmd asks the shell to pop the screen.
func pops(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	switch msg := cmd().(type) {
	case tui.PopMsg:
		return true
	case tea.BatchMsg:
		return slices.ContainsFunc(msg, pops)
	}
	return false
}

// The session screens' esc is the key map's Cancel, carried by the
// binding the footer shows: rebinding it changes what closes them.
func TestSessionScreensCancelFromTheKeyMap(t *testing.T) {
	c, a := keysCommon(t)
	for _, s := range []tui.Screen{a.StartForm("c1", "Jane Wanjiru"), session.NewPasswordReset(c, a)} {
		s.SetSize(80, 24)
		s.Init()
		var cancel tui.Binding
		for _, b := range s.ShortHelp() {
			if slices.Equal(b.Keys, []string{"ctrl+q"}) {
				cancel = b
			}
		}
		if cancel.Run == nil {
			t.Errorf("%T: the footer has no cancel on the key map's key: %+v", s, s.ShortHelp())
		}
		if _, cmd := s.Update(tea.KeyPressMsg{Code: tea.KeyEscape}); pops(cmd) {
			t.Errorf("%T: esc closed it with Cancel on ctrl+q", s)
		}
		if _, cmd := s.Update(key("ctrl+q")); !pops(cmd) {
			t.Errorf("%T: ctrl+q did not close it", s)
		}
	}
}

// The coupons' keys carry their actions and their gating: the list the
// shell runs refuses copy on an empty list with the reason, and moves.
func TestCouponsBindingsCarryTheirActions(t *testing.T) {
	c, a := keysCommon(t)
	m := session.NewCoupons(c, a)
	for _, g := range m.FullHelp() {
		for _, b := range g {
			if b.Run == nil {
				t.Errorf("coupons key %s (%s) has no action", b.KeyLabel(), b.Help)
			}
		}
	}
	cmd, handled := c.Dispatch(key("y"), m.FullHelp()...)
	if !handled || cmd == nil {
		t.Fatalf("y is not among the coupons' bindings")
	}
	if toast, ok := cmd().(tui.ToastMsg); !ok || toast.Kind != tui.ToastError || toast.Text != "copy code: no coupon selected" {
		t.Fatalf("y on no coupons: %+v", cmd())
	}
}

// On a store without an audit trail (OCAPI) the start form does not
// promise one: it says why there is none.
func TestStartFormSaysWhenNothingIsAudited(t *testing.T) {
	c := tui.NewCommon(context.Background(), tui.Profile{Name: "test"}, nil, true)
	c.Agent = api.Me{AgentID: "a1", Name: "Amani", Role: api.RoleAgent}
	audited := session.NewActing(c, fake.New(fake.Options{}), session.Options{})
	f := audited.StartForm("7", "Wanjiru Kamau")
	f.SetSize(100, 30)
	if v := f.View(); !strings.Contains(v, "recorded in the audit trail") {
		t.Fatalf("the desk's start form:\n%s", v)
	}
	const why = "the Shop API keeps no audit trail"
	unaudited := session.NewActing(c, fake.New(fake.Options{}), session.Options{Unaudited: func() string { return why }})
	f = unaudited.StartForm("7", "Wanjiru Kamau")
	f.SetSize(100, 30)
	v := strings.Join(strings.Fields(f.View()), " ")
	if strings.Contains(v, "recorded in the audit trail") || !strings.Contains(v, "keeps no audit trail of what you do as them ("+why+")") {
		t.Fatalf("the start form on a store without an audit trail:\n%s", v)
	}
}
