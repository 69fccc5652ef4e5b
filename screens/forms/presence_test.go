package forms

import (
	"strings"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/client/frontdesk"
	"frontdesk/sandbox/sandboxtest"
	"frontdesk/tui"
)

// The edit form asks before saving while another agent has the customer
// open (the profile's Presence, filled from a real heartbeat), says who
// and since when, saves nothing on No, and saves with If-Match on Yes.
func TestFlowEditWarnsWhenAnotherAgentHasItOpen(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.common(t, "agent", tui.Profile{Name: "test"})
	before := e.firstCustomer(t)
	// The supervisor has the customer open, editing; the agent's
	// heartbeat hears about them as the profile's would.
	if _, err := e.client(t, "supervisor").Heartbeat(t.Context(), before.ID, true); err != nil {
		t.Fatal(err)
	}
	heard, err := e.client(t, "agent").Heartbeat(t.Context(), before.ID, false)
	if err != nil || len(heard.Viewers) != 1 {
		t.Fatalf("agent's heartbeat: %+v, %v", heard, err)
	}
	since := heard.Viewers[0].Since
	pres := &Presence{CustomerID: before.ID, Others: heard.Viewers, Loc: time.UTC, Now: func() time.Time { return since }}

	rec := sandboxtest.NewProxy(t, e.URL)
	cl := e.client(t, "agent", func(cfg *frontdesk.Config) { cfg.BaseURL = rec.URL })
	tm, h := start(t, c, WatchPresence(NewEditProfile(c, cl, before), pres))
	h.waitFor(t, "the form", func(s snapshot) bool { return strings.Contains(s.view, "First name") })
	if !pres.Editing {
		t.Fatal("the open form did not mark the presence as editing")
	}

	press(tm, "tab", "tab", "tab")
	clearInput(tm)
	typeInto(tm, "0711 222 444")
	press(tm, "ctrl+s")
	want := "Sifa Supervisor (since " + since.UTC().Format("15:04") + ", editing) has this customer open"
	h.waitFor(t, "the question", func(s snapshot) bool { return strings.Contains(s.view, want) && strings.Contains(s.view, "anyway?") })
	press(tm, "n")
	h.waitFor(t, "the form again", func(s snapshot) bool { return !strings.Contains(s.view, "anyway?") })
	if reqs := sent(rec); len(reqs) != 0 {
		t.Fatalf("No sent %q", reqs)
	}
	press(tm, "ctrl+s")
	h.waitFor(t, "the question again", func(s snapshot) bool { return strings.Contains(s.view, "anyway?") })
	press(tm, "y")
	h.waitFor(t, "the save", func(s snapshot) bool { return s.toast(tui.ToastSuccess) != "" })
	if after := e.customer(t, before.ID); after.Phone != "+254711222444" || after.Version != before.Version+1 {
		t.Fatalf("after: phone %q version %d (before %d)", after.Phone, after.Version, before.Version)
	}
	// One PATCH (the desk refuses one without If-Match with 428).
	if reqs := sent(rec); len(reqs) != 1 || !strings.HasPrefix(reqs[0], "PATCH ") {
		t.Fatalf("changes %q: want the one PATCH", reqs)
	}
}

// Nobody else present: no question.
func TestFlowEditNoWarningWhenAlone(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.common(t, "agent", tui.Profile{Name: "test"})
	before := e.firstCustomer(t)
	pres := &Presence{CustomerID: before.ID, Others: []api.Viewer{}}
	tm, h := start(t, c, WatchPresence(NewEditProfile(c, e.client(t, "agent"), before), pres))
	press(tm, "tab", "tab", "tab")
	clearInput(tm)
	typeInto(tm, "0711 222 555")
	press(tm, "ctrl+s")
	s := h.waitFor(t, "the save", func(s snapshot) bool { return s.toast(tui.ToastSuccess) != "" || strings.Contains(s.view, "anyway?") })
	if strings.Contains(s.view, "anyway?") {
		t.Fatalf("asked with nobody else present:\n%s", s.view)
	}
}
