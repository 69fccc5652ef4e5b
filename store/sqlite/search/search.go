// Package search finds customers for GET /customers: substring search over
// email, first name, last name and phone with the FTS5 trigram index
// (customers_fts), prefix search for one- and two-character words, three
// sort orders, and a total that is exact up to api.TotalExactCap.
//
// Every answer is defined by one reference predicate (see match): each
// word of the query must occur in one of the four columns, as a substring
// (three characters or more) or a prefix (fewer), ASCII case-insensitively
// like SQL LIKE. Naive evaluates it on every row; Customers uses the
// indexes to find candidates and evaluates it only on them, so both give
// the same IDs in the same order.
//
// How Customers stays fast (see customersTuned):
//   - candidates come from an index: the trigram index for words of three
//     characters or more, else the NOCASE prefix indexes for one- and
//     two-character words;
//   - several words or a long one (names, emails, phones) first try a
//     loose trigram query: the AND of the rarest few of the words'
//     trigrams, rarity probed by where each trigram's 64th match lies
//     (see looseQuery). Phrases over common trigrams cost tens of
//     milliseconds over a million rows; the loose query about one;
//   - selective queries (at most the cap of candidates): keep the
//     candidates, confirm them, sort and count them, in one statement;
//   - thousands of exact candidates (one ASCII word): count them in the
//     index, and walk the sort order's index for the page;
//   - more candidates than the cap, not all of them matches (a short word
//     among the words, a local phone number): confirm them once, keeping
//     the matches' sort keys, up to cap+1 matches; within the cap those
//     are the total and the page (see confirmed);
//   - broad queries (more matches than the cap): the total is the cap,
//     flagged as an estimate, and the page comes from walking the sort
//     order's index and confirming rows until the page is full. Matches
//     are then at least cap/N of the rows, so a page needs a few thousand
//     rows at most; when the walk runs out of budget (matches clustered
//     late in the sort order, as a surname is under sort=name, or deep
//     pages) a first page walks the sort index again, looking up only
//     the candidates, and a deeper one sorts all candidates (see
//     afterWalk).
//
// "Exact" candidates (the phrases of ASCII words) are taken as the
// matches when counting: the index folds the case of a few non-ASCII
// letters to ASCII ones (the Kelvin sign to k), so a name spelt with such
// a letter would be counted where LIKE would not count it.
//
// Counting stops at cap+1 rows (a union of prefix ranges whose parts are
// each under the cap is counted whole: a few times the cap at most).
package search

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"frontdesk/api"
	"frontdesk/store/searchq"
)

// Params is one search request.
type Params struct {
	// Query is what the user typed; empty lists everyone.
	Query string
	// Sort is api.SortNewest (the default when empty), api.SortTopSpenders
	// or api.SortName.
	Sort string
	// Page counts from 1; Limit is clamped to 1..api.MaxPageLimit (0 means
	// api.DefaultPageLimit).
	Page, Limit int
	// After, when set, continues after that customer in Sort's order
	// (keyset pagination: the page is found from the key through the
	// sort's index, at the same cost at any depth). Page is then
	// ignored and the total not computed (Total 0).
	After *Key
}

// ErrInvalidKey is the error of a Key whose values do not have its
// sort's form.
var ErrInvalidKey = errors.New("invalid search key")

// Key is a customer's place in a sort order: K1, K2 are the sort's
// columns as stored (created_at; total_spent in decimal; last_name,
// first_name), then the id.
type Key struct {
	K1, K2 string
	ID     int64
}

// Result is one page of customer ids in sort order and the total number of
// matches: exact up to api.TotalExactCap, beyond that the cap with
// Estimate set.
type Result struct {
	IDs      []int64
	Total    int
	Estimate bool
	// Last is the key of the last id (nil when there are none); More
	// reports whether any match follows it.
	Last *Key
	More bool
}

