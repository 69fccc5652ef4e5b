package postgres

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"frontdesk/api"
	"frontdesk/store"
	"frontdesk/store/searchq"
)

// The customer search (GET /customers) on PostgreSQL: the same answers as
// the SQLite engine's (store/sqlite/search), defined by one reference
// predicate (see match): each word of the query must occur in one of
// email, first name, last name and phone, as a substring (three
// characters or more) or a prefix (fewer), ASCII case-insensitively.
// naive evaluates it on every row; searchCustomers finds candidates
// through the indexes and evaluates it on them, with the same ids in the
// same order.
//
// Indexes (schema/migrations): a pg_trgm GIN index over search_text (the
// four columns, lower-cased, in one text) for words of three characters
// or more; B-tree indexes on lower(email), lower(first_name),
// (lower(last_name), …) and lower(phone) for the prefixes of short
// words; one B-tree per sort order.

// result is one page of ids and the total (exact up to the cap).
type result struct {
	IDs      []int64
	Total    int
	Estimate bool
	// Last is the key of the last id (nil when there are none); More
	// reports whether any match follows it.
	Last *store.SearchKey
	More bool
}

// keyCond is the condition on a customer c of coming after a key in a
// sort order, its arguments numbered in a; nil for no key.
type keyCond func(a *args) string

// tuning holds the knobs tests turn down to reach every path on a small
// database.
type tuning struct {
	exactCap int
	// sampleBlocks is how many heap blocks, spread evenly over the
	// table, the broadness sample reads (0: no sample).
	sampleBlocks int
	// The index walk reads at most max(walkMin, walkFactor·expected)
	// rows, expected being what a page needs on average.
	walkMin    int
	walkFactor float64
}

var defaultTuning = tuning{exactCap: api.TotalExactCap, sampleBlocks: 48, walkMin: 2000, walkFactor: 4}

// querier is what a search needs of a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// sortSpec is one sort order: the ORDER BY its index serves, and the
// sort key as columns k1, k2 of a subquery with the ORDER BY over them
// (so PostgreSQL sees the subquery's rows are in order already).
type sortSpec struct {
	orderBy  string
	keyCols  string
	keyOrder string
	// walkScale multiplies the walk's budget floor: the name sort's index
	// carries the searched columns, so its walk reads no table rows and
	// may go further for the same time.
	walkScale float64
	// keyOf selects a customer c's store.SearchKey values K1, K2 as text.
	keyOf string
	// after is the key condition for k: a row comparison the sort's
	// B-tree answers as an index condition.
	after func(k store.SearchKey, id int64) (keyCond, error)
}

func sortOf(s string) (sortSpec, error) {
	switch s {
	case "", api.SortNewest:
		return sortSpec{"c.created_at DESC, c.id DESC", "c.created_at AS k1, 0 AS k2", "k1 DESC, id DESC", 1,
			`to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), ''`,
			func(k store.SearchKey, id int64) (keyCond, error) {
				at, err := time.Parse(time.RFC3339Nano, k.K1)
				if err != nil {
					return nil, fmt.Errorf("search: key %q is not a creation time: %w", k.K1, store.ErrInvalidKey)
				}
				return func(a *args) string {
					return `(c.created_at, c.id) < (` + a.add(at) + `::timestamptz, ` + a.add(id) + `::bigint)`
				}, nil
			}}, nil
	case api.SortTopSpenders:
		return sortSpec{"c.total_spent DESC, c.id DESC", "c.total_spent AS k1, 0 AS k2", "k1 DESC, id DESC", 1,
			`c.total_spent::text, ''`,
			func(k store.SearchKey, id int64) (keyCond, error) {
				spent, err := strconv.ParseInt(k.K1, 10, 64)
				if err != nil {
					return nil, fmt.Errorf("search: key %q is not a total spent: %w", k.K1, store.ErrInvalidKey)
				}
				return func(a *args) string {
					return `(c.total_spent, c.id) < (` + a.add(spent) + `::bigint, ` + a.add(id) + `::bigint)`
				}, nil
			}}, nil
	case api.SortName:
		return sortSpec{"lower(c.last_name), lower(c.first_name), c.id",
			"lower(c.last_name) AS k1, lower(c.first_name) AS k2", "k1, k2, id", 5,
			`c.last_name, c.first_name`,
			func(k store.SearchKey, id int64) (keyCond, error) {
				return func(a *args) string {
					return `(lower(c.last_name), lower(c.first_name), c.id) > (lower(` + a.add(k.K1) + `::text COLLATE "C"), lower(` +
						a.add(k.K2) + `::text COLLATE "C"), ` + a.add(id) + `::bigint)`
				}, nil
			}}, nil
	}
	return sortSpec{}, fmt.Errorf("search: unknown sort %q: use one of %s", s, strings.Join(api.Sorts, ", "))
}

