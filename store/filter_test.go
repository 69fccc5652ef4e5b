package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/store"
	"frontdesk/store/postgres"
	"frontdesk/store/postgres/pgtest"
	"frontdesk/store/sqlite"
)

// filterCase is a field filter and the SQL condition on the customer c
// (with la its loyalty account, lo its last order's time) that means
// the same, per engine.
type filterCase struct {
	q, sqlite, postgres string
}

var filterCases = []filterCase{
	{"orders:>5", "c.total_orders > 5", "c.total_orders > 5"},
	{"orders:<=1", "c.total_orders <= 1", "c.total_orders <= 1"},
	{"orders:0", "c.total_orders = 0", "c.total_orders = 0"},
	{"spent:>=10000", "c.total_spent >= 1000000", "c.total_spent >= 1000000"},
	{"spent:<2500.50", "c.total_spent < 250050", "c.total_spent < 250050"},
	{"points:<100", "coalesce(la.points_balance, 0) < 100", "coalesce(la.points_balance, 0) < 100"},
	{"points:>=2000", "coalesce(la.points_balance, 0) >= 2000", "coalesce(la.points_balance, 0) >= 2000"},
	{"status:disabled", "c.status = 'disabled'", "c.status = 'disabled'"},
	{"status:active orders:>10", "c.status = 'active' AND c.total_orders > 10", "c.status = 'active' AND c.total_orders > 10"},
	{"since:2026", "c.created_at >= '2026-01-01'", "c.created_at >= '2026-01-01Z'"},
	{"since:2025-06-15", "c.created_at >= '2025-06-15'", "c.created_at >= '2025-06-15Z'"},
	{"last-order:<2026-06", "lo < '2026-06-01'", "lo < '2026-06-01Z'"},
	{"last-order:>2026-09", "lo >= '2026-10-01'", "lo >= '2026-10-01Z'"},
	{"last-order:2026-03", "lo >= '2026-03-01' AND lo < '2026-04-01'", "lo >= '2026-03-01Z' AND lo < '2026-04-01Z'"},
	{"name:wan", "(lower(c.first_name) LIKE '%wan%' OR lower(c.last_name) LIKE '%wan%')", "(lower(c.first_name) LIKE '%wan%' OR lower(c.last_name) LIKE '%wan%')"},
	{"email:gmail orders:>5", "lower(c.email) LIKE '%gmail%' AND c.total_orders > 5", "lower(c.email) LIKE '%gmail%' AND c.total_orders > 5"},
	{"phone:0722", "c.phone LIKE '%+254722%' OR c.phone LIKE '%0722%'", "c.phone LIKE '%+254722%' OR c.phone LIKE '%0722%'"},
}

// searchAll pages through every match of q (newest first).
func searchAll(t *testing.T, st store.Store, q string) []api.ID {
	t.Helper()
	var out []api.ID
	for pg := 1; ; pg++ {
		var res store.SearchResult
		err := st.Read(t.Context(), func(tx store.Tx) error {
			var err error
			res, err = tx.SearchCustomers(t.Context(), store.SearchParams{Query: q, Page: pg, Limit: api.MaxPageLimit})
			return err
		})
		if err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		out = append(out, res.IDs...)
		if !res.More {
			return out
		}
	}
}

// checkFilters compares each filter's matches with what the database's
// own condition selects.
func checkFilters(t *testing.T, st store.Store, where func(cond string) []api.ID, pick func(filterCase) string) {
	t.Helper()
	for _, c := range filterCases {
		got := searchAll(t, st, c.q)
		want := where(pick(c))
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%q: the search finds %d customers, the database's %q %d", c.q, len(got), pick(c), len(want))
		}
		if len(want) == 0 && c.q == "orders:>5" {
			t.Errorf("%q matches nobody in the seed: the test proves nothing", c.q)
		}
	}
}

