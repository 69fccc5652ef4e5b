package server_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/sandbox/sandboxtest"
	"frontdesk/server"
)

func TestAdjustment(t *testing.T) {
	clk := newClock()
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1, Now: clk.Now})
	c := newCustomer(t, env, "points@example.co.ke")

	r := adjust(t, env, "agent", c.ID, "first", 120)
	wantStatus(t, r, 201)
	if r.Header.Get(api.HeaderReplayed) != "" {
		t.Fatalf("first answer marked as replayed")
	}
	var res api.AdjustmentResult
	r.Data(t, &res)
	e := res.Entry
	if res.PointsBalance != 120 || e.Points != 120 || e.BalanceAfter != 120 || e.Type != api.LedgerAdjust || e.Reason != api.ReasonGoodwill ||
		e.Note != "late delivery" || e.AgentID != env.Agents["agent"] || e.AgentName != "Amani Agent" || !e.CreatedAt.Equal(clk.Now()) {
		t.Fatalf("adjustment: %+v", res)
	}

	// Replay: the same bytes, marked, applied once.
	again := adjust(t, env, "agent", c.ID, "first", 120)
	if again.Status != 201 || again.Header.Get(api.HeaderReplayed) != "true" || !bytes.Equal(again.Body, r.Body) {
		t.Fatalf("replay: %d %q\n%s\nwant\n%s", again.Status, again.Header.Get(api.HeaderReplayed), again.Body, r.Body)
	}
	// The canonical body is hashed: other spacing is the same request.
	spaced := env.Do(t, "agent", "POST", "/customers/"+c.ID.String()+"/loyalty/adjustments",
		[]byte(`{ "note": "late delivery", "reason": "goodwill",  "points": 120 }`), api.HeaderIdempotencyKey, "first")
	if spaced.Status != 201 || spaced.Header.Get(api.HeaderReplayed) != "true" {
		t.Fatalf("reordered body: %d %s", spaced.Status, spaced.Body)
	}
	wantError(t, adjust(t, env, "agent", c.ID, "first", 121), 422, api.CodeIdempotencyReused)
	// Same key, same body, another customer: another request.
	other := newCustomer(t, env, "other@example.co.ke")
	wantError(t, adjust(t, env, "agent", other.ID, "first", 120), 422, api.CodeIdempotencyReused)
	// Keys are per agent: the supervisor's "first" is its own.
	wantStatus(t, adjust(t, env, "supervisor", c.ID, "first", 120), 201)

	wantError(t, env.Do(t, "agent", "POST", "/customers/"+c.ID.String()+"/loyalty/adjustments",
		api.AdjustmentRequest{Points: 5, Reason: "goodwill", Note: "no key"}), 400, api.CodeBadRequest)
	wantError(t, adjust(t, env, "agent", c.ID, strings.Repeat("k", 256), 5), 400, api.CodeBadRequest)
	wantStatus(t, adjust(t, env, "agent", c.ID, strings.Repeat("k", 255), 5), 201)
	ve := wantError(t, env.Do(t, "agent", "POST", "/customers/"+c.ID.String()+"/loyalty/adjustments",
		api.AdjustmentRequest{Points: 0, Reason: "because", Note: "x"}, api.HeaderIdempotencyKey, "v1"), 400, api.CodeValidation)
	if len(ve.Fields) != 3 {
		t.Errorf("validation fields %v", ve.Fields)
	}
	wantError(t, env.Do(t, "agent", "POST", "/customers/"+c.ID.String()+"/loyalty/adjustments",
		[]byte(`{"points":1.5,"reason":"goodwill","note":"abc"}`), api.HeaderIdempotencyKey, "v2"), 400, api.CodeBadRequest)

	// Limits: the agent is capped, the supervisor is not.
	wantError(t, adjust(t, env, "agent", c.ID, "big", sandboxtest.LoyaltyLimit+1), 403, api.CodeOverLimit)
	wantError(t, adjust(t, env, "agent", c.ID, "big-neg", -(sandboxtest.LoyaltyLimit+1)), 403, api.CodeOverLimit)
	wantStatus(t, adjust(t, env, "agent", c.ID, "at-limit", sandboxtest.LoyaltyLimit), 201)
	wantStatus(t, adjust(t, env, "supervisor", c.ID, "big", 50_000), 201)

	sum, balance := ledgerSum(t, env, c.ID)
	if balance != 120+120+5+sandboxtest.LoyaltyLimit+50_000 || sum != balance {
		t.Fatalf("balance %d, ledger sum %d", balance, sum)
	}
}