// page normalises Page and Limit into LIMIT and OFFSET.
func page(p store.SearchParams) (limit, offset int) {
	limit = p.Limit
	switch {
	case limit <= 0:
		limit = api.DefaultPageLimit
	case limit > api.MaxPageLimit:
		limit = api.MaxPageLimit
	}
	pg := max(p.Page, 1)
	if pg > math.MaxInt32/limit {
		pg = math.MaxInt32 / limit
	}
	return limit, (pg - 1) * limit
}

// args numbers query arguments as $1, $2, …
type args []any

func (a *args) add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// match is the exact meaning of the tokens as an SQL predicate over
// customers aliased c: the reference semantics.
func match(tokens []searchq.Token, a *args) string {
	var parts []string
	for _, t := range tokens {
		pat := searchq.LikeEscape(searchq.ASCIILower(t.Text)) + "%"
		if t.Long {
			pat = "%" + pat
		}
		p := a.add(pat)
		ors := []string{
			`lower(c.email) LIKE ` + p,
			`lower(c.first_name) LIKE ` + p,
			`lower(c.last_name) LIKE ` + p,
			`lower(c.phone) LIKE ` + p,
		}
		for _, alt := range t.PhoneAlts {
			ap := searchq.LikeEscape(alt) + "%"
			if t.Long {
				ap = "%" + ap
			}
			ors = append(ors, `lower(c.phone) LIKE `+a.add(ap))
		}
		parts = append(parts, "("+strings.Join(ors, " OR ")+")")
	}
	return strings.Join(parts, " AND ")
}

// trigramCond is a condition the trigram index answers, true of a
// superset of the rows match is true of (search_text: see the schema):
//   - a long word is a substring of search_text; a local phone number
//     "0712…" is one too, of the phone's local form, when the phone holds
//     its "+254712…" form anywhere (every +254 becomes a 0 there);
//   - a short word that starts with an ASCII letter or digit and has no
//     phone forms is a prefix of a column, so " "+word is a substring
//     (pg_trgm reads the space as the start of a word: the trigram
//     "  k" and " ka" of "ka");
//   - other short words add no condition.
//
// "" when no word adds one.
func trigramCond(tokens []searchq.Token, a *args) string {
	var parts []string
	for _, t := range tokens {
		w := searchq.LikeEscape(searchq.ASCIILower(t.Text))
		switch {
		case t.Long:
			parts = append(parts, `c.search_text LIKE `+a.add("%"+searchq.LikeEscape(searchq.ASCIILower(lookupPart(t.Text)))+"%"))
		case len(t.PhoneAlts) == 0 && isASCIIAlnum(t.Text[0]):
			parts = append(parts, `c.search_text LIKE `+a.add("% "+w+"%"))
		}
	}
	return strings.Join(parts, " AND ")
}

