package postgres

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"frontdesk/api"
	"frontdesk/store"
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
}

// tuning holds the knobs tests turn down to reach every path on a small
// database.
type tuning struct {
	exactCap int
}

var defaultTuning = tuning{exactCap: api.TotalExactCap}

// querier is what a search needs of a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// sortSpec is one sort order: the ORDER BY its index serves.
type sortSpec struct {
	orderBy string
}

func sortOf(s string) (sortSpec, error) {
	switch s {
	case "", api.SortNewest:
		return sortSpec{"c.created_at DESC, c.id DESC"}, nil
	case api.SortTopSpenders:
		return sortSpec{"c.total_spent DESC, c.id DESC"}, nil
	case api.SortName:
		return sortSpec{"lower(c.last_name), lower(c.first_name), c.id"}, nil
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
func match(tokens []token, a *args) string {
	var parts []string
	for _, t := range tokens {
		pat := likeEscape(asciiLower(t.text)) + "%"
		if t.long {
			pat = "%" + pat
		}
		p := a.add(pat)
		ors := []string{
			`lower(c.email) LIKE ` + p,
			`lower(c.first_name) LIKE ` + p,
			`lower(c.last_name) LIKE ` + p,
			`lower(c.phone) LIKE ` + p,
		}
		for _, alt := range t.phoneAlts {
			ap := likeEscape(alt) + "%"
			if t.long {
				ap = "%" + ap
			}
			ors = append(ors, `lower(c.phone) LIKE `+a.add(ap))
		}
		parts = append(parts, "("+strings.Join(ors, " OR ")+")")
	}
	return strings.Join(parts, " AND ")
}

// trigramCond is a condition the trigram index answers, true of a
// superset of the rows match is true of: each long word as a substring of
// search_text (a local phone number without its leading 0, which its
// +254 form contains as well). "" when there is no long word.
func trigramCond(tokens []token, a *args) string {
	var parts []string
	for _, t := range tokens {
		if !t.long {
			continue
		}
		switch {
		case len(t.phoneAlts) == 0:
			parts = append(parts, `c.search_text LIKE `+a.add("%"+likeEscape(asciiLower(t.text))+"%"))
		case len(t.text) >= 4:
			parts = append(parts, `c.search_text LIKE `+a.add("%"+likeEscape(t.text[1:])+"%"))
		default:
			parts = append(parts, `(c.search_text LIKE `+a.add("%"+likeEscape(t.text)+"%")+
				` OR c.search_text LIKE `+a.add("%"+likeEscape(t.phoneAlts[0])+"%")+`)`)
		}
	}
	return strings.Join(parts, " AND ")
}

// searchCustomers answers p with the indexes. Its IDs and Total equal
// naive's.
func searchCustomers(ctx context.Context, q querier, p store.SearchParams, tune tuning) (result, error) {
	s, err := sortOf(p.Sort)
	if err != nil {
		return result{}, err
	}
	limit, offset := page(p)
	tokens, blank := parse(p.Query)
	if !blank && len(tokens) == 0 {
		return result{IDs: []int64{}}, nil
	}
	var a args
	where := "true"
	if !blank {
		where = match(tokens, &a)
		if tc := trigramCond(tokens, &a); tc != "" {
			where = tc + " AND " + where
		}
	}
	return pageAndCount(ctx, q, s, where, a, limit, offset, tune.exactCap)
}

// naive answers p by evaluating the reference predicate on every row
// (no index but the sort's): it exists to check searchCustomers.
func naive(ctx context.Context, q querier, p store.SearchParams, exactCap int) (result, error) {
	s, err := sortOf(p.Sort)
	if err != nil {
		return result{}, err
	}
	limit, offset := page(p)
	tokens, blank := parse(p.Query)
	if !blank && len(tokens) == 0 {
		return result{IDs: []int64{}}, nil
	}
	var a args
	where := "true"
	if !blank {
		where = match(tokens, &a)
	}
	return pageAndCount(ctx, q, s, where, a, limit, offset, exactCap)
}

// pageAndCount selects one page of the rows where holds and counts them
// up to exactCap+1.
func pageAndCount(ctx context.Context, q querier, s sortSpec, where string, a args, limit, offset, exactCap int) (result, error) {
	pa := append(args(nil), a...)
	lim, off := pa.add(limit), pa.add(offset)
	ids, err := queryIDs(ctx, q, `SELECT c.id FROM customers c WHERE `+where+` ORDER BY `+s.orderBy+` LIMIT `+lim+` OFFSET `+off, pa)
	if err != nil {
		return result{}, err
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
