package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"frontdesk/api"
	"frontdesk/store"
)

// rowID is the integer key of a customer or order id. The store's own
// rows have integer keys; an id of anything else names none of them.
func rowID(id api.ID) (int64, bool) {
	n, ok := id.Int64()
	return n, ok && n > 0
}

const customerCols = `id, email, email_confirmed, first_name, last_name, phone, status,
	total_orders, total_spent, currency, created_at, updated_at, version, merged_into`

func scanCustomer(sc pgx.Row) (api.Customer, error) {
	var (
		c      api.Customer
		id     int64
		merged *int64
	)
	if err := sc.Scan(&id, &c.Email, &c.EmailConfirmed, &c.FirstName, &c.LastName, &c.Phone, &c.Status,
		&c.TotalOrders, &c.TotalSpent, &c.Currency, &c.CreatedAt, &c.UpdatedAt, &c.Version, &merged); err != nil {
		return c, err
	}
	if merged != nil {
		into := api.IDFromInt(*merged)
		c.MergedInto = &into
	}
	c.ID = api.IDFromInt(id)
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	c.Addresses = []api.Address{}
	return c, nil
}

// Customer loads one customer with its addresses.
func (t *txn) Customer(ctx context.Context, id api.ID) (api.Customer, error) {
	n, ok := rowID(id)
	if !ok {
		return api.Customer{}, store.ErrNotFound
	}
	c, err := scanCustomer(t.tx.QueryRow(ctx, `SELECT `+customerCols+` FROM customers WHERE id = $1`, n))
	if errors.Is(err, pgx.ErrNoRows) {
		return c, store.ErrNotFound
	}
	if err != nil {
		return c, fmt.Errorf("load customer %d: %w", n, err)
	}
	addrs, err := t.addresses(ctx, []int64{n})
	if err != nil {
		return c, err
	}
	if a := addrs[n]; a != nil {
		c.Addresses = a
	}
	return c, nil
}

// CustomersByID loads the customers ids name, in that order.
func (t *txn) CustomersByID(ctx context.Context, ids []api.ID) ([]api.Customer, error) {
	out := make([]api.Customer, 0, len(ids))
	keys := make([]int64, 0, len(ids))
	for _, id := range ids {
		if n, ok := rowID(id); ok {
			keys = append(keys, n)
		}
	}
	if len(keys) == 0 {
		return out, nil
	}
	rows, err := t.tx.Query(ctx, `SELECT `+customerCols+` FROM customers WHERE id = ANY($1)`, keys)
	if err != nil {
		return nil, fmt.Errorf("load customers: %w", err)
	}
	defer rows.Close()
	byID := make(map[int64]api.Customer, len(keys))
	for rows.Next() {
		c, err := scanCustomer(rows)
		if err != nil {
			return nil, fmt.Errorf("load customers: %w", err)
		}
		n, _ := c.ID.Int64()
		byID[n] = c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load customers: %w", err)
	}
	addrs, err := t.addresses(ctx, keys)
	if err != nil {
		return nil, err
	}
	for _, id := range keys {
		c, ok := byID[id]
		if !ok {
			continue
		}
		if a := addrs[id]; a != nil {
			c.Addresses = a
		}
		out = append(out, c)
	}
	return out, nil
}

func (t *txn) addresses(ctx context.Context, ids []int64) (map[int64][]api.Address, error) {
	rows, err := t.tx.Query(ctx, `
		SELECT id, customer_id, type, address1, address2, city, state, zip, country, is_default
		FROM addresses WHERE customer_id = ANY($1) ORDER BY customer_id, id`, ids)
	if err != nil {
		return nil, fmt.Errorf("load addresses: %w", err)
	}
	defer rows.Close()
	out := map[int64][]api.Address{}
	for rows.Next() {
		var (
			a       api.Address
			id, cid int64
		)
		if err := rows.Scan(&id, &cid, &a.Type, &a.Address1, &a.Address2, &a.City, &a.State, &a.Zip, &a.Country, &a.Default); err != nil {
			return nil, fmt.Errorf("load addresses: %w", err)
		}
		a.ID = api.IDFromInt(id)
		out[cid] = append(out[cid], a)
	}
	return out, rows.Err()
}

