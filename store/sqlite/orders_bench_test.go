package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"frontdesk/store"
	"frontdesk/store/sqlite"
)

// BenchmarkOrderByNumber finds orders by number in FRONTDESK_BENCH_DB (a
// seeded store, opened read-only and left as it is), as GET /orders?number=
// does: the order through the unique index on orders.number, then its
// customer, in one read transaction. The numbers are spread over the
// whole table, so most lookups meet pages the cache has not seen yet. It
// reports p50 and p95 per lookup. Skipped without FRONTDESK_BENCH_DB:
//
//	FRONTDESK_BENCH_DB=/tmp/frontdesk-bench-1000000.db go test -run '^$' -bench OrderByNumber -benchtime 2000x ./store/sqlite/
func BenchmarkOrderByNumber(b *testing.B) {
	path := os.Getenv("FRONTDESK_BENCH_DB")
	if path == "" {
		b.Skip("FRONTDESK_BENCH_DB is not set: give a seeded store (frontdesk sandbox serve --seed N --db PATH makes one)")
	}
	ctx := context.Background()
	st, err := sqlite.OpenReadOnly(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	// The seed numbers orders FD- and their id padded to 8 digits.
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		b.Fatal(err)
	}
	var last int64
	err = db.QueryRow(`SELECT max(id) FROM orders`).Scan(&last)
	db.Close()
	if err != nil || last <= 0 {
		b.Fatalf("no orders in %s: %v", path, err)
	}
	const spread = 4099 // numbers a prime apart, wrapping over the table
	numbers := make([]string, 0, 5000)
	for i := int64(0); i < 5000; i++ {
		numbers = append(numbers, fmt.Sprintf("FD-%08d", 1+(i*spread*7919)%last))
	}
	for _, withCustomer := range []bool{false, true} {
		name := "order"
		if withCustomer {
			name = "order+customer"
		}
		b.Run(name, func(b *testing.B) {
			took := make([]time.Duration, 0, b.N)
			i := 0
			for b.Loop() {
				n := numbers[i%len(numbers)]
				i++
				start := time.Now()
				err := st.Read(ctx, func(tx store.Tx) error {
					o, err := tx.OrderByNumber(ctx, n)
					if err != nil || !withCustomer {
						return err
					}
					_, err = tx.Customer(ctx, o.CustomerID)
					return err
				})
				took = append(took, time.Since(start))
				if err != nil {
					b.Fatalf("%s: %v", n, err)
				}
			}
			slices.Sort(took)
			pct := func(p float64) float64 {
				return float64(took[min(int(p*float64(len(took))), len(took)-1)].Microseconds()) / 1000
			}
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.95), "p95-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
		})
	}
}
