package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

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

func scanCustomer(sc scanner) (api.Customer, error) {
	var (
		c                  api.Customer
		id                 int64
		confirmed          int
		created, updated   string
		errCreated, errUpd error
		merged             sql.NullInt64
	)
	if err := sc.Scan(&id, &c.Email, &confirmed, &c.FirstName, &c.LastName, &c.Phone, &c.Status,
		&c.TotalOrders, &c.TotalSpent, &c.Currency, &created, &updated, &c.Version, &merged); err != nil {
		return c, err
	}
	if merged.Valid {
		into := api.IDFromInt(merged.Int64)
		c.MergedInto = &into
	}
	c.ID = api.IDFromInt(id)
	c.EmailConfirmed = confirmed != 0
	c.CreatedAt, errCreated = parseTime(created)
	c.UpdatedAt, errUpd = parseTime(updated)
	c.Addresses = []api.Address{}
	return c, errors.Join(errCreated, errUpd)
}

// Customer loads one customer with its addresses.
func (t *txn) Customer(ctx context.Context, id api.ID) (api.Customer, error) {
	n, ok := rowID(id)
	if !ok {
		return api.Customer{}, store.ErrNotFound
	}
	c, err := scanCustomer(t.q.QueryRowContext(ctx, `SELECT `+customerCols+` FROM customers WHERE id = ?`, n))
	if errors.Is(err, sql.ErrNoRows) {
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
	in, args := inList(keys)
	rows, err := t.q.QueryContext(ctx, `SELECT `+customerCols+` FROM customers WHERE id IN (`+in+`)`, args...)
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
	in, args := inList(ids)
	rows, err := t.q.QueryContext(ctx, `
		SELECT id, customer_id, type, address1, address2, city, state, zip, country, is_default
		FROM addresses WHERE customer_id IN (`+in+`) ORDER BY customer_id, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("load addresses: %w", err)
	}
	defer rows.Close()
	out := map[int64][]api.Address{}
	for rows.Next() {
		var (
			a       api.Address
			id, cid int64
			def     int
		)
		if err := rows.Scan(&id, &cid, &a.Type, &a.Address1, &a.Address2, &a.City, &a.State, &a.Zip, &a.Country, &def); err != nil {
			return nil, fmt.Errorf("load addresses: %w", err)
		}
		a.ID = api.IDFromInt(id)
		a.Default = def != 0
		out[cid] = append(out[cid], a)
	}
	return out, rows.Err()
}

// inList makes "?, ?, ?" and its arguments.
func inList(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", "), args
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
	err := t.q.QueryRowContext(ctx, `SELECT id FROM customers WHERE email = ? COLLATE NOCASE AND id <> ?`, email, self).Scan(&other)
	switch {
	case errors.Is(err, sql.ErrNoRows):
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
	now := formatTime(at)
	res, err := t.q.ExecContext(ctx, `
		INSERT INTO customers (email, email_confirmed, first_name, last_name, phone, created_at, updated_at)
		VALUES (?, 0, ?, ?, ?, ?, ?)`, in.Email, in.FirstName, in.LastName, in.Phone, now, now)
	if err != nil {
		return "", fmt.Errorf("save customer: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return "", fmt.Errorf("save customer: %w", err)
	}
	if err := t.insertAddresses(ctx, id, in.Addresses); err != nil {
		return "", err
	}
	if _, err = t.q.ExecContext(ctx, `INSERT INTO loyalty_accounts (customer_id) VALUES (?)`, id); err != nil {
		return "", fmt.Errorf("open loyalty account %d: %w", id, err)
	}
	return api.IDFromInt(id), nil
}

func (t *txn) insertAddresses(ctx context.Context, id int64, addrs []api.Address) error {
	for _, a := range addrs {
		def := 0
		if a.Default {
			def = 1
		}
		if _, err := t.q.ExecContext(ctx, `
			INSERT INTO addresses (customer_id, type, address1, address2, city, state, zip, country, is_default)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, a.Type, a.Address1, a.Address2, a.City, a.State, a.Zip, a.Country, def); err != nil {
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
	sets := []string{"version = version + 1", "updated_at = ?"}
	args := []any{formatTime(u.At)}
	if u.EmailConfirmed != nil {
		sets = append(sets, "email_confirmed = ?")
		args = append(args, boolInt(*u.EmailConfirmed))
	}
	for _, f := range []struct {
		col string
		v   *string
	}{{"email", u.Email}, {"first_name", u.FirstName}, {"last_name", u.LastName}, {"phone", u.Phone}, {"status", u.Status}} {
		if f.v != nil {
			sets = append(sets, f.col+" = ?")
			args = append(args, *f.v)
		}
	}
	res, err := t.q.ExecContext(ctx, `UPDATE customers SET `+strings.Join(sets, ", ")+` WHERE id = ? AND version = ?`,
		append(args, n, version)...)
	if err != nil {
		return fmt.Errorf("update customer %d: %w", n, err)
	}
	if changed, _ := res.RowsAffected(); changed != 1 {
		var current int64
		err := t.q.QueryRowContext(ctx, `SELECT version FROM customers WHERE id = ?`, n).Scan(&current)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("update customer %d: %w", n, err)
		}
		return &store.VersionConflictError{Current: current}
	}
	if u.Addresses != nil {
		if _, err := t.q.ExecContext(ctx, `DELETE FROM addresses WHERE customer_id = ?`, n); err != nil {
			return fmt.Errorf("replace addresses of customer %d: %w", n, err)
		}
		if err := t.insertAddresses(ctx, n, *u.Addresses); err != nil {
			return err
		}
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// OrderDates are the customer's first and last order times.
func (t *txn) OrderDates(ctx context.Context, id api.ID) (first, last *time.Time, err error) {
	n, ok := rowID(id)
	if !ok {
		return nil, nil, nil
	}
	var lo, hi sql.NullString
	if err := t.q.QueryRowContext(ctx, `SELECT min(created_at), max(created_at) FROM orders WHERE customer_id = ?`, n).
		Scan(&lo, &hi); err != nil {
		return nil, nil, fmt.Errorf("order dates of customer %d: %w", n, err)
	}
	for _, p := range []struct {
		raw sql.NullString
		dst **time.Time
	}{{lo, &first}, {hi, &last}} {
		if p.raw.Valid {
			ts, err := parseTime(p.raw.String)
			if err != nil {
				return nil, nil, err
			}
			*p.dst = &ts
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
	rows, err := t.q.QueryContext(ctx, `
		SELECT substr(created_at, 1, 7), sum(total) FROM orders
		WHERE customer_id = ? AND created_at >= ? AND status NOT IN ('cancelled', 'refunded')
		GROUP BY 1`, n, formatTime(since))
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
	if err := t.q.QueryRowContext(ctx, `SELECT count(*), coalesce(min(id), 0), coalesce(max(id), 0) FROM customers`).Scan(&n, &lo, &hi); err != nil {
		return nil, fmt.Errorf("spend distribution: %w", err)
	}
	var (
		rows *sql.Rows
		err  error
	)
	if n <= int64(exactMax) {
		rows, err = t.q.QueryContext(ctx, `SELECT total_spent FROM customers ORDER BY total_spent`)
	} else {
		// Ids are dense enough (the seed inserts them in order) that an
		// even stride over them is an unbiased sample of spend.
		stride := max((hi-lo+1)/int64(max(sample, 1)), 1)
		rows, err = t.q.QueryContext(ctx, `
			WITH RECURSIVE ids(id) AS (SELECT ? UNION ALL SELECT id + ? FROM ids WHERE id + ? <= ?)
			SELECT c.total_spent FROM ids JOIN customers c ON c.id = ids.id ORDER BY 1`, lo, stride, stride, hi)
	}
	if err != nil {
		return nil, fmt.Errorf("spend distribution: %w", err)
	}
	defer rows.Close()
	out := []int64{}
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("spend distribution: %w", err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("spend distribution: %w", err)
	}
	return out, nil
}

// timeLayout is how the database stores times: RFC 3339 UTC with
// milliseconds, so text order is time order.
const timeLayout = "2006-01-02T15:04:05.000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// parseTime reads a stored time; the seed generator and this engine both
// write timeLayout, but any RFC 3339 text is accepted.
func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t, err = time.Parse("2006-01-02 15:04:05", s)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t.UTC(), nil
}
