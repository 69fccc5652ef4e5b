package sandbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"frontdesk/api"
)

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// read runs fn in a read-only transaction: one consistent snapshot across
// its queries, taken without the write lock (a read-only BEGIN is
// deferred even with _txlock=immediate).
func (s *Server) read(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin read: %w", err)
	}
	defer tx.Rollback()
	return fn(tx)
}

// write runs fn in a write transaction while holding the write mutex and
// commits when fn returns nil. fn's error is returned as is.
func (s *Server) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin write: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// pathID reads a numeric path id. Anything that is not a positive integer
// cannot name a row, so it is a 404, not a 400: ids are opaque.
func pathID(r *http.Request, name, what string) (int64, error) {
	raw := r.PathValue(name)
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n <= 0 {
		return 0, notFound(what, strconv.Quote(truncate(raw, 40)))
	}
	return n, nil
}

// maxPage keeps OFFSET arithmetic far from overflow.
const maxPage = 1_000_000

// intParam reads an optional integer query parameter in [min, max].
func intParam(q url.Values, name string, def, min, max int, f api.FieldErrors) int {
	raw := q.Get(name)
	if raw == "" {
		return def
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < min || n > max {
		f[name] = fmt.Sprintf("%s must be a whole number from %d to %d", name, min, max)
		return def
	}
	return n
}

// filterParam reads an optional filter parameter. A filter left out is
// "", while one sent empty (agent_id=) is refused in f: the contract gives
// every filter minLength 1 (or a pattern or enum an empty value fails),
// and reading an empty filter as absent would widen the query the caller
// meant to narrow.
func filterParam(q url.Values, name string, f api.FieldErrors) string {
	vals, sent := q[name]
	if !sent {
		return ""
	}
	if vals[0] == "" {
		f[name] = name + " is empty: give a value, or leave the parameter out to not filter on it"
	}
	return vals[0]
}

// pageParams reads page and limit.
func pageParams(q url.Values, f api.FieldErrors) (page, limit int) {
	page = intParam(q, "page", 1, 1, maxPage, f)
	limit = intParam(q, "limit", api.DefaultPageLimit, 1, api.MaxPageLimit, f)
	return page, limit
}

// customerExists is a 404 unless customer id exists.
func customerExists(ctx context.Context, q querier, id int64) error {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM customers WHERE id = ?`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound("customer", id)
	}
	if err != nil {
		return fmt.Errorf("look up customer %d: %w", id, err)
	}
	return nil
}

type scanner interface{ Scan(dest ...any) error }

const customerCols = `id, email, email_confirmed, first_name, last_name, phone, status,
	total_orders, total_spent, currency, created_at, updated_at, version`

func scanCustomer(sc scanner) (api.Customer, error) {
	var (
		c                  api.Customer
		id                 int64
		confirmed          int
		created, updated   string
		errCreated, errUpd error
	)
	if err := sc.Scan(&id, &c.Email, &confirmed, &c.FirstName, &c.LastName, &c.Phone, &c.Status,
		&c.TotalOrders, &c.TotalSpent, &c.Currency, &created, &updated, &c.Version); err != nil {
		return c, err
	}
	c.ID = api.IDFromInt(id)
	c.EmailConfirmed = confirmed != 0
	c.CreatedAt, errCreated = parseTime(created)
	c.UpdatedAt, errUpd = parseTime(updated)
	c.Addresses = []api.Address{}
	return c, errors.Join(errCreated, errUpd)
}

// loadCustomer reads one customer with its addresses.
func loadCustomer(ctx context.Context, q querier, id int64) (api.Customer, error) {
	c, err := scanCustomer(q.QueryRowContext(ctx, `SELECT `+customerCols+` FROM customers WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, notFound("customer", id)
	}
	if err != nil {
		return c, fmt.Errorf("load customer %d: %w", id, err)
	}
	addrs, err := loadAddresses(ctx, q, []int64{id})
	if err != nil {
		return c, err
	}
	if a := addrs[id]; a != nil {
		c.Addresses = a
	}
	return c, nil
}

