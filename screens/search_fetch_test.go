package screens

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/sandbox/sandboxtest"
	"frontdesk/tui"
)

// deliver hands msg to s (even one settle leaves to the test, such as a
// timer's) and settles what it starts.
func deliver(t testing.TB, s tui.Screen, msg tea.Msg) []tea.Msg {
	t.Helper()
	_, cmd := s.Update(msg)
	return settle(t, s, cmd)
}

// sent runs cmd and returns the searches it sends, following a pause a
// slow store's pacing puts before them (searchPaceMsg).
func sent(t testing.TB, s *Search, cmd tea.Cmd) []searchDoneMsg {
	t.Helper()
	var out []searchDoneMsg
	for _, m := range run(t, cmd) {
		switch m := m.(type) {
		case searchDoneMsg:
			out = append(out, m)
		case searchPaceMsg:
			_, next := s.Update(m)
			out = append(out, sent(t, s, next)...)
		}
	}
	return out
}

// searches returns the search answers among msgs.
func searches(msgs []tea.Msg) []searchDoneMsg {
	var out []searchDoneMsg
	for _, m := range msgs {
		if d, ok := m.(searchDoneMsg); ok {
			out = append(out, d)
		}
	}
	return out
}

// The first key searches at once; keys typed while it is in flight send
// nothing, and its answer sends the newest text. Enter on the final list
// opens the match.
func TestSearchSendsAtOnceAndCoalesces(t *testing.T) {
	s, env := newTestSearch(t, api.RoleAgent, 60)
	want, frag := pickCustomer(t, env.DB)
	if !s.CapturesKeys() {
		t.Fatal("the search box should have the keys at start")
	}
	_, cmd := s.Update(key(string(frag[0])))
	first := searches(run(t, cmd))
	if len(first) != 1 || first[0].key.query != frag[:1] {
		t.Fatalf("the first key sent %v, want one search for %q", first, frag[:1])
	}
	for _, r := range frag[1:] {
		_, cmd := s.Update(key(string(r)))
		if got := searches(run(t, cmd)); len(got) != 0 {
			t.Fatalf("a key typed while a search was in flight sent %d more", len(got))
		}
	}
	if v := s.View(); !strings.Contains(v, "searching") {
		t.Fatalf("the status line does not say a search is under way:\n%s", v)
	}
	// The first answer is shown (for the first letter), and asks for the
	// whole fragment: one more request.
	_, cmd = s.Update(first[0])
	next := sent(t, s, cmd)
	if len(next) != 1 || next[0].key.query != frag {
		t.Fatalf("the first answer sent %v, want one search for %q", next, frag)
	}
	if s.shown.query != frag[:1] || !s.stale() {
		t.Fatalf("showing %q (stale %v) between answers, want the first letter's list, stale", s.shown.query, s.stale())
	}
	if v := s.View(); !strings.Contains(v, "searching "+strconv.Quote(frag)+"…") {
		t.Fatalf("the status line does not say which text is coming:\n%s", v)
	}
	settle(t, s, func() tea.Msg { return next[0] })
	if s.shown.query != frag || s.list.Total != 1 || s.stale() {
		t.Fatalf("shown %q with %d results (stale %v), want %q with 1", s.shown.query, s.list.Total, s.stale(), frag)
	}
	if v := s.View(); !strings.Contains(v, want.email) || !strings.Contains(v, "1 customer") || strings.Contains(v, "searching") {
		t.Fatalf("view does not show %s, done:\n%s", want.email, v)
	}
	msgs := press(t, s, "enter")
	open, ok := findMsg[tui.OpenCustomerMsg](msgs)
	if !ok || open.ID != want.id {
		t.Fatalf("enter gave %v, want OpenCustomerMsg{%s}", msgs, want.id)
	}
	if s.CapturesKeys() {
		t.Error("after opening, the search should be in the results (q quits there)")
	}
}