// sortSpec is one sort order: the ORDER BY that its index serves, and
// the sort key as columns k1, k2 of a subquery with the ORDER BY over them
// (keeping NOCASE, so SQLite sees the subquery is already in order).
type sortSpec struct {
	orderBy  string
	keyCols  string
	keyOrder string
	// matOrder is keyOrder over k1, k2 once materialized, with the
	// collation spelt out.
	matOrder string
	// keyOf selects a customer c's Key columns (K1, K2) as text.
	keyOf string
	// after is the condition on a customer c of coming after key k, a
	// row-value comparison SQLite answers as a range of the sort's index.
	after func(k Key) (predicate, error)
}

func sortOf(s string) (sortSpec, error) {
	switch s {
	case "", api.SortNewest:
		return sortSpec{"created_at DESC, id DESC", "created_at AS k1, 0 AS k2", "k1 DESC, id DESC", "k1 DESC, id DESC",
			"c.created_at, ''", func(k Key) (predicate, error) {
				return predicate{`(c.created_at, c.id) < (?, ?)`, []any{k.K1, k.ID}}, nil
			}}, nil
	case api.SortTopSpenders:
		return sortSpec{"total_spent DESC, id DESC", "total_spent AS k1, 0 AS k2", "k1 DESC, id DESC", "k1 DESC, id DESC",
			"CAST(c.total_spent AS TEXT), ''", func(k Key) (predicate, error) {
				spent, err := strconv.ParseInt(k.K1, 10, 64)
				if err != nil {
					return predicate{}, fmt.Errorf("search: key %q is not a total spent: %w", k.K1, ErrInvalidKey)
				}
				return predicate{`(c.total_spent, c.id) < (?, ?)`, []any{spent, k.ID}}, nil
			}}, nil
	case api.SortName:
		return sortSpec{"last_name COLLATE NOCASE, first_name COLLATE NOCASE, id",
			"last_name COLLATE NOCASE AS k1, first_name COLLATE NOCASE AS k2", "k1, k2, id",
			"k1 COLLATE NOCASE, k2 COLLATE NOCASE, id",
			"c.last_name, c.first_name", func(k Key) (predicate, error) {
				// The collation on the right: a row value whose left
				// side carries COLLATE is not matched to the index.
				return predicate{`(c.last_name, c.first_name, c.id) > (? COLLATE NOCASE, ? COLLATE NOCASE, ?)`,
					[]any{k.K1, k.K2, k.ID}}, nil
			}}, nil
	}
	return sortSpec{}, fmt.Errorf("search: unknown sort %q: use one of %s", s, strings.Join(api.Sorts, ", "))
}

// page normalises Page and Limit into LIMIT and OFFSET.
func page(p Params) (limit, offset int) {
	limit = p.Limit
	switch {
	case limit <= 0:
		limit = api.DefaultPageLimit
	case limit > api.MaxPageLimit:
		limit = api.MaxPageLimit
	}
	pg := max(p.Page, 1)
	// Deep pages beyond any real table stay representable.
	if pg > math.MaxInt32/limit {
		pg = math.MaxInt32 / limit
	}
	return limit, (pg - 1) * limit
}

// Customers answers p with the indexes. Its IDs and Total equal Naive's.
func Customers(ctx context.Context, db *sql.DB, p Params) (Result, error) {
	return customers(ctx, db, p, api.TotalExactCap)
}

// Naive answers p by evaluating the reference predicate (LIKE '%q%') on
// every row. It exists to check and benchmark Customers.
func Naive(ctx context.Context, db *sql.DB, p Params) (Result, error) {
	return naive(ctx, db, p, api.TotalExactCap)
}

