package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"frontdesk/api"
	"frontdesk/store"
)

// read runs fn in a read-only transaction of the store: one consistent
// snapshot across its queries.
func (s *Server) read(ctx context.Context, fn func(tx store.Tx) error) error {
	return s.st.Read(ctx, fn)
}

// write runs fn in a write transaction of the store and commits when fn
// returns nil. fn's error is returned as is.
func (s *Server) write(ctx context.Context, fn func(tx store.Tx) error) error {
	return s.st.Write(ctx, fn)
}

// pathID reads a customer or order id from the path. The sandbox's own
// rows have positive integer ids, so anything else cannot name one: a
// 404, not a 400, since ids are opaque. The id crosses into the store as
// text.
func pathID(r *http.Request, name, what string) (api.ID, error) {
	raw := r.PathValue(name)
	if n, err := strconv.ParseInt(raw, 10, 64); err == nil {
		if n <= 0 {
			return "", notFound(what, strconv.Quote(truncate(raw, 40)))
		}
		return api.IDFromInt(n), nil
	}
	// A platform's opaque id (a desk in front of Commerce.js: cstmr_…);
	// the store says whether it names anything.
	if !opaqueID(raw) {
		return "", notFound(what, strconv.Quote(truncate(raw, 40)))
	}
	return api.ID(raw), nil
}

// opaqueID reports whether s can be a platform's id: 1–128 letters,
// digits and - _ . : @.
func opaqueID(s string) bool {
	return s != "" && len(s) <= 128 && !strings.ContainsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.:@", r))
	})
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

// customerIDParam reads the customer_id filter: a customer's id (a
// positive whole number in the desk's own store, a platform's opaque id
// in front of one).
func customerIDParam(q url.Values, f api.FieldErrors) api.ID {
	raw := filterParam(q, "customer_id", f)
	if raw == "" {
		return ""
	}
	if id, err := strconv.ParseInt(raw, 10, 64); err == nil && id > 0 {
		return api.IDFromInt(id)
	}
	if !opaqueID(raw) || strings.Trim(raw, "0123456789-") == "" {
		f["customer_id"] = "customer_id must be a customer's id: a positive whole number, or a platform's id of letters, digits and - _ . : @"
	}
	return api.ID(raw)
}

// pageParams reads page and limit.
func pageParams(q url.Values, f api.FieldErrors) (page, limit int) {
	page = intParam(q, "page", 1, 1, maxPage, f)
	limit = intParam(q, "limit", api.DefaultPageLimit, 1, api.MaxPageLimit, f)
	return page, limit
}

// loadCustomer is the customer, or a 404 naming it.
func loadCustomer(ctx context.Context, tx store.Tx, id api.ID) (api.Customer, error) {
	c, err := tx.Customer(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return c, notFound("customer", id)
	}
	if err != nil {
		return c, fmt.Errorf("load customer %s: %w", id, err)
	}
	return c, nil
}

// customerExists is a 404 unless customer id exists.
func customerExists(ctx context.Context, tx store.Tx, id api.ID) error {
	_, err := loadCustomer(ctx, tx, id)
	return err
}