// changeFacts disables one customer, gives another 150 points and a
// third a first order on 2026-11-05, through the Store, and checks
// that the filters see each change at the next search (the triggers on
// customers, loyalty_accounts and orders move the feed).
func changeFacts(t *testing.T, st store.Store, putOrders func(context.Context, []api.Order) ([]api.ID, error)) {
	t.Helper()
	ids := searchAll(t, st, "status:active orders:0 points:0")
	if len(ids) < 3 {
		t.Fatalf("only %d active customers without orders or points", len(ids))
	}
	a, b, c := ids[0], ids[1], ids[2]
	in := func(q string, id api.ID) bool { return slices.Contains(searchAll(t, st, q), id) }
	if in("status:disabled", a) || in("points:150", b) || in("last-order:2026-11-05", c) {
		t.Fatal("a filter matches before the change")
	}
	err := st.Write(t.Context(), func(tx store.Tx) error {
		disabled := api.StatusDisabled
		var cust api.Customer
		cs, err := tx.CustomersByID(t.Context(), []api.ID{a})
		if err != nil || len(cs) != 1 {
			return fmt.Errorf("load %s: %v", a, err)
		}
		cust = cs[0]
		if err := tx.UpdateCustomer(t.Context(), a, cust.Version, store.CustomerUpdate{
			CustomerPatch: api.CustomerPatch{Status: &disabled}, At: time.Now()}); err != nil {
			return err
		}
		_, err = tx.AppendAdjustment(t.Context(), store.Adjustment{CustomerID: b, Points: 150, Reason: "goodwill", Note: "filter test", At: time.Now()})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 5, 10, 0, 0, 0, time.UTC)
	if _, err := putOrders(t.Context(), []api.Order{{Number: "FD-FILTER-1", CustomerID: c, Status: api.OrderShipped, PaymentStatus: "paid",
		FulfillmentStatus: "shipped", Currency: "KES", Subtotal: 500_00, Total: 500_00, ItemCount: 1, CreatedAt: at,
		Items: []api.OrderItem{{SKU: "SKU-F", Name: "Kiondo", Quantity: 1, UnitPrice: 500_00, Total: 500_00}}}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		q  string
		id api.ID
	}{{"status:disabled", a}, {"points:150", b}, {"last-order:2026-11-05", c}, {"orders:1", c}} {
		if !in(tc.q, tc.id) {
			t.Errorf("%q: customer %s changed but the search does not find it", tc.q, tc.id)
		}
	}
	if in("status:active", a) || in("points:0", b) || in("orders:0", c) {
		t.Error("a changed customer still matches its old facts")
	}
}

// TestSearchFilters: each field filter finds exactly the customers the
// database's own condition selects, on a seeded store of each engine,
// and changes of status, points and orders reach the filters.
func TestSearchFilters(t *testing.T) {
	const lastOrder = `(SELECT max(o.created_at) FROM orders o WHERE o.customer_id = c.id)`
	query := func(cond string) string {
		return `SELECT c.id FROM customers c LEFT JOIN loyalty_accounts la ON la.customer_id = c.id, (SELECT 1) x
			WHERE ` + replaceLO(cond, lastOrder)
	}
	t.Run("sqlite", func(t *testing.T) {
		db := seedSQLite(t)
		st := sqlite.New(db)
		checkFilters(t, st, func(cond string) []api.ID {
			rows, err := db.QueryContext(t.Context(), query(cond))
			if err != nil {
				t.Fatalf("%s: %v", cond, err)
			}
			defer rows.Close()
			return allIDs(t, rows)
		}, func(c filterCase) string { return c.sqlite })
		changeFacts(t, st, st.PutOrders)
	})
	t.Run("postgres", func(t *testing.T) {
		st, err := postgres.Open(t.Context(), pgtest.DSN(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		if err := st.WarmSearch(t.Context()); err != nil {
			t.Fatal(err)
		}
		if _, err := st.CopySQLite(t.Context(), seedSQLite(t), nil); err != nil {
			t.Fatal(err)
		}
		checkFilters(t, st, func(cond string) []api.ID {
			rows, err := st.Pool().Query(t.Context(), query(cond))
			if err != nil {
				t.Fatalf("%s: %v", cond, err)
			}
			defer rows.Close()
			return allIDs(t, rows)
		}, func(c filterCase) string { return c.postgres })
		changeFacts(t, st, st.PutOrders)
	})
}

// replaceLO puts the last-order subquery in place of the word lo.
func replaceLO(cond, sub string) string {
	out := []byte{}
	for i := 0; i < len(cond); i++ {
		if i+2 <= len(cond) && cond[i:i+2] == "lo" && (i == 0 || cond[i-1] == ' ' || cond[i-1] == '(') && (i+2 == len(cond) || cond[i+2] == ' ') {
			out = append(out, sub...)
			i++
			continue
		}
		out = append(out, cond[i])
	}
	return string(out)
}