func naive(ctx context.Context, db *sql.DB, p Params, exactCap int) (Result, error) {
	s, err := sortOf(p.Sort)
	if err != nil {
		return Result{}, err
	}
	limit, offset := page(p)
	tokens, blank := searchq.Parse(p.Query)
	if !blank && len(tokens) == 0 {
		return Result{IDs: []int64{}}, nil
	}
	where := "1"
	var args []any
	if !blank {
		m := match(tokens)
		where, args = m.sql, m.args
	}
	pageWhere, pageArgs := where, args
	if p.After != nil {
		a, err := s.after(*p.After)
		if err != nil {
			return Result{}, err
		}
		pageWhere, pageArgs, offset = where+" AND "+a.sql, concat(args, a.args), 0
	}
	ids, err := queryIDs(ctx, db,
		`SELECT c.id FROM customers c WHERE `+pageWhere+` ORDER BY `+s.orderBy+` LIMIT ? OFFSET ?`,
		concat(pageArgs, []any{limit + 1, offset})...)
	if err != nil {
		return Result{}, err
	}
	if p.After != nil {
		return finish(ctx, db, s, Result{IDs: ids}, limit)
	}
	var n int
	if err := db.QueryRowContext(ctx,
		`SELECT count(*) FROM (SELECT 1 FROM customers c WHERE `+where+` LIMIT ?)`,
		append(args, exactCap+1)...).Scan(&n); err != nil {
		return Result{}, fmt.Errorf("search: count: %w", err)
	}
	return finish(ctx, db, s, result(ids, n, exactCap), limit)
}

// finish trims a page read with one row more than limit to limit rows,
// setting More when there was that row, and sets Last.
func finish(ctx context.Context, db *sql.DB, s sortSpec, r Result, limit int) (Result, error) {
	if len(r.IDs) > limit {
		r.IDs, r.More = r.IDs[:limit], true
	}
	if len(r.IDs) == 0 {
		return r, nil
	}
	k := Key{ID: r.IDs[len(r.IDs)-1]}
	if err := db.QueryRowContext(ctx, `SELECT `+s.keyOf+` FROM customers c WHERE c.id = ?`, k.ID).Scan(&k.K1, &k.K2); err != nil {
		return Result{}, fmt.Errorf("search: key of %d: %w", k.ID, err)
	}
	r.Last = &k
	return r, nil
}

// result caps the total.
func result(ids []int64, n, exactCap int) Result {
	if n > exactCap {
		return Result{IDs: ids, Total: exactCap, Estimate: true}
	}
	return Result{IDs: ids, Total: n}
}

func queryIDs(ctx context.Context, db *sql.DB, q string, args ...any) ([]int64, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return ids, nil
}

// candidates is a statement yielding the ids (column "id") of a superset
// of the matching customers, found through an index.
type candidates struct {
	sql  string
	args []any
	// exact: the statement yields exactly the matches (up to where the
	// trigram index's Unicode case folding goes beyond LIKE's), so its
	// count can stand for the total.
	exact bool
	// parts, when set, are the statements sql is the UNION of.
	parts []candidates
}

// candidatesFor picks the index: the trigram index when a word has three
// characters or more, else the prefix indexes on one short word.
func candidatesFor(tokens []searchq.Token) candidates {
	if q := ftsQuery(tokens); q != "" {
		exact := true
		for _, t := range tokens {
			if !t.Long || len(t.PhoneAlts) > 0 || !isASCII(t.Text) {
				exact = false
			}
		}
		return ftsCandidates(q, exact)
	}
	// Only short words: the longest one's prefix on each column's index.
	t := tokens[0]
	for _, u := range tokens[1:] {
		if len(u.Text) > len(t.Text) {
			t = u
		}
	}
	// One range scan per column index (INDEXED BY: the planner would
	// rather scan the table for an OR of ranges), united.
	var parts []candidates
	lo, hi := prefixRange(t.Text)
	for _, ix := range []struct{ col, index string }{
		{"email", "customers_email"}, {"first_name", "customers_first"}, {"last_name", "customers_name"},
	} {
		parts = append(parts, candidates{
			sql:  `SELECT id FROM customers INDEXED BY ` + ix.index + ` WHERE ` + ix.col + ` COLLATE NOCASE >= ? AND ` + ix.col + ` COLLATE NOCASE < ?`,
			args: []any{lo, hi},
		})
	}
	// Phones are E.164 digits, so a word with letters cannot be a phone
	// prefix and the BINARY phone index serves the rest.
	if !strings.ContainsFunc(t.Text, func(r rune) bool { return r < 128 && (r|0x20 >= 'a' && r|0x20 <= 'z') }) {
		for _, p := range append([]string{t.Text}, t.PhoneAlts...) {
			lo, hi := binaryRange(p)
			parts = append(parts, candidates{
				sql:  `SELECT id FROM customers INDEXED BY customers_phone WHERE phone >= ? AND phone < ?`,
				args: []any{lo, hi},
			})
		}
	}
	u := candidates{exact: len(tokens) == 1, parts: parts}
	var sqls []string
	for _, p := range parts {
		sqls = append(sqls, p.sql)
		u.args = append(u.args, p.args...)
	}
	u.sql = strings.Join(sqls, " UNION ")
	return u
}

