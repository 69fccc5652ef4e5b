package screens

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"frontdesk/sandbox/sandboxtest"
	"frontdesk/tui"
)

// bulkScreen opens ":bulk file" through the router, as the palette does,
// and settles its plan.
func bulkScreen(t *testing.T, app *App, c *tui.Common, file string) *Bulk {
	t.Helper()
	cmd, ok := app.Route(c, tui.BulkMsg{File: file})
	if !ok {
		t.Fatal("the router does not know :bulk")
	}
	push, ok := findMsg[tui.PushMsg](run(t, cmd))
	if !ok {
		t.Fatal(":bulk pushed no screen")
	}
	b := push.Screen.(*Bulk)
	b.SetSize(120, 30)
	settle(t, b, b.Init())
	return b
}

// TestBulkScreen: :bulk FILE shows the plan with the refused rows and why;
// enter asks, n does nothing, enter and y apply and show each row's
// result; the ledger moved by the ok rows only.
func TestBulkScreen(t *testing.T) {
	env := newSandbox(t, 20)
	cl := newClient(t, env, "agent", env.URL)
	cfg := testConfig()
	cfg.OpenFile = func(name string) (io.ReadCloser, error) { return os.Open(name) }
	app := NewApp(cl, cfg)
	c := testCommon("agent", 120, 30)
	// In colour: what the screen styles must be its own escapes, never
	// text the sanitizer had to show inert.
	c.Styles = tui.NewStyles(true, false)
	me, err := cl.Me(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	c.Agent = me
	cust, _ := pickCustomer(t, env.DB)
	id := cust.id.String()
	rows0, bal0 := ledgerOf(t, env, id)

	dir := t.TempDir()
	file := filepath.Join(dir, "fixes.csv")
	csv := "customer,points,reason,note\n" +
		id + ",40,goodwill,late delivery\n" +
		"99999901,5,goodwill,late delivery\n" +
		id + ",900,goodwill,late delivery\n" +
		id + ",-15,correction,double earn\n"
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	b := bulkScreen(t, app, c, file)
	view := func() string {
		v := b.View()
		if strings.Contains(v, "␛") {
			t.Fatalf("the view shows an escape inert:\n%s", v)
		}
		return ansi.Strip(v)
	}
	v := view()
	for _, want := range []string{"4 rows: 2 ok for 1 customer", "2 refused", "no customer with this id", "over your limit of 500", "Nothing is changed yet"} {
		if !strings.Contains(v, want) {
			t.Errorf("the plan does not show %q:\n%s", want, v)
		}
	}

	press(t, b, "enter")
	if v := view(); !strings.Contains(v, "Apply 2 adjustments to 1 customer now?") || !b.CapturesKeys() {
		t.Fatalf("enter does not ask:\n%s", v)
	}
	press(t, b, "n")
	if rows, _ := ledgerOf(t, env, id); rows != rows0 || b.CapturesKeys() {
		t.Fatalf("n applied something: %d → %d ledger rows", rows0, rows)
	}
	msgs := press(t, b, "enter", "y")
	v = view()
	if !strings.Contains(v, "Done: 2 applied, 0 replayed, 2 refused") || !strings.Contains(v, "applied") {
		t.Fatalf("after y:\n%s", v)
	}
	if ts := toasts(msgs); len(ts) == 0 || !strings.Contains(ts[len(ts)-1], "2 applied") {
		t.Errorf("toasts %v", ts)
	}
	rows, bal := ledgerOf(t, env, id)
	if rows != rows0+2 || bal != bal0+25 {
		t.Fatalf("ledger %d → %d rows, balance %d → %d; want 2 rows and +25", rows0, rows, bal0, bal)
	}
	// enter again: nothing more to apply.
	press(t, b, "enter")
	if rows2, _ := ledgerOf(t, env, id); rows2 != rows {
		t.Fatal("enter after applying applied again")
	}
}

// Over ssh (no OpenFile) :bulk says to use stdin; a bad file is refused
// whole with its line.
func TestBulkScreenRefusals(t *testing.T) {
	env := newSandbox(t, 5)
	cl := newClient(t, env, "agent", env.URL)
	c := testCommon("agent", 100, 20)
	cmd, _ := NewApp(cl, testConfig()).Route(c, tui.BulkMsg{File: "fixes.csv"})
	if ts := toasts(run(t, cmd)); len(ts) != 1 || !strings.Contains(ts[0], "loyalty bulk plan - < FILE.csv") {
		t.Fatalf("over ssh: %v", ts)
	}

	cfg := testConfig()
	cfg.OpenFile = func(name string) (io.ReadCloser, error) { return os.Open(name) }
	file := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(file, []byte("customer,points,reason,note\n1,5,goodwill,late\n1,5\n"), 0o600)
	me, _ := cl.Me(t.Context())
	c.Agent = me
	b := bulkScreen(t, NewApp(cl, cfg), c, file)
	if v := b.View(); !strings.Contains(v, "line 3: 2 fields, want 4") || !strings.Contains(v, "nothing was planned") {
		t.Fatalf("bad file:\n%s", v)
	}
}

// ledgerOf is a customer's ledger rows and balance, read from the store.
func ledgerOf(t *testing.T, env *sandboxtest.Env, id string) (rows int, balance int64) {
	t.Helper()
	if err := env.DB.QueryRow(`SELECT COUNT(*), COALESCE((SELECT points_balance FROM loyalty_accounts WHERE customer_id = ?), 0)
		FROM loyalty_ledger WHERE customer_id = ?`, id, id).Scan(&rows, &balance); err != nil {
		t.Fatal(err)
	}
	return rows, balance
}