// loadCustomers reads the customers ids name, in that order, with their
// addresses. Ids that no longer exist are skipped.
func loadCustomers(ctx context.Context, q querier, ids []int64) ([]api.Customer, error) {
	out := make([]api.Customer, 0, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	in, args := inList(ids)
	rows, err := q.QueryContext(ctx, `SELECT `+customerCols+` FROM customers WHERE id IN (`+in+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("load customers: %w", err)
	}
	defer rows.Close()
	byID := make(map[int64]api.Customer, len(ids))
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
	addrs, err := loadAddresses(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
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

func loadAddresses(ctx context.Context, q querier, ids []int64) (map[int64][]api.Address, error) {
	in, args := inList(ids)
	rows, err := q.QueryContext(ctx, `
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

// insertAddresses adds addrs to customer id.
func insertAddresses(ctx context.Context, tx *sql.Tx, id int64, addrs []api.Address) error {
	for _, a := range addrs {
		def := 0
		if a.Default {
			def = 1
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO addresses (customer_id, type, address1, address2, city, state, zip, country, is_default)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, a.Type, a.Address1, a.Address2, a.City, a.State, a.Zip, a.Country, def); err != nil {
			return fmt.Errorf("save address of customer %d: %w", id, err)
		}
	}
	return nil
}

const orderCols = `id, number, customer_id, status, payment_status, fulfillment_status, currency,
	subtotal, shipping, tax, discount, total, item_count, created_at`

func scanOrder(sc scanner, extra ...any) (api.Order, error) {
	var (
		o       api.Order
		id, cid int64
		created string
	)
	dest := append([]any{&id, &o.Number, &cid, &o.Status, &o.PaymentStatus, &o.FulfillmentStatus, &o.Currency,
		&o.Subtotal, &o.Shipping, &o.Tax, &o.Discount, &o.Total, &o.ItemCount, &created}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return o, err
	}
	o.ID = api.IDFromInt(id)
	o.CustomerID = api.IDFromInt(cid)
	var err error
	o.CreatedAt, err = parseTime(created)
	return o, err
}

// recentOrders lists a customer's orders newest first.
func recentOrders(ctx context.Context, q querier, where string, args []any, limit, offset int) ([]api.Order, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+orderCols+` FROM orders WHERE `+where+
		` ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, fmt.Errorf("list orders: %w", err)
	}
	defer rows.Close()
	out := []api.Order{}
	for rows.Next() {
		o, err := scanOrder(rows)
		if err != nil {
			return nil, fmt.Errorf("list orders: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

func scanNote(sc scanner) (api.Note, error) {
	var (
		n       api.Note
		id, cid int64
		created string
	)
	if err := sc.Scan(&id, &cid, &n.Body, &n.AgentID, &n.AgentName, &created); err != nil {
		return n, err
	}
	n.ID = api.IDFromInt(id)
	n.CustomerID = api.IDFromInt(cid)
	var err error
	n.CreatedAt, err = parseTime(created)
	return n, err
}

// recentNotes lists a customer's notes newest first.
func recentNotes(ctx context.Context, q querier, customerID int64, limit, offset int) ([]api.Note, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT id, customer_id, body, agent_id, agent_name, created_at FROM notes
		WHERE customer_id = ? ORDER BY id DESC LIMIT ? OFFSET ?`, customerID, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("list notes: %w", err)
	}
	defer rows.Close()
	out := []api.Note{}
	for rows.Next() {
		n, err := scanNote(rows)
		if err != nil {
			return nil, fmt.Errorf("list notes: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// ledgerEntries lists a customer's ledger newest first.
func ledgerEntries(ctx context.Context, q querier, customerID int64, limit, offset int) ([]api.LedgerEntry, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT l.id, l.type, l.points, l.balance_after, l.order_id, l.reason, l.note,
		       COALESCE(l.agent_id, ''), COALESCE(a.name, ''), l.created_at
		FROM loyalty_ledger l LEFT JOIN agents a ON a.id = l.agent_id
		WHERE l.customer_id = ? ORDER BY l.id DESC LIMIT ? OFFSET ?`, customerID, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("list ledger: %w", err)
	}
	defer rows.Close()
	out := []api.LedgerEntry{}
	for rows.Next() {
		e, err := scanLedger(rows)
		if err != nil {
			return nil, fmt.Errorf("list ledger: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func scanLedger(sc scanner) (api.LedgerEntry, error) {
	var (
		e       api.LedgerEntry
		id      int64
		orderID sql.NullInt64
		created string
	)
	if err := sc.Scan(&id, &e.Type, &e.Points, &e.BalanceAfter, &orderID, &e.Reason, &e.Note, &e.AgentID, &e.AgentName, &created); err != nil {
		return e, err
	}
	e.ID = api.IDFromInt(id)
	if orderID.Valid {
		oid := api.IDFromInt(orderID.Int64)
		e.OrderID = &oid
	}
	var err error
	e.CreatedAt, err = parseTime(created)
	return e, err
}

// unmarshalAddress reads an address stored as JSON text (orders keep a
// copy of the address as it was).
func unmarshalAddress(raw sql.NullString) (*api.Address, error) {
	if !raw.Valid || raw.String == "" || raw.String == "null" {
		return nil, nil
	}
	var a api.Address
	if err := json.Unmarshal([]byte(raw.String), &a); err != nil {
		return nil, fmt.Errorf("stored address: %w", err)
	}
	return &a, nil
}