// A late answer is dropped: only the request in flight is answered, and
// a closed screen takes nothing.
func TestSearchIgnoresALateAnswer(t *testing.T) {
	s, _ := newTestSearch(t, api.RoleAgent, 20)
	older := client.Page[api.Customer]{Items: []api.Customer{{ID: "1", Email: "jan@old.test"}}, Total: 1, Number: 1, Limit: 50}
	newer := client.Page[api.Customer]{Items: []api.Customer{{ID: "2", Email: "jane@new.test"}}, Total: 1, Number: 1, Limit: 50}

	s.input.SetValue("jane")
	s.sync()
	seqJane := s.seq
	// An answer with an older number (a request that was cancelled) is
	// not the one in flight.
	s.Update(searchDoneMsg{s: s, seq: seqJane - 1, key: searchKey{query: "jan", sort: api.SortNewest, page: 1}, list: older})
	if s.shown.query == "jan" || !s.flying {
		t.Fatalf("a stale answer was taken: showing %q, flying %v", s.shown.query, s.flying)
	}
	s.Update(searchDoneMsg{s: s, seq: seqJane, key: searchKey{query: "jane", sort: api.SortNewest, page: 1}, list: newer})
	if s.shown.query != "jane" || s.list.Items[0].Email != "jane@new.test" {
		t.Fatalf("showing %q %v, want jane's", s.shown.query, s.list.Items)
	}
	// The same answer delivered twice is not taken twice.
	s.Update(searchDoneMsg{s: s, seq: seqJane, key: searchKey{query: "jan", sort: api.SortNewest, page: 1}, list: older})
	if v := s.View(); strings.Contains(v, "jan@old.test") {
		t.Fatalf("a repeated answer reached the view:\n%s", v)
	}
	// An answer meant for another search screen is not this one's.
	other := newSearch(s.c, s.env, "")
	s.Update(searchDoneMsg{s: other, seq: s.seq, key: searchKey{query: "x"}, list: older})
	if s.shown.query == "x" {
		t.Fatal("took an answer addressed to another screen")
	}
	// Close cancels the request in flight; its answer is dropped.
	s.input.SetValue("j")
	cmd := s.sync()
	s.Close()
	for _, msg := range run(t, cmd) {
		d := msg.(searchDoneMsg)
		if d.err == nil || !errors.Is(d.err, context.Canceled) {
			t.Errorf("a closed screen's request ended with %v, want context.Canceled", d.err)
		}
		s.Update(msg)
	}
	if s.err != nil || s.shown.query != "jane" {
		t.Fatalf("a cancelled request reached the screen: err %v, showing %q", s.err, s.shown.query)
	}
}

func TestSearchEmptyErrorAndRetry(t *testing.T) {
	env := newSandbox(t, 20)
	sw := sandboxtest.NewProxy(t, env.URL)
	c := testCommon(api.RoleAgent, 100, 20)
	s := newSearch(c, testEnv(newClient(t, env, api.RoleAgent, sw.URL)), "")
	s.SetSize(100, 20)
	settle(t, s, s.Init())

	typeText(t, s, "zzqqxx")
	v := s.View()
	if !strings.Contains(v, `No customers match "zzqqxx".`) {
		t.Fatalf("no empty state:\n%s", v)
	}
	checkView(t, v, 100, 20)

	sw.Down(true)
	msgs := press(t, s, "backspace")
	v = s.View()
	if !strings.Contains(v, "Could not load customers.") || !strings.Contains(v, "cannot reach the store") ||
		!strings.Contains(v, "Retrying by itself in 2 s; ctrl+r retries now.") {
		t.Fatalf("no error state:\n%s", v)
	}
	checkView(t, v, 100, 20)
	tick, ok := findMsg[searchRetryMsg](msgs)
	if !ok {
		t.Fatalf("a dead store scheduled no retry: %v", msgs)
	}

	// The store comes back: the countdown retries by itself, no ctrl+r.
	sw.Down(false)
	msgs = deliver(t, s, tick)
	if !strings.Contains(s.View(), "Retrying by itself in 1 s") {
		t.Fatalf("the countdown did not count:\n%s", s.View())
	}
	tick, _ = findMsg[searchRetryMsg](msgs)
	deliver(t, s, tick)
	if s.err != nil || s.shown.query != "zzqqx" {
		t.Fatalf("the retry did not recover: err %v, query %q", s.err, s.shown.query)
	}

	// Down again; ctrl+r retries at once, and a tick of the cut-short
	// wait does nothing.
	sw.Down(true)
	msgs = press(t, s, "ctrl+r")
	tick, _ = findMsg[searchRetryMsg](msgs)
	if s.err == nil {
		t.Fatal("a dead store on ctrl+r showed no error")
	}
	sw.Down(false)
	press(t, s, "ctrl+r")
	if s.err != nil || s.waiting != 0 {
		t.Fatalf("ctrl+r did not recover: err %v, waiting %d", s.err, s.waiting)
	}
	if _, cmd := s.Update(tick); cmd != nil {
		t.Fatal("the tick of a wait that ctrl+r cut short still acted")
	}

	// An error still on screen when the agent comes back to the search
	// (a profile above it was popped) is reloaded.
	sw.Down(true)
	press(t, s, "ctrl+r")
	sw.Down(false)
	settle(t, s, s.Refocus())
	if s.err != nil {
		t.Fatalf("coming back to the search did not reload the error: %v", s.err)
	}
}