// SearchCustomers answers from the Store's search index, brought up to
// date from the change feed first (outside this transaction: it sees
// every change committed before the search began, not this
// transaction's own uncommitted ones).
func (t *txn) SearchCustomers(ctx context.Context, p store.SearchParams) (store.SearchResult, error) {
	res, err := t.st.search.Search(ctx, p)
	if err != nil {
		return store.SearchResult{}, err
	}
	t.st.searchReady.Store(true)
	return res, nil
}

// EmailOwner is the id of another customer with email, or "".
func (t *txn) EmailOwner(ctx context.Context, email string, except api.ID) (api.ID, error) {
	self, _ := rowID(except)
	var other int64
	err := t.tx.QueryRow(ctx, `SELECT id FROM customers WHERE lower(email) = lower($1::text COLLATE "C") AND id <> $2`, email, self).Scan(&other)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return "", nil
	case err != nil:
		return "", fmt.Errorf("check email: %w", err)
	}
	return api.IDFromInt(other), nil
}

// CreateCustomer adds a customer with its addresses and loyalty account.
func (t *txn) CreateCustomer(ctx context.Context, in api.CustomerCreate, at time.Time) (api.ID, error) {
	if err := t.writable(); err != nil {
		return "", err
	}
	now := dbTime(at)
	// ON CONFLICT: a taken email answers ErrDuplicate and leaves the
	// transaction usable (a failed statement would abort it).
	var id int64
	err := t.tx.QueryRow(ctx, `
		INSERT INTO customers (email, email_confirmed, first_name, last_name, phone, created_at, updated_at)
		VALUES ($1, false, $2, $3, $4, $5, $5) ON CONFLICT (lower(email)) DO NOTHING RETURNING id`,
		in.Email, in.FirstName, in.LastName, in.Phone, now).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("save customer: the email is taken: %w", store.ErrDuplicate)
	}
	if err != nil {
		return "", fmt.Errorf("save customer: %w", err)
	}
	if err := t.insertAddresses(ctx, id, in.Addresses); err != nil {
		return "", err
	}
	if _, err = t.tx.Exec(ctx, `INSERT INTO loyalty_accounts (customer_id) VALUES ($1)`, id); err != nil {
		return "", fmt.Errorf("open loyalty account %d: %w", id, err)
	}
	return api.IDFromInt(id), nil
}

