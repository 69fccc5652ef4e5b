package sandbox

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"frontdesk/api"
)

// monthsOfSpend is the window of StoreMetrics.MonthlySpend.
const monthsOfSpend = 12

// storeMetrics summarises customer c's orders. Totals come from the
// customer row (the same numbers the list shows); monthly spend counts the
// orders of the last 12 calendar months, this one included, that were not
// cancelled or refunded.
func (s *Server) storeMetrics(ctx context.Context, q querier, c api.Customer) (*api.StoreMetrics, error) {
	id, _ := c.ID.Int64()
	m := &api.StoreMetrics{
		TotalOrders: c.TotalOrders,
		TotalSpent:  c.TotalSpent,
		Currency:    c.Currency,
	}
	if c.TotalOrders > 0 {
		m.AverageOrderValue = c.TotalSpent / int64(c.TotalOrders)
	}
	var first, last sql.NullString
	if err := q.QueryRowContext(ctx, `SELECT min(created_at), max(created_at) FROM orders WHERE customer_id = ?`, id).
		Scan(&first, &last); err != nil {
		return nil, fmt.Errorf("order dates of customer %d: %w", id, err)
	}
	for _, p := range []struct {
		raw sql.NullString
		dst **time.Time
	}{{first, &m.FirstOrderAt}, {last, &m.LastOrderAt}} {
		if p.raw.Valid {
			t, err := parseTime(p.raw.String)
			if err != nil {
				return nil, err
			}
			*p.dst = &t
		}
	}

	now := s.now()
	start := time.Date(now.Year(), now.Month()-monthsOfSpend+1, 1, 0, 0, 0, 0, time.UTC)
	m.MonthlySpend = make([]api.MonthSpend, monthsOfSpend)
	index := map[string]int{}
	for i := range m.MonthlySpend {
		month := start.AddDate(0, i, 0).Format("2006-01")
		m.MonthlySpend[i].Month = month
		index[month] = i
	}
	rows, err := q.QueryContext(ctx, `
		SELECT substr(created_at, 1, 7), sum(total) FROM orders
		WHERE customer_id = ? AND created_at >= ? AND status NOT IN ('cancelled', 'refunded')
		GROUP BY 1`, id, formatTime(start))
	if err != nil {
		return nil, fmt.Errorf("monthly spend of customer %d: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			month  string
			amount int64
		)
		if err := rows.Scan(&month, &amount); err != nil {
			return nil, fmt.Errorf("monthly spend of customer %d: %w", id, err)
		}
		if i, ok := index[month]; ok {
			m.MonthlySpend[i].Amount = amount
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if m.LTVPercentile, err = s.ltv.percentile(ctx, s.db, c.TotalSpent); err != nil {
		return nil, err
	}
	return m, nil
}

// ltvCache holds the distribution of total_spent over all customers, so
// the LTV percentile of one customer costs a binary search instead of a
// count over the whole table. Up to ltvExactMax customers it keeps every
// value (exact); above that an even sample by id. It is rebuilt when older
// than ltvTTL or after a customer was created.
type ltvCache struct {
	mu     sync.Mutex
	values []int64 // ascending
	built  time.Time
	stale  bool
}

const (
	ltvExactMax = 20_000
	ltvSample   = 4_000
	ltvTTL      = 30 * time.Second
)

func (l *ltvCache) invalidate() {
	l.mu.Lock()
	l.stale = true
	l.mu.Unlock()
}

// percentile is the share of customers, 0–99, who spent less than spent.
func (l *ltvCache) percentile(ctx context.Context, db *sql.DB, spent int64) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.values == nil || l.stale || time.Since(l.built) > ltvTTL {
		v, err := ltvDistribution(ctx, db)
		if err != nil {
			return 0, err
		}
		l.values, l.built, l.stale = v, time.Now(), false
	}
	if len(l.values) == 0 {
		return 0, nil
	}
	below := sort.Search(len(l.values), func(i int) bool { return l.values[i] >= spent })
	return below * 100 / len(l.values), nil
}

func ltvDistribution(ctx context.Context, db *sql.DB) ([]int64, error) {
	var n, lo, hi int64
	if err := db.QueryRowContext(ctx, `SELECT count(*), coalesce(min(id), 0), coalesce(max(id), 0) FROM customers`).Scan(&n, &lo, &hi); err != nil {
		return nil, fmt.Errorf("ltv distribution: %w", err)
	}
	var (
		rows *sql.Rows
		err  error
	)
	if n <= ltvExactMax {
		rows, err = db.QueryContext(ctx, `SELECT total_spent FROM customers`)
	} else {
		// Ids are dense enough (the seed inserts them in order) that an
		// even stride over them is an unbiased sample of spend.
		stride := max((hi-lo+1)/ltvSample, 1)
		rows, err = db.QueryContext(ctx, `
			WITH RECURSIVE ids(id) AS (SELECT ? UNION ALL SELECT id + ? FROM ids WHERE id + ? <= ?)
			SELECT c.total_spent FROM ids JOIN customers c ON c.id = ids.id`, lo, stride, stride, hi)
	}
	if err != nil {
		return nil, fmt.Errorf("ltv distribution: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("ltv distribution: %w", err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ltv distribution: %w", err)
	}
	slices.Sort(out)
	if out == nil {
		out = []int64{}
	}
	return out, nil
}