// lookupPart is the part of a long word the trigram condition looks up:
// the word itself up to 8 characters; of a longer one, its longest run
// of ASCII letters and digits when that has 3 characters or more (of a
// run of digits its last 7). A substring of the word is in every row the
// word is in, and its trigrams are fewer and rarer: the GIN index reads
// every trigram's posting list, and an email's domain ("gmail", "com")
// or a phone's "+254" are in most rows. A local number "07…" of 8 digits
// or more keeps its last 7, which its "+2547…" form has too.
func lookupPart(w string) string {
	if utf8.RuneCountInString(w) <= 8 {
		return w
	}
	best := ""
	for _, run := range strings.FieldsFunc(w, func(r rune) bool { return r >= utf8.RuneSelf || !isASCIIAlnum(byte(r)) }) {
		if len(run) > len(best) {
			best = run
		}
	}
	if len(best) < 3 {
		return w
	}
	if searchq.IsDigits(best) && len(best) > 7 {
		return best[len(best)-7:]
	}
	return best
}

// tooManyPrefixes reports a query no customer can match because its
// short words need more column prefixes than a customer has columns
// (such as "a b c d e f g h"). A short word without phone forms matches
// a column only as a prefix of it (ASCII-lower-cased), so the short words
// one column matches are prefixes of one string, each a prefix of the
// others or equal; two that are not (two of the words no other word
// extends, "a" and "b", unlike "k" and "ka") need two columns. More such
// words than the four searched columns: no match, found without reading
// a row (the trigram lists of single letters are each a large part of the
// table).
func tooManyPrefixes(tokens []searchq.Token) bool {
	var short []string
	for _, t := range tokens {
		if !t.Long && len(t.PhoneAlts) == 0 {
			short = append(short, searchq.ASCIILower(t.Text))
		}
	}
	maximal := map[string]bool{}
	for _, w := range short {
		extended := false
		for _, o := range short {
			if o != w && strings.HasPrefix(o, w) {
				extended = true
				break
			}
		}
		if !extended {
			maximal[w] = true
		}
	}
	return len(maximal) > 4
}

func isASCIIAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// searchCustomers answers p with the indexes. Its IDs and Total equal
// naive's.
//
// How it stays fast on broad queries (a fragment such as "wan" matches
// one customer in ten): counting 10,001 matches means fetching and
// checking 10,001 rows, tens of milliseconds at a million customers,
// and the page is better found by walking the sort order's index. So a
// sample decides first (see broadSample): a few dozen heap blocks spread
// over the table, read by TID (under a millisecond). When the sample
// proves the query broad (more matches in it than the cap, or so many
// that a total under the cap is beyond any reasonable chance), the total
// is the cap flagged as an estimate and the page comes from walking the
// sort index, confirming rows until the page is full (see walk), with a
// budget; when the walk runs out of budget, or the sample does not show
// the query broad, the planner answers from the trigram and B-tree
// indexes and the total is counted, no further than the cap.
//
// With p.After (keyset pagination) the page starts after the key: every
// statement adds the key's condition, which the sort's B-tree answers as
// an index condition, so a page costs the same at any depth; the total
// is not computed.
func searchCustomers(ctx context.Context, q querier, p store.SearchParams, tune tuning) (result, error) {
	s, err := sortOf(p.Sort)
	if err != nil {
		return result{}, err
	}
	limit, offset := page(p)
	from, err := keyFrom(s, p.After)
	if err != nil {
		return result{}, err
	}
	if from != nil {
		offset = 0
	}
	r, err := searchPage(ctx, q, s, p.Query, limit+1, offset, from, tune)
	if err != nil {
		return result{}, err
	}
	if from != nil {
		r.Total, r.Estimate = 0, false
	}
	return finish(ctx, q, s, r, limit)
}

// keyFrom is the key condition for after (nil without one).
func keyFrom(s sortSpec, after *store.SearchKey) (keyCond, error) {
	if after == nil {
		return nil, nil
	}
	id, ok := rowID(after.ID)
	if !ok {
		return nil, fmt.Errorf("search: key id %q is not one of this store's ids: %w", after.ID, store.ErrInvalidKey)
	}
	return s.after(*after, id)
}

