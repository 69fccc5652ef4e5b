package tui

import (
	"testing"

	"frontdesk/api"
	"frontdesk/policy"
)

// The console refuses a key with policy's sentence, word for word, for
// every role and every shared binding that names an action, on a
// writable and a read-only profile: the sentence the server and the
// gateway say for the same refusal.
func TestReasonIsThePolicySentence(t *testing.T) {
	k := DefaultKeyMap()
	bindings := []Binding{k.Edit, k.Adjust, k.Note, k.New, k.StartSession}
	for _, readOnly := range []bool{false, true} {
		for _, role := range append([]string{""}, api.Roles...) {
			c := newTestCommon(role, readOnly)
			for _, b := range bindings {
				if b.Policy == policy.None {
					t.Fatalf("%q names no policy action", b.Help)
				}
				want := ""
				if err := policy.Check(policy.Actor{Role: role}, b.Policy, policy.On(policy.Profile{ReadOnly: readOnly})); err != nil {
					want = err.Error()
				}
				if got := c.Reason(b); got != want {
					t.Errorf("%q as %q (read-only %v): Reason %q, policy says %q", b.Help, role, readOnly, got, want)
				}
			}
		}
	}
	// The viewer's e, spelled out: the server's 403 says the same.
	if got := newTestCommon(api.RoleViewer, false).Reason(k.Edit); got != "your role (viewer) cannot edit customers" {
		t.Fatalf("viewer's e: %q", got)
	}
	// A change that names no action (a form's save key) is still refused
	// on a read-only profile, in the same words.
	save := Binding{Keys: []string{"ctrl+s"}, Help: "save", Mutates: true}
	if got := newTestCommon(api.RoleAdmin, true).Reason(save); got != policy.Writable(policy.Profile{ReadOnly: true}).Error() {
		t.Fatalf("save on a read-only profile: %q", got)
	}
	if got := newTestCommon(api.RoleViewer, false).Reason(save); got != "" {
		t.Fatalf("save on a writable profile: %q", got)
	}
}

// A production profile asks before every change a binding names, and
// only then.
func TestConfirmOnProduction(t *testing.T) {
	k := DefaultKeyMap()
	c := newTestCommon(api.RoleAdmin, false)
	if c.Confirm(k.Edit) {
		t.Fatal("a plain profile asks before an edit")
	}
	c.Profile.Production = true
	if !c.Confirm(k.Edit) || !c.Confirm(k.StartSession) {
		t.Fatal("production does not ask before a change")
	}
	if c.Confirm(k.Refresh) || c.Confirm(k.Copy) {
		t.Fatal("production asks before a key that changes nothing")
	}
}
