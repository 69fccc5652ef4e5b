package search

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	msqlite "modernc.org/sqlite"

	"frontdesk/api"
	"frontdesk/store/searchq"
)

// foldFunc is the SQLite function the naive SQLite baseline folds the
// columns with: searchq.Fold itself, so it matches what search matches.
const foldFunc = "frontdesk_bench_fold"

var registerFold = sync.OnceValue(func() error {
	return msqlite.RegisterDeterministicScalarFunction(foldFunc, 1,
		func(_ *msqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			switch v := args[0].(type) {
			case nil:
				return nil, nil
			case string:
				return searchq.Fold(v), nil
			case []byte:
				return searchq.Fold(string(v)), nil
			default:
				return searchq.Fold(fmt.Sprint(v)), nil
			}
		})
})

// openNaiveSQLite opens the SQLite file read-only on connections that
// know foldFunc.
func openNaiveSQLite(ctx context.Context, path string) (*sql.DB, error) {
	if err := registerFold(); err != nil {
		return nil, fmt.Errorf("register %s: %w", foldFunc, err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}

// baselineSQL writes one baseline's queries: the reference predicate
// (every token in one of the four folded columns, as a substring when
// long and a prefix when short) over fold(column), ordered by the sort
// and counted up to the cap, as the search does.
type baselineSQL struct {
	pg    bool
	table string
	fold  func(col string) string
}

var (
	naiveSQLite   = baselineSQL{table: "customers", fold: func(c string) string { return foldFunc + "(" + c + ")" }}
	naivePostgres = baselineSQL{pg: true, table: "baseline_customers", fold: func(c string) string { return "lower(public.unaccent(" + c + "))" }}
	trigramPG     = baselineSQL{pg: true, table: "baseline_customers", fold: func(c string) string { return "bench_fold(" + c + ")" }}
)

type sqlArgs struct {
	pg   bool
	vals []any
}

func (a *sqlArgs) add(v any) string {
	a.vals = append(a.vals, v)
	if a.pg {
		return fmt.Sprintf("$%d", len(a.vals))
	}
	return "?"
}

// where is the match condition for q ("1=1" for a blank query, "1=0"
// for one with nothing to search for).
func (b baselineSQL) where(q string, a *sqlArgs) string {
	tokens, blank := searchq.Parse(q)
	if blank {
		return "1=1"
	}
	if len(tokens) == 0 {
		return "1=0"
	}
	var and []string
	for _, t := range tokens {
		pat := func(s string) string {
			if t.Long {
				return "%" + searchq.LikeEscape(s) + "%"
			}
			return searchq.LikeEscape(s) + "%"
		}
		var or []string
		p := pat(t.Text)
		for _, col := range []string{"c.email", "c.first_name", "c.last_name", "c.phone"} {
			or = append(or, b.fold(col)+` LIKE `+a.add(p)+` ESCAPE '\'`)
		}
		for _, alt := range t.PhoneAlts {
			or = append(or, b.fold("c.phone")+` LIKE `+a.add(pat(alt))+` ESCAPE '\'`)
		}
		and = append(and, "("+strings.Join(or, " OR ")+")")
	}
	return strings.Join(and, " AND ")
}

func (b baselineSQL) orderBy(sort string) string {
	switch sort {
	case api.SortTopSpenders:
		return "c.total_spent DESC, c.id DESC"
	case api.SortName:
		if b.pg {
			return "lower(c.last_name), lower(c.first_name), c.id"
		}
		return "c.last_name COLLATE NOCASE, c.first_name COLLATE NOCASE, c.id"
	}
	return "c.created_at DESC, c.id DESC"
}

// after is the condition of coming after customer id in the sort.
func (b baselineSQL) after(sort string, id int64, a *sqlArgs) string {
	from := ` FROM ` + b.table + ` k WHERE k.id = ` + a.add(id) + `)`
	switch sort {
	case api.SortTopSpenders:
		return `(c.total_spent, c.id) < (SELECT k.total_spent, k.id` + from
	case api.SortName:
		if b.pg {
			return `(lower(c.last_name), lower(c.first_name), c.id) > (SELECT lower(k.last_name), lower(k.first_name), k.id` + from
		}
		return `(c.last_name COLLATE NOCASE, c.first_name COLLATE NOCASE, c.id) > (SELECT k.last_name, k.first_name, k.id` + from
	}
	return `(c.created_at, c.id) < (SELECT k.created_at, k.id` + from
}

// queries are the page query and (with a total) the capped count.
func (b baselineSQL) queries(q querySpec, afterID int64) (page string, pageArgs []any, count string, countArgs []any) {
	a := &sqlArgs{pg: b.pg}
	w := b.where(q.query, a)
	if q.afterDepth > 0 {
		w = "(" + w + ") AND " + b.after(q.sort, afterID, a)
		page = `SELECT c.id FROM ` + b.table + ` c WHERE ` + w + ` ORDER BY ` + b.orderBy(q.sort) + ` LIMIT ` + a.add(api.DefaultPageLimit)
		return page, a.vals, "", nil
	}
	page = `SELECT c.id FROM ` + b.table + ` c WHERE ` + w + ` ORDER BY ` + b.orderBy(q.sort) +
		` LIMIT ` + a.add(q.limit) + ` OFFSET ` + a.add((q.page-1)*q.limit)
	pageArgs = a.vals
	ca := &sqlArgs{pg: b.pg}
	count = `SELECT count(*) FROM (SELECT 1 FROM ` + b.table + ` c WHERE ` + b.where(q.query, ca) +
		` LIMIT ` + ca.add(api.TotalExactCap+1) + `) m`
	return page, pageArgs, count, ca.vals
}

// querier runs a baseline's SQL on one engine.
type querier interface {
	ids(ctx context.Context, q string, args []any) ([]int64, error)
	count(ctx context.Context, q string, args []any) (int, error)
}

type sqliteQuerier struct{ db *sql.DB }

func (s sqliteQuerier) ids(ctx context.Context, q string, args []any) ([]int64, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

func (s sqliteQuerier) count(ctx context.Context, q string, args []any) (n int, err error) {
	err = s.db.QueryRowContext(ctx, q, args...).Scan(&n)
	return n, err
}

type pgQuerier struct{ pool *pgxpool.Pool }

func (p pgQuerier) ids(ctx context.Context, q string, args []any) ([]int64, error) {
	rows, err := p.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

func (p pgQuerier) count(ctx context.Context, q string, args []any) (n int, err error) {
	err = p.pool.QueryRow(ctx, q, args...).Scan(&n)
	return n, err
}

// runBaseline answers q runs times (fewer when one run exceeds timeout)
// and reports the p95 and the answer.
func runBaseline(ctx context.Context, b baselineSQL, on querier, q querySpec, afterID int64, runs int, timeout time.Duration) (Baseline, error) {
	page, pageArgs, count, countArgs := b.queries(q, afterID)
	out := Baseline{Ran: true}
	var ds []time.Duration
	for range runs {
		rctx, cancel := context.WithTimeout(ctx, timeout)
		started := time.Now()
		ids, err := on.ids(rctx, page, pageArgs)
		n := 0
		if err == nil && count != "" {
			n, err = on.count(rctx, count, countArgs)
		}
		d := time.Since(started)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return out, ctx.Err()
			}
			if rctx.Err() != nil || d >= timeout || errors.Is(err, context.DeadlineExceeded) {
				out.TimedOut = true
				return out, nil
			}
			return out, fmt.Errorf("%s\n%w", page, err)
		}
		ds = append(ds, d)
		out.IDs = ids
		out.Total = min(n, api.TotalExactCap)
	}
	out.P95 = p95(ds)
	return out, nil
}
