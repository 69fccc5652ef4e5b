package screens

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/client/frontdesk"
	"frontdesk/sandbox/sandboxtest"
	"frontdesk/tui"
	"frontdesk/tui/tuitest"
)

// testNow is the clock of every test: the seed data is generated relative
// to it, so screens and golden files do not change with the day.
var testNow = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)

// testConfig is the tests' Config: the test clock, UTC, and no search
// pacing (a test about pacing lowers env.paceFrom itself), so a machine
// under load answering in 100 ms does not change what a test checks.
func testConfig() Config {
	return Config{Now: func() time.Time { return testNow }, Location: time.UTC, SearchPaceFrom: time.Hour}
}

// testEnv is the screens' environment on cl with the test clock.
func testEnv(cl client.Platform) *env { return NewApp(cl, testConfig()).env }

// newSandbox starts a seeded sandbox with the fixed clock.
func newSandbox(t testing.TB, customers int) *sandboxtest.Env {
	t.Helper()
	return sandboxtest.New(t, sandboxtest.Options{Customers: customers, Now: func() time.Time { return testNow }, RateLimit: -1})
}

// newClient is an API client for role on baseURL that does not retry, so
// a dead API fails at once.
func newClient(t testing.TB, env *sandboxtest.Env, role, baseURL string) *frontdesk.Client {
	t.Helper()
	k := env.Keys[role]
	cl, err := frontdesk.New(frontdesk.Config{BaseURL: baseURL, KeyID: k.KeyID, Secret: k.Secret, MaxRetries: -1, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

// testCommon is a session context of w×h content cells for an agent of
// role, without colour so views compare as plain text.
func testCommon(role string, w, h int) *tui.Common {
	c := tui.NewCommon(context.Background(), tui.Profile{Name: "test"}, nil, true)
	c.Agent = api.Me{AgentID: "test-" + role, Name: "Test " + role, Role: role}
	c.Width, c.Height = w, h
	return c
}

// key is the press of a key as the key map spells it.
var key = tuitest.Key

// run executes cmd and returns the messages it produces: batches are
// flattened and tracked commands unwrapped, as the shell would deliver
// them.
func run(t testing.TB, cmd tea.Cmd) []tea.Msg {
	t.Helper()
	if cmd == nil {
		return nil
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("a command did not return within 10s")
	}
	switch m := msg.(type) {
	case nil:
		return nil
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range m {
			out = append(out, run(t, c)...)
		}
		return out
	case tui.DoneMsg:
		if m.Msg == nil {
			return nil
		}
		return run(t, func() tea.Msg { return m.Msg })
	}
	return []tea.Msg{msg}
}

// settle feeds s the answers of cmd, and of the commands those answers
// return, until nothing is left; everything else (navigation, toasts) is
// returned for the test to look at.
func settle(t testing.TB, s tui.Screen, cmd tea.Cmd) []tea.Msg {
	t.Helper()
	var other []tea.Msg
	queue := run(t, cmd)
	for len(queue) > 0 {
		msg := queue[0]
		queue = queue[1:]
		if !ownMsg(msg) {
			other = append(other, msg)
			continue
		}
		_, next := s.Update(msg)
		queue = append(queue, run(t, next)...)
	}
	return other
}

// ownMsg reports whether msg is one of this package's answers, which
// settle hands back to the screen.
func ownMsg(msg tea.Msg) bool {
	switch msg.(type) {
	case searchDoneMsg, searchPaceMsg, customerLoadedMsg, loyaltyLoadedMsg, ledgerLoadedMsg,
		ordersLoadedMsg, notesLoadedMsg, activityLoadedMsg, orderLoadedMsg,
		bulkPlannedMsg, bulkProgressMsg, bulkAppliedMsg, mergePreviewMsg, mergeAppliedMsg:
		return true
	}
	return false
}

// press sends one key to s and settles what it starts.
func press(t testing.TB, s tui.Screen, keys ...string) []tea.Msg {
	t.Helper()
	var out []tea.Msg
	for _, k := range keys {
		_, cmd := s.Update(key(k))
		out = append(out, settle(t, s, cmd)...)
	}
	return out
}

// typeText types text into s one key at a time and settles.
func typeText(t testing.TB, s tui.Screen, text string) {
	t.Helper()
	for _, r := range text {
		press(t, s, string(r))
	}
}

func findMsg[T any](msgs []tea.Msg) (T, bool) {
	for _, m := range msgs {
		if v, ok := m.(T); ok {
			return v, true
		}
	}
	var zero T
	return zero, false
}

func toasts(msgs []tea.Msg) []string {
	var out []string
	for _, m := range msgs {
		if t, ok := m.(tui.ToastMsg); ok {
			out = append(out, t.Text)
		}
	}
	return out
}

// customerRow is one seeded customer read straight from the database.
type customerRow struct {
	id    api.ID
	email string
}

// pickCustomer returns a seeded (not hostile) customer with orders and a
// fragment of their email that no other customer's email, name or phone
// contains, so a search for it finds exactly them.
func pickCustomer(t testing.TB, db *sql.DB) (customerRow, string) {
	t.Helper()
	rows, err := db.Query(`SELECT id, email, first_name || ' ' || last_name, phone, total_orders FROM customers ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type row struct {
		id                 int64
		email, name, phone string
		orders             int
	}
	var all []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.email, &r.name, &r.phone, &r.orders); err != nil {
			t.Fatal(err)
		}
		all = append(all, r)
	}
	for _, r := range all {
		if strings.HasPrefix(r.email, "hostile-") || r.orders < 2 {
			continue
		}
		local, _, _ := strings.Cut(r.email, "@")
		frag := local + "@"
		if len(frag) < 6 {
			continue
		}
		unique := true
		for _, o := range all {
			if o.id != r.id && (strings.Contains(strings.ToLower(o.email), strings.ToLower(frag)) ||
				strings.Contains(strings.ToLower(o.name), strings.ToLower(frag)) || strings.Contains(o.phone, frag)) {
				unique = false
				break
			}
		}
		if unique {
			return customerRow{id: api.IDFromInt(r.id), email: r.email}, frag
		}
	}
	t.Fatal("no seeded customer with a unique email fragment")
	return customerRow{}, ""
}

// The profile's tabs, for tests that look inside them; nil when the
// platform lacks the tab.
func ordersOf(p *Profile) *ordersTab     { return findTab[*ordersTab](p) }
func loyaltyOf(p *Profile) *loyaltyTab   { return findTab[*loyaltyTab](p) }
func notesOf(p *Profile) *notesTab       { return findTab[*notesTab](p) }
func activityOf(p *Profile) *activityTab { return findTab[*activityTab](p) }

// fakeProfile is the settled profile of customer id on platform pf, for
// an agent, w×h cells.
func fakeProfile(t testing.TB, pf client.Platform, id api.ID, w, h int) *Profile {
	t.Helper()
	p := newProfile(testCommon(api.RoleAgent, w, h), testEnv(pf), id)
	p.SetSize(w, h)
	settle(t, p, p.Init())
	return p
}
