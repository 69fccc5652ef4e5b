package frontdesk_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/client/frontdesk"
	"frontdesk/sandbox/sandboxtest"
)

const millis = time.Millisecond

func TestEveryMethodAgainstSandbox(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 50})
	ctx := t.Context()
	sup := newClient(t, env, env.URL, "supervisor")
	agent := newClient(t, env, env.URL+"/api/v1/", "agent")
	if got, want := agent.BaseURL(), env.URL+"/api/v1"; got != want {
		t.Fatalf("BaseURL = %q, want %q", got, want)
	}

	me, err := agent.Me(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if me.AgentID != env.Agents["agent"] || me.Role != api.RoleAgent || me.KeyID != env.Keys["agent"].KeyID || me.Gateway {
		t.Fatalf("me = %+v", me)
	}

	// Search by a part of a seeded customer's email.
	id := activeCustomer(t, env, 3)
	var email string
	if err := env.DB.QueryRow(`SELECT email FROM customers WHERE id = ?`, string(id)).Scan(&email); err != nil {
		t.Fatal(err)
	}
	part := strings.SplitN(email, "@", 2)[0]
	list, err := agent.SearchCustomers(ctx, client.SearchParams{Query: part, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range list.Items {
		found = found || c.ID == id
	}
	if !found || list.Total < 1 {
		t.Fatalf("search %q: %d results, customer %s not among them", part, list.Total, id)
	}
	page2, err := agent.SearchCustomers(ctx, client.SearchParams{Sort: api.SortName, Cursor: frontdesk.PageCursor(2), Limit: 5})
	if err != nil || page2.Number != 2 || page2.Limit != 5 || len(page2.Items) != 5 || page2.Next == "" || page2.Prev != "page:1" {
		t.Fatalf("page 2 = %+v, %v", page2, err)
	}
	// Next is the server's cursor: it leads to what numbered page 3 holds.
	page3, err := agent.SearchCustomers(ctx, client.SearchParams{Sort: api.SortName, Cursor: page2.Next, Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	numbered3, err := agent.SearchCustomers(ctx, client.SearchParams{Sort: api.SortName, Cursor: frontdesk.PageCursor(3), Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if page3.Number != 3 || page3.Prev != "page:2" || !slices.Equal(ids(page3.Items), ids(numbered3.Items)) || len(page3.Items) != 5 {
		t.Fatalf("after page 2's next: page %d prev %q %v; numbered page 3 %v", page3.Number, page3.Prev, ids(page3.Items), ids(numbered3.Items))
	}

	c, err := agent.GetCustomer(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if c.ID != id || c.Email != email || c.Version < 1 || c.StoreMetrics == nil {
		t.Fatalf("customer = %+v", c)
	}

	// PATCH with If-Match, then the same version again → 412 with the
	// current version.
	phone := "+254700000123"
	patched, err := agent.PatchCustomer(ctx, id, client.CustomerVersion(c), api.CustomerPatch{Phone: &phone})
	if err != nil {
		t.Fatal(err)
	}
	if patched.Phone != phone || patched.Version != c.Version+1 {
		t.Fatalf("patched = phone %q version %d", patched.Phone, patched.Version)
	}
	_, err = agent.PatchCustomer(ctx, id, client.CustomerVersion(c), api.CustomerPatch{Phone: &phone})
	var ae *client.APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusPreconditionFailed || ae.CurrentVersion != client.CustomerVersion(patched) || !client.IsConflict(err) {
		t.Fatalf("stale patch: %v (%+v)", err, ae)
	}

	created, err := sup.CreateCustomer(ctx, api.CustomerCreate{Email: "new.customer@frontdesk.test", FirstName: "Neema", LastName: "Mutua", Phone: "+254711000222"})
	if err != nil {
		t.Fatal(err)
	}
	if created.ID == "" || created.Email != "new.customer@frontdesk.test" {
		t.Fatalf("created = %+v", created)
	}
	_, err = sup.CreateCustomer(ctx, api.CustomerCreate{Email: "NEW.customer@frontdesk.test", FirstName: "X", LastName: "Y"})
	if !client.IsCode(err, api.CodeDuplicateEmail) || !client.IsConflict(err) {
		t.Fatalf("duplicate email: %v", err)
	}

	// Orders: a customer with some.
	var withOrdersN int64
	if err := env.DB.QueryRow(`SELECT customer_id FROM orders GROUP BY customer_id HAVING COUNT(*) > 2 LIMIT 1`).Scan(&withOrdersN); err != nil {
		t.Fatal(err)
	}
	withOrders := api.IDFromInt(withOrdersN)
	orders, err := agent.ListOrders(ctx, withOrders, client.OrderParams{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(orders.Items) != 2 || orders.Total < 3 || orders.Items[0].CreatedAt.Before(orders.Items[1].CreatedAt) {
		t.Fatalf("orders = %+v", orders)
	}
	ranged, err := agent.ListOrders(ctx, withOrders, client.OrderParams{Until: orders.Items[0].CreatedAt, From: time.Unix(0, 0)})
	if err != nil || ranged.Total != orders.Total-countAt(orders.Items, orders.Items[0].CreatedAt) {
		t.Fatalf("until filter: total %d of %d (%v)", ranged.Total, orders.Total, err)
	}
	// Half a millisecond after the newest order: the bound is sent whole
	// (the store rounds it up to the next millisecond), not cut to the
	// second, which would bring the newest order back in.
	later, err := agent.ListOrders(ctx, withOrders, client.OrderParams{From: orders.Items[0].CreatedAt.Add(500 * time.Microsecond)})
	if err != nil || later.Total != 0 {
		t.Fatalf("from just after the newest order: total %d (%v), want 0", later.Total, err)
	}
	o, err := agent.GetOrder(ctx, withOrders, orders.Items[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if o.ID != orders.Items[0].ID || len(o.Items) == 0 {
		t.Fatalf("order = %+v", o)
	}
	if _, err := agent.ListOrders(ctx, withOrders, client.OrderParams{Status: api.OrderDelivered}); err != nil {
		t.Fatal(err)
	}

	// Loyalty: adjust, replay, read back.
	before, err := agent.GetLoyalty(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	key := client.NewIdempotencyKey()
	req := api.AdjustmentRequest{Points: 40, Reason: api.ReasonGoodwill, Note: "late delivery"}
	res, replayed, err := agent.AdjustLoyalty(ctx, id, req, key)
	if err != nil || replayed {
		t.Fatalf("adjust: %v replayed=%v", err, replayed)
	}
	if res.PointsBalance != before.PointsBalance+40 || res.Entry.Points != 40 || res.Entry.Reason != api.ReasonGoodwill {
		t.Fatalf("adjust = %+v (balance before %d)", res, before.PointsBalance)
	}
	again, replayed, err := agent.AdjustLoyalty(ctx, id, req, key)
	if err != nil || !replayed || again.Entry.ID != res.Entry.ID || again.PointsBalance != res.PointsBalance {
		t.Fatalf("replay: %+v replayed=%v err=%v", again, replayed, err)
	}
	_, _, err = agent.AdjustLoyalty(ctx, id, api.AdjustmentRequest{Points: 41, Reason: api.ReasonGoodwill, Note: "late delivery"}, key)
	if !client.IsCode(err, api.CodeIdempotencyReused) || !client.IsConflict(err) {
		t.Fatalf("key reused with another body: %v", err)
	}
	after, err := agent.GetLoyalty(ctx, id)
	if err != nil || after.PointsBalance != before.PointsBalance+40 {
		t.Fatalf("loyalty after = %+v, %v", after, err)
	}
	ledger, err := agent.ListLedger(ctx, id, client.PageParams{Limit: 5})
	if err != nil || len(ledger.Items) == 0 || ledger.Items[0].ID != res.Entry.ID {
		t.Fatalf("ledger = %+v, %v", ledger, err)
	}

	note, err := agent.AddNote(ctx, id, "called about the late delivery")
	if err != nil || note.ID == "" || note.Body != "called about the late delivery" || note.AgentID != env.Agents["agent"] {
		t.Fatalf("note = %+v, %v", note, err)
	}
	notes, err := agent.ListNotes(ctx, id, client.PageParams{Limit: 10})
	if err != nil || len(notes.Items) == 0 || notes.Items[0].ID != note.ID {
		t.Fatalf("notes = %+v, %v", notes, err)
	}
}

func countAt(os []api.Order, at time.Time) int {
	n := 0
	for _, o := range os {
		if !o.CreatedAt.Before(at) {
			n++
		}
	}
	return n
}

func TestAPIErrorsAgainstSandbox(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 20})
	ctx := t.Context()
	agent := newClient(t, env, env.URL, "agent")
	viewer := newClient(t, env, env.URL, "viewer")
	id := activeCustomer(t, env, 0)

	_, err := agent.GetCustomer(ctx, "999999")
	var ae *client.APIError
	if !client.IsNotFound(err) || !errors.As(err, &ae) || ae.RequestID == "" || !strings.Contains(ae.Error(), "404 not_found, request ") {
		t.Fatalf("404: %v", err)
	}

	bad := newClient(t, env, env.URL, "agent", func(c *frontdesk.Config) { c.Secret = "cs_wrong" })
	if _, err := bad.Me(ctx); !client.IsPermission(err) || !client.IsCode(err, api.CodeUnauthorized) {
		t.Fatalf("401: %v", err)
	}

	req := api.AdjustmentRequest{Points: 10, Reason: api.ReasonGoodwill, Note: "viewer tries"}
	if _, _, err := viewer.AdjustLoyalty(ctx, id, req, ""); !client.IsPermission(err) || !client.IsCode(err, api.CodeForbidden) {
		t.Fatalf("viewer adjust: %v", err)
	}
	req.Points = sandboxtest.LoyaltyLimit + 1
	if _, _, err := agent.AdjustLoyalty(ctx, id, req, ""); !client.IsCode(err, api.CodeOverLimit) || !client.IsPermission(err) {
		t.Fatalf("over limit: %v", err)
	}
	l, err := agent.GetLoyalty(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	req.Points = -(l.PointsBalance + 1)
	if -req.Points > sandboxtest.LoyaltyLimit {
		t.Skipf("balance %d over the agent's limit; pick another customer", l.PointsBalance)
	}
	if _, _, err := agent.AdjustLoyalty(ctx, id, req, ""); !client.IsCode(err, api.CodeInsufficientPoints) || !client.IsConflict(err) {
		t.Fatalf("insufficient points: %v", err)
	}
	req = api.AdjustmentRequest{Points: 0, Reason: "because", Note: "x"}
	_, _, err = agent.AdjustLoyalty(ctx, id, req, "")
	if !errors.As(err, &ae) || ae.Status != 400 || ae.Code != api.CodeValidation || len(ae.Fields) < 3 {
		t.Fatalf("validation: %v", err)
	}

	gw := newClient(t, env, env.URL, "gateway", func(c *frontdesk.Config) { c.Agent = env.Agents["agent"]; c.Via = frontdesk.ViaSSH })
	me, err := gw.Me(ctx)
	if err != nil || me.AgentID != env.Agents["agent"] {
		t.Fatalf("gateway as agent: %+v, %v", me, err)
	}
	notGW := newClient(t, env, env.URL, "viewer", func(c *frontdesk.Config) { c.Agent = env.Agents["agent"] })
	if _, err := notGW.Me(ctx); !client.IsCode(err, api.CodeAgentHeaderForbidden) {
		t.Fatalf("agent header from a non-gateway key: %v", err)
	}
	if _, err := agent.GetCustomer(ctx, ""); err == nil {
		t.Fatal("empty id accepted")
	}
}

// TestDroppedAdjustmentIsAppliedOnce: the proxy lets the server apply the
// first adjustment and then cuts the connection; the client's retry with
// the same key gets the same entry back, and the ledger has one new row.
func TestDroppedAdjustmentIsAppliedOnce(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 20})
	id := activeCustomer(t, env, 1)
	path := "/customers/" + string(id) + "/loyalty/adjustments"
	p := newFaultProxy(t, env.URL, func(r *http.Request, n int) fault {
		if r.Method == http.MethodPost && n == 1 {
			return drop
		}
		return pass
	})
	c := newClient(t, env, p.URL, "supervisor")
	rows0, _, bal0 := ledgerRows(t, env, id)

	res, _, err := c.AdjustLoyalty(t.Context(), id, api.AdjustmentRequest{Points: 75, Reason: api.ReasonMissingEarn, Note: "order 1001 earned nothing"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if n := p.count(http.MethodPost, path); n < 2 {
		t.Fatalf("proxy saw %d POSTs, want the dropped one and a retry", n)
	}
	rows, sum, bal := ledgerRows(t, env, id)
	if rows != rows0+1 || bal != bal0+75 || bal != sum || res.PointsBalance != bal {
		t.Fatalf("rows %d→%d, balance %d→%d (sum %d), result %+v", rows0, rows, bal0, bal, sum, res)
	}
	var entryPoints int64
	if err := env.DB.QueryRow(`SELECT points FROM loyalty_ledger WHERE id = ?`, string(res.Entry.ID)).Scan(&entryPoints); err != nil || entryPoints != 75 {
		t.Fatalf("entry %s: points %d, %v", res.Entry.ID, entryPoints, err)
	}
}

func TestRetriesGETOn503ThenSucceeds(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 20})
	id := activeCustomer(t, env, 0)
	p := newFaultProxy(t, env.URL, func(r *http.Request, n int) fault {
		if n <= 2 {
			return fail503
		}
		return pass
	})
	c := newClient(t, env, p.URL, "viewer")
	if _, err := c.GetCustomer(t.Context(), id); err != nil {
		t.Fatal(err)
	}
	if n := p.count(http.MethodGet, "/customers/"+string(id)); n != 3 {
		t.Fatalf("attempts = %d, want 3", n)
	}

	// Always 503: MaxRetries+1 attempts, then the last answer as an
	// *APIError that says it was not the API speaking.
	p2 := newFaultProxy(t, env.URL, func(*http.Request, int) fault { return fail503 })
	c2 := newClient(t, env, p2.URL, "viewer", func(c *frontdesk.Config) { c.MaxRetries = 2 })
	_, err := c2.GetLoyalty(t.Context(), id)
	var ae *client.APIError
	if !errors.As(err, &ae) || ae.Status != 503 || ae.Code != client.CodeBadResponse || !strings.Contains(err.Error(), "text/html") {
		t.Fatalf("err = %v", err)
	}
	if n := p2.count(http.MethodGet, "/customers/"+string(id)+"/loyalty"); n != 3 {
		t.Fatalf("attempts = %d, want 3", n)
	}
}

func TestRetryAfterHonouredAndCapped(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 20})
	p := newFaultProxy(t, env.URL, func(r *http.Request, n int) fault {
		if n == 1 {
			return fail429
		}
		return pass
	})
	// Retry-After: 1 with a 5s cap → the retry waits about a second.
	c := newClient(t, env, p.URL, "viewer", func(c *frontdesk.Config) { c.RetryWaitMax = 5 * time.Second })
	start := time.Now()
	if _, err := c.Me(t.Context()); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < 950*millis || el > 8*time.Second {
		t.Fatalf("Retry-After 1: took %v, want about 1s", el)
	}
	if n := p.count(http.MethodGet, "/me"); n != 2 {
		t.Fatalf("attempts = %d, want 2", n)
	}

	// Retry-After: 3600 is capped at RetryWaitMax.
	p2 := newFaultProxy(t, env.URL, func(r *http.Request, n int) fault {
		if n == 1 {
			return fail429
		}
		return pass
	})
	p2.setRetryAfter("3600")
	c2 := newClient(t, env, p2.URL, "viewer", func(c *frontdesk.Config) { c.RetryWaitMax = 100 * millis })
	start = time.Now()
	if _, err := c2.Me(t.Context()); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el > 3*time.Second {
		t.Fatalf("Retry-After 3600 capped at 100ms: took %v", el)
	}

	// Retry-After beyond the caller's deadline: stop now with the 429
	// rather than sleep into "context deadline exceeded".
	p3 := newFaultProxy(t, env.URL, func(*http.Request, int) fault { return fail429 })
	p3.setRetryAfter("5")
	c3 := newClient(t, env, p3.URL, "viewer", func(c *frontdesk.Config) { c.RetryWaitMax = 10 * time.Second })
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
	defer cancel()
	_, err := c3.Me(ctx)
	var ae *client.APIError
	if !errors.As(err, &ae) || ae.Status != 429 || ae.RetryAfter != 5*time.Second || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the 429 itself", err)
	}
	if ctx.Err() != nil {
		t.Fatal("the call ran into the deadline instead of stopping at once")
	}
	if n := p3.count(http.MethodGet, "/me"); n != 1 {
		t.Fatalf("attempts = %d, want 1", n)
	}
}

// A console call marked NoRateLimitWait gets the 429 back at once, with
// the store's Retry-After, so the screen can say why it waits.
func TestNoRateLimitWaitReturnsThe429(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 20})
	p := newFaultProxy(t, env.URL, func(*http.Request, int) fault { return fail429 })
	p.setRetryAfter("7")
	c := newClient(t, env, p.URL, "viewer", func(c *frontdesk.Config) { c.RetryWaitMax = 10 * time.Second })
	_, err := c.Me(client.NoRateLimitWait(t.Context()))
	wait, ok := client.RateLimited(err)
	if !ok || wait != 7*time.Second {
		t.Fatalf("RateLimited(%v) = %v, %v; want 7s, true", err, wait, ok)
	}
	if n := p.count(http.MethodGet, "/me"); n != 1 {
		t.Fatalf("attempts = %d, want 1", n)
	}
	if _, ok := client.RateLimited(errors.New("other")); ok {
		t.Fatal("RateLimited took an error that is not a 429")
	}
}

func TestNeverRetriesPatchOrKeylessPost(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 20})
	ctx := t.Context()
	id := activeCustomer(t, env, 0)
	var mode fault
	var mu sync.Mutex
	set := func(f fault) { mu.Lock(); mode = f; mu.Unlock() }
	p := newFaultProxy(t, env.URL, func(r *http.Request, n int) fault {
		if r.Method == http.MethodGet {
			return pass
		}
		mu.Lock()
		defer mu.Unlock()
		return mode
	})
	c := newClient(t, env, p.URL, "supervisor")
	cust, err := c.GetCustomer(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	name := "Renamed"
	custPath := "/customers/" + string(id)
	notesPath := custPath + "/notes"

	set(fail503)
	if _, err := c.PatchCustomer(ctx, id, client.CustomerVersion(cust), api.CustomerPatch{FirstName: &name}); err == nil {
		t.Fatal("PATCH through a 503 succeeded")
	}
	if n := p.count(http.MethodPatch, custPath); n != 1 {
		t.Fatalf("PATCH attempts after 503 = %d, want 1", n)
	}
	set(drop)
	if _, err := c.PatchCustomer(ctx, id, client.CustomerVersion(cust), api.CustomerPatch{FirstName: &name}); !client.IsTransport(err) {
		t.Fatalf("dropped PATCH: %v", err)
	}
	if n := p.count(http.MethodPatch, custPath); n != 2 {
		t.Fatalf("PATCH attempts after a drop = %d, want 2 (one per call)", n)
	}

	var notes0 int
	env.DB.QueryRow(`SELECT COUNT(*) FROM notes WHERE customer_id = ?`, string(id)).Scan(&notes0)
	set(fail503)
	if _, err := c.AddNote(ctx, id, "first try"); err == nil {
		t.Fatal("note through a 503 succeeded")
	}
	set(drop)
	_, err = c.AddNote(ctx, id, "second try")
	if !client.IsTransport(err) || !strings.Contains(err.Error(), "cannot reach the store") {
		t.Fatalf("dropped note: %v", err)
	}
	if n := p.count(http.MethodPost, notesPath); n != 2 {
		t.Fatalf("note POSTs = %d, want 2 (one per call)", n)
	}
	var notes1 int
	env.DB.QueryRow(`SELECT COUNT(*) FROM notes WHERE customer_id = ?`, string(id)).Scan(&notes1)
	if notes1 != notes0+1 {
		t.Fatalf("notes %d → %d: the dropped note must exist once", notes0, notes1)
	}
	set(fail503)
	if _, err := c.CreateCustomer(ctx, api.CustomerCreate{Email: "once@frontdesk.test", FirstName: "A", LastName: "B"}); err == nil {
		t.Fatal("create through a 503 succeeded")
	}
	if n := p.count(http.MethodPost, "/customers"); n != 1 {
		t.Fatalf("create attempts = %d, want 1", n)
	}
}

func TestHangingServerEndsAtDeadline(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 20})
	p := newFaultProxy(t, env.URL, func(*http.Request, int) fault { return hang })

	// The caller's deadline bounds the call.
	c := newClient(t, env, p.URL, "viewer")
	ctx, cancel := context.WithTimeout(t.Context(), 300*millis)
	defer cancel()
	start := time.Now()
	_, err := c.Me(ctx)
	if el := time.Since(start); el < 290*millis || el > 5*time.Second {
		t.Fatalf("call ended after %v, want about 300ms", el)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a deadline", err)
	}

	// With no deadline, the per-attempt Timeout does; a timed-out attempt
	// is not retried.
	c2 := newClient(t, env, p.URL, "viewer", func(c *frontdesk.Config) { c.Timeout = 300 * millis })
	start = time.Now()
	_, err = c2.Me(t.Context())
	if el := time.Since(start); el < 290*millis || el > 5*time.Second {
		t.Fatalf("call ended after %v, want about 300ms", el)
	}
	if !client.IsTransport(err) || !strings.Contains(err.Error(), "no answer in time") {
		t.Fatalf("err = %v", err)
	}
	if n := p.count(http.MethodGet, "/me"); n != 2 {
		t.Fatalf("requests = %d, want 2 (one per call)", n)
	}
}

// TestConcurrentAdjustments: 8 goroutines × 100 adjustments through the
// client and a proxy that drops some answers after applying them, with
// some keys sent twice on purpose. The balance equals the ledger's sum,
// every key is applied at most once, and every successful answer for a
// key names the same entry.
func TestConcurrentAdjustments(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 20, RateLimit: -1})
	id := activeCustomer(t, env, 0)
	p := newFaultProxy(t, env.URL, func(r *http.Request, n int) fault {
		if r.Method == http.MethodPost && rand.IntN(10) == 0 {
			return drop
		}
		return pass
	})
	c := newClient(t, env, p.URL, "supervisor", func(c *frontdesk.Config) {
		c.RetryWaitMin, c.RetryWaitMax, c.MaxRetries = millis, 5*millis, 6
	})
	rows0, _, bal0 := ledgerRows(t, env, id)

	const workers, each = 8, 100
	type outcome struct {
		key   string
		entry api.ID
		pts   int64
	}
	results := make(chan outcome, workers*each*2)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			var lastKey string
			var lastReq api.AdjustmentRequest
			for i := range each {
				key, req := client.NewIdempotencyKey(), api.AdjustmentRequest{
					Points: int64(1 + rand.IntN(50)), Reason: api.ReasonCorrection,
					Note: fmt.Sprintf("worker %d op %d", w, i),
				}
				if lastKey != "" && i%5 == 0 {
					key, req = lastKey, lastReq // a caller retrying an operation
				}
				res, _, err := c.AdjustLoyalty(context.Background(), id, req, key)
				if err != nil {
					if client.IsTransport(err) {
						continue // all retries dropped: unknown, checked below
					}
					t.Errorf("adjust: %v", err)
					continue
				}
				results <- outcome{key, res.Entry.ID, req.Points}
				lastKey, lastReq = key, req
			}
		})
	}
	wg.Wait()
	close(results)

	entryOf := map[string]api.ID{}
	for r := range results {
		if prev, ok := entryOf[r.key]; ok && prev != r.entry {
			t.Fatalf("key %s answered with entries %s and %s", r.key, prev, r.entry)
		}
		entryOf[r.key] = r.entry
	}
	rows, sum, bal := ledgerRows(t, env, id)
	if bal != sum {
		t.Fatalf("balance %d != ledger sum %d", bal, sum)
	}
	var keys int
	if err := env.DB.QueryRow(`SELECT COUNT(*) FROM idempotency_keys WHERE agent_id = ? AND state = 'done' AND status = 201`, env.Agents["supervisor"]).Scan(&keys); err != nil {
		t.Fatal(err)
	}
	if rows-rows0 != keys {
		t.Fatalf("%d new ledger rows for %d applied keys", rows-rows0, keys)
	}
	if len(entryOf) > keys || len(entryOf) < workers*each*3/4 {
		t.Fatalf("%d keys answered, %d applied", len(entryOf), keys)
	}
	t.Logf("%d keys applied, %d new rows, balance %d → %d, proxy POSTs %d",
		keys, rows-rows0, bal0, bal, p.count(http.MethodPost, "/customers/"+string(id)+"/loyalty/adjustments"))
}