// A 429 says so, counts down the store's Retry-After, and searches again
// by itself; the list on screen stays.
func TestSearchRateLimited(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 20, Now: func() time.Time { return testNow }, RateLimit: 0.5, RateBurst: 2})
	c := testCommon(api.RoleAgent, 100, 20)
	s := newSearch(c, testEnv(newClient(t, env, api.RoleAgent, env.URL)), "")
	s.SetSize(100, 20)
	settle(t, s, s.Init())
	if !s.hasList {
		t.Fatalf("no first list: %v", s.err)
	}
	var msgs []tea.Msg
	for _, r := range "hostile" {
		msgs = append(msgs, press(t, s, string(r))...)
		if s.waiting > 0 {
			break
		}
	}
	tick, ok := findMsg[searchRetryMsg](msgs)
	if !ok || !s.limited {
		t.Fatalf("no 429 after a burst of searches (waiting %d, err %v)", s.waiting, s.err)
	}
	v := s.View()
	if !strings.Contains(v, "rate limited by the store, retrying in "+strconv.Itoa(s.waiting)+" s") || s.err != nil || !s.showsTable() {
		t.Fatalf("a 429 should keep the list and say it waits:\n%s", v)
	}
	// Keys typed during the wait send nothing; the countdown's end sends
	// the newest text.
	_, cmd := s.Update(key("-"))
	if got := searches(run(t, cmd)); len(got) != 0 {
		t.Fatalf("a key during the wait sent %d searches", len(got))
	}
	for s.waiting > 0 {
		// The limiter refills at 0.5/s: wait for it as the console would.
		time.Sleep(time.Second) // the countdown's own second, not synchronisation
		msgs = deliver(t, s, tick)
		tick, _ = findMsg[searchRetryMsg](msgs)
	}
	if s.shown.query != s.Query() || s.stale() || s.limited {
		t.Fatalf("after the wait showing %q (stale %v, limited %v), want %q", s.shown.query, s.stale(), s.limited, s.Query())
	}
}