// finish trims a page read with one row more than limit to limit rows,
// setting More when there was that row, and sets Last.
func finish(ctx context.Context, q querier, s sortSpec, r result, limit int) (result, error) {
	if len(r.IDs) > limit {
		r.IDs, r.More = r.IDs[:limit], true
	}
	if len(r.IDs) == 0 {
		return r, nil
	}
	id := r.IDs[len(r.IDs)-1]
	k := store.SearchKey{ID: api.IDFromInt(id)}
	if err := q.QueryRow(ctx, `SELECT `+s.keyOf+` FROM customers c WHERE c.id = $1`, id).Scan(&k.K1, &k.K2); err != nil {
		return result{}, fmt.Errorf("search: key of %d: %w", id, err)
	}
	r.Last = &k
	return r, nil
}

// searchPage finds limit ids from offset on, among the customers after
// from (nil: from the start); see searchCustomers.
func searchPage(ctx context.Context, q querier, s sortSpec, query string, limit, offset int, from keyCond, tune tuning) (result, error) {
	tokens, blank := searchq.Parse(query)
	if !blank && (len(tokens) == 0 || tooManyPrefixes(tokens)) {
		return result{IDs: []int64{}}, nil
	}
	var a args
	where := "true"
	if blank {
		if from != nil {
			where = from(&a)
		}
		return pageAndCount(ctx, q, s, where, a, limit, offset, tune.exactCap, from == nil)
	}
	if set := initialsOf(tokens); set != nil {
		return searchInitials(ctx, q, s, tokens, set, limit, offset, from, tune)
	}
	var ma args
	m := match(tokens, &ma)
	where = match(tokens, &a)
	tc := trigramCond(tokens, &a)
	if tc != "" {
		where = tc + " AND " + where
	}
	if from != nil {
		where += " AND " + from(&a)
	}
	broad, est, err := broadSample(ctx, q, m, ma, tune)
	if err != nil {
		return result{}, err
	}
	if !broad {
		if tc == "" {
			return pageAndCount(ctx, q, s, where, a, limit, offset, tune.exactCap, from == nil)
		}
		res, ok, err := selective(ctx, q, s, where, a, limit, offset, tune.exactCap)
		if err != nil || ok {
			return res, err
		}
		// More matches than the cap after all, but not many more (the
		// sample did not prove the query broad): walk, else sort them
		// all, which costs no more than the count just did a few times.
		est = max(est, float64(tune.exactCap))
	}
	ids, ok, err := walk(ctx, q, s, m, ma, from, limit, offset, est, tune)
	if err != nil {
		return result{}, err
	}
	if !ok {
		// The walk ran out (matches clustered late in the sort order, as
		// a surname is under sort=name, or a deep page).
		pa := append(args(nil), a...)
		sql := `SELECT c.id FROM customers c WHERE ` + where + ` ORDER BY ` + s.orderBy +
			` LIMIT ` + pa.add(limit) + ` OFFSET ` + pa.add(offset)
		if !broad && tc != "" {
			// Sorting the matches found through the indexes beats a
			// planner that would walk the sort order on to them.
			pa = append(args(nil), a...)
			sql = `WITH m AS MATERIALIZED (SELECT c.id, ` + s.keyCols + ` FROM customers c WHERE ` + where + `)
				SELECT id FROM m ORDER BY ` + s.keyOrder + ` LIMIT ` + pa.add(limit) + ` OFFSET ` + pa.add(offset)
		}
		if ids, err = queryIDs(ctx, q, sql, pa); err != nil {
			return result{}, err
		}
	}
	return result{IDs: ids, Total: tune.exactCap, Estimate: true}, nil
}

// initialsOf is the set of a query's words, lower-cased, when every word
// is one character without phone forms (initials such as "j k"); nil
// otherwise. Such a query matches exactly the customers whose columns'
// first characters include each word (customer_initials).
func initialsOf(tokens []searchq.Token) []string {
	var set []string
	seen := map[string]bool{}
	for _, t := range tokens {
		if t.Long || len(t.PhoneAlts) > 0 || utf8.RuneCountInString(t.Text) != 1 {
			return nil
		}
		w := searchq.ASCIILower(t.Text)
		if !seen[w] {
			seen[w] = true
			set = append(set, w)
		}
	}
	return set
}

