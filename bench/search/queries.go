package search

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"frontdesk/api"
)

// querySpec is one row to time: a query under a sort, on a page.
type querySpec struct {
	shape, query, sort string
	// page and limit pick a page by number (page 1 of 20 by default);
	// afterDepth > 0 instead times the page of 20 after the afterDepth-th
	// match, reached by key (SearchParams.After).
	page, limit int
	afterDepth  int
}

func (q querySpec) pageLabel() string {
	switch {
	case q.afterDepth > 0:
		return "after " + thousands(q.afterDepth)
	case q.limit != api.DefaultPageLimit:
		return fmt.Sprintf("%d of %d", q.page, q.limit)
	}
	return fmt.Sprint(q.page)
}

// shapes are the query shapes of issue 15, in table order. The full
// email and the phone fragment come from the data (querySet).
var shapes = []struct{ shape, query string }{
	{"fragment", "wan"}, {"fragment", "ach"}, {"fragment", "kam"},
	{"surname", "Otieno"},
	{"fragment", "nai"},
	{"digits", "254"},
	{"surname", "Mwangi"},
	{"initials", "j k"},
	{"half name", "mary w"},
	{"short words", "a b"},
	{"short words", "a b c d e f g h"},
	{"phone prefix", "0712"},
	{"phone, spaced", "+254 712"},
	{"full email", ""},
	{"7-digit phone", ""},
	{"accented", "élodie"},
}

// deepQueries are paged deep: everyone (what an export walks) and a
// common fragment.
var deepQueries = []struct{ shape, query string }{{"everyone", ""}, {"fragment", "wan"}}

// querySet is every row of the table for a store of n customers: each
// shape under every sort, then page 100 of 100 and a page reached by key
// deep in the listing.
func querySet(ctx context.Context, db *sql.DB, n int) ([]querySpec, error) {
	email, phone, err := pickCustomer(ctx, db, n)
	if err != nil {
		return nil, err
	}
	var out []querySpec
	for _, sh := range shapes {
		q := sh.query
		switch sh.shape {
		case "full email":
			q = email
		case "7-digit phone":
			q = phone
		}
		for _, s := range api.Sorts {
			out = append(out, querySpec{shape: sh.shape, query: q, sort: s, page: 1, limit: api.DefaultPageLimit})
		}
	}
	for _, d := range deepQueries {
		var total int
		if d.query == "" {
			total = n
		} else if err := db.QueryRowContext(ctx, `SELECT count(*) FROM customers
			WHERE frontdesk_bench_fold(email) LIKE ?1 OR frontdesk_bench_fold(first_name) LIKE ?1
			OR frontdesk_bench_fold(last_name) LIKE ?1 OR frontdesk_bench_fold(phone) LIKE ?1`, "%"+d.query+"%").Scan(&total); err != nil {
			return nil, fmt.Errorf("count the matches of %q: %w", d.query, err)
		}
		depth := deepDepth(total)
		for _, s := range api.Sorts {
			out = append(out, querySpec{shape: d.shape, query: d.query, sort: s, page: 100, limit: api.MaxPageLimit})
			if depth > 0 {
				out = append(out, querySpec{shape: d.shape, query: d.query, sort: s, afterDepth: depth})
			}
		}
	}
	return out, nil
}

// deepDepth is where the page by key starts: half way down a listing of
// total matches, in whole pages of 100 (0: too few matches to page).
func deepDepth(total int) int {
	d := total / 2
	if d >= api.MaxPageLimit {
		return d / api.MaxPageLimit * api.MaxPageLimit
	}
	return d
}

// pickCustomer takes a full email and a 7-digit phone fragment from a
// customer a third of the way into the table (the same for a given seed
// and size), passing over the hostile records.
func pickCustomer(ctx context.Context, db *sql.DB, n int) (email, phone string, err error) {
	rows, err := db.QueryContext(ctx, `SELECT email, phone FROM customers WHERE id >= ? ORDER BY id LIMIT 500`, max(n/3, 1))
	if err != nil {
		return "", "", fmt.Errorf("pick a customer to search for: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e, p string
		if err := rows.Scan(&e, &p); err != nil {
			return "", "", err
		}
		frag, ok := phoneFragment(p)
		if ok && strings.Contains(e, "@") && !strings.HasPrefix(e, "hostile-") && printableASCII(e) {
			return e, frag, nil
		}
	}
	if err := rows.Err(); err != nil {
		return "", "", err
	}
	return "", "", fmt.Errorf("no customer with a plain email and phone after id %d to search for", max(n/3, 1))
}

// phoneFragment is 7 digits from the middle of the phone number, as an
// agent reads them off a caller id: "+254712345678" gives "1234567".
func phoneFragment(phone string) (string, bool) {
	var d []byte
	for i := 0; i < len(phone); i++ {
		if phone[i] >= '0' && phone[i] <= '9' {
			d = append(d, phone[i])
		}
	}
	if len(d) < 9 {
		return "", false
	}
	return string(d[len(d)-8 : len(d)-1]), true
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return s != ""
}

// sortName is how the table names a sort.
func sortName(s string) string {
	switch s {
	case api.SortNewest:
		return "newest"
	case api.SortTopSpenders:
		return "top spenders"
	case api.SortName:
		return "name"
	}
	return s
}

// thousands writes n with thousands separators: 1000000 → "1,000,000".
func thousands(n int) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
