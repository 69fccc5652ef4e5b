package bulk_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

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
