package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"frontdesk/store"
)

// copyTable is a table CopySQLite brings over: its columns, each with how
// the SQLite engine stores it.
type copyTable struct {
	name string
	cols []copyCol
}

type copyCol struct {
	name string
	kind byte // i integer, s text, t time text, b 0/1, I/S/T the same or NULL
}

// copyTables are the store's data tables (what sandbox/seed writes), in
// an order that satisfies their foreign keys.
var copyTables = []copyTable{
	{"agents", cols("id:s name:s role:s loyalty_limit:i created_at:t")},
	{"customers", cols("id:i email:s email_confirmed:b first_name:s last_name:s phone:s status:s total_orders:i total_spent:i currency:s created_at:t updated_at:t version:i")},
	{"addresses", cols("id:i customer_id:i type:s address1:s address2:s city:s state:s zip:s country:s is_default:b")},
	{"orders", cols("id:i number:s customer_id:i status:s payment_status:s fulfillment_status:s currency:s subtotal:i shipping:i tax:i discount:i total:i item_count:i items:s shipping_address:S billing_address:S created_at:t")},
	{"loyalty_accounts", cols("customer_id:i points_balance:i lifetime_earned:i")},
	{"loyalty_ledger", cols("id:i customer_id:i type:s points:i balance_after:i order_id:I reason:s note:s agent_id:S created_at:t")},
	{"notes", cols("id:i customer_id:s body:s agent_id:s agent_name:s created_at:t")},
}

// CopyTables names the tables CopySQLite copies by default.
func CopyTables() []string {
	var out []string
	for _, t := range copyTables {
		out = append(out, t.name)
	}
	return out
}

func cols(spec string) []copyCol {
	var out []copyCol
	for _, f := range strings.Fields(spec) {
		name, kind, _ := strings.Cut(f, ":")
		out = append(out, copyCol{name, kind[0]})
	}
	return out
}

// CopySQLite copies the store's data (customers with their addresses,
// orders, loyalty accounts and ledgers, notes, and the agents they name)
// from src, a database in the SQLite engine's schema (such as one
// sandbox/seed filled), into this store, keeping every id: the same seed
// on both engines. tables limits it to some of CopyTables() (nil: all).
// The store must have no customers yet. It runs in one Write and moves
// the id sequences past the copied ids.
//
// The copied customers enter the search's change feed through the
// statement-level insert trigger (migration 00005), numbered in one go
// from the transition table. The order of the feed holds because this is
// a Write: it holds the write lock, so no other writer draws a number
// until this copy has committed.
func (s *Store) CopySQLite(ctx context.Context, src *sql.DB, tables []string) (rows int64, err error) {
	err = s.Write(ctx, func(stx store.Tx) error {
		tx := stx.(*txn).tx.(pgx.Tx) // a Write's
		var any bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM customers)`).Scan(&any); err != nil {
			return err
		}
		if any {
			return errors.New("copy: the store has customers already; copy into a new database")
		}
		for _, t := range copyTables {
			if tables != nil && !slices.Contains(tables, t.name) {
				continue
			}
			n, err := copyOne(ctx, tx, src, t)
			if err != nil {
				return fmt.Errorf("copy %s: %w", t.name, err)
			}
			rows += n
		}
		for _, t := range []string{"customers", "addresses", "orders", "loyalty_ledger", "notes"} {
			if _, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), coalesce((SELECT max(id) FROM `+t+`), 0) + 1, false)`); err != nil {
				return fmt.Errorf("copy: move the %s ids on: %w", t, err)
			}
		}
		return nil
	})
	return rows, err
}

func copyOne(ctx context.Context, tx pgx.Tx, src *sql.DB, t copyTable) (int64, error) {
	names := make([]string, len(t.cols))
	for i, c := range t.cols {
		names[i] = c.name
	}
	order := ""
	if t.cols[0].name == "id" || t.cols[0].name == "customer_id" {
		order = " ORDER BY " + t.cols[0].name
	}
	rows, err := src.QueryContext(ctx, `SELECT `+strings.Join(names, ", ")+` FROM `+t.name+order)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	raw := make([]any, len(t.cols))
	ptrs := make([]any, len(t.cols))
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	vals := make([]any, len(t.cols))
	var convErr error
	next := func() ([]any, error) {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		for i, c := range t.cols {
			v, err := convert(raw[i], c.kind)
			if err != nil {
				return nil, fmt.Errorf("column %s: %w", c.name, err)
			}
			vals[i] = v
		}
		return vals, nil
	}
	n, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, names, pgx.CopyFromFunc(func() ([]any, error) {
		if !rows.Next() {
			return nil, rows.Err()
		}
		v, err := next()
		if err != nil {
			convErr = err
		}
		return v, err
	}))
	if convErr != nil {
		return n, convErr
	}
	return n, err
}

// convert turns a value as database/sql read it from SQLite into what
// the PostgreSQL column takes.
func convert(v any, kind byte) (any, error) {
	if v == nil {
		if kind >= 'A' && kind <= 'Z' {
			return nil, nil
		}
		return nil, errors.New("NULL in a NOT NULL column")
	}
	switch kind | 0x20 {
	case 'i':
		switch x := v.(type) {
		case int64:
			return x, nil
		case string:
			var n int64
			_, err := fmt.Sscan(x, &n)
			return n, err
		}
	case 'b':
		if x, ok := v.(int64); ok {
			return x != 0, nil
		}
	case 's':
		switch x := v.(type) {
		case string:
			return strings.ReplaceAll(strings.ToValidUTF8(x, "\uFFFD"), "\x00", ""), nil
		case []byte:
			return strings.ReplaceAll(strings.ToValidUTF8(string(x), "\uFFFD"), "\x00", ""), nil
		case int64:
			return fmt.Sprint(x), nil
		}
	case 't':
		if x, ok := v.(string); ok {
			at, err := time.Parse(time.RFC3339Nano, x)
			if err != nil {
				at, err = time.Parse("2006-01-02 15:04:05", x)
			}
			return at.UTC(), err
		}
	}
	return nil, fmt.Errorf("unexpected %T %v", v, v)
}
