package searchidx

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"frontdesk/api"
	"frontdesk/store"
)

// FRONTDESK_SEARCHIDX_DB names a frontdesk SQLite store (opened read
// only) whose customers the benchmarks load; without it they use a
// synthetic set of benchSynthetic customers.
const (
	benchDBEnv     = "FRONTDESK_SEARCHIDX_DB"
	benchSynthetic = 20000
)

// benchFeed serves the loaded customers once, then what put adds.
type benchFeed struct {
	mu      sync.Mutex
	seq     int64
	changes []Change
}

func (f *benchFeed) feed(_ context.Context, after int64, limit int) ([]Change, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	i, _ := slices.BinarySearchFunc(f.changes, after+1, func(c Change, s int64) int { return int(c.Seq - s) })
	return f.changes[i:min(len(f.changes), i+limit)], nil
}

func (f *benchFeed) put(id int64, d *Doc) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	f.changes = append(f.changes, Change{Seq: f.seq, ID: id, Doc: d})
}

func loadDocs(tb testing.TB) []Doc {
	path := os.Getenv(benchDBEnv)
	if path == "" {
		r := rand.New(rand.NewPCG(1, 1))
		docs := make([]Doc, benchSynthetic)
		for i := range docs {
			d := randDoc(r)
			d.ID = int64(i + 1)
			d.CreatedAt = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)
			d.TotalSpent = r.Int64N(5000000)
			docs[i] = *d
		}
		return docs
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT c.id, c.email, c.first_name, c.last_name, c.phone, c.created_at, c.total_spent,
		c.status = 'disabled', c.total_orders, coalesce(la.points_balance, 0),
		(SELECT o.created_at FROM orders o WHERE o.customer_id = c.id ORDER BY o.created_at DESC LIMIT 1)
		FROM customers c LEFT JOIN loyalty_accounts la ON la.customer_id = c.id`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var docs []Doc
	for rows.Next() {
		var d Doc
		var at string
		var last sql.NullString
		if err := rows.Scan(&d.ID, &d.Email, &d.FirstName, &d.LastName, &d.Phone, &at, &d.TotalSpent,
			&d.Disabled, &d.TotalOrders, &d.Points, &last); err != nil {
			tb.Fatal(err)
		}
		if last.Valid {
			if d.LastOrderAt, err = time.Parse(time.RFC3339Nano, last.String); err != nil {
				tb.Fatalf("customer %d: last order %q: %v", d.ID, last.String, err)
			}
		}
		if d.CreatedAt, err = time.Parse(time.RFC3339Nano, at); err != nil {
			tb.Fatalf("customer %d: created_at %q: %v", d.ID, at, err)
		}
		docs = append(docs, d)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return docs
}

// benchIndex loads docs into a new index and reports what it took.
func benchIndex(tb testing.TB, docs []Doc) (*Index, *benchFeed) {
	f := &benchFeed{}
	for i := range docs {
		f.put(docs[i].ID, &docs[i])
	}
	runtime.GC()
	var m0 runtime.MemStats
	runtime.ReadMemStats(&m0)
	ix := New(f.feed)
	start := time.Now()
	if err := ix.Sync(context.Background()); err != nil {
		tb.Fatal(err)
	}
	loaded := time.Since(start)
	// The load ends with a compaction that trims the slack.
	deadline := time.Now().Add(2 * time.Minute)
	for ix.Stats().Compacting && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond) // polled with a deadline
	}
	compacted := time.Since(start)
	f.mu.Lock()
	f.changes = nil
	f.mu.Unlock()
	runtime.GC()
	var m1 runtime.MemStats
	runtime.ReadMemStats(&m1)
	st := ix.Stats()
	tb.Logf("loaded %d customers in %v (compacted after %v); heap of the index %.0f MiB; %d terms, %d postings, %d text bytes",
		ix.Len(), loaded.Round(time.Millisecond), compacted.Round(time.Millisecond),
		float64(int64(m1.HeapAlloc)-int64(m0.HeapAlloc))/(1<<20), st.Terms, st.Postings, st.TextBytes)
	return ix, f
}

type shape struct {
	name string
	p    store.SearchParams
}

// benchShapes are the query shapes measured, each with every sort.
func benchShapes(tb testing.TB, ix *Index, docs []Doc) []shape {
	d := docs[len(docs)/3]
	phone := strings.TrimPrefix(docs[len(docs)/2].Phone, "+254")
	frag := phone[min(2, len(phone)):min(9, len(phone))]
	var out []shape
	for _, q := range []string{"wan", "ach", "kam", "Otieno", "nai", "254", "Mwangi", "j k", "mary w", "a b",
		"a b c d e f g h", "0712", "0712345", "+254712", d.Email, frag, "é", "",
		// More shapes: one letter, short digits with phone forms, a
		// domain, two surnames, a 2-letter and a surname-end fragment.
		"m", "07", "7", "gmail.com", "mwangi kamau", "ot", "ngi", "anan",
		// Field filters: alone (a walk of the order or a pass over
		// every customer), rare, with text, and a column token.
		"orders:>5", "orders:>55", "status:disabled", "spent:>=10000 last-order:<2026-06", "mary orders:>5",
		"name:wan", "email:gmail points:<100"} {
		for _, s := range api.Sorts {
			out = append(out, shape{fmt.Sprintf("%q %s", q, s), store.SearchParams{Query: q, Sort: s}})
		}
	}
	for _, q := range []string{"", "a", "wan", "m", "Mwangi"} {
		for _, s := range api.Sorts {
			out = append(out, shape{fmt.Sprintf("%q %s page 100×100", q, s), store.SearchParams{Query: q, Sort: s, Page: 100, Limit: 100}})
			// An After key 5,000 matches deep.
			p := store.SearchParams{Query: q, Sort: s, Limit: 100}
			for range 50 {
				res, err := ix.Search(context.Background(), p)
				if err != nil {
					tb.Fatal(err)
				}
				if res.Last == nil {
					break
				}
				p.After = res.Last
			}
			out = append(out, shape{fmt.Sprintf("%q %s after 5000", q, s), p})
		}
	}
	return out
}

func BenchmarkSearch(b *testing.B) {
	docs := loadDocs(b)
	ix, _ := benchIndex(b, docs)
	for _, sh := range benchShapes(b, ix, docs) {
		b.Run(sh.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := ix.Search(context.Background(), sh.p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestLatencyTable prints p50 and p95 per shape and the cost of an
// update, on the store FRONTDESK_SEARCHIDX_DB names (skipped without);
// FRONTDESK_SEARCHIDX_SHAPES picks shapes by a substring of their names,
// FRONTDESK_SEARCHIDX_COLD=1 runs them in turn (caches cold, as in a
// server) instead of each 40 times in a row, and
// FRONTDESK_SEARCHIDX_CHECK=1 compares each answer with Naive's.
func TestLatencyTable(t *testing.T) {
	if os.Getenv(benchDBEnv) == "" {
		t.Skip(benchDBEnv + " is not set")
	}
	docs := loadDocs(t)
	ix, f := benchIndex(t, docs)
	ctx := context.Background()
	const runs = 40
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-58s %9s %9s %9s %7s\n", "shape", "p50", "p95", "max", "total")
	only := os.Getenv("FRONTDESK_SEARCHIDX_SHAPES") // a substring of the shapes to measure
	var shapes []shape
	for _, sh := range benchShapes(t, ix, docs) {
		if strings.Contains(sh.name, only) {
			shapes = append(shapes, sh)
		}
	}
	// FRONTDESK_SEARCHIDX_COLD=1 runs the shapes in turn (each run goes
	// through every shape before the next), as a server's mixed queries
	// do, so a shape finds the caches holding the others' data.
	cold := os.Getenv("FRONTDESK_SEARCHIDX_COLD") != ""
	times := make([][]time.Duration, len(shapes))
	results := make([]store.SearchResult, len(shapes))
	measure := func(k int) {
		start := time.Now()
		res, err := ix.Search(ctx, shapes[k].p)
		if err != nil {
			t.Fatal(err)
		}
		times[k] = append(times[k], time.Since(start))
		results[k] = res
	}
	if cold {
		fmt.Fprintf(&b, "(cold: the shapes in turn)\n")
		for range runs {
			for k := range shapes {
				measure(k)
			}
		}
	} else {
		for k := range shapes {
			for range runs {
				measure(k)
			}
		}
	}
	for k, sh := range shapes {
		ds, res := times[k], results[k]
		if os.Getenv("FRONTDESK_SEARCHIDX_CHECK") != "" {
			// Also the reference's answer (a second or so at 1M).
			want, err := ix.Naive(sh.p)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(res, want) {
				t.Errorf("%s:\n got %s\nwant %s", sh.name, describeRes(res), describeRes(want))
			}
		}
		slices.Sort(ds)
		fmt.Fprintf(&b, "%-58.58s %9v %9v %9v %7d\n", sh.name, ds[runs/2].Round(time.Microsecond),
			ds[runs*95/100].Round(time.Microsecond), ds[runs-1].Round(time.Microsecond), res.Total)
	}
	// One update (a new name, spend and time) applied by a Sync.
	r := rand.New(rand.NewPCG(5, 5))
	ds := make([]time.Duration, 200)
	for i := range ds {
		d := docs[r.IntN(len(docs))]
		d.FirstName, d.TotalSpent, d.CreatedAt = "Updated", d.TotalSpent+1, d.CreatedAt.Add(time.Second)
		f.put(d.ID, &d)
		start := time.Now()
		if err := ix.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		ds[i] = time.Since(start)
	}
	slices.Sort(ds)
	fmt.Fprintf(&b, "%-58s %9v %9v %9v\n", "apply one update (Sync)", ds[100].Round(time.Microsecond), ds[190].Round(time.Microsecond), ds[199].Round(time.Microsecond))
	for i := range ds {
		start := time.Now()
		if err := ix.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		ds[i] = time.Since(start)
	}
	slices.Sort(ds)
	fmt.Fprintf(&b, "%-58s %9v %9v %9v\n", "Sync with no change", ds[100].Round(time.Microsecond), ds[190].Round(time.Microsecond), ds[199].Round(time.Microsecond))
	// A compaction at this size: the snapshot (under the write lock)
	// and the build aside, with searches going on meanwhile.
	ix.mu.Lock()
	start := time.Now()
	sn := ix.st.snapshot()
	snap := time.Since(start)
	ix.mu.Unlock()
	done := make(chan time.Duration)
	go func() {
		start := time.Now()
		sn.build()
		done <- time.Since(start)
	}()
	var during []time.Duration
	var build time.Duration
	for build == 0 {
		select {
		case build = <-done:
		default:
			start := time.Now()
			if _, err := ix.Search(ctx, store.SearchParams{Query: "wan", Sort: api.SortName}); err != nil {
				t.Fatal(err)
			}
			during = append(during, time.Since(start))
		}
	}
	slices.Sort(during)
	fmt.Fprintf(&b, "compaction: snapshot under the lock %v, build aside %v; %d searches meanwhile, p50 %v max %v\n",
		snap.Round(time.Microsecond), build.Round(time.Millisecond), len(during),
		during[len(during)/2].Round(time.Microsecond), during[len(during)-1].Round(time.Microsecond))
	t.Log(b.String())
}
