package screens

import (
	"strings"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/client/frontdesk"
	"frontdesk/sandbox/sandboxtest"
	"frontdesk/screens/forms"
)

// newRetryingClient is a client that retries like the console's: a 429
// would be waited out inside the call unless the screen asks otherwise.
func newRetryingClient(t *testing.T, env *sandboxtest.Env, role, baseURL string) *frontdesk.Client {
	t.Helper()
	k := env.Keys[role]
	cl, err := frontdesk.New(frontdesk.Config{BaseURL: baseURL, KeyID: k.KeyID, Secret: k.Secret, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

func TestProfileRateLimitedCountsDownAndRetries(t *testing.T) {
	env := newSandbox(t, 20)
	sw := sandboxtest.NewProxy(t, env.URL)
	cust, _ := pickCustomer(t, env.DB)
	for _, size := range [][2]int{{80, 24}, {160, 45}} {
		w, h := size[0], size[1]
		c := testCommon(api.RoleAgent, w, h)
		p := newProfile(c, testEnv(newRetryingClient(t, env, api.RoleAgent, sw.URL)), cust.id)
		p.SetSize(w, h)
		settle(t, p, p.Init())
		ordersOf(p).l.tickEvery = time.Millisecond

		sw.RateLimit(2)
		limited := sw.Limited()
		start := time.Now()
		msgs := press(t, p, "2")
		if n := sw.Limited() - limited; n != 1 {
			t.Fatalf("the store answered 429 %d times for one load: the client waited it out instead of handing it back", n)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("the 429 took %s to reach the screen", d)
		}
		if ts := toasts(msgs); len(ts) != 0 {
			t.Errorf("a 429 the screen retries by itself toasted %q", ts)
		}
		v := p.View()
		checkView(t, v, w, h)
		if !strings.Contains(v, "rate limited by the store, retrying in 2 s") {
			t.Fatalf("%dx%d: the orders pane does not say it is rate limited:\n%s", w, h, v)
		}
		tick, ok := findMsg[loadTickMsg](msgs)
		if !ok {
			t.Fatalf("no countdown started: %v", msgs)
		}
		_, next := p.Update(tick)
		if v := p.View(); !strings.Contains(v, "retrying in 1 s") {
			t.Fatalf("the countdown did not count:\n%s", v)
		}
		sw.RateLimit(0)
		tick, ok = findMsg[loadTickMsg](run(t, next))
		if !ok {
			t.Fatal("the countdown stopped before the retry")
		}
		_, retry := p.Update(tick)
		settle(t, p, retry)
		if ordersOf(p).l.err != nil || len(ordersOf(p).pg.page.Items) == 0 {
			t.Fatalf("the orders were not loaded again at the end of the countdown: %v", ordersOf(p).l.err)
		}
		v = p.View()
		checkView(t, v, w, h)
		if strings.Contains(v, "rate limited") || !strings.Contains(v, "#"+ordersOf(p).pg.page.Items[0].Number) {
			t.Fatalf("after the retry:\n%s", v)
		}
	}
}

func TestProfileRateLimitCountdownStopsOnRefresh(t *testing.T) {
	env := newSandbox(t, 20)
	sw := sandboxtest.NewProxy(t, env.URL)
	cust, _ := pickCustomer(t, env.DB)
	p := newTestProfile(t, env, api.RoleAgent, sw.URL, cust.id, 100, 30)
	ordersOf(p).l.tickEvery = time.Millisecond
	sw.RateLimit(3)
	tick, ok := findMsg[loadTickMsg](press(t, p, "2"))
	if !ok {
		t.Fatal("no countdown started")
	}
	sw.RateLimit(0)
	press(t, p, "ctrl+r")
	if ordersOf(p).l.err != nil || ordersOf(p).l.waiting() {
		t.Fatalf("ctrl+r did not load the orders: %v", ordersOf(p).l.err)
	}
	seq := ordersOf(p).l.seq
	if _, cmd := p.Update(tick); cmd != nil || ordersOf(p).l.seq != seq {
		t.Fatal("a tick of the old countdown started another load")
	}
}

func TestOrderDetailRateLimited(t *testing.T) {
	env := newSandbox(t, 20)
	sw := sandboxtest.NewProxy(t, env.URL)
	cust, _ := pickCustomer(t, env.DB)
	orders := apiData[api.OrderList](t, env, "/customers/"+string(cust.id)+"/orders?limit=1")
	c := testCommon(api.RoleAgent, 80, 24)
	o := newOrderDetail(c, testEnv(newRetryingClient(t, env, api.RoleAgent, sw.URL)), cust.id, orders.Orders[0].ID)
	o.SetSize(80, 24)
	o.l.tickEvery = time.Millisecond
	sw.RateLimit(1)
	msgs := settle(t, o, o.Init())
	v := o.View()
	checkView(t, v, 80, 24)
	if !strings.Contains(v, "rate limited by the store, retrying in 1 s") {
		t.Fatalf("the order does not say it is rate limited:\n%s", v)
	}
	tick, ok := findMsg[loadTickMsg](msgs)
	if !ok {
		t.Fatal("no countdown started")
	}
	sw.RateLimit(0)
	_, cmd := o.Update(tick)
	settle(t, o, cmd)
	if !o.l.loaded || !strings.Contains(o.View(), "Order #"+orders.Orders[0].Number) {
		t.Fatalf("the order was not loaded at the end of the countdown: %v\n%s", o.l.err, o.View())
	}
}

// A pane that failed while the store was down loads again by itself:
// when its tab gets focus, or when anything else on the profile works.
func TestProfileReloadsFailedPanes(t *testing.T) {
	env := newSandbox(t, 20)
	sw := sandboxtest.NewProxy(t, env.URL)
	cust, _ := pickCustomer(t, env.DB)
	p := newTestProfile(t, env, api.RoleAgent, sw.URL, cust.id, 100, 30)
	press(t, p, "2")
	sw.Down(true)
	press(t, p, "ctrl+r") // the orders were loaded once; this refresh fails
	press(t, p, "4")      // the notes never loaded
	if ordersOf(p).l.err == nil || notesOf(p).l.err == nil {
		t.Fatal("the loads did not fail with the store down")
	}
	press(t, p, "1")
	sw.Down(false)

	press(t, p, "2")
	if v := p.View(); ordersOf(p).l.err != nil || strings.Contains(v, "Could not load") {
		t.Fatalf("the orders tab kept its error when it got focus again:\n%s", v)
	}
	if notesOf(p).l.err != nil {
		t.Fatalf("the notes kept their error after the orders loaded: %v", notesOf(p).l.err)
	}

	sw.Down(true)
	press(t, p, "3")
	if loyaltyOf(p).l.err == nil {
		t.Fatal("the ledger did not fail with the store down")
	}
	press(t, p, "1")
	sw.Down(false)
	_, cmd := p.Update(forms.NoteAddedMsg{Note: api.Note{CustomerID: cust.id}})
	settle(t, p, cmd)
	if loyaltyOf(p).l.err != nil || loyaltyOf(p).balL.err != nil {
		t.Fatalf("a save that worked did not reload the failed panes: %v, %v", loyaltyOf(p).l.err, loyaltyOf(p).balL.err)
	}
}

func TestProfileMissingCustomer(t *testing.T) {
	env := newSandbox(t, 20)
	for _, size := range [][2]int{{80, 24}, {160, 45}} {
		w, h := size[0], size[1]
		c := testCommon(api.RoleAgent, w, h)
		p := newProfile(c, testEnv(newClient(t, env, api.RoleAgent, env.URL)), "99999")
		p.SetSize(w, h)
		if ts := toasts(settle(t, p, p.Init())); len(ts) != 1 || ts[0] != "no customer 99999" {
			t.Errorf("opening a customer that does not exist said %q", ts)
		}
		for _, tb := range []string{"1", "2", "3", "4", "5"} {
			if msgs := press(t, p, tb); len(msgs) != 0 {
				t.Errorf("tab %s of a missing customer did %v", tb, msgs)
			}
			v := p.View()
			checkView(t, v, w, h)
			if !strings.Contains(v, "No customer 99999") || strings.Contains(v, "ctrl+r") || strings.Contains(v, "could not") {
				t.Fatalf("%dx%d tab %s of a missing customer:\n%s", w, h, tb, v)
			}
		}
		if ordersOf(p).l.seq != 0 || notesOf(p).l.seq != 0 || activityOf(p).l.seq != 0 {
			t.Error("the tabs of a missing customer asked the store for their data")
		}
		if p.Title() != "No customer 99999" {
			t.Errorf("title %q", p.Title())
		}
		for _, k := range []string{"e", "a", "N", "o"} {
			if got := helpReason(p, k); got != "no such customer" {
				t.Errorf("%s on a missing customer: reason %q", k, got)
			}
			if msgs := press(t, p, k); len(msgs) != 0 {
				t.Errorf("%s on a missing customer did %v", k, msgs)
			}
		}
	}
}
