package server

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"frontdesk/api"
	"frontdesk/store"
)

// monthsOfSpend is the window of StoreMetrics.MonthlySpend.
const monthsOfSpend = 12

// storeMetrics summarises customer c's orders. Totals come from the
// customer row (the same numbers the list shows); monthly spend counts the
// orders of the last 12 calendar months, this one included, that were not
// cancelled or refunded.
func (s *Server) storeMetrics(ctx context.Context, tx store.Tx, c api.Customer) (*api.StoreMetrics, error) {
	m := &api.StoreMetrics{
		TotalOrders: c.TotalOrders,
		TotalSpent:  c.TotalSpent,
		Currency:    c.Currency,
	}
	if c.TotalOrders > 0 {
		m.AverageOrderValue = c.TotalSpent / int64(c.TotalOrders)
	}
	var err error
	if m.FirstOrderAt, m.LastOrderAt, err = tx.OrderDates(ctx, c.ID); err != nil {
		return nil, err
	}

	now := s.now()
	start := time.Date(now.Year(), now.Month()-monthsOfSpend+1, 1, 0, 0, 0, 0, time.UTC)
	spend, err := tx.MonthlySpend(ctx, c.ID, start)
	if err != nil {
		return nil, err
	}
	m.MonthlySpend = make([]api.MonthSpend, monthsOfSpend)
	for i := range m.MonthlySpend {
		month := start.AddDate(0, i, 0).Format("2006-01")
		m.MonthlySpend[i] = api.MonthSpend{Month: month, Amount: spend[month]}
	}
	if m.LTVPercentile, err = s.ltv.percentile(ctx, s.st, c.TotalSpent); err != nil {
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
func (l *ltvCache) percentile(ctx context.Context, st store.Store, spent int64) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.values == nil || l.stale || time.Since(l.built) > ltvTTL {
		var v []int64
		err := st.Read(ctx, func(tx store.Tx) error {
			var err error
			v, err = tx.SpendDistribution(ctx, ltvExactMax, ltvSample)
			return err
		})
		if err != nil {
			return 0, fmt.Errorf("ltv distribution: %w", err)
		}
		l.values, l.built, l.stale = v, time.Now(), false
	}
	if len(l.values) == 0 {
		return 0, nil
	}
	below := sort.Search(len(l.values), func(i int) bool { return l.values[i] >= spent })
	return below * 100 / len(l.values), nil
}