func TestAdjustmentRefusals(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1})
	c := newCustomer(t, env, "refuse@example.co.ke")
	wantStatus(t, adjust(t, env, "agent", c.ID, "seed", 100), 201)

	e := wantError(t, adjust(t, env, "agent", c.ID, "drain", -101), 422, api.CodeInsufficientPoints)
	if !strings.Contains(e.Message, "100") {
		t.Errorf("message %q does not give the balance", e.Message)
	}
	// A refused adjustment applied nothing, so its key is free again.
	wantStatus(t, adjust(t, env, "agent", c.ID, "drain", -100), 201)
	wantError(t, adjust(t, env, "agent", c.ID, "more", -1), 422, api.CodeInsufficientPoints)

	if _, err := env.DB.Exec(`UPDATE customers SET status = 'disabled' WHERE id = ?`, c.ID.String()); err != nil {
		t.Fatal(err)
	}
	wantError(t, adjust(t, env, "agent", c.ID, "disabled", 10), 422, api.CodeCustomerDisabled)
	sum, balance := ledgerSum(t, env, c.ID)
	if balance != 0 || sum != 0 {
		t.Fatalf("balance %d, ledger sum %d; want 0", balance, sum)
	}
	var keys int
	env.DB.QueryRow(`SELECT count(*) FROM idempotency_keys WHERE state = 'in_flight'`).Scan(&keys)
	if keys != 0 {
		t.Fatalf("%d keys left in flight", keys)
	}
}

func TestAdjustmentInFlight(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1})
	c := newCustomer(t, env, "flight@example.co.ke")

	t.Run("claimed row", func(t *testing.T) {
		// Another request of the same agent holds the key, as a slow one
		// (or one that died mid-way) would: the next gets 409 and nothing
		// is applied; once the claim is older than a minute it is taken
		// over.
		claim := func(key string, age time.Duration, points int64) {
			t.Helper()
			if _, err := env.DB.Exec(`INSERT INTO idempotency_keys (agent_id, key, request_hash, state, created_at) VALUES (?, ?, ?, 'in_flight', ?)`,
				env.Agents["agent"], key, requestHash(c.ID, points), time.Now().Add(-age).UTC().Format("2006-01-02T15:04:05.000Z")); err != nil {
				t.Fatal(err)
			}
		}
		claim("held", 0, 10)
		wantError(t, adjust(t, env, "agent", c.ID, "held", 10), 409, api.CodeIdempotencyInFlight)
		// The same key with another body is reused, in flight or not.
		wantError(t, adjust(t, env, "agent", c.ID, "held", 11), 422, api.CodeIdempotencyReused)
		if sum, _ := ledgerSum(t, env, c.ID); sum != 0 {
			t.Fatalf("ledger sum %d after refusals", sum)
		}
		claim("abandoned", 2*time.Minute, 7)
		wantStatus(t, adjust(t, env, "agent", c.ID, "abandoned", 7), 201)
		if sum, _ := ledgerSum(t, env, c.ID); sum != 7 {
			t.Fatalf("ledger sum %d after take-over, want 7", sum)
		}
	})

	t.Run("running request", func(t *testing.T) {
		claimed := make(chan struct{})
		release := make(chan struct{})
		var once sync.Once
		env.Server.SetAfterClaim(func() {
			once.Do(func() {
				close(claimed)
				<-release
			})
		})
		defer env.Server.SetAfterClaim(nil)
		first := make(chan int, 1)
		go func() {
			// t.Fatal may not be called here: report the status instead.
			first <- adjust(t, env, "agent", c.ID, "slow", 10).Status
		}()
		select {
		case <-claimed:
		case <-time.After(10 * time.Second):
			t.Fatal("the first request never claimed its key")
		}
		r := adjust(t, env, "agent", c.ID, "slow", 10)
		wantError(t, r, 409, api.CodeIdempotencyInFlight)
		if r.Header.Get("Retry-After") == "" {
			t.Error("409 in flight without Retry-After")
		}
		close(release)
		if st := <-first; st != 201 {
			t.Fatalf("first request: %d", st)
		}
		r = adjust(t, env, "agent", c.ID, "slow", 10)
		if r.Status != 201 || r.Header.Get(api.HeaderReplayed) != "true" {
			t.Fatalf("after the first finished: %d %s", r.Status, r.Body)
		}
		sum, balance := ledgerSum(t, env, c.ID)
		if sum != 17 || balance != 17 {
			t.Fatalf("balance %d ledger %d, want 17", balance, sum)
		}
	})
}

