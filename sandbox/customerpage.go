package sandbox

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"

	"frontdesk/api"
)

// customerPage is one page of a customer's rows and where it stands.
type customerPage[T any] struct {
	rows               []T
	total, page, limit int
}

// readCustomerPage serves the GETs of /customers/{id}/… that page through
// every row of one customer (ledger entries, notes): a 400 for a bad
// page or limit, a 404 unless the customer exists, then the count of the
// customer's rows in table (what names them in an error) and the page
// from load, read in one transaction so the total matches the page.
// table is always one of the package's constants, never the caller's.
func readCustomerPage[T any](s *Server, r *http.Request, table, what string,
	load func(ctx context.Context, q querier, customerID int64, limit, offset int) ([]T, error)) (customerPage[T], error) {
	var out customerPage[T]
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return out, err
	}
	f := api.FieldErrors{}
	out.page, out.limit = pageParams(r.URL.Query(), f)
	if len(f) > 0 {
		return out, validationErr(f)
	}
	ctx := r.Context()
	err = s.read(ctx, func(tx *sql.Tx) error {
		if err := customerExists(ctx, tx, id); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+table+` WHERE customer_id = ?`, id).Scan(&out.total); err != nil {
			return fmt.Errorf("count %s: %w", what, err)
		}
		out.rows, err = load(ctx, tx, id, out.limit, (out.page-1)*out.limit)
		return err
	})
	return out, err
}
