package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"frontdesk/api"
	"frontdesk/store"
)

const orderCols = `id, number, customer_id, status, payment_status, fulfillment_status, currency,
	subtotal, shipping, tax, discount, total, item_count, created_at`

func scanOrder(sc pgx.Row, extra ...any) (api.Order, error) {
	var (
		o       api.Order
		id, cid int64
	)
	dest := append([]any{&id, &o.Number, &cid, &o.Status, &o.PaymentStatus, &o.FulfillmentStatus, &o.Currency,
		&o.Subtotal, &o.Shipping, &o.Tax, &o.Discount, &o.Total, &o.ItemCount, &o.CreatedAt}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return o, err
	}
	o.ID = api.IDFromInt(id)
	o.CustomerID = api.IDFromInt(cid)
	o.CreatedAt = o.CreatedAt.UTC()
	return o, nil
}

// orderWhere is f as a condition and its arguments; ok is false when the
// customer id cannot name a customer (no orders then).
func orderWhere(f store.OrderFilter) (cond string, args []any, ok bool) {
	n, ok := rowID(f.CustomerID)
	if !ok {
		return "", nil, false
	}
	where := []string{"customer_id = $1"}
	args = []any{n}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, cond+" $"+strconv.Itoa(len(args)))
	}
	if f.Status != "" {
		add("status =", f.Status)
	}
	if !f.From.IsZero() {
		add("created_at >=", dbTime(f.From))
	}
	if !f.Until.IsZero() {
		add("created_at <", dbTime(f.Until))
	}
	return strings.Join(where, " AND "), args, true
}

// OrdersOf lists one page of orders matching f, newest first.
func (t *txn) OrdersOf(ctx context.Context, f store.OrderFilter, limit, offset int) ([]api.Order, error) {
	out := []api.Order{}
	cond, args, ok := orderWhere(f)
	if !ok {
		return out, nil
	}
	n := len(args)
	rows, err := t.tx.Query(ctx, `SELECT `+orderCols+` FROM orders WHERE `+cond+
		` ORDER BY created_at DESC, id DESC LIMIT $`+strconv.Itoa(n+1)+` OFFSET $`+strconv.Itoa(n+2), append(args, limit, offset)...)
	if err != nil {
		return nil, fmt.Errorf("list orders: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		o, err := scanOrder(rows)
		if err != nil {
			return nil, fmt.Errorf("list orders: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// CountOrders counts the orders matching f.
func (t *txn) CountOrders(ctx context.Context, f store.OrderFilter) (int, error) {
	cond, args, ok := orderWhere(f)
	if !ok {
		return 0, nil
	}
	var n int
	if err := t.tx.QueryRow(ctx, `SELECT count(*) FROM orders WHERE `+cond, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count orders: %w", err)
	}
	return n, nil
}

// Order loads one order of a customer with its items and addresses.
func (t *txn) Order(ctx context.Context, customerID, orderID api.ID) (api.Order, error) {
	cid, ok1 := rowID(customerID)
	oid, ok2 := rowID(orderID)
	if !ok1 || !ok2 {
		return api.Order{}, store.ErrNotFound
	}
	return t.orderDetail(ctx, fmt.Sprintf("order %d", oid), `id = $1 AND customer_id = $2`, oid, cid)
}

// OrderByNumber loads the order numbered number with its items and
// addresses (through the unique index on orders.number).
func (t *txn) OrderByNumber(ctx context.Context, number string) (api.Order, error) {
	return t.orderDetail(ctx, "order "+number, `number = $1`, number)
}

// orderDetail loads the one order matching cond with its items and
// addresses; what names it in errors.
func (t *txn) orderDetail(ctx context.Context, what, cond string, args ...any) (api.Order, error) {
	var items string
	var ship, bill *string
	o, err := scanOrder(t.tx.QueryRow(ctx, `SELECT `+orderCols+`, items, shipping_address, billing_address
		FROM orders WHERE `+cond, args...), &items, &ship, &bill)
	if errors.Is(err, pgx.ErrNoRows) {
		return o, store.ErrNotFound
	}
	if err != nil {
		return o, fmt.Errorf("load %s: %w", what, err)
	}
	o.Items = []api.OrderItem{}
	if items != "" {
		if err := json.Unmarshal([]byte(items), &o.Items); err != nil {
			return o, fmt.Errorf("%s items: %w", what, err)
		}
	}
	if o.ShippingAddress, err = unmarshalAddress(ship); err != nil {
		return o, fmt.Errorf("%s: %w", what, err)
	}
	if o.BillingAddress, err = unmarshalAddress(bill); err != nil {
		return o, fmt.Errorf("%s: %w", what, err)
	}
	return o, nil
}

// unmarshalAddress reads an address stored as JSON text (orders keep a
// copy of the address as it was).
func unmarshalAddress(raw *string) (*api.Address, error) {
	if raw == nil || *raw == "" || *raw == "null" {
		return nil, nil
	}
	var a api.Address
	if err := json.Unmarshal([]byte(*raw), &a); err != nil {
		return nil, fmt.Errorf("stored address: %w", err)
	}
	return &a, nil
}

// PutOrders stores orders as they come (the API never writes orders: the
// platform or a loader does) and counts the kept ones — not cancelled or
// refunded — into their customers' total_orders and total_spent. It
// returns the new orders' ids in order (storetest.Fixtures).
func (s *Store) PutOrders(ctx context.Context, orders []api.Order) ([]api.ID, error) {
	ids := make([]api.ID, 0, len(orders))
	err := s.Write(ctx, func(stx store.Tx) error {
		tx := stx.(*txn).tx.(pgx.Tx) // a Write's
		for _, o := range orders {
			cid, ok := rowID(o.CustomerID)
			if !ok {
				return fmt.Errorf("put order %s: customer %q: %w", o.Number, o.CustomerID, store.ErrNotFound)
			}
			items, err := json.Marshal(o.Items)
			if err != nil {
				return fmt.Errorf("put order %s: %w", o.Number, err)
			}
			var id int64
			if err := tx.QueryRow(ctx, `
				INSERT INTO orders (number, customer_id, status, payment_status, fulfillment_status, currency,
					subtotal, shipping, tax, discount, total, item_count, items, shipping_address, billing_address, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
				o.Number, cid, o.Status, o.PaymentStatus, o.FulfillmentStatus, o.Currency,
				o.Subtotal, o.Shipping, o.Tax, o.Discount, o.Total, o.ItemCount, string(items),
				addressJSON(o.ShippingAddress), addressJSON(o.BillingAddress), dbTime(o.CreatedAt)).Scan(&id); err != nil {
				return fmt.Errorf("put order %s: %w", o.Number, err)
			}
			ids = append(ids, api.IDFromInt(id))
			if o.Status == api.OrderCancelled || o.Status == api.OrderRefunded {
				continue
			}
			if _, err := tx.Exec(ctx, `UPDATE customers SET total_orders = total_orders + 1, total_spent = total_spent + $1 WHERE id = $2`,
				o.Total, cid); err != nil {
				return fmt.Errorf("put order %s: count it: %w", o.Number, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}

// addressJSON is how an order keeps a copy of an address: JSON text, or
// NULL for none.
func addressJSON(a *api.Address) *string {
	if a == nil {
		return nil
	}
	b, err := json.Marshal(a)
	if err != nil {
		return nil
	}
	s := string(b)
	return &s
}
