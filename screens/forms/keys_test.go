package forms

import (
	"slices"
	"strings"
	"testing"

	"frontdesk/policy"
	"frontdesk/tui"
)

// The forms' keys come from the session's key map: rebinding Save,
// NextField and Cancel there changes what the form does with them, so
// no form keeps a key of its own for those actions.
func TestFormKeysComeFromTheKeyMap(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.common(t, "supervisor", tui.Profile{Name: "test"})
	c.Keys.Save.Keys = []string{"ctrl+w"}
	c.Keys.NextField.Keys = []string{"ctrl+n"}
	c.Keys.Cancel.Keys = []string{"ctrl+q"}
	s := opened(t, NewAdjustLoyalty(c, e.client(t, "supervisor"), e.firstCustomer(t), 10))
	m := s.(*AdjustLoyalty)
	send(t, s, typeText("5")...)
	// ctrl+n moves to the next field, tab no longer does.
	send(t, s, key("tab"))
	if f := m.focused(); f == nil || f.key != keyPoints {
		t.Fatalf("tab moved the focus to %v with NextField on ctrl+n", f)
	}
	send(t, s, key("ctrl+n"), key("ctrl+n"))
	if f := m.focused(); f == nil || f.key != keyNote {
		t.Fatalf("ctrl+n did not move to the note: %v", f)
	}
	// ctrl+s does not save; ctrl+w does (the empty note is flagged).
	send(t, s, key("ctrl+s"))
	if m.tried || strings.Contains(plain(s.View()), "a note is required") {
		t.Fatal("ctrl+s saved with Save on ctrl+w")
	}
	send(t, s, key("ctrl+w"))
	if v := plain(s.View()); !strings.Contains(v, "a note is required") {
		t.Fatalf("ctrl+w did not try to save:\n%s", v)
	}
	// ctrl+q asks before dropping the dirty draft; esc does not.
	if msgs := run(send(t, s, key("esc"))); isPop(msgs) || m.ask != nil {
		t.Fatalf("esc acted with Cancel on ctrl+q: %v (asking %v)", msgs, m.ask != nil)
	}
	if msgs := run(send(t, s, key("ctrl+q"))); isPop(msgs) || m.ask == nil {
		t.Fatalf("ctrl+q on a dirty form did not ask: %v", msgs)
	}
	if v := plain(s.View()); !strings.Contains(v, "Discard this adjustment?") {
		t.Fatalf("no discard question:\n%s", v)
	}
}

// The footer and ? list the form keys from the very bindings that run
// them: each carries its action, and the keys are the key map's.
func TestFormHelpListsTheBindingsThatRunThem(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.common(t, "supervisor", tui.Profile{Name: "test"})
	cl := e.client(t, "supervisor")
	cust := e.firstCustomer(t)
	k := c.Keys
	for _, s := range []tui.Screen{NewEditProfile(c, cl, cust), NewAdjustLoyalty(c, cl, cust, 10), NewNote(c, cl, cust), NewCustomer(c, cl)} {
		s = opened(t, s)
		want := []tui.Binding{k.Save, k.NextField, k.PrevField, k.Cancel}
		if _, note := s.(*Note); note {
			want = []tui.Binding{k.Save, k.Cancel} // tab has nowhere to go in a text
		}
		for _, w := range want {
			var found bool
			for _, b := range s.ShortHelp() {
				if slices.Equal(b.Keys, w.Keys) && !b.Hidden {
					found = true
					if b.Run == nil {
						t.Errorf("%T: footer's %s has no action", s, b.KeyLabel())
					}
				}
			}
			if !found {
				t.Errorf("%T: footer does not list %s (%s)", s, w.KeyLabel(), w.Help)
			}
		}
		// The ? list is the same list.
		if full := s.FullHelp(); len(full) != 1 || !slices.EqualFunc(full[0], s.ShortHelp(), func(a, b tui.Binding) bool {
			return slices.Equal(a.Keys, b.Keys) && a.Help == b.Help
		}) {
			t.Errorf("%T: ? and the footer list different keys", s)
		}
	}
}

// ctrl+s goes through the key map's gating: on a profile that turned
// read-only after the form opened, the key is refused with policy's
// sentence and nothing is sent; esc on the dirty draft still asks.
func TestFormSaveRefusedByPolicyThroughTheKeyMap(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.common(t, "supervisor", tui.Profile{Name: "test"})
	cl := e.client(t, "supervisor")
	cust := e.firstCustomer(t)
	want := policy.Writable(policy.Profile{ReadOnly: true}).Error()
	for _, s := range []tui.Screen{NewEditProfile(c, cl, cust), NewAdjustLoyalty(c, cl, cust, 10), NewNote(c, cl, cust), NewCustomer(c, cl)} {
		c.Profile.ReadOnly = false
		s = opened(t, s)
		send(t, s, typeText("50")...)
		c.Profile.ReadOnly = true
		msgs := run(send(t, s, key("ctrl+s")))
		if _, sent := find[answerMsg](msgs); sent {
			t.Errorf("%T sent a save on a read-only profile", s)
		}
		var toast tui.ToastMsg
		for _, m := range msgs {
			if tm, ok := m.(tui.ToastMsg); ok {
				toast = tm
			}
		}
		if toast.Kind != tui.ToastError || toast.Text != "save: "+want {
			t.Errorf("%T: ctrl+s on a read-only profile said %+v, want policy's %q", s, toast, want)
		}
		var save tui.Binding
		for _, b := range s.ShortHelp() {
			if slices.Equal(b.Keys, c.Keys.Save.Keys) {
				save = b
			}
		}
		if got := c.Reason(save); got != want {
			t.Errorf("%T: the footer's save is not greyed with policy's sentence: %q", s, got)
		}
		if msgs := run(send(t, s, key("esc"))); isPop(msgs) {
			t.Errorf("%T: esc on the dirty draft left without asking", s)
		}
		if v := plain(s.View()); !strings.Contains(v, "Discard") {
			t.Errorf("%T: esc on the dirty draft does not ask:\n%s", s, v)
		}
	}
}
