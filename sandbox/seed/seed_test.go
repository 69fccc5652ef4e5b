package seed

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"frontdesk/api"
	"frontdesk/store"
	"frontdesk/store/sqlite"
	"frontdesk/store/sqlite/schema"
)

func openDB(t testing.TB) *sql.DB {
	t.Helper()
	db, err := schema.Open(context.Background(), filepath.Join(t.TempDir(), "seed.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func seeded(t testing.TB, n int, seed int64) (*sql.DB, Stats) {
	t.Helper()
	db := openDB(t)
	st, err := Run(context.Background(), db, Options{Customers: n, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	return db, st
}

// digest hashes every row of every seeded table in id order.
func digest(t *testing.T, db *sql.DB) string {
	t.Helper()
	h := sha256.New()
	for _, q := range []string{
		`SELECT * FROM customers ORDER BY id`,
		`SELECT * FROM addresses ORDER BY id`,
		`SELECT * FROM orders ORDER BY id`,
		`SELECT * FROM loyalty_accounts ORDER BY customer_id`,
		`SELECT * FROM loyalty_ledger ORDER BY id`,
		`SELECT * FROM notes ORDER BY id`,
		`SELECT * FROM agents ORDER BY id`,
	} {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(h, "%q\n", vals)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestDeterministic(t *testing.T) {
	a, sa := seeded(t, 400, 7)
	b, sb := seeded(t, 400, 7)
	c, _ := seeded(t, 400, 8)
	da, db, dc := digest(t, a), digest(t, b), digest(t, c)
	if da != db {
		t.Fatalf("same seed, different rows: %s vs %s", da, db)
	}
	if da == dc {
		t.Fatal("different seeds gave identical rows")
	}
	sa.Duration, sb.Duration = 0, 0
	if fmt.Sprint(sa) != fmt.Sprint(sb) {
		t.Fatalf("stats differ: %+v vs %+v", sa, sb)
	}
}

func queryInt(t *testing.T, db *sql.DB, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestInvariants(t *testing.T) {
	const n = 1500
	db, st := seeded(t, n, 42)
	if st.Customers != n {
		t.Errorf("Stats.Customers = %d, want %d", st.Customers, n)
	}
	for _, c := range []struct {
		name string
		q    string
		want int64
	}{
		{"customers", `SELECT count(*) FROM customers`, int64(st.Customers)},
		{"orders", `SELECT count(*) FROM orders`, int64(st.Orders)},
		{"ledger", `SELECT count(*) FROM loyalty_ledger`, int64(st.LedgerEntries)},
		{"notes", `SELECT count(*) FROM notes`, int64(st.Notes)},
		{"accounts", `SELECT count(*) FROM loyalty_accounts`, int64(st.Customers)},
		{"ledger sum = balance", `SELECT count(*) FROM loyalty_accounts a WHERE a.points_balance !=
			(SELECT coalesce(sum(points), 0) FROM loyalty_ledger l WHERE l.customer_id = a.customer_id)`, 0},
		{"last balance_after = balance", `SELECT count(*) FROM loyalty_accounts a WHERE a.points_balance !=
			coalesce((SELECT balance_after FROM loyalty_ledger l WHERE l.customer_id = a.customer_id ORDER BY id DESC LIMIT 1), 0)`, 0},
		{"running balance", `SELECT count(*) FROM (SELECT balance_after, sum(points) OVER (PARTITION BY customer_id ORDER BY id) AS run FROM loyalty_ledger) WHERE run != balance_after OR run < 0`, 0},
		{"ledger in time order", `SELECT count(*) FROM (SELECT created_at, lag(created_at) OVER (PARTITION BY customer_id ORDER BY id) AS prev FROM loyalty_ledger) WHERE created_at < prev`, 0},
		{"lifetime earned", `SELECT count(*) FROM loyalty_accounts a WHERE a.lifetime_earned !=
			(SELECT coalesce(sum(points), 0) FROM loyalty_ledger l WHERE l.customer_id = a.customer_id AND points > 0)`, 0},
		{"order totals", `SELECT count(*) FROM orders WHERE total != subtotal + shipping + tax - discount OR total <= 0`, 0},
		{"customer totals", `SELECT count(*) FROM customers c WHERE total_orders != (SELECT count(*) FROM orders o WHERE o.customer_id = c.id AND o.status NOT IN ('cancelled', 'refunded'))
			OR total_spent != (SELECT coalesce(sum(total), 0) FROM orders o WHERE o.customer_id = c.id AND o.status NOT IN ('cancelled', 'refunded'))`, 0},
		{"unique emails", `SELECT count(*) - count(DISTINCT lower(email)) FROM customers`, 0},
		{"orders ≤ 60", `SELECT count(*) FROM (SELECT customer_id FROM orders GROUP BY customer_id HAVING count(*) > 60)`, 0},
		{"orders before sign-up", `SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.created_at < c.created_at`, 0},
		{"future rows", `SELECT (SELECT count(*) FROM orders WHERE created_at > '2026-11-01T00:00:00.000Z') + (SELECT count(*) FROM customers WHERE created_at > '2026-11-01T00:00:00.000Z')`, 0},
		{"phones", `SELECT count(*) FROM customers WHERE phone NOT GLOB '+2547[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]' AND phone NOT GLOB '+2541[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'`, 0},
		{"unique phones", `SELECT count(*) - count(DISTINCT substr(phone, 6)) FROM customers`, 0},
		{"every customer has a default address", `SELECT count(*) FROM customers c WHERE NOT EXISTS (SELECT 1 FROM addresses a WHERE a.customer_id = c.id AND a.is_default)`, 0},
		{"every customer in the search feed", `SELECT count(*) FROM customers c WHERE NOT EXISTS (SELECT 1 FROM customer_changes ch WHERE ch.customer_id = c.id)`, 0},
		{"search feed numbered 1…n", `SELECT max(seq) - count(*) FROM customer_changes`, 0},
	} {
		if got := queryInt(t, db, c.q); got != c.want {
			t.Errorf("%s: got %d, want %d", c.name, got, c.want)
		}
	}
	// The engine's search, fed by the feed the load filled, finds the
	// customers.
	searchFinds(t, db, "@gmail.com", queryInt(t, db, `SELECT count(*) FROM customers WHERE email LIKE '%@gmail.com%'`))
	// Realism: a few disabled customers, some unconfirmed emails, a mean
	// order count that keeps big seeds fast, every ledger entry type.
	if d := queryInt(t, db, `SELECT count(*) FROM customers WHERE status = 'disabled'`); d < 1 || d > n/50 {
		t.Errorf("disabled customers = %d of %d, want about 0.5%%", d, n)
	}
	if u := queryInt(t, db, `SELECT count(*) FROM customers WHERE NOT email_confirmed`); u < n/50 || u > n/5 {
		t.Errorf("unconfirmed emails = %d of %d, want about 8%%", u, n)
	}
	if mean := float64(st.Orders) / float64(st.Customers); mean < 2.5 || mean > 5 {
		t.Errorf("mean orders per customer = %.2f, want 3–5", mean)
	}
	for _, typ := range []string{"earn", "redeem", "adjust", "expire"} {
		if n := queryInt(t, db, `SELECT count(*) FROM loyalty_ledger WHERE type = ?`, typ); n == 0 {
			t.Errorf("no %s ledger entries", typ)
		}
	}
	if n := queryInt(t, db, `SELECT count(*) FROM loyalty_ledger WHERE type = 'adjust' AND (agent_id != ? OR reason = '' OR note = '')`, AgentID); n != 0 {
		t.Errorf("%d adjustments without agent, reason or note", n)
	}
	for _, table := range []string{"customers", "orders", "loyalty_ledger", "notes", "addresses"} {
		rows, err := db.Query(`SELECT * FROM pragma_foreign_key_check(?)`, table)
		if err != nil {
			t.Fatal(err)
		}
		if rows.Next() {
			t.Errorf("foreign key violation in %s", table)
		}
		rows.Close()
	}
	var role string
	if err := db.QueryRow(`SELECT role FROM agents WHERE id = ?`, AgentID).Scan(&role); err != nil || role != api.RoleViewer {
		t.Errorf("seed agent role = %q, %v; want viewer", role, err)
	}

	// Items decode as api.OrderItem and add up.
	rows, err := db.Query(`SELECT items, subtotal, item_count, shipping_address FROM orders`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var raw, ship string
		var subtotal int64
		var count int
		if err := rows.Scan(&raw, &subtotal, &count, &ship); err != nil {
			t.Fatal(err)
		}
		var items []api.OrderItem
		if err := json.Unmarshal([]byte(raw), &items); err != nil {
			t.Fatalf("items %s: %v", raw, err)
		}
		var sum int64
		var qty int
		for _, it := range items {
			if it.Total != it.UnitPrice*int64(it.Quantity) || it.SKU == "" || it.Name == "" {
				t.Fatalf("bad item %+v", it)
			}
			sum += it.Total
			qty += it.Quantity
		}
		if sum != subtotal || qty != count {
			t.Fatalf("items %s: sum %d qty %d, row says %d, %d", raw, sum, qty, subtotal, count)
		}
		var a api.Address
		if err := json.Unmarshal([]byte(ship), &a); err != nil || a.City == "" || a.Country != "KE" {
			t.Fatalf("shipping address %s: %+v, %v", ship, a, err)
		}
	}
}

func TestIndexesAndTriggersRestored(t *testing.T) {
	fresh := openDB(t)
	db, _ := seeded(t, 50, 1)
	schemaOf := func(db *sql.DB) []string {
		rows, err := db.Query(`SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%' ORDER BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			rows.Scan(&s)
			out = append(out, s)
		}
		return out
	}
	if a, b := schemaOf(fresh), schemaOf(db); !slices.Equal(a, b) {
		t.Fatalf("schema after seeding differs:\nfresh  %q\nseeded %q", a, b)
	}
	// The feed's triggers work again after the load: a new customer gets
	// the next number.
	before := queryInt(t, db, `SELECT max(seq) FROM customer_changes`)
	if _, err := db.Exec(`INSERT INTO customers (email, first_name, last_name, created_at, updated_at) VALUES ('zz-new@x.test', 'Zed', 'Zulu', '2026-11-01T00:00:00.000Z', 'x')`); err != nil {
		t.Fatal(err)
	}
	if n := queryInt(t, db, `SELECT seq FROM customer_changes WHERE customer_id = (SELECT id FROM customers WHERE email = 'zz-new@x.test')`); n != before+1 {
		t.Fatalf("feed number of a new customer = %d, want %d", n, before+1)
	}
	// The pragmas on the pooled connections are back to the schema's.
	var fk, sync int
	db.QueryRow(`PRAGMA foreign_keys`).Scan(&fk)
	db.QueryRow(`PRAGMA synchronous`).Scan(&sync)
	if fk != 1 || sync != 1 {
		t.Fatalf("foreign_keys=%d synchronous=%d after seeding, want 1 and 1 (NORMAL)", fk, sync)
	}
	var mode string
	db.QueryRow(`PRAGMA journal_mode`).Scan(&mode)
	if mode != "wal" {
		t.Fatalf("journal_mode = %q after seeding, want wal", mode)
	}
}

func TestHostileRecords(t *testing.T) {
	for _, n := range []int{0, 5, 200} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			db, st := seeded(t, n, 3)
			kinds := HostileKinds()
			if len(st.HostileIDs) != len(kinds) {
				t.Fatalf("HostileIDs = %v, want %d", st.HostileIDs, len(kinds))
			}
			if want := max(n, len(kinds)); st.Customers != want {
				t.Errorf("Customers = %d, want %d", st.Customers, want)
			}
			for i, kind := range kinds {
				var id int64
				if ids := search(t, db, HostileEmail(kind)); len(ids) != 1 {
					t.Fatalf("search for %s: %v, want one customer", HostileEmail(kind), ids)
				} else if id, _ = ids[0].Int64(); id != st.HostileIDs[i] {
					t.Errorf("%s: id %d, want %d", kind, id, st.HostileIDs[i])
				}
				for _, q := range []string{
					`SELECT count(*) FROM orders WHERE customer_id = ?`,
					`SELECT count(*) FROM notes WHERE customer_id = ?`,
					`SELECT count(*) FROM addresses WHERE customer_id = ?`,
				} {
					if queryInt(t, db, q, id) == 0 {
						t.Errorf("%s: %s = 0", kind, q)
					}
				}
			}
		})
	}
	db, st := seeded(t, 100, 3)
	// What each kind's name and payload (address, note, item name) must
	// carry.
	marks := map[string][2]string{
		"osc52": {"\x1b]52;c;SGVsbG8=\x07", "\x1b]52;c;SGVsbG8=\x07"}, "title": {"\x1b]0;pwned\x07", "\x1b]0;pwned\x07"},
		"clear": {"\x1b[2J", "\x1b[2J"}, "hyperlink": {"\x1b]8;;http://evil.test\x1b\\", "\x1b]8;;http://evil.test\x1b\\"},
		"dcs": {"\x1bP", "\x1bP"}, "c1": {"\u009b", "\u009b"}, "ctrl": {"\a", "\b"},
		"emoji": {"\u200d", "\u200d"}, "rtl": {"\u202e", "\u202e"}, "cjk": {"王", "東"}, "zalgo": {"\u0300", "\u0300"},
		"long": {"Wanjiru-", "Kenyatta"},
	}
	for i, kind := range HostileKinds() {
		id := st.HostileIDs[i]
		var name, addr, note, items string
		db.QueryRow(`SELECT first_name || last_name FROM customers WHERE id = ?`, id).Scan(&name)
		db.QueryRow(`SELECT group_concat(address1) FROM addresses WHERE customer_id = ?`, id).Scan(&addr)
		db.QueryRow(`SELECT group_concat(body) FROM notes WHERE customer_id = ?`, id).Scan(&note)
		db.QueryRow(`SELECT '[' || group_concat(items) || ']' FROM orders WHERE customer_id = ?`, id).Scan(&items)
		var decoded [][]api.OrderItem
		if err := json.Unmarshal([]byte(items), &decoded); err != nil {
			t.Fatalf("%s: items: %v", kind, err)
		}
		var itemNames string
		for _, order := range decoded {
			for _, it := range order {
				itemNames += it.Name
			}
		}
		m, ok := marks[kind]
		if !ok {
			t.Fatalf("no expectations for hostile kind %q", kind)
		}
		if !strings.Contains(name, m[0]) {
			t.Errorf("%s: name %q lacks %q", kind, name, m[0])
		}
		for what, s := range map[string]string{"address": addr, "note": note, "item name": itemNames} {
			if !strings.Contains(s, m[1]) {
				t.Errorf("%s: %s %q lacks %q", kind, what, s, m[1])
			}
		}
		if kind == "long" {
			if n := utf8.RuneCountInString(name); n != 600 {
				t.Errorf("long: first+last name is %d characters, want 600", n)
			}
		}
	}
}

// A server may already hold other connections to the file: the load then
// cannot leave WAL, and must still work.
func TestOtherConnectionsOpen(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	other, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	var n int
	if err := other.QueryRowContext(ctx, `SELECT count(*) FROM agents`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	st, err := Run(ctx, db, Options{Customers: 300, Seed: 5})
	if err != nil {
		t.Fatalf("seed with another connection open: %v", err)
	}
	if got := queryInt(t, db, `SELECT count(*) FROM customers`); got != int64(st.Customers) {
		t.Fatalf("customers = %d, want %d", got, st.Customers)
	}
	searchFinds(t, db, "", int64(st.Customers))
	var mode string
	other.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode)
	if mode != "wal" {
		t.Fatalf("journal_mode = %q, want wal", mode)
	}
}

// search asks the SQLite engine's search (a new Store on db, so a new
// index loaded from the feed) for query: up to api.MaxPageLimit ids.
func search(t *testing.T, db *sql.DB, query string) []api.ID {
	t.Helper()
	var res store.SearchResult
	err := sqlite.New(db).Read(t.Context(), func(tx store.Tx) error {
		var err error
		res, err = tx.SearchCustomers(t.Context(), store.SearchParams{Query: query, Limit: api.MaxPageLimit})
		return err
	})
	if err != nil {
		t.Fatalf("search %q: %v", query, err)
	}
	return res.IDs
}

// searchFinds checks that the engine's search counts want customers for
// query.
func searchFinds(t *testing.T, db *sql.DB, query string, want int64) {
	t.Helper()
	var res store.SearchResult
	err := sqlite.New(db).Read(t.Context(), func(tx store.Tx) error {
		var err error
		res, err = tx.SearchCustomers(t.Context(), store.SearchParams{Query: query})
		return err
	})
	if err != nil {
		t.Fatalf("search %q: %v", query, err)
	}
	if want == 0 || int64(res.Total) != min(want, api.TotalExactCap) {
		t.Errorf("search %q: %d customers, want %d (and more than none)", query, res.Total, want)
	}
}

func TestRefusesNonEmpty(t *testing.T) {
	db, _ := seeded(t, 20, 1)
	if _, err := Run(context.Background(), db, Options{Customers: 20}); err == nil {
		t.Fatal("seeding a non-empty database succeeded")
	}
	if _, err := Run(context.Background(), openDB(t), Options{Customers: -1}); err == nil {
		t.Fatal("negative customer count accepted")
	}
}

func TestCancelRollsBack(t *testing.T) {
	db := openDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	progressed := 0
	_, err := Run(ctx, db, Options{Customers: 20000, Seed: 1, Progress: func(done int) {
		progressed = done
		if done >= batchCustomers {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run after cancel: err = %v, want context.Canceled", err)
	}
	if progressed >= 20000 {
		t.Fatalf("ran to the end (%d) despite cancel", progressed)
	}
	for _, table := range []string{"customers", "orders", "loyalty_ledger", "addresses"} {
		if n := queryInt(t, db, "SELECT count(*) FROM "+table); n != 0 {
			t.Errorf("%s has %d rows after a cancelled seed, want 0", table, n)
		}
	}
	// The dropped indexes are back (the transaction rolled back) and the
	// database can be seeded now.
	if n := queryInt(t, db, `SELECT count(*) FROM sqlite_master WHERE name = 'customer_changes_ai' OR name = 'customers_email'`); n != 2 {
		t.Fatalf("schema objects after rollback = %d, want 2", n)
	}
	if _, err := Run(context.Background(), db, Options{Customers: 100, Seed: 1}); err != nil {
		t.Fatalf("seed after a cancelled seed: %v", err)
	}
}

// BenchmarkSeed seeds FRONTDESK_BENCH_CUSTOMERS customers (default 20000)
// into a fresh file per iteration and reports customers per second.
func BenchmarkSeed(b *testing.B) {
	n := 20000
	if s := os.Getenv("FRONTDESK_BENCH_CUSTOMERS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil {
			b.Fatalf("FRONTDESK_BENCH_CUSTOMERS=%q: %v", s, err)
		}
		n = v
	}
	ctx := context.Background()
	var st Stats
	for b.Loop() {
		b.StopTimer()
		db, err := schema.Open(ctx, filepath.Join(b.TempDir(), fmt.Sprintf("bench-%d.db", time.Now().UnixNano())))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		st, err = Run(ctx, db, Options{Customers: n, Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n)/st.Duration.Seconds(), "customers/s")
	b.ReportMetric(float64(st.Orders+st.LedgerEntries+st.Customers*3)/st.Duration.Seconds(), "rows/s")
	b.Logf("%d customers, %d orders, %d ledger entries, %d notes in %s", st.Customers, st.Orders, st.LedgerEntries, st.Notes, st.Duration.Round(time.Millisecond))
}

func TestLiteralsRoundTrip(t *testing.T) {
	db := openDB(t)
	v := newValues("notes", noteCols)
	bodies := []string{"plain", "it's", "''", "\x00nul\x00", "bad \xff\xfe utf8", "\x1b]52;c;SGVsbG8=\x07", "😀 \u202e", "a\nb\r\tc", ""}
	for i, s := range bodies {
		v.add(int64(i+1), int64(1), s, "seed", "x", nil)
	}
	if _, err := db.Exec(`PRAGMA foreign_keys = OFF`); err != nil {
		t.Fatal(err)
	}
	for _, q := range v.take() {
		if _, err := db.Exec(strings.ReplaceAll(q, "NULL)", "'t')")); err != nil {
			t.Fatalf("%q: %v", q, err)
		}
	}
	for i, want := range bodies {
		var got string
		var typ string
		if err := db.QueryRow(`SELECT body, typeof(body) FROM notes WHERE id = ?`, i+1).Scan(&got, &typ); err != nil {
			t.Fatal(err)
		}
		if got != want || typ != "text" {
			t.Errorf("row %d: %q (%s), want %q", i+1, got, typ, want)
		}
	}
}