// A search that holds back newer text for longer than slowSearch is
// cancelled and the newest text asked instead; one that answers in time
// is waited for, and its watch does nothing.
func TestSearchGivesUpOnASlowAnswer(t *testing.T) {
	s, _ := newTestSearch(t, api.RoleAgent, 30)
	_, first := s.Update(key("h"))
	_, watch := s.Update(key("o"))
	if watch == nil {
		t.Fatal("newer text behind a search in flight scheduled no watch")
	}
	if _, again := s.Update(key("s")); again != nil {
		if got := searches(run(t, again)); len(got) != 0 {
			t.Fatal("a third key sent a search while one was in flight")
		}
	}
	msgs := run(t, watch) // the watch's timer: slowSearch after the send
	slow, ok := findMsg[searchSlowMsg](msgs)
	if !ok {
		t.Fatalf("the watch gave %v", msgs)
	}
	_, resend := s.Update(slow)
	newer := searches(run(t, resend))
	if len(newer) != 1 || newer[0].key.query != "hos" {
		t.Fatalf("a slow search was not replaced by the newest text: %v", newer)
	}
	// The slow one was cancelled, and its answer is dropped.
	for _, m := range run(t, first) {
		d := m.(searchDoneMsg)
		if !errors.Is(d.err, context.Canceled) {
			t.Errorf("the slow search ended with %v, want context.Canceled", d.err)
		}
		s.Update(m)
	}
	settle(t, s, func() tea.Msg { return newer[0] })
	if s.shown.query != "hos" || s.stale() {
		t.Fatalf("showing %q (stale %v), want hos", s.shown.query, s.stale())
	}

	// An answer in time: the watch finds the screen moved on and does
	// nothing.
	_, cmd := s.Update(key("t"))
	pending := sent(t, s, cmd)
	_, watch = s.Update(key("i"))
	settle(t, s, func() tea.Msg { return pending[0] })
	slow, _ = findMsg[searchSlowMsg](run(t, watch))
	if _, cmd := s.Update(slow); cmd != nil {
		if got := searches(run(t, cmd)); len(got) != 0 {
			t.Fatalf("an outdated watch sent %v", got)
		}
	}
}

// Against a slow store the search waits twice the store's last answer
// time between requests while the agent types, so a word is a few
// requests, not one per key; a fast store is asked at once.
func TestSearchPacesASlowStore(t *testing.T) {
	env := newSandbox(t, 30)
	sw := sandboxtest.NewProxy(t, env.URL)
	c := testCommon(api.RoleAgent, 100, 20)
	e := testEnv(newClient(t, env, api.RoleAgent, sw.URL))
	// No pacing while the first search settles; then pacing starts above
	// what this sandbox took (a few ms, but far more on a loaded machine
	// under -race) and below the slow store's delay.
	e.paceFrom, e.paceMax = 5*time.Second, 5*time.Second
	s := newSearch(c, e, "")
	s.SetSize(100, 20)
	settle(t, s, s.Init())
	e.paceFrom = max(150*time.Millisecond, 4*s.rtt)
	if s.paceGap() != 0 {
		t.Fatalf("a fast store (answered in %s) is paced by %s", s.rtt, s.paceGap())
	}

	delay := e.paceFrom + 50*time.Millisecond
	sw.SetDelay(func() time.Duration { return delay })
	_, cmd := s.Update(key("h"))
	first := searches(run(t, cmd))
	if len(first) != 1 || first[0].took < delay {
		t.Fatalf("the first key's search: %v", first)
	}
	s.Update(key("o"))
	_, cmd = s.Update(first[0])
	msgs := run(t, cmd)
	if got := searches(msgs); len(got) != 0 {
		t.Fatalf("the answer of a %s store sent the next search at once: %v", delay, got)
	}
	pause, ok := findMsg[searchPaceMsg](msgs)
	if !ok || s.paceGap() < min(2*delay, e.paceMax) {
		t.Fatalf("no pause after a slow answer (gap %s): %v", s.paceGap(), msgs)
	}
	if v := s.View(); !strings.Contains(v, `searching "ho"…`) {
		t.Fatalf("the status line does not say a search is coming:\n%s", v)
	}
	_, cmd = s.Update(pause)
	next := searches(run(t, cmd))
	if len(next) != 1 || next[0].key.query != "ho" {
		t.Fatalf("the pause's end sent %v, want the newest text", next)
	}
	// A closed screen's pause sends nothing.
	s.Update(next[0])
	_, cmd = s.Update(key("s"))
	pause, ok = findMsg[searchPaceMsg](run(t, cmd))
	if !ok {
		t.Fatal("a key right after a slow answer was not paced")
	}
	s.Close()
	if _, cmd := s.Update(pause); cmd != nil {
		t.Fatal("a closed screen's pause sent a search")
	}
}
