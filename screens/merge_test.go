package screens

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"frontdesk/api"
	"frontdesk/money"
	"frontdesk/tui"
)

// mergeScreen opens ":merge drop" on keep's profile through the router,
// as the shell does, and settles its preview.
func mergeScreen(t *testing.T, app *App, c *tui.Common, keep, drop api.ID) *Merge {
	t.Helper()
	cmd, ok := app.Route(c, tui.MergeMsg{Keep: keep, Drop: drop})
	if !ok {
		t.Fatal("the router does not know :merge")
	}
	push, ok := findMsg[tui.PushMsg](run(t, cmd))
	if !ok {
		t.Fatal(":merge pushed no screen")
	}
	m := push.Screen.(*Merge)
	m.SetSize(120, 30)
	settle(t, m, m.Init())
	return m
}

// TestMergeScreen: :merge on a profile previews what moves; n (or enter,
// the default) merges nothing; y merges once, closes the screen and has
// both profiles load again; the dropped customer's profile says where it
// went and M opens it. An agent is refused before anything is asked.
func TestMergeScreen(t *testing.T) {
	env := newSandbox(t, 20)
	var keepID, dropID string
	if err := env.DB.QueryRow(`SELECT min(c.id), max(c.id) FROM (SELECT c.id FROM customers c JOIN loyalty_accounts a ON a.customer_id = c.id
		WHERE c.status = 'active' AND a.points_balance > 0 AND c.email NOT LIKE 'hostile-%' ORDER BY c.id LIMIT 2) c`).Scan(&keepID, &dropID); err != nil {
		t.Fatal(err)
	}
	keep, drop := api.ID(keepID), api.ID(dropID)
	_, kb := ledgerOf(t, env, keepID)
	dRows, db := ledgerOf(t, env, dropID)

	// An agent: refused with the role's reason, nothing asked.
	agentCl := newClient(t, env, api.RoleAgent, env.URL)
	ac := testCommon(api.RoleAgent, 120, 30)
	m := mergeScreen(t, NewApp(agentCl, testConfig()), ac, keep, drop)
	if v := ansi.Strip(m.View()); !strings.Contains(v, "cannot merge customers") || m.CapturesKeys() {
		t.Fatalf("an agent's merge screen:\n%s", v)
	}

	cl := newClient(t, env, api.RoleSupervisor, env.URL)
	app := NewApp(cl, testConfig())
	c := testCommon(api.RoleSupervisor, 120, 30)
	if ts := toasts(run(t, func() tea.Msg { cmd, _ := app.Route(c, tui.MergeMsg{Drop: drop}); return cmd() })); len(ts) != 1 || !strings.Contains(ts[0], "open the profile of the customer to keep") {
		t.Fatalf(":merge off a profile: %v", ts)
	}

	m = mergeScreen(t, app, c, keep, drop)
	v := ansi.Strip(m.View())
	for _, want := range []string{"Merge ", "Orders", "Points", "= " + money.Int(kb+db), "y merges"} {
		if !strings.Contains(v, want) {
			t.Errorf("the preview does not show %q:\n%s", want, v)
		}
	}
	if !m.CapturesKeys() {
		t.Fatal("the preview does not take y/n")
	}
	// enter is the safe answer: no.
	msgs := press(t, m, "enter")
	if _, ok := findMsg[tui.PopMsg](msgs); !ok {
		t.Errorf("enter did not close the screen: %v", msgs)
	}
	if rows, _ := ledgerOf(t, env, dropID); rows != dRows {
		t.Fatal("enter merged")
	}

	m = mergeScreen(t, app, c, keep, drop)
	msgs = press(t, m, "y")
	merged, ok := findMsg[tui.MergedMsg](msgs)
	if !ok || merged.Keep != keep || merged.Drop != drop {
		t.Fatalf("y: no MergedMsg for %s into %s: %v", drop, keep, msgs)
	}
	if ts := toasts(msgs); len(ts) == 0 || !strings.Contains(ts[len(ts)-1], "merged customer "+dropID+" into "+keepID) {
		t.Errorf("toasts %v", ts)
	}
	if _, kb2 := ledgerOf(t, env, keepID); kb2 != kb+db {
		t.Fatalf("keep's balance %d, want %d+%d", kb2, kb, db)
	}
	if _, db2 := ledgerOf(t, env, dropID); db2 != 0 {
		t.Fatalf("drop's balance %d, want 0", db2)
	}

	// The kept customer's profile loads again on MergedMsg.
	kp := newProfile(c, app.env, keep)
	kp.SetSize(120, 30)
	settle(t, kp, kp.Init())
	if _, cmd := kp.Update(merged); cmd == nil {
		t.Error("the kept customer's profile does not load again after the merge")
	}

	// The dropped customer opens as merged into keep; M opens keep.
	dp := newProfile(c, app.env, drop)
	dp.SetSize(120, 30)
	settle(t, dp, dp.Init())
	if v := ansi.Strip(dp.View()); !strings.Contains(v, "Merged into") || !strings.Contains(v, "#"+keepID) {
		t.Fatalf("the dropped customer's profile:\n%s", v)
	}
	open, ok := findMsg[tui.OpenCustomerMsg](press(t, dp, "M"))
	if !ok || open.ID != keep {
		t.Fatalf("M on the dropped customer opened %v, want %s", open, keep)
	}
	// On the kept customer M says why not.
	if r := c.Reason(kp.keys.openMerged); !strings.Contains(r, "not merged") {
		t.Errorf("M on the kept customer: %q", r)
	}

	// A second merge: the preview says where it went, nothing is asked.
	m = mergeScreen(t, app, c, keep, drop)
	if v := ansi.Strip(m.View()); !strings.Contains(v, "already merged into "+keepID) || m.CapturesKeys() {
		t.Fatalf("a second merge:\n%s", v)
	}
}