func ftsCandidates(expr string, exact bool) candidates {
	return candidates{
		sql:   `SELECT rowid AS id FROM customers_fts WHERE customers_fts MATCH ?`,
		args:  []any{expr},
		exact: exact,
	}
}

// countCandidates counts cand's rows, no further than limit. A union is
// counted part by part first: one part over the limit settles it without
// the union's deduplication.
func countCandidates(ctx context.Context, db *sql.DB, cand candidates, limit int) (int, error) {
	if len(cand.parts) > 0 {
		sum := 0
		for _, p := range cand.parts {
			n, err := countCandidates(ctx, db, p, limit)
			if err != nil {
				return 0, err
			}
			if n >= limit {
				return limit, nil
			}
			sum += n
		}
		if sum < limit {
			// Each part is within the limit; the union may still be.
			var n int
			err := db.QueryRowContext(ctx, `SELECT count(*) FROM (`+cand.sql+`)`, cand.args...).Scan(&n)
			if err != nil {
				return 0, fmt.Errorf("search: count candidates: %w", err)
			}
			return min(n, limit), nil
		}
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM (`+cand.sql+` LIMIT ?)`,
		append(cand.args, limit)...).Scan(&n); err != nil {
		return 0, fmt.Errorf("search: count candidates: %w", err)
	}
	return n, nil
}

// tuning holds the knobs tests turn down to reach every path on a small
// database.
type tuning struct {
	exactCap int
	// The index walk reads at most max(walkMin, walkFactor·expected)
	// rows, expected being what a page needs on average.
	walkMin    int
	walkFactor float64
}

func customers(ctx context.Context, db *sql.DB, p Params, exactCap int) (Result, error) {
	return customersTuned(ctx, db, p, tuning{exactCap: exactCap, walkMin: 2000, walkFactor: 4})
}

// customersTuned answers p: one row more than the page (to tell whether
// more follow), trimmed by finish.
func customersTuned(ctx context.Context, db *sql.DB, p Params, tune tuning) (Result, error) {
	s, err := sortOf(p.Sort)
	if err != nil {
		return Result{}, err
	}
	limit, offset := page(p)
	var from predicate
	if p.After != nil {
		if from, err = s.after(*p.After); err != nil {
			return Result{}, err
		}
		offset = 0
	}
	r, err := customersPage(ctx, db, p.Query, s, limit+1, offset, from, tune)
	if err != nil {
		return Result{}, err
	}
	if p.After != nil {
		r.Total, r.Estimate = 0, false
	}
	return finish(ctx, db, s, r, limit)
}

// customersPage finds limit ids from offset on, among the customers after
// from (a key condition, or none when from.sql is empty). With from, the
// total is skipped where it would cost more than the page.
func customersPage(ctx context.Context, db *sql.DB, query string, s sortSpec, limit, offset int, from predicate, tune tuning) (Result, error) {
	exactCap := tune.exactCap
	tokens, blank := searchq.Parse(query)
	keyset := from.sql != ""
	switch {
	case blank && keyset:
		ids, err := queryIDs(ctx, db, `SELECT c.id FROM customers c WHERE `+from.sql+` ORDER BY `+s.orderBy+` LIMIT ?`,
			concat(from.args, []any{limit})...)
		return Result{IDs: ids}, err
	case blank:
		ids, err := queryIDs(ctx, db, `SELECT id FROM customers ORDER BY `+s.orderBy+` LIMIT ? OFFSET ?`, limit, offset)
		if err != nil {
			return Result{}, err
		}
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM customers LIMIT ?)`, exactCap+1).Scan(&n); err != nil {
			return Result{}, fmt.Errorf("search: count: %w", err)
		}
		return result(ids, n, exactCap), nil
	case len(tokens) == 0:
		return Result{IDs: []int64{}}, nil
	}

	// Selective: some candidate set within the cap. Sort it, count it.
	// (m is the reference predicate, pm m and the key condition.)
	m := match(tokens)
	pm := m
	if keyset {
		pm = predicate{m.sql + " AND " + from.sql, concat(m.args, from.args)}
	}
	cand := candidatesFor(tokens)
	var maxID int64
	if err := db.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM customers`).Scan(&maxID); err != nil {
		return Result{}, fmt.Errorf("search: %w", err)
	}
	likelyBroad := true
	switch {
	case len(cand.parts) > 0:
		// Prefix ranges: count each index range, cheap.
	case wantsLoose(tokens):
		loose, expected, err := looseQuery(ctx, db, tokens, maxID)
		if err != nil {
			return Result{}, err
		}
		if loose != "" && expected <= float64(exactCap) {
			res, ok, err := selective(ctx, db, s, ftsCandidates(loose, false), pm, limit, offset, exactCap)
			if err != nil || ok {
				return res, err
			}
		}
	default:
		est, err := probe(ctx, db, cand.args[0].(string), maxID)
		if err != nil {
			return Result{}, err
		}
		likelyBroad = est > 2*float64(exactCap) || cand.exact && walkCheaper(est, limit, offset, maxID)
	}
	if !likelyBroad {
		res, ok, err := selective(ctx, db, s, cand, pm, limit, offset, exactCap)
		if err != nil || ok {
			return res, err
		}
	}
	n, err := countCandidates(ctx, db, cand, exactCap+1)
	if err != nil {
		return Result{}, err
	}
	if n <= exactCap {
		if !cand.exact || !walkCheaper(float64(n), limit, offset, maxID) {
			return sortCandidates(ctx, db, s, cand, pm, limit, offset, !keyset)
		}
		// Thousands of exact candidates: their count is the total, and
		// walking the sort index finds the page sooner than sorting them.
		ids, ok, err := walk(ctx, db, s, m, from, limit, offset, maxID, float64(n), tune)
		if err != nil {
			return Result{}, err
		}
		if !ok {
			r, err := afterWalk(ctx, db, s, cand, pm, limit, offset)
			if err != nil {
				return Result{}, err
			}
			ids = r.IDs
		}
		return Result{IDs: ids, Total: n}, nil
	}

	// Broad. The total: the candidates' count when it is exact, else the
	// confirmed matches, counted no further than the cap.
	total, estimate := exactCap, true
	if !cand.exact && !keyset {
		// Confirm the candidates once, keeping the matches' sort keys:
		// within the cap they are the total and the page.
		res, ok, err := confirmed(ctx, db, s, cand, m, limit, offset, exactCap)
		if err != nil || ok {
			return res, err
		}
	}
	ids, ok, err := walk(ctx, db, s, m, from, limit, offset, maxID, float64(exactCap+1), tune)
	if err != nil {
		return Result{}, err
	}
	if !ok {
		r, err := afterWalk(ctx, db, s, cand, pm, limit, offset)
		if err != nil {
			return Result{}, err
		}
		ids = r.IDs
	}
	return Result{IDs: ids, Total: total, Estimate: estimate}, nil
}

func concat(parts ...[]any) []any {
	var out []any
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// selective answers from cand in one statement when cand has at most
// exactCap rows (ok), evaluating the trigram query once: it keeps the
// first exactCap+1 candidates, and only when there are no more than
// exactCap of them confirms, sorts and counts them.
func selective(ctx context.Context, db *sql.DB, s sortSpec, cand candidates, m predicate, limit, offset, exactCap int) (res Result, ok bool, err error) {
	q := `WITH k(id) AS MATERIALIZED (SELECT id FROM (` + cand.sql + `) LIMIT ?),
		n(n) AS MATERIALIZED (SELECT count(*) FROM k)
		SELECT -1, n FROM n
		UNION ALL
		SELECT * FROM (SELECT c.id, count(*) OVER () FROM n CROSS JOIN k CROSS JOIN customers c ON c.id = k.id
			WHERE n.n <= ? AND ` + m.sql + ` ORDER BY ` + qualify(s.orderBy) + ` LIMIT ? OFFSET ?)`
	rows, err := db.QueryContext(ctx, q, concat(cand.args, []any{exactCap + 1, exactCap}, m.args, []any{limit, offset})...)
	if err != nil {
		return Result{}, false, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	res = Result{IDs: []int64{}}
	nCand, total := -1, -1
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return Result{}, false, fmt.Errorf("search: %w", err)
		}
		if nCand < 0 {
			nCand = n
			continue
		}
		res.IDs = append(res.IDs, id)
		total = n
	}
	if err := rows.Err(); err != nil {
		return Result{}, false, fmt.Errorf("search: %w", err)
	}
	rows.Close()
	switch {
	case nCand > exactCap:
		return Result{}, false, nil
	case total >= 0:
		res.Total = total
	case nCand > 0: // a page past the end: count separately
		if err := db.QueryRowContext(ctx,
			`SELECT count(*) FROM (`+cand.sql+`) AS k CROSS JOIN customers c ON c.id = k.id WHERE `+m.sql,
			concat(cand.args, m.args)...).Scan(&res.Total); err != nil {
			return Result{}, false, fmt.Errorf("search: count: %w", err)
		}
	}
	return res, true, nil
}

// confirmed confirms cand's rows against m, no further than exactCap+1
// matches, keeping each match's sort key; when there are at most
// exactCap matches (ok) it sorts them for the page and counts them, in
// the same statement: one lookup per candidate, none after.
func confirmed(ctx context.Context, db *sql.DB, s sortSpec, cand candidates, m predicate, limit, offset, exactCap int) (res Result, ok bool, err error) {
	q := `WITH k AS MATERIALIZED (SELECT c.id, ` + s.keyCols + ` FROM (` + cand.sql + `) AS x
			CROSS JOIN customers c ON c.id = x.id WHERE ` + m.sql + ` LIMIT ?),
		n(n) AS MATERIALIZED (SELECT count(*) FROM k)
		SELECT -1, n FROM n
		UNION ALL
		SELECT * FROM (SELECT k.id, n.n FROM n CROSS JOIN k WHERE n.n <= ? ORDER BY ` + s.matOrder + ` LIMIT ? OFFSET ?)`
	rows, err := db.QueryContext(ctx, q, concat(cand.args, m.args, []any{exactCap + 1, exactCap, limit, offset})...)
	if err != nil {
		return Result{}, false, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	res = Result{IDs: []int64{}}
	total := -1
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return Result{}, false, fmt.Errorf("search: %w", err)
		}
		if total < 0 {
			total = n
			continue
		}
		res.IDs = append(res.IDs, id)
	}
	if err := rows.Err(); err != nil {
		return Result{}, false, fmt.Errorf("search: %w", err)
	}
	if total < 0 || total > exactCap {
		return Result{}, false, nil
	}
	res.Total = total
	return res, true, nil
}

// afterWalk finds the page when the walk ran out of budget. For a first
// page (or one after a key) it walks the sort order's index again,
// without a budget but reading only the index until an id is among the
// candidates (kept in memory, from their index alone): only candidates
// are looked up and confirmed, in sort order, until the page is full.
// Deeper pages sort all candidates.
func afterWalk(ctx context.Context, db *sql.DB, s sortSpec, cand candidates, pm predicate, limit, offset int) (Result, error) {
	if offset > 0 {
		return sortCandidates(ctx, db, s, cand, pm, limit, offset, false)
	}
	ids, err := queryIDs(ctx, db, `SELECT c.id FROM customers c INDEXED BY `+s.index()+`
		WHERE c.id IN (SELECT id FROM (`+cand.sql+`)) AND `+pm.sql+`
		ORDER BY `+qualify(s.orderBy)+` LIMIT ?`, concat(cand.args, pm.args, []any{limit})...)
	if err != nil {
		return Result{}, err
	}
	return Result{IDs: ids}, nil
}

// index is the index that serves the sort's ORDER BY.
func (s sortSpec) index() string {
	switch {
	case strings.HasPrefix(s.orderBy, "created_at"):
		return "customers_created"
	case strings.HasPrefix(s.orderBy, "total_spent"):
		return "customers_spent"
	}
	return "customers_name"
}

// sortCandidates confirms and sorts every candidate and returns the page,
// with the exact count when count is set.
func sortCandidates(ctx context.Context, db *sql.DB, s sortSpec, cand candidates, m predicate, limit, offset int, count bool) (Result, error) {
	// MATERIALIZED and CROSS JOIN pin the plan: candidates first, then
	// one lookup each; never a walk of the whole sort index.
	sel := `c.id, 0`
	if count {
		sel = `c.id, count(*) OVER ()`
	}
	q := `WITH k(id) AS MATERIALIZED (` + cand.sql + `)
		SELECT ` + sel + ` FROM k CROSS JOIN customers c ON c.id = k.id
		WHERE ` + m.sql + ` ORDER BY ` + qualify(s.orderBy) + ` LIMIT ? OFFSET ?`
	rows, err := db.QueryContext(ctx, q, concat(cand.args, m.args, []any{limit, offset})...)
	if err != nil {
		return Result{}, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	res := Result{IDs: []int64{}}
	n := -1
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id, &n); err != nil {
			return Result{}, fmt.Errorf("search: %w", err)
		}
		res.IDs = append(res.IDs, id)
	}
	if err := rows.Err(); err != nil {
		return Result{}, fmt.Errorf("search: %w", err)
	}
	if !count {
		return res, nil
	}
	if n < 0 { // a page past the end: count separately
		if err := db.QueryRowContext(ctx,
			`SELECT count(*) FROM (`+cand.sql+`) AS k CROSS JOIN customers c ON c.id = k.id WHERE `+m.sql,
			concat(cand.args, m.args)...).Scan(&n); err != nil {
			return Result{}, fmt.Errorf("search: count: %w", err)
		}
	}
	res.Total = n
	return res, nil
}

// probeDepth is how many matches probe reads.
const probeDepth = 64

// probe estimates how many rows the FTS expression matches from where its
// probeDepth-th match lies: the index returns matches in rowid order and
// customer ids are dense, so k matches among the first r ids suggest
// k·maxID/r in all. Fewer than probeDepth matches are counted exactly.
// It reads at most probeDepth matches.
func probe(ctx context.Context, db *sql.DB, expr string, maxID int64) (float64, error) {
	var n int
	var last int64
	if err := db.QueryRowContext(ctx, `SELECT count(*), coalesce(max(rowid), 0) FROM
		(SELECT rowid FROM customers_fts WHERE customers_fts MATCH ? LIMIT ?)`, expr, probeDepth).Scan(&n, &last); err != nil {
		return 0, fmt.Errorf("search: probe: %w", err)
	}
	if n < probeDepth || last <= 0 {
		return float64(n), nil
	}
	return float64(n) * float64(max(maxID, last)) / float64(last), nil
}

// Bounds of a loose query.
const (
	maxProbes         = 12
	maxLooseTrigrams  = 3
	commonTrigramRate = 0.1 // a trigram in more rows than this adds little
)

// looseQuery builds the loose FTS query: the AND of the rarest few of the
// words' trigrams (see looseTrigrams), their rarity probed. expected is
// the number of candidates it would yield if the trigrams were
// independent. A handful of probes costs well under a millisecond; a
// phrase over a million rows that includes common trigrams costs tens.
func looseQuery(ctx context.Context, db *sql.DB, tokens []searchq.Token, maxID int64) (expr string, expected float64, err error) {
	tris := looseTrigrams(tokens)
	if len(tris) > maxProbes {
		tris = tris[:maxProbes]
	}
	if len(tris) == 0 || maxID <= 0 {
		return "", 0, nil
	}
	type rated struct {
		tri string
		n   float64
	}
	rs := make([]rated, len(tris))
	for i, t := range tris {
		n, err := probe(ctx, db, ftsString(t), maxID)
		if err != nil {
			return "", 0, err
		}
		rs[i] = rated{t, n}
	}
	slices.SortStableFunc(rs, func(a, b rated) int { return cmp.Compare(a.n, b.n) })
	parts := []string{ftsString(rs[0].tri)}
	expected = rs[0].n
	for _, r := range rs[1:] {
		if len(parts) == maxLooseTrigrams || r.n > commonTrigramRate*float64(maxID) {
			break
		}
		parts = append(parts, ftsString(r.tri))
		expected *= r.n / float64(maxID)
	}
	return strings.Join(parts, " AND "), expected, nil
}

// qualify prefixes the sort columns with the customers alias c.
func qualify(orderBy string) string {
	parts := strings.Split(orderBy, ", ")
	for i, p := range parts {
		parts[i] = "c." + p
	}
	return strings.Join(parts, ", ")
}

// walkCheaper reports whether, for n matches among maxID rows, walking
// the sort index to the page ((offset+limit)·maxID/n rows on average)
// reads fewer rows than sorting all n matches.
func walkCheaper(n float64, limit, offset int, maxID int64) bool {
	return n*n > float64(offset+limit)*float64(maxID)
}

// walk reads customers in sort order through the sort's index, confirms
// each, and stops when the page is full or after a budget of rows. ok is
// false when the budget ran out first.
//
// With matches matches among the table's N rows, a page needs
// (offset+limit)·N/matches rows on average; the budget allows
// tune.walkFactor times that (at least tune.walkMin rows).
//
// With a key condition (from.sql not empty) the walk starts at the key.
func walk(ctx context.Context, db *sql.DB, s sortSpec, m, from predicate, limit, offset int, maxID int64, matches float64, tune tuning) (ids []int64, ok bool, err error) {
	need := float64(offset+limit) * float64(maxID) / max(matches, 1) * tune.walkFactor
	budget := int(min(max(need, float64(tune.walkMin)), 200000))
	start := "1"
	if from.sql != "" {
		start = from.sql
	}
	q := `SELECT c.id FROM (SELECT c.id, c.email, c.first_name, c.last_name, c.phone, ` + s.keyCols + `
			FROM customers c WHERE ` + start + ` ORDER BY ` + s.orderBy + ` LIMIT ?) AS c
		WHERE ` + m.sql + ` ORDER BY ` + s.keyOrder + ` LIMIT ? OFFSET ?`
	ids, err = queryIDs(ctx, db, q, concat(from.args, []any{budget}, m.args, []any{limit, offset})...)
	if err != nil {
		return nil, false, err
	}
	if len(ids) == limit {
		return ids, true, nil
	}
	// A short page is complete only if the walk saw the rest of the table.
	var seen int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM customers c WHERE `+start+` LIMIT ?)`,
		concat(from.args, []any{budget})...).Scan(&seen); err != nil {
		return nil, false, fmt.Errorf("search: %w", err)
	}
	return ids, seen < budget, nil
}