func (t *txn) insertAddresses(ctx context.Context, id int64, addrs []api.Address) error {
	for _, a := range addrs {
		if _, err := t.tx.Exec(ctx, `
			INSERT INTO addresses (customer_id, type, address1, address2, city, state, zip, country, is_default)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			id, a.Type, a.Address1, a.Address2, a.City, a.State, a.Zip, a.Country, a.Default); err != nil {
			return fmt.Errorf("save address of customer %d: %w", id, err)
		}
	}
	return nil
}

// UpdateCustomer applies u if the customer is at version.
func (t *txn) UpdateCustomer(ctx context.Context, id api.ID, version int64, u store.CustomerUpdate) error {
	if err := t.writable(); err != nil {
		return err
	}
	n, ok := rowID(id)
	if !ok {
		return store.ErrNotFound
	}
	args := []any{dbTime(u.At)}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	sets := []string{"version = version + 1", "updated_at = $1"}
	if u.EmailConfirmed != nil {
		sets = append(sets, "email_confirmed = "+arg(*u.EmailConfirmed))
	}
	for _, f := range []struct {
		col string
		v   *string
	}{{"email", u.Email}, {"first_name", u.FirstName}, {"last_name", u.LastName}, {"phone", u.Phone}, {"status", u.Status}} {
		if f.v != nil {
			sets = append(sets, f.col+" = "+arg(*f.v))
		}
	}
	// The version is checked first, then the email (writes are
	// serialised, so both hold until the commit): a failed statement, such
	// as a unique violation, would abort the transaction.
	var current int64
	err := t.tx.QueryRow(ctx, `SELECT version FROM customers WHERE id = $1 FOR UPDATE`, n).Scan(&current)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("update customer %d: %w", n, err)
	}
	if current != version {
		return &store.VersionConflictError{Current: current}
	}
	if u.Email != nil {
		owner, err := t.EmailOwner(ctx, *u.Email, id)
		if err != nil {
			return err
		}
		if owner != "" {
			return fmt.Errorf("update customer %d: the email is taken by customer %s: %w", n, owner, store.ErrDuplicate)
		}
	}
	q := `UPDATE customers SET ` + strings.Join(sets, ", ") + ` WHERE id = ` + arg(n)
	if _, err := t.tx.Exec(ctx, q, args...); err != nil {
		return fmt.Errorf("update customer %d: %w", n, err)
	}
	if u.Addresses != nil {
		if _, err := t.tx.Exec(ctx, `DELETE FROM addresses WHERE customer_id = $1`, n); err != nil {
			return fmt.Errorf("replace addresses of customer %d: %w", n, err)
		}
		if err := t.insertAddresses(ctx, n, *u.Addresses); err != nil {
			return err
		}
	}
	return nil
}

// OrderDates are the customer's first and last order times.
func (t *txn) OrderDates(ctx context.Context, id api.ID) (first, last *time.Time, err error) {
	n, ok := rowID(id)
	if !ok {
		return nil, nil, nil
	}
	if err := t.tx.QueryRow(ctx, `SELECT min(created_at), max(created_at) FROM orders WHERE customer_id = $1`, n).
		Scan(&first, &last); err != nil {
		return nil, nil, fmt.Errorf("order dates of customer %d: %w", n, err)
	}
	for _, p := range []*time.Time{first, last} {
		if p != nil {
			*p = p.UTC()
		}
	}
	return first, last, nil
}

// MonthlySpend sums the customer's kept orders since since by month.
func (t *txn) MonthlySpend(ctx context.Context, id api.ID, since time.Time) (map[string]int64, error) {
	out := map[string]int64{}
	n, ok := rowID(id)
	if !ok {
		return out, nil
	}
	rows, err := t.tx.Query(ctx, `
		SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM'), sum(total)::bigint FROM orders
		WHERE customer_id = $1 AND created_at >= $2 AND status NOT IN ('cancelled', 'refunded')
		GROUP BY 1`, n, dbTime(since))
	if err != nil {
		return nil, fmt.Errorf("monthly spend of customer %d: %w", n, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			month  string
			amount int64
		)
		if err := rows.Scan(&month, &amount); err != nil {
			return nil, fmt.Errorf("monthly spend of customer %d: %w", n, err)
		}
		out[month] = amount
	}
	return out, rows.Err()
}

// SpendDistribution is total_spent of every customer, or of a sample.
func (t *txn) SpendDistribution(ctx context.Context, exactMax, sample int) ([]int64, error) {
	var n, lo, hi int64
	if err := t.tx.QueryRow(ctx, `SELECT count(*), coalesce(min(id), 0), coalesce(max(id), 0) FROM customers`).Scan(&n, &lo, &hi); err != nil {
		return nil, fmt.Errorf("spend distribution: %w", err)
	}
	var (
		rows pgx.Rows
		err  error
	)
	if n <= int64(exactMax) {
		rows, err = t.tx.Query(ctx, `SELECT total_spent FROM customers ORDER BY total_spent`)
	} else {
		// Ids are dense enough (the seed inserts them in order) that an
		// even stride over them is an unbiased sample of spend.
		stride := max((hi-lo+1)/int64(max(sample, 1)), 1)
		rows, err = t.tx.Query(ctx, `
			SELECT c.total_spent FROM generate_series($1::bigint, $2::bigint, $3::bigint) AS g(id)
			JOIN customers c ON c.id = g.id ORDER BY 1`, lo, hi, stride)
	}
	if err != nil {
		return nil, fmt.Errorf("spend distribution: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("spend distribution: %w", err)
	}
	if out == nil {
		out = []int64{}
	}
	return out, nil
}
