package bulk_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/bulk"
	"frontdesk/client"
	"frontdesk/client/frontdesk"
	"frontdesk/sandbox/sandboxtest"
)

// watched is a real platform that records, per customer, the order of
// the adjustments sent and how many were in flight at once.
type watched struct {
	client.Platform
	mu       sync.Mutex
	inFlight map[api.ID]int
	total    int
	maxTotal int
	overlap  bool
	sent     map[api.ID][]int64
}

func (w *watched) AdjustLoyalty(ctx context.Context, id api.ID, req api.AdjustmentRequest, key string) (api.AdjustmentResult, bool, error) {
	w.mu.Lock()
	w.inFlight[id]++
	w.total++
	w.maxTotal = max(w.maxTotal, w.total)
	w.overlap = w.overlap || w.inFlight[id] > 1
	w.sent[id] = append(w.sent[id], req.Points)
	w.mu.Unlock()
	defer func() {
		w.mu.Lock()
		w.inFlight[id]--
		w.total--
		w.mu.Unlock()
	}()
	return w.Platform.AdjustLoyalty(ctx, id, req, key)
}

// Apply sends at most Concurrency adjustments at once, one customer's
// rows one at a time and in file order.
func TestApplyBoundsConcurrencyAndKeepsOrder(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 20, RateLimit: -1})
	k := env.Keys["supervisor"]
	cl, err := frontdesk.New(frontdesk.Config{BaseURL: env.URL, KeyID: k.KeyID, Secret: k.Secret})
	if err != nil {
		t.Fatal(err)
	}
	me, err := cl.Me(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	rows, err := env.DB.Query(`SELECT id FROM customers WHERE status = 'active' ORDER BY id LIMIT 8`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	var inputs []bulk.Input
	want := map[api.ID][]int64{}
	for i := range 200 {
		id := ids[i%len(ids)]
		p := int64(i + 1)
		inputs = append(inputs, bulk.Input{Line: i + 2, Customer: id, Points: p, Reason: api.ReasonGoodwill, Note: fmt.Sprintf("order test %d", i)})
		want[api.ID(id)] = append(want[api.ID(id)], p)
	}
	plan, err := bulk.MakePlan(t.Context(), cl, me, inputs, bulk.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []int{1, 3} {
		w := &watched{Platform: cl, inFlight: map[api.ID]int{}, sent: map[api.ID][]int64{}}
		res := bulk.Apply(t.Context(), w, plan, bulk.ApplyOptions{Concurrency: c})
		if s := bulk.Summarize(res); !s.Complete() || s.Applied+s.Replayed != 200 {
			t.Fatalf("concurrency %d: %s", c, s)
		}
		if w.maxTotal > c || w.overlap {
			t.Fatalf("concurrency %d: %d in flight at once, one customer's rows overlapping: %v", c, w.maxTotal, w.overlap)
		}
		if c > 1 && w.maxTotal < 2 {
			t.Errorf("concurrency %d: never more than one in flight", c)
		}
		for id, ps := range want {
			if fmt.Sprint(w.sent[id]) != fmt.Sprint(ps) {
				t.Fatalf("customer %s: sent %v, want %v in file order", id, w.sent[id], ps)
			}
		}
	}
}

// A store that rate-limits for longer than the driver's own retries
// last: apply waits as asked and sends the row again (with its key), so
// the row is applied once, not failed.
func TestApplyOutlastsRateLimiting(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 5, RateLimit: -1})
	proxy := sandboxtest.NewProxy(t, env.URL)
	k := env.Keys["supervisor"]
	cl, err := frontdesk.New(frontdesk.Config{BaseURL: proxy.URL, KeyID: k.KeyID, Secret: k.Secret})
	if err != nil {
		t.Fatal(err)
	}
	me, err := cl.Me(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var id string
	if err := env.DB.QueryRow(`SELECT id FROM customers WHERE status = 'active' ORDER BY id LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	plan, err := bulk.MakePlan(t.Context(), cl, me, []bulk.Input{{Line: 2, Customer: id, Points: 7, Reason: api.ReasonGoodwill, Note: "rate limit test"}}, bulk.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	proxy.RateLimit(1)
	var res []bulk.Result
	done := make(chan struct{})
	go func() {
		defer close(done)
		res = bulk.Apply(t.Context(), cl, plan, bulk.ApplyOptions{Concurrency: 1})
	}()
	// The driver tries a call 1 + DefaultMaxRetries times; wait until
	// apply has asked past that.
	deadline := time.Now().Add(60 * time.Second)
	for proxy.Limited() < frontdesk.DefaultMaxRetries+3 {
		if time.Now().After(deadline) {
			t.Fatalf("only %d rate-limited answers in 60 s", proxy.Limited())
		}
		select {
		case <-done:
			t.Fatalf("apply ended while the store was rate limiting: %+v", res)
		case <-time.After(20 * time.Millisecond):
		}
	}
	proxy.RateLimit(0)
	<-done
	if res[0].Status != bulk.ResultApplied {
		t.Fatalf("row: %+v", res[0])
	}
	var n int
	env.DB.QueryRow(`SELECT COUNT(*) FROM loyalty_ledger WHERE note = 'rate limit test'`).Scan(&n)
	if n != 1 {
		t.Fatalf("%d ledger rows, want 1", n)
	}
}
