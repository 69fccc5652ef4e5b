package search

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"time"

	"frontdesk/api"
	"frontdesk/bench/stats"
	"frontdesk/store"
)

type bench struct {
	o     Options
	lite  store.Store
	naive *sql.DB
	pg    *pgSide
}

// search answers p once through st as the server does, timed.
func search(ctx context.Context, st store.Store, p store.SearchParams) (store.SearchResult, time.Duration, error) {
	var res store.SearchResult
	started := time.Now()
	err := st.Read(ctx, func(tx store.Tx) error {
		var err error
		res, err = tx.SearchCustomers(ctx, p)
		return err
	})
	return res, time.Since(started), err
}

// warm answers one listing on each engine before anything is timed
// (connections, caches, an index an engine builds on first use).
func (b *bench) warm(ctx context.Context) error {
	p := store.SearchParams{Page: 1, Limit: api.DefaultPageLimit}
	started := time.Now()
	if _, _, err := search(ctx, b.lite, p); err != nil {
		return fmt.Errorf("SQLite: first search: %w", err)
	}
	fmt.Fprintf(b.o.Stderr, "SQLite: first search answered in %s\n", time.Since(started).Round(time.Millisecond))
	if b.pg != nil {
		started = time.Now()
		if _, _, err := search(ctx, b.pg.store, p); err != nil {
			return fmt.Errorf("PostgreSQL: first search: %w", err)
		}
		fmt.Fprintf(b.o.Stderr, "PostgreSQL: first search answered in %s\n", time.Since(started).Round(time.Millisecond))
	}
	return nil
}

// params is q's request; for a page by key, key is the engine's own key
// of the afterDepth-th match (found by afterKey).
func params(q querySpec, key *store.SearchKey) store.SearchParams {
	if q.afterDepth > 0 {
		return store.SearchParams{Query: q.query, Sort: q.sort, Limit: api.DefaultPageLimit, After: key}
	}
	return store.SearchParams{Query: q.query, Sort: q.sort, Page: q.page, Limit: q.limit}
}

// afterKey is the engine's key of q's afterDepth-th match: the Last of
// the page of 100 (or fewer) that ends there.
func afterKey(ctx context.Context, st store.Store, q querySpec) (*store.SearchKey, error) {
	p := store.SearchParams{Query: q.query, Sort: q.sort, Page: 1, Limit: q.afterDepth}
	if q.afterDepth > api.MaxPageLimit {
		p.Page, p.Limit = q.afterDepth/api.MaxPageLimit, api.MaxPageLimit
	}
	res, _, err := search(ctx, st, p)
	if err != nil {
		return nil, err
	}
	if res.Last == nil {
		return nil, fmt.Errorf("no match at depth %d (page %d of %d answered %d ids)", q.afterDepth, p.Page, p.Limit, len(res.IDs))
	}
	return res.Last, nil
}