// searchInitials answers a query of initials (see initialsOf). The
// total comes from customer_initials, the count of customers per set of
// column initials (a few hundred rows at a million customers), exact at
// any size; the page from walking the sort order with that exact count
// for a budget. Under sort=name the counts per last-name initial tell
// where in the name order the page's matches begin (every customer whose
// last name starts with a smaller character sorts before), so the walk
// starts there and skips the matches before it. When the walk runs out,
// the matches found through the trigram index are sorted.
func searchInitials(ctx context.Context, q querier, s sortSpec, tokens []searchq.Token, set []string, limit, offset int, from keyCond, tune tuning) (result, error) {
	rows, err := q.Query(ctx, `SELECT last_initial, sum(n)::bigint FROM customer_initials WHERE initials @> $1::text[]
		GROUP BY last_initial HAVING sum(n) > 0 ORDER BY last_initial COLLATE "C"`, set)
	if err != nil {
		return result{}, fmt.Errorf("search: initials: %w", err)
	}
	type count struct {
		initial string
		n       int64
	}
	counts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (count, error) {
		var c count
		err := r.Scan(&c.initial, &c.n)
		return c, err
	})
	if err != nil {
		return result{}, fmt.Errorf("search: initials: %w", err)
	}
	var n int64
	for _, c := range counts {
		n += c.n
	}
	res := result{IDs: []int64{}}
	if n > int64(tune.exactCap) {
		res.Total, res.Estimate = tune.exactCap, true
	} else {
		res.Total = int(n)
	}
	if n == 0 {
		return res, nil
	}
	start := from
	if strings.HasPrefix(s.orderBy, "lower(c.last_name)") {
		// Skip the last-name initials whose matches all come before the
		// page (after a key: those with none).
		skip := 0
		if from == nil {
			for skip < len(counts)-1 && counts[skip].n <= int64(offset) {
				offset -= int(counts[skip].n)
				skip++
			}
		}
		lo := counts[skip].initial
		start = func(a *args) string {
			c := `lower(c.last_name) >= ` + a.add(lo) + `::text COLLATE "C"`
			if from != nil {
				c = from(a) + ` AND ` + c
			}
			return c
		}
	}
	var ma args
	m := match(tokens, &ma)
	ids, ok, err := walk(ctx, q, s, m, ma, start, limit, offset, float64(n), tune)
	if err != nil {
		return result{}, err
	}
	if !ok {
		var a args
		where := match(tokens, &a)
		if tc := trigramCond(tokens, &a); tc != "" {
			where = tc + " AND " + where
		}
		if start != nil {
			where += " AND " + start(&a)
		}
		ids, err = queryIDs(ctx, q, `WITH m AS MATERIALIZED (SELECT c.id, `+s.keyCols+` FROM customers c WHERE `+where+`)
			SELECT id FROM m ORDER BY `+s.keyOrder+` LIMIT `+a.add(limit)+` OFFSET `+a.add(offset), a)
		if err != nil {
			return result{}, err
		}
	}
	res.IDs = ids
	return res, nil
}

