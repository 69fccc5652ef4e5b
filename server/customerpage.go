package server

import (
	"context"
	"fmt"
	"net/http"

	"frontdesk/api"
	"frontdesk/store"
)

// customerPage is one page of a customer's rows and where it stands.
type customerPage[T any] struct {
	rows               []T
	total, page, limit int
}

// readCustomerPage serves the GETs of /customers/{id}/… that page through
// every row of one customer (ledger entries, notes): a 400 for a bad
// page or limit, a 404 unless the customer exists, then the count of the
// customer's rows (what names them in an error) and the page from load,
// read in one transaction so the total matches the page.
func readCustomerPage[T any](s *Server, r *http.Request, what string,
	count func(tx store.Tx, ctx context.Context, customerID api.ID) (int, error),
	load func(tx store.Tx, ctx context.Context, customerID api.ID, limit, offset int) ([]T, error)) (customerPage[T], error) {
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
	err = s.read(ctx, func(tx store.Tx) error {
		if err := customerExists(ctx, tx, id); err != nil {
			return err
		}
		if out.total, err = count(tx, ctx, id); err != nil {
			return fmt.Errorf("count %s: %w", what, err)
		}
		out.rows, err = load(tx, ctx, id, out.limit, (out.page-1)*out.limit)
		return err
	})
	return out, err
}
