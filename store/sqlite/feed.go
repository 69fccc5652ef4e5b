package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"frontdesk/store/searchidx"
)

// feedQuery reads the change feed (migrations 00006 and 00007): each
// changed customer as it is now, or NULLs when it is gone, with what the
// search's filters test: status, order count, points balance and the
// time of the last order.
const feedQuery = `SELECT ch.seq, ch.customer_id, c.email, c.first_name, c.last_name, c.phone, c.created_at, c.total_spent,
		c.status, c.total_orders, coalesce(la.points_balance, 0),
		(SELECT o.created_at FROM orders o WHERE o.customer_id = ch.customer_id ORDER BY o.created_at DESC LIMIT 1)
	FROM customer_changes ch LEFT JOIN customers c ON c.id = ch.customer_id
		LEFT JOIN loyalty_accounts la ON la.customer_id = ch.customer_id
	WHERE ch.seq > ? ORDER BY ch.seq LIMIT ?`

// feed is the search index's searchidx.Feed over db. It reads on the
// pool, outside any caller's transaction: only committed changes, in the
// order they were committed (see the migration for why the numbers are).
func feed(db *sql.DB) searchidx.Feed {
	return func(ctx context.Context, after int64, limit int) ([]searchidx.Change, error) {
		rows, err := db.QueryContext(ctx, feedQuery, after, limit)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		out := make([]searchidx.Change, 0, min(limit, 1024))
		for rows.Next() {
			var (
				c                             searchidx.Change
				email, first, last, phone, at sql.NullString
				status, lastOrder             sql.NullString
				spent, orders, points         sql.NullInt64
			)
			if err := rows.Scan(&c.Seq, &c.ID, &email, &first, &last, &phone, &at, &spent,
				&status, &orders, &points, &lastOrder); err != nil {
				return nil, err
			}
			if at.Valid {
				created, err := parseTime(at.String)
				if err != nil {
					return nil, fmt.Errorf("customer %d: %w", c.ID, err)
				}
				c.Doc = &searchidx.Doc{ID: c.ID, Email: email.String, FirstName: first.String, LastName: last.String,
					Phone: phone.String, CreatedAt: created, TotalSpent: spent.Int64,
					Disabled: status.String == "disabled", TotalOrders: orders.Int64, Points: points.Int64}
				if lastOrder.Valid {
					if c.Doc.LastOrderAt, err = parseTime(lastOrder.String); err != nil {
						return nil, fmt.Errorf("customer %d's last order: %w", c.ID, err)
					}
				}
			}
			out = append(out, c)
		}
		return out, rows.Err()
	}
}