// row times one query on both engines and the baselines, and says how
// the engines disagreed ("" when they did not).
func (b *bench) row(ctx context.Context, q querySpec) (Row, string, error) {
	r := Row{Shape: q.shape, Query: q.query, Sort: q.sort, Page: q.pageLabel(), HasTotal: q.afterDepth == 0}
	var liteKey, pgKey *store.SearchKey
	if q.afterDepth > 0 {
		var err error
		if liteKey, err = afterKey(ctx, b.lite, q); err != nil {
			return r, "", fmt.Errorf("SQLite: %q %s: %w", q.query, sortName(q.sort), err)
		}
		if b.pg != nil {
			if pgKey, err = afterKey(ctx, b.pg.store, q); err != nil {
				return r, "", fmt.Errorf("PostgreSQL: %q %s: %w", q.query, sortName(q.sort), err)
			}
		}
	}
	liteP, pgP := params(q, liteKey), params(q, pgKey)

	// One untimed answer each, then the runs, the engines taking turns.
	liteRes, _, err := search(ctx, b.lite, liteP)
	if err != nil {
		return r, "", fmt.Errorf("SQLite: %+v: %w", liteP, err)
	}
	var pgRes store.SearchResult
	if b.pg != nil {
		if pgRes, _, err = search(ctx, b.pg.store, pgP); err != nil {
			return r, "", fmt.Errorf("PostgreSQL: %+v: %w", pgP, err)
		}
	}
	var liteDs, pgDs []time.Duration
	for range b.o.Runs {
		_, d, err := search(ctx, b.lite, liteP)
		if err != nil {
			return r, "", fmt.Errorf("SQLite: %+v: %w", liteP, err)
		}
		liteDs = append(liteDs, d)
		if b.pg != nil {
			_, d, err := search(ctx, b.pg.store, pgP)
			if err != nil {
				return r, "", fmt.Errorf("PostgreSQL: %+v: %w", pgP, err)
			}
			pgDs = append(pgDs, d)
		}
	}
	r.SQLite = Timing{Ran: true, P50: stats.Percentile(liteDs, 0.5), P95: p95(liteDs)}
	r.Total, r.Estimate, r.IDs = liteRes.Total, liteRes.Estimate, liteRes.IDs
	mismatch := ""
	if b.pg != nil {
		r.Postgres = Timing{Ran: true, P50: stats.Percentile(pgDs, 0.5), P95: p95(pgDs)}
		if !slices.Equal(liteRes.IDs, pgRes.IDs) || (r.HasTotal && (liteRes.Total != pgRes.Total || liteRes.Estimate != pgRes.Estimate)) {
			mismatch = fmt.Sprintf("MISMATCH: %q sorted by %s, page %s: SQLite total %s, ids %s; PostgreSQL total %s, ids %s",
				q.query, sortName(q.sort), r.Page, totalText(liteRes.Total, liteRes.Estimate), idList(liteRes.IDs),
				totalText(pgRes.Total, pgRes.Estimate), idList(pgRes.IDs))
		}
	}

	if b.o.NoBaselines {
		return r, mismatch, nil
	}
	liteAfter, err := keyID(liteKey)
	if err != nil {
		return r, mismatch, err
	}
	pgAfter, err := keyID(pgKey)
	if err != nil {
		return r, mismatch, err
	}
	run := func(which string, sqlOf baselineSQL, on querier, afterID int64) (Baseline, error) {
		bl, err := runBaseline(ctx, sqlOf, on, q, afterID, b.o.BaselineRuns, b.o.BaselineTimeout)
		if err != nil {
			return bl, fmt.Errorf("%s baseline, %q %s: %w", which, q.query, sortName(q.sort), err)
		}
		return bl, nil
	}
	if r.NaiveSQLite, err = run("naive SQLite", naiveSQLite, sqliteQuerier{b.naive}, liteAfter); err != nil {
		return r, mismatch, err
	}
	if b.pg != nil {
		pool := pgQuerier{b.pg.engine.Pool()}
		if r.NaivePostgres, err = run("naive PostgreSQL", naivePostgres, pool, pgAfter); err != nil {
			return r, mismatch, err
		}
		if r.Trigram, err = run("pg_trgm", trigramPG, pool, pgAfter); err != nil {
			return r, mismatch, err
		}
	}
	return r, mismatch, nil
}

// keyID is the customer id of an engine's key (0 for none).
func keyID(k *store.SearchKey) (int64, error) {
	if k == nil {
		return 0, nil
	}
	id, err := strconv.ParseInt(string(k.ID), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("the engine's key names customer %q, not a number", k.ID)
	}
	return id, nil
}

func p95(ds []time.Duration) time.Duration { return stats.Percentile(ds, 0.95) }

func totalText(n int, estimate bool) string {
	if estimate {
		return thousands(n) + "+"
	}
	return thousands(n)
}

// idList shows up to 8 ids.
func idList(ids []api.ID) string {
	if len(ids) <= 8 {
		return fmt.Sprint(ids)
	}
	return fmt.Sprintf("%v… (%d)", ids[:8], len(ids))
}