// selective answers in one statement when where (led by a trigram
// condition) holds for at most exactCap rows (ok): it finds them through
// the trigram index, no further than exactCap+1, and sorts and counts
// them; ok is false when there are more.
func selective(ctx context.Context, q querier, s sortSpec, where string, a args, limit, offset, exactCap int) (res result, ok bool, err error) {
	pa := append(args(nil), a...)
	rows, err := q.Query(ctx, `WITH m AS MATERIALIZED (SELECT c.id, `+s.keyCols+` FROM customers c WHERE `+where+` LIMIT `+pa.add(exactCap+1)+`),
			n AS (SELECT count(*) AS n FROM m)
		SELECT -1::bigint, n FROM n
		UNION ALL
		(SELECT m.id, 0 FROM m, n WHERE n.n <= `+pa.add(exactCap)+` ORDER BY `+s.keyOrder+` LIMIT `+pa.add(limit)+` OFFSET `+pa.add(offset)+`)`,
		append([]any{pgx.QueryExecModeExec}, pa...)...)
	if err != nil {
		return result{}, false, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	res = result{IDs: []int64{}}
	n := -1
	for rows.Next() {
		var id, v int64
		if err := rows.Scan(&id, &v); err != nil {
			return result{}, false, fmt.Errorf("search: %w", err)
		}
		if id == -1 {
			n = int(v)
			continue
		}
		res.IDs = append(res.IDs, id)
	}
	if err := rows.Err(); err != nil {
		return result{}, false, fmt.Errorf("search: %w", err)
	}
	if n < 0 || n > exactCap {
		return result{}, false, nil
	}
	res.Total = n
	return res, true, nil
}

// broadSample reads tune.sampleBlocks heap blocks spread evenly over the
// customers table (by TID: a block read each) and counts the rows m
// matches. broad is true when the query certainly or almost certainly
// has more matches than the cap: more in the sample than the cap, or at
// least max(24, 3×) the matches a total of exactly the cap would put in a
// sample of this size. With the default 48 blocks (about 1,900 rows at
// 40 rows a block) a total of the cap puts 19 in the sample on average,
// and the chance of 57 or more is below 1e-11 when the blocks' rows are a
// fair sample of the table (a Poisson tail; rows of one block are
// customers who signed up one after another, no likelier than others to
// share a name). A query decided broad this way is one with a total of
// 30,000 or more (3% of a million); one near the cap is counted.
// est is the number of matches the sample suggests.
func broadSample(ctx context.Context, q querier, m string, ma args, tune tuning) (broad bool, est float64, err error) {
	if tune.sampleBlocks <= 0 {
		return false, 0, nil
	}
	var pages int64
	var tuples float64
	if err := q.QueryRow(ctx, `SELECT relpages::bigint, reltuples::float8 FROM pg_class WHERE oid = 'customers'::regclass`).
		Scan(&pages, &tuples); err != nil {
		return false, 0, fmt.Errorf("search: table statistics: %w", err)
	}
	if pages <= 0 || tuples <= 0 {
		return false, 0, nil // never analysed: no basis for a sample
	}
	blocks := min(pages, int64(tune.sampleBlocks))
	slots := min(int64(math.Ceil(2*tuples/float64(pages)))+8, 291) // 291: most tuples an 8 kB page holds
	pa := append(args(nil), ma...)
	var seen, hits int
	if err := q.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE `+m+`) FROM customers c
		WHERE c.ctid = ANY (ARRAY(SELECT format('(%s,%s)', (b * `+pa.add(pages)+`) / `+pa.add(blocks)+`, i)::tid
			FROM generate_series(0, `+pa.add(blocks-1)+`) AS b, generate_series(1, `+pa.add(slots)+`) AS i))`,
		append([]any{pgx.QueryExecModeExec}, pa...)...).Scan(&seen, &hits); err != nil {
		return false, 0, fmt.Errorf("search: sample: %w", err)
	}
	if seen == 0 {
		return false, 0, nil
	}
	n := max(tuples, float64(seen))
	est = float64(hits) * n / float64(seen)
	atCap := float64(seen) * float64(tune.exactCap) / n
	broad = hits > tune.exactCap || float64(hits) >= max(24, 3*atCap)
	return broad, est, nil
}

// walk reads customers in sort order through the sort's index, confirms
// each with m, and stops when the page is full or after a budget of rows.
// ok is false when the budget ran out first. With matches matches among
// the table's rows, a page needs (offset+limit)·rows/matches rows on
// average; the budget allows tune.walkFactor times that (at least
// tune.walkMin rows, at most 200,000).
//
// With a key condition from, the walk starts at the key.
func walk(ctx context.Context, q querier, s sortSpec, m string, ma args, from keyCond, limit, offset int, matches float64, tune tuning) (ids []int64, ok bool, err error) {
	var rows float64
	if err := q.QueryRow(ctx, `SELECT greatest(reltuples, 0)::float8 FROM pg_class WHERE oid = 'customers'::regclass`).Scan(&rows); err != nil {
		return nil, false, fmt.Errorf("search: %w", err)
	}
	need := float64(offset+limit) * rows / max(matches, 1) * tune.walkFactor
	budget := int(min(max(need, float64(tune.walkMin)*s.walkScale), 200000))
	pa := append(args(nil), ma...)
	start := "true"
	if from != nil {
		start = from(&pa)
	}
	ids, err = queryIDs(ctx, q, `SELECT c.id FROM (SELECT c.id, c.email, c.first_name, c.last_name, c.phone, `+s.keyCols+`
			FROM customers c WHERE `+start+` ORDER BY `+s.orderBy+` LIMIT `+pa.add(budget)+`) AS c
		WHERE `+m+` ORDER BY `+s.keyOrder+` LIMIT `+pa.add(limit)+` OFFSET `+pa.add(offset), pa)
	if err != nil {
		return nil, false, err
	}
	if len(ids) == limit {
		return ids, true, nil
	}
	// A short page is complete only if the walk saw the rest of the table.
	var sa args
	start = "true"
	if from != nil {
		start = from(&sa)
	}
	var seen int
	if err := q.QueryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM customers c WHERE `+start+` LIMIT `+sa.add(budget)+`) k`, sa...).Scan(&seen); err != nil {
		return nil, false, fmt.Errorf("search: %w", err)
	}
	return ids, seen < budget, nil
}

