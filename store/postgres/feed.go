package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"frontdesk/store/searchidx"
)

// feedQuery reads the change feed (migrations 00005 and 00006): each
// changed customer as it is now, or NULLs when it is gone, with what the
// search's filters test: status, order count, points balance and the
// time of the last order.
const feedQuery = `SELECT ch.seq, ch.customer_id, c.email, c.first_name, c.last_name, c.phone, c.created_at, c.total_spent,
		c.status = 'disabled', c.total_orders, coalesce(la.points_balance, 0),
		(SELECT o.created_at FROM orders o WHERE o.customer_id = ch.customer_id ORDER BY o.created_at DESC LIMIT 1)
	FROM customer_changes ch LEFT JOIN customers c ON c.id = ch.customer_id
		LEFT JOIN loyalty_accounts la ON la.customer_id = ch.customer_id
	WHERE ch.seq > $1 ORDER BY ch.seq LIMIT $2`

// feedPool is the pool the change feed reads on: one connection of its
// own beside the Store's pool, so that a search inside a transaction
// (which holds one of the pool's connections) never waits for another
// of them, which every other search in flight may hold too.
func feedPool(ctx context.Context, cfg *pgxpool.Config) (*pgxpool.Pool, error) {
	cfg = cfg.Copy()
	cfg.MaxConns = 1
	cfg.MinConns = 0
	// The feed's statement is prepared once; its generic plan guesses a
	// third of the table follows any seq and starts parallel workers,
	// which costs about 4 ms on every search that finds nothing new. The
	// feed reads a few rows (or, at startup, batches in index order): no
	// workers, no JIT.
	cfg.ConnConfig.RuntimeParams["max_parallel_workers_per_gather"] = "0"
	cfg.ConnConfig.RuntimeParams["jit"] = "off"
	p, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect the search feed: %w", err)
	}
	return p, nil
}

// feed is the search index's searchidx.Feed over pool. Each call is one
// statement, on the latest committed data: changes in the order they
// were committed (see the migration for why the numbers are).
func feed(pool *pgxpool.Pool) searchidx.Feed {
	return func(ctx context.Context, after int64, limit int) ([]searchidx.Change, error) {
		rows, err := pool.Query(ctx, feedQuery, after, limit)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		out := make([]searchidx.Change, 0, min(limit, 1024))
		var (
			c                         searchidx.Change
			email, first, last, phone pgtype.Text
			at, lastOrder             pgtype.Timestamptz
			spent, orders, points     pgtype.Int8
			disabled                  pgtype.Bool
		)
		_, err = pgx.ForEachRow(rows, []any{&c.Seq, &c.ID, &email, &first, &last, &phone, &at, &spent,
			&disabled, &orders, &points, &lastOrder}, func() error {
			ch := searchidx.Change{Seq: c.Seq, ID: c.ID}
			if at.Valid {
				ch.Doc = &searchidx.Doc{ID: c.ID, Email: email.String, FirstName: first.String, LastName: last.String,
					Phone: phone.String, CreatedAt: at.Time.In(time.UTC), TotalSpent: spent.Int64,
					Disabled: disabled.Bool, TotalOrders: orders.Int64, Points: points.Int64}
				if lastOrder.Valid {
					ch.Doc.LastOrderAt = lastOrder.Time.In(time.UTC)
				}
			}
			out = append(out, ch)
			return nil
		})
		return out, err
	}
}