// TestAdjustmentsConcurrent runs 8 clients × 100 adjustments on one
// customer with shared keys, resent requests (as after a lost response)
// and refusals, then checks that the balance equals the ledger's sum and
// that no key was applied twice.
func TestAdjustmentsConcurrent(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1, RateLimit: -1})
	c := newCustomer(t, env, "busy@example.co.ke")
	const workers, perWorker, sharedKeys = 8, 100, 25
	sharedPoints := func(j int) int64 { return int64(10 + j) }

	type outcome struct {
		body    string
		entryID api.ID
		points  int64
	}
	var (
		mu       sync.Mutex
		applied  = map[string]outcome{} // key → the answer that applied it
		replays  atomic.Int64
		failures = make(chan string, workers*perWorker*3)
	)
	record := func(key string, points int64, r sandboxtest.Response) {
		var res api.AdjustmentResult
		if err := json.Unmarshal(r.Envelope.Data, &res); err != nil {
			failures <- fmt.Sprintf("key %s: %v in %s", key, err, r.Body)
			return
		}
		if r.Header.Get(api.HeaderReplayed) == "true" {
			replays.Add(1)
		}
		mu.Lock()
		defer mu.Unlock()
		// A replay may be recorded before the answer it repeats: whichever
		// comes first is the reference.
		if prev, seen := applied[key]; !seen {
			applied[key] = outcome{string(r.Body), res.Entry.ID, points}
		} else if prev.entryID != res.Entry.ID || prev.body != string(r.Body) {
			failures <- fmt.Sprintf("key %s answered with entry %s and with entry %s", key, prev.entryID, res.Entry.ID)
		}
	}

	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 42))
			for i := range perWorker {
				key, points := fmt.Sprintf("w%d-%d", w, i), int64(rng.IntN(200)+1)
				switch x := rng.IntN(10); {
				case x < 3: // a key other workers use too, always with the same body
					j := rng.IntN(sharedKeys)
					key, points = fmt.Sprintf("shared-%d", j), sharedPoints(j)
				case x < 5: // a deduction, which may be refused
					points = -points
				}
				sends := 1 + rng.IntN(3) // 1–3 sends: the rest are client retries
				for range sends {
					deadline := time.Now().Add(10 * time.Second)
					for {
						r := adjust(t, env, "agent", c.ID, key, points)
						switch {
						case r.Status == 201:
							record(key, points, r)
						case r.Status == 409 && r.Code() == api.CodeIdempotencyInFlight && time.Now().Before(deadline):
							continue // still running elsewhere: ask again
						case r.Status == 422 && r.Code() == api.CodeInsufficientPoints && points < 0:
						default:
							failures <- fmt.Sprintf("key %s points %d: %d %s", key, points, r.Status, r.Body)
						}
						break
					}
				}
			}
		})
	}
	wg.Wait()
	close(failures)
	for f := range failures {
		t.Error(f)
	}

	sum, balance := ledgerSum(t, env, c.ID)
	var want int64
	for _, o := range applied {
		want += o.points
	}
	var entries, distinct int
	env.DB.QueryRow(`SELECT count(*), count(DISTINCT id) FROM loyalty_ledger WHERE customer_id = ?`, c.ID.String()).Scan(&entries, &distinct)
	var done int
	env.DB.QueryRow(`SELECT count(*) FROM idempotency_keys WHERE agent_id = ? AND state = 'done'`, env.Agents["agent"]).Scan(&done)
	t.Logf("%d keys applied, %d replays, balance %d", len(applied), replays.Load(), balance)
	if balance != sum || balance != want {
		t.Fatalf("balance %d, ledger sum %d, applied answers sum %d", balance, sum, want)
	}
	if entries != len(applied) || done != len(applied) {
		t.Fatalf("%d ledger entries and %d finished keys for %d applied keys: a key was applied twice", entries, done, len(applied))
	}
	if replays.Load() == 0 {
		t.Fatal("no request was replayed; the test did not exercise retries")
	}
	var negative int
	env.DB.QueryRow(`SELECT count(*) FROM loyalty_ledger WHERE balance_after < 0`).Scan(&negative)
	if negative != 0 {
		t.Fatal("a negative balance was recorded")
	}
}

// BenchmarkAdjustments measures sustained loyalty adjustments per second
// with 8 concurrent clients over HTTP, each adjustment a new key.
func BenchmarkAdjustments(b *testing.B) {
	env := sandboxtest.New(b, sandboxtest.Options{Customers: -1, RateLimit: -1})
	r := env.Do(b, "supervisor", "POST", "/customers", api.CustomerCreate{Email: "bench@example.co.ke", FirstName: "B", LastName: "M"})
	var ce api.CustomerEnvelope
	r.Data(b, &ce)
	// Measure the server itself: no contract check, no test log.
	srv := httptest.NewServer(server.New(env.Store, server.Options{RateLimit: -1}))
	defer srv.Close()
	path := srv.URL + api.Base + "/customers/" + ce.Customer.ID.String() + "/loyalty/adjustments"
	key := env.Keys["supervisor"]
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	body := []byte(`{"points":1,"reason":"goodwill","note":"benchmark"}`)
	const clients = 8
	var next atomic.Int64
	var failed atomic.Int64
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for {
				n := next.Add(1)
				if n > int64(b.N) {
					return
				}
				req, _ := http.NewRequest("POST", path, bytes.NewReader(body))
				req.SetBasicAuth(key.KeyID, key.Secret)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set(api.HeaderIdempotencyKey, fmt.Sprintf("bench-%d", n))
				resp, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				if resp.StatusCode != 201 {
					failed.Add(1)
				}
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if failed.Load() > 0 {
		b.Fatalf("%d adjustments failed", failed.Load())
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "adjustments/s")
}

// requestHash is how the server fingerprints an adjustment made by
// adjust(): the canonical JSON body and the customer id.
func requestHash(customer api.ID, points int64) string {
	body, _ := json.Marshal(api.AdjustmentRequest{Points: points, Reason: api.ReasonGoodwill, Note: "late delivery"})
	sum := sha256.Sum256(append(body, "\ncustomer="+customer.String()...))
	return hex.EncodeToString(sum[:])
}
