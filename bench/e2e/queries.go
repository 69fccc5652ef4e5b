package main

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"

	_ "modernc.org/sqlite"
)

// customerRow is what the pickers read of one seeded customer.
type customerRow struct {
	id                        int64
	email, first, last, phone string
}

// query is one search the benchmark types, and the customer it came from.
type query struct {
	text string
	from customerRow
}

// shape is a kind of query an agent types. from makes a query of this
// shape out of one customer (r picks among the customer's fragments), or
// reports that the customer has none.
type shape struct {
	name  string
	label string
	from  func(c customerRow, r *rand.Rand) (string, bool)
}

// allShapes are the query shapes, in report order.
func allShapes() []shape {
	return []shape{
		{"email", "full email", func(c customerRow, _ *rand.Rand) (string, bool) {
			return c.email, strings.Contains(c.email, "@")
		}},
		{"email12", "12-character email prefix", func(c customerRow, _ *rand.Rand) (string, bool) {
			// The coalescing figure: a 12-character query typed
			// at 40 ms a key.
			return c.email[:min(12, len(c.email))], len(c.email) >= 12 && !strings.Contains(c.email[:12], " ")
		}},
		{"phone", "7-digit phone fragment", phoneFragment},
		{"surname", "surname", func(c customerRow, _ *rand.Rand) (string, bool) {
			return c.last, len(c.last) >= 3 && lettersOnly(strings.ToLower(c.last))
		}},
		{"initials", "initials", func(c customerRow, _ *rand.Rand) (string, bool) {
			if c.first == "" || c.last == "" {
				return "", false
			}
			q := strings.ToLower(c.first[:1] + " " + c.last[:1])
			return q, lettersOnly(q[:1]) && lettersOnly(q[2:])
		}},
		{"fragment", "3-letter fragment", func(c customerRow, r *rand.Rand) (string, bool) {
			last := strings.ToLower(c.last)
			if len(last) < 3 || !lettersOnly(last) {
				return "", false
			}
			i := r.IntN(len(last) - 2)
			return last[i : i+3], true
		}},
	}
}

// shapesNamed picks shapes by a comma-separated list of names ("" or
// "all": every shape).
func shapesNamed(list string) ([]shape, error) {
	all := allShapes()
	if list == "" || list == "all" {
		return all, nil
	}
	var out []shape
	var names []string
	for _, sh := range all {
		names = append(names, sh.name)
	}
next:
	for _, n := range strings.Split(list, ",") {
		n = strings.TrimSpace(n)
		for _, sh := range all {
			if sh.name == n {
				out = append(out, sh)
				continue next
			}
		}
		return nil, fmt.Errorf("--shapes: unknown shape %q (have %s)", n, strings.Join(names, ", "))
	}
	return out, nil
}

// phoneFragment is 7 digits from the middle of the phone number, as an
// agent reads them off a caller id: "+254712345678" gives "1234567".
func phoneFragment(c customerRow, _ *rand.Rand) (string, bool) {
	var d []byte
	for i := 0; i < len(c.phone); i++ {
		if c.phone[i] >= '0' && c.phone[i] <= '9' {
			d = append(d, c.phone[i])
		}
	}
	if len(d) < 9 {
		return "", false
	}
	return string(d[len(d)-8 : len(d)-1]), true
}

func lettersOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return s != ""
}

// typeable is true for text tmux can type and the status line repeats
// as is: printable ASCII.
func typeable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' {
			return false
		}
	}
	return strings.TrimSpace(s) != ""
}

// openStore opens a sandbox SQLite file read-only (the server may be
// writing it).
func openStore(path string) (*sql.DB, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}

// countCustomers is how many customers the store holds.
func countCustomers(ctx context.Context, db *sql.DB) (int, error) {
	var n int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM customers`).Scan(&n)
	return n, err
}

// pickQueries picks n distinct queries of shape sh from customers spread
// at random over the table. The same seed and store give the same
// queries; each shape draws from its own stream, so choosing other
// shapes does not change these. It returns fewer than n when the store
// does not have them (a small store has few distinct initials). Queries
// longer than maxLen bytes are passed over (the status line of a narrow
// terminal would cut them).
func pickQueries(ctx context.Context, db *sql.DB, sh shape, n, maxLen int, seed uint64) ([]query, error) {
	var lo, hi sql.NullInt64
	if err := db.QueryRowContext(ctx, `SELECT min(id), max(id) FROM customers`).Scan(&lo, &hi); err != nil {
		return nil, fmt.Errorf("read the store's customers: %w", err)
	}
	if !lo.Valid {
		return nil, fmt.Errorf("the store has no customers")
	}
	h := fnv.New64a()
	h.Write([]byte(sh.name))
	r := rand.New(rand.NewPCG(seed, h.Sum64()))
	stmt, err := db.PrepareContext(ctx, `SELECT id, email, first_name, last_name, phone FROM customers WHERE id >= ? ORDER BY id LIMIT 1`)
	if err != nil {
		return nil, err
	}
	defer stmt.Close()
	seen := map[string]bool{}
	var out []query
	for tries := 0; len(out) < n && tries < 100*n+100; tries++ {
		var c customerRow
		at := lo.Int64 + r.Int64N(hi.Int64-lo.Int64+1)
		if err := stmt.QueryRowContext(ctx, at).Scan(&c.id, &c.email, &c.first, &c.last, &c.phone); err != nil {
			return nil, fmt.Errorf("read customer at id %d: %w", at, err)
		}
		if strings.HasPrefix(c.email, "hostile-") {
			continue // made to break terminals, not to be searched for
		}
		q, ok := sh.from(c, r)
		q = strings.TrimSpace(q)
		if !ok || !typeable(q) || len(q) > maxLen || seen[q] {
			continue
		}
		seen[q] = true
		out = append(out, query{text: q, from: c})
	}
	return out, nil
}