// TestDebugLogRedacted runs calls with a debug logger and checks that
// neither the secret nor the Basic credentials reach the log.
func TestDebugLogRedacted(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 20})
	id := activeCustomer(t, env, 0)
	var buf bytes.Buffer
	var mu sync.Mutex
	log := slog.New(slog.NewTextHandler(&lockedWriter{w: &buf, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	p := newFaultProxy(t, env.URL, func(r *http.Request, n int) fault {
		if n == 1 {
			return fail503
		}
		return pass
	})
	c := newClient(t, env, p.URL, "agent", func(c *frontdesk.Config) { c.Logger = log })
	ctx := t.Context()
	if _, err := c.Me(ctx); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.AdjustLoyalty(ctx, id, api.AdjustmentRequest{Points: 5, Reason: api.ReasonGoodwill, Note: "log test"}, ""); err != nil {
		t.Fatal(err)
	}
	c.GetCustomer(ctx, "404404")
	bad := newClient(t, env, env.URL, "agent", func(c *frontdesk.Config) { c.Logger = log; c.Secret = "cs_not_the_real_one" })
	bad.Me(ctx)

	mu.Lock()
	out := buf.String()
	mu.Unlock()
	k := env.Keys["agent"]
	basic := base64.StdEncoding.EncodeToString([]byte(k.KeyID + ":" + k.Secret))
	for _, secret := range []string{k.Secret, basic, "cs_not_the_real_one", strings.TrimPrefix(k.Secret, "cs_")} {
		if strings.Contains(out, secret) {
			t.Fatalf("log contains a secret %q:\n%s", secret, out)
		}
	}
	if strings.Contains(out, "Basic "+basic[:8]) {
		t.Fatalf("log contains Basic credentials:\n%s", out)
	}
	for _, want := range []string{"attempt=2", "status=503", "status=201", "Authorization=\"Basic [REDACTED]\"", "request_id=", "method=POST", "duration="} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}
