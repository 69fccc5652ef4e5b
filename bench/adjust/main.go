// Command adjust measures loyalty adjustments per second through the
// desk server's API: each adjustment a real HTTP POST with an
// Idempotency-Key, on SQLite with one server, and on PostgreSQL with one
// and with two servers on the same database (every write takes the
// database's write lock, so a second server adds a second process's CPU,
// not a second writer).
//
//	go run ./bench/adjust --pg postgres://…/db [--clients 16] [--duration 10s]
//
// It prints a markdown table: setup, adjustments, adjustments per second,
// and p50/p95 latency of one adjustment.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"frontdesk/api"
	"frontdesk/bench/stats"
	"frontdesk/desk"
	"frontdesk/server"
	"frontdesk/store"
)

func main() {
	pg := flag.String("pg", os.Getenv("FRONTDESK_TEST_POSTGRES"), "a PostgreSQL database URL to measure on (empty: SQLite only); its tables are made in it")
	clients := flag.Int("clients", 16, "concurrent clients")
	duration := flag.Duration("duration", 10*time.Second, "how long each setup runs")
	customers := flag.Int("customers", 64, "customers the clients spread their adjustments over")
	flag.Parse()
	if err := run(*pg, *clients, *customers, *duration); err != nil {
		fmt.Fprintln(os.Stderr, "adjust:", err)
		os.Exit(1)
	}
}

// setup is one row of the table.
type setup struct {
	name    string
	db      string
	servers int
}

func run(pg string, clients, customers int, d time.Duration) error {
	dir, err := os.MkdirTemp("", "frontdesk-bench-adjust-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	setups := []setup{{"SQLite, 1 server", filepath.Join(dir, "desk.db"), 1}}
	if pg != "" {
		setups = append(setups, setup{"PostgreSQL, 1 server", pg, 1}, setup{"PostgreSQL, 2 servers", pg, 2})
	} else {
		fmt.Fprintln(os.Stderr, "adjust: no --pg (or FRONTDESK_TEST_POSTGRES): measuring SQLite only")
	}
	fmt.Printf("%d clients, %d customers, %s per setup; each adjustment a POST with its own Idempotency-Key\n\n", clients, customers, d)
	fmt.Println("| setup | adjustments | per second | p50 | p95 |")
	fmt.Println("|---|---|---|---|---|")
	for _, s := range setups {
		n, lat, err := measure(s, clients, customers, d)
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		fmt.Printf("| %s | %d | %.0f | %s | %s |\n", s.name, n, float64(n)/d.Seconds(), pct(lat, 0.50), pct(lat, 0.95))
	}
	return nil
}

// measure starts s.servers servers on s.db, makes a supervisor key and
// customers, and has clients post adjustments round-robin over the
// servers for d.
func measure(s setup, clients, customers int, d time.Duration) (int, []time.Duration, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var urls []string
	var stores []store.Store
	var running sync.WaitGroup
	defer func() {
		cancel()
		running.Wait()
		for _, st := range stores {
			st.Close()
		}
	}()
	for range s.servers {
		st, err := desk.Open(ctx, s.db)
		if err != nil {
			return 0, nil, err
		}
		stores = append(stores, st)
		up := make(chan string, 1)
		running.Go(func() {
			err := desk.Run(ctx, st, desk.Options{Addr: "127.0.0.1:0", Server: server.Options{RateLimit: -1, Logger: slog.New(slog.DiscardHandler)},
				PurgeEvery: -1, Listening: func(u string) { up <- u }})
			if err != nil {
				fmt.Fprintln(os.Stderr, "adjust: server:", err)
			}
		})
		select {
		case u := <-up:
			urls = append(urls, u)
		case <-time.After(30 * time.Second):
			return 0, nil, errors.New("a server did not start")
		}
	}
	key, err := server.MintKey(ctx, stores[0], server.KeySpec{AgentID: "bench", Name: "Bench", Role: api.RoleSupervisor})
	if err != nil {
		return 0, nil, err
	}
	run := time.Now().UnixNano()
	ids := make([]api.ID, customers)
	for i := range ids {
		var out api.CustomerEnvelope
		body := api.CustomerCreate{Email: fmt.Sprintf("bench-%d-%d@example.co.ke", run, i), FirstName: "Bench", LastName: "Customer"}
		if code, err := post(urls[0], key, "/customers", body, nil, &out); err != nil || code != http.StatusCreated {
			return 0, nil, fmt.Errorf("create a customer: %d %v", code, err)
		}
		ids[i] = out.Customer.ID
	}

	var done atomic.Int64
	lats := make([][]time.Duration, clients)
	stop := time.Now().Add(d)
	var wg sync.WaitGroup
	var failed atomic.Value
	for c := range clients {
		wg.Go(func() {
			for n := 0; time.Now().Before(stop); n++ {
				id := ids[(c*7919+n)%len(ids)]
				req := api.AdjustmentRequest{Points: 1, Reason: api.ReasonGoodwill, Note: "bench"}
				h := map[string]string{api.HeaderIdempotencyKey: fmt.Sprintf("bench-%d-%d-%d", run, c, n)}
				t0 := time.Now()
				code, err := post(urls[(c+n)%len(urls)], key, "/customers/"+string(id)+"/loyalty/adjustments", req, h, nil)
				if err != nil || code != http.StatusCreated {
					failed.Store(fmt.Errorf("adjust: %d %v", code, err))
					return
				}
				lats[c] = append(lats[c], time.Since(t0))
				done.Add(1)
			}
		})
	}
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		return 0, nil, err
	}
	return int(done.Load()), slices.Concat(lats...), nil
}

var httpClient = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 30 * time.Second}

func post(base string, k server.Key, path string, body any, headers map[string]string, out any) (int, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequest(http.MethodPost, base+api.Base+path, bytes.NewReader(b))
	if err != nil {
		return 0, err
	}
	req.SetBasicAuth(k.KeyID, k.Secret)
	req.Header.Set("Content-Type", "application/json")
	for h, v := range headers {
		req.Header.Set(h, v)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if out != nil && resp.StatusCode < 300 {
		var env api.Envelope
		if err := json.Unmarshal(raw, &env); err != nil {
			return resp.StatusCode, err
		}
		return resp.StatusCode, json.Unmarshal(env.Data, out)
	}
	return resp.StatusCode, nil
}

// pct is the p-th percentile of lat, rounded for the table.
func pct(lat []time.Duration, p float64) string {
	if len(lat) == 0 {
		return "—"
	}
	return stats.Percentile(lat, p).Round(100 * time.Microsecond).String()
}