// naive answers p by evaluating the reference predicate on every row
// (no index but the sort's): it exists to check searchCustomers.
func naive(ctx context.Context, q querier, p store.SearchParams, exactCap int) (result, error) {
	s, err := sortOf(p.Sort)
	if err != nil {
		return result{}, err
	}
	limit, offset := page(p)
	from, err := keyFrom(s, p.After)
	if err != nil {
		return result{}, err
	}
	tokens, blank := searchq.Parse(p.Query)
	if !blank && len(tokens) == 0 {
		return result{IDs: []int64{}}, nil
	}
	var a args
	where := "true"
	if !blank {
		where = match(tokens, &a)
	}
	if from != nil {
		where += " AND " + from(&a)
		offset = 0
	}
	r, err := pageAndCount(ctx, q, s, where, a, limit+1, offset, exactCap, from == nil)
	if err != nil {
		return result{}, err
	}
	return finish(ctx, q, s, r, limit)
}

// pageAndCount selects one page of the rows where holds and, when count
// is set, counts them up to exactCap+1.
func pageAndCount(ctx context.Context, q querier, s sortSpec, where string, a args, limit, offset, exactCap int, count bool) (result, error) {
	pa := append(args(nil), a...)
	lim, off := pa.add(limit), pa.add(offset)
	ids, err := queryIDs(ctx, q, `SELECT c.id FROM customers c WHERE `+where+` ORDER BY `+s.orderBy+` LIMIT `+lim+` OFFSET `+off, pa)
	if err != nil {
		return result{}, err
	}
	if !count {
		return result{IDs: ids}, nil
	}
	ca := append(args(nil), a...)
	var n int
	if err := q.QueryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM customers c WHERE `+where+` LIMIT `+ca.add(exactCap+1)+`) k`,
		append([]any{pgx.QueryExecModeExec}, ca...)...).Scan(&n); err != nil {
		return result{}, fmt.Errorf("search: count: %w", err)
	}
	if n > exactCap {
		return result{IDs: ids, Total: exactCap, Estimate: true}, nil
	}
	return result{IDs: ids, Total: n}, nil
}

// queryIDs runs a statement of ids. QueryExecModeExec: the unnamed
// statement is planned with the arguments' values, so a LIKE prefix can
// use its B-tree (a cached generic plan could not).
func queryIDs(ctx context.Context, q querier, sql string, a args) ([]int64, error) {
	rows, err := q.Query(ctx, sql, append([]any{pgx.QueryExecModeExec}, a...)...)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	if ids == nil {
		ids = []int64{}
	}
	return ids, nil
}
