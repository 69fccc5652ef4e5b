package search

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/sandbox/seed"
	"frontdesk/store/sqlite/schema"
)

// benchDB opens FRONTDESK_BENCH_DB, seeding it first when it has no
// customers, or seeds a temporary database. FRONTDESK_BENCH_CUSTOMERS
// (default 20000) sets the size of a new seed.
func benchDB(b *testing.B) *sql.DB {
	b.Helper()
	ctx := context.Background()
	n := 20000
	if s := os.Getenv("FRONTDESK_BENCH_CUSTOMERS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil {
			b.Fatalf("FRONTDESK_BENCH_CUSTOMERS=%q: %v", s, err)
		}
		n = v
	}
	path := os.Getenv("FRONTDESK_BENCH_DB")
	if path == "" {
		path = filepath.Join(b.TempDir(), "bench.db")
	}
	db, err := schema.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	var have int
	if err := db.QueryRow(`SELECT count(*) FROM customers`).Scan(&have); err != nil {
		b.Fatal(err)
	}
	if have == 0 {
		st, err := seed.Run(ctx, db, seed.Options{Customers: n, Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("seeded %d customers in %s", st.Customers, st.Duration.Round(time.Millisecond))
		have = st.Customers
	}
	b.Logf("database %s: %d customers", path, have)
	return db
}

type benchQuery struct {
	class string
	p     Params
}

// benchMix is the fixed query mix: selective (whole emails, 7-digit phone
// fragments, full names) and broad (3-letter fragments, common surnames),
// taken from customers spread over the table so it is the same for a
// given seed and size.
func benchMix(b *testing.B, db *sql.DB) []benchQuery {
	b.Helper()
	var maxID int64
	if err := db.QueryRow(`SELECT max(id) FROM customers`).Scan(&maxID); err != nil {
		b.Fatal(err)
	}
	var mix []benchQuery
	for k := int64(1); k <= 6; k++ {
		var email, phone, first, last string
		if err := db.QueryRow(`SELECT email, phone, first_name, last_name FROM customers WHERE id >= ? ORDER BY id LIMIT 1`,
			maxID*k/7).Scan(&email, &phone, &first, &last); err != nil {
			b.Fatal(err)
		}
		mix = append(mix,
			benchQuery{"selective", Params{Query: email}},
			benchQuery{"selective", Params{Query: phone[5:12]}},
			benchQuery{"selective", Params{Query: first + " " + last}},
		)
	}
	for _, q := range []string{"wan", "che", "ach", "ama", "kip", "mwa", "odh", "ote", "Otieno", "Mwangi", "Kamau", "Ochieng"} {
		mix = append(mix, benchQuery{"broad", Params{Query: q}})
	}
	for _, q := range []string{"wan", "Kamau", "che", "Otieno"} {
		mix = append(mix,
			benchQuery{"broad_spent", Params{Query: q, Sort: api.SortTopSpenders}},
			benchQuery{"broad_name", Params{Query: q, Sort: api.SortName}},
		)
	}
	for _, q := range []string{"k", "wa", "07", "j", ""} {
		mix = append(mix, benchQuery{"short", Params{Query: q}})
	}
	return mix
}

func percentile(d []time.Duration, p float64) float64 {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := min(int(p*float64(len(s))), len(s)-1)
	return float64(s[i].Microseconds()) / 1000
}

// BenchmarkSearch runs the mix through Customers and, for the selective
// and broad classes, through Naive, and reports p50/p95 per class in ms
// (each request includes its total) and Naive's p50 over Customers' on the
// selective queries. FRONTDESK_BENCH_NAIVE=0 skips Naive.
func BenchmarkSearch(b *testing.B) {
	db := benchDB(b)
	ctx := context.Background()
	mix := benchMix(b, db)
	lat := map[string][]time.Duration{}
	for b.Loop() {
		for _, q := range mix {
			q.p.Limit = api.DefaultPageLimit
			t0 := time.Now()
			if _, err := Customers(ctx, db, q.p); err != nil {
				b.Fatal(err)
			}
			lat[q.class] = append(lat[q.class], time.Since(t0))
		}
	}
	b.StopTimer()
	if os.Getenv("FRONTDESK_BENCH_NAIVE") != "0" {
		for _, q := range mix {
			if q.class != "selective" && q.class != "broad" {
				continue
			}
			q.p.Limit = api.DefaultPageLimit
			t0 := time.Now()
			want, err := Naive(ctx, db, q.p)
			if err != nil {
				b.Fatal(err)
			}
			lat["naive_"+q.class] = append(lat["naive_"+q.class], time.Since(t0))
			got, err := Customers(ctx, db, q.p)
			if err != nil {
				b.Fatal(err)
			}
			if !slices.Equal(got.IDs, want.IDs) || got.Total != want.Total {
				b.Errorf("%q: Customers %v/%d, Naive %v/%d", q.p.Query, got.IDs, got.Total, want.IDs, want.Total)
			}
		}
	}
	classes := []string{"selective", "broad", "broad_spent", "broad_name", "short", "naive_selective", "naive_broad"}
	for _, c := range classes {
		if len(lat[c]) == 0 {
			continue
		}
		b.ReportMetric(percentile(lat[c], 0.5), c+"_p50_ms")
		b.ReportMetric(percentile(lat[c], 0.95), c+"_p95_ms")
	}
	if sel, nv := percentile(lat["selective"], 0.5), percentile(lat["naive_selective"], 0.5); sel > 0 && nv > 0 {
		b.ReportMetric(nv/sel, "selective_speedup_p50")
		b.ReportMetric(percentile(lat["naive_selective"], 0.95)/percentile(lat["selective"], 0.95), "selective_speedup_p95")
	}
	if br, nv := percentile(lat["broad"], 0.5), percentile(lat["naive_broad"], 0.5); br > 0 && nv > 0 {
		b.ReportMetric(nv/br, "broad_speedup_p50")
	}
	// The slowest queries, to see what dominates a class's p95.
	type slow struct {
		q Params
		d time.Duration
	}
	var worst []slow
	for _, q := range mix {
		q.p.Limit = api.DefaultPageLimit
		t0 := time.Now()
		Customers(ctx, db, q.p)
		worst = append(worst, slow{q.p, time.Since(t0)})
	}
	slices.SortFunc(worst, func(a, b slow) int { return int(b.d - a.d) })
	for _, w := range worst[:min(12, len(worst))] {
		b.Logf("slow: %q sort %q: %s", w.q.Query, w.q.Sort, w.d.Round(10*time.Microsecond))
	}
}
