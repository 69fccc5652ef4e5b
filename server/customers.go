package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"frontdesk/api"
	"frontdesk/store"
)

// recentOnDetail is how many notes and orders ride on GET /customers/{id}.
const recentOnDetail = 5

func (s *Server) listCustomers(w http.ResponseWriter, r *http.Request, c *caller) error {
	q := r.URL.Query()
	f := api.FieldErrors{}
	page, limit := pageParams(q, f)
	sort := q.Get("sort")
	if sort == "" {
		sort = api.SortNewest
	} else if !slices.Contains(api.Sorts, sort) {
		f["sort"] = "sort must be one of " + strings.Join(api.Sorts, ", ")
	}
	query := strings.TrimSpace(q.Get("search"))
	if utf8.RuneCountInString(query) > api.MaxSearchQueryLen {
		f["search"] = fmt.Sprintf("search is longer than %d characters", api.MaxSearchQueryLen)
	} else if !utf8.ValidString(query) {
		f["search"] = "search is not valid UTF-8"
	} else {
		query = filterQuery(q, query, f)
	}
	var cur listCursor
	if len(f) == 0 {
		cur = listPaging(q, sort, query, page, limit, f)
	}
	if len(f) > 0 {
		return validationErr(f)
	}
	ctx := r.Context()
	var (
		res       store.SearchResult
		customers []api.Customer
	)
	sp := store.SearchParams{Query: query, Sort: sort, Page: page, Limit: limit}
	if cur.ID != "" {
		sp.Page, page = 0, cur.Page
		sp.After = &store.SearchKey{K1: cur.K1, K2: cur.K2, ID: api.ID(cur.ID)}
	}
	err := s.read(ctx, func(tx store.Tx) error {
		var err error
		if res, err = tx.SearchCustomers(ctx, sp); errors.Is(err, store.ErrInvalidKey) {
			return validationErr(api.FieldErrors{"after": cursorNotOurs})
		} else if err != nil {
			return fmt.Errorf("search customers %q: %w", query, err)
		}
		if customers, err = tx.CustomersByID(ctx, res.IDs); err != nil {
			return fmt.Errorf("load customers: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if sp.After != nil {
		// Pages after a key are not counted: the first page's total.
		res.Total, res.Estimate = cur.Total, cur.Estimate
	}
	for i := range customers {
		maskCustomerFor(c, &customers[i])
	}
	list := api.CustomerList{
		Customers:       customers,
		Total:           res.Total,
		TotalIsEstimate: res.Estimate,
		Page:            page,
		Limit:           limit,
	}
	if res.More && res.Last != nil {
		list.Next = nextCursor(sort, query, res.Last, page+1, res.Total, res.Estimate)
	}
	return writeData(w, http.StatusOK, list)
}

// listPaging checks how GET /customers pages: by number up to the capped
// total, beyond it (or whenever a client prefers) after a cursor. It
// returns the cursor, if any, recording field errors in f.
func listPaging(q url.Values, sort, query string, page, limit int, f api.FieldErrors) listCursor {
	if !q.Has("after") {
		if (page-1)*limit >= api.TotalExactCap {
			f["page"] = fmt.Sprintf("page %d starts past the first %d matches: page on with after, the next cursor of the page before", page, api.TotalExactCap)
		}
		return listCursor{}
	}
	if q.Has("page") {
		f["after"] = "after and page do not go together: after continues where the page before ended"
		return listCursor{}
	}
	cur, msg := decodeCursor(q.Get("after"), sort, query)
	if msg != "" {
		f["after"] = msg
	}
	return cur
}

func (s *Server) createCustomer(w http.ResponseWriter, r *http.Request, c *caller) error {
	var in api.CustomerCreate
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	if f := api.ValidateCreate(&in); len(f) > 0 {
		return validationErr(f)
	}
	ctx := r.Context()
	var id api.ID
	err := s.write(ctx, func(tx store.Tx) error {
		if err := emailFree(ctx, tx, in.Email, ""); err != nil {
			return err
		}
		var err error
		if id, err = tx.CreateCustomer(ctx, in, s.now()); err != nil {
			return err
		}
		created, err := loadCustomer(ctx, tx, id)
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, r, c, api.ActionCustomerCreate, id, "", nil, auditFields(created))
	})
	if err != nil {
		return err
	}
	s.ltv.invalidate()
	cust, err := s.customerDetail(ctx, id, allFields, false)
	if err != nil {
		return err
	}
	maskCustomerFor(c, &cust)
	w.Header().Set("Location", api.Base+"/customers/"+id.String())
	w.Header().Set(api.HeaderETag, etag(cust.Version))
	return writeData(w, http.StatusCreated, api.CustomerEnvelope{Customer: cust})
}

// emailFree is a 409 if another customer than self already has email
// (case-insensitively, as the unique index compares).
func emailFree(ctx context.Context, tx store.Tx, email string, self api.ID) error {
	other, err := tx.EmailOwner(ctx, email, self)
	if err != nil {
		return err
	}
	if other == "" {
		return nil
	}
	e := errf(http.StatusConflict, api.CodeDuplicateEmail, "another customer (id %s) already has the email %s", other, email)
	e.body.Fields = map[string]string{"email": "another customer already has this email"}
	return e
}

func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// getCustomer answers GET /customers/{id}. With a customer token it is
// the customer's own view: their profile and orders, without the store's
// internal notes and analytics (store_metrics).
func (s *Server) getCustomer(w http.ResponseWriter, r *http.Request, caller *caller) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	sel, err := parseFields(r.URL.Query().Get("fields"))
	if err != nil {
		return err
	}
	c, err := s.customerDetail(r.Context(), id, sel, caller.Session != nil)
	if err != nil {
		return err
	}
	maskCustomerFor(caller, &c)
	w.Header().Set(api.HeaderETag, etag(c.Version))
	if sel.all {
		return writeData(w, http.StatusOK, api.CustomerEnvelope{Customer: c})
	}
	picked, err := sel.pick(c)
	if err != nil {
		return err
	}
	return writeData(w, http.StatusOK, map[string]any{"customer": picked})
}

// customerDetail loads the single-customer view: the customer, and as far
// as sel wants them, store metrics, recent notes and recent orders, all
// from one snapshot. asCustomer leaves out what only the store sees
// (notes, store metrics).
func (s *Server) customerDetail(ctx context.Context, id api.ID, sel *fieldSet, asCustomer bool) (api.Customer, error) {
	var c api.Customer
	err := s.read(ctx, func(tx store.Tx) error {
		var err error
		if c, err = loadCustomer(ctx, tx, id); err != nil {
			return err
		}
		if sel.wants("store_metrics") && !asCustomer {
			if c.StoreMetrics, err = s.storeMetrics(ctx, tx, c); err != nil {
				return err
			}
		}
		if sel.wants("notes") && !asCustomer {
			if c.Notes, err = tx.NotesOf(ctx, id, recentOnDetail, 0); err != nil {
				return err
			}
		}
		if sel.wants("orders") {
			c.Orders, err = tx.OrdersOf(ctx, store.OrderFilter{CustomerID: id}, recentOnDetail, 0)
			var unsupported *store.UnsupportedError
			if errors.As(err, &unsupported) {
				// A store without orders (a platform behind the desk): the
				// detail has none, GET …/orders says why.
				c.Orders, err = []api.Order{}, nil
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	return c, err
}

// patchCustomer answers PATCH /customers/{id}. As the customer (with a
// customer token) only the fields a customer edits in their own account
// may change: names, phone, email and addresses; status is refused with a
// 400 field error. A new email is unconfirmed (seed 002).
func (s *Server) patchCustomer(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	raw := r.Header.Get(api.HeaderIfMatch)
	if raw == "" {
		return errf(http.StatusPreconditionRequired, api.CodeIfMatchRequired,
			"send If-Match with the customer's version (its ETag) so a concurrent change is not overwritten")
	}
	want, err := parseIfMatch(raw)
	if err != nil {
		return err
	}
	var p api.CustomerPatch
	if err := decodeBody(r, &p); err != nil {
		return err
	}
	if p.Empty() {
		return errf(http.StatusBadRequest, api.CodeBadRequest, "the patch changes nothing: send at least one of email, first_name, last_name, phone, status, addresses")
	}
	f := api.ValidatePatch(&p)
	if c.Session != nil && p.Status != nil {
		f["status"] = "a customer cannot change their own account status; end the on-behalf session and change it as an agent"
	}
	if len(f) > 0 {
		return validationErr(f)
	}
	ctx := r.Context()
	err = s.write(ctx, func(tx store.Tx) error {
		before, err := loadCustomer(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.Version != want {
			return versionMismatch(want, before.Version)
		}
		u := store.CustomerUpdate{CustomerPatch: p, At: s.now()}
		if p.Email != nil {
			if err := emailFree(ctx, tx, *p.Email, id); err != nil {
				return err
			}
			// A different address has not been confirmed by anyone yet.
			if !strings.EqualFold(*p.Email, before.Email) {
				unconfirmed := false
				u.EmailConfirmed = &unconfirmed
			}
		}
		err = tx.UpdateCustomer(ctx, id, want, u)
		var vc *store.VersionConflictError
		switch {
		case errors.As(err, &vc):
			return versionMismatch(want, vc.Current)
		case err != nil:
			return fmt.Errorf("update customer %s: %w", id, err)
		}
		after, err := loadCustomer(ctx, tx, id)
		if err != nil {
			return err
		}
		old, changed := changedFields(auditFields(before), auditFields(after))
		return s.audit(ctx, tx, r, c, api.ActionCustomerUpdate, id, sessionOf(c), old, changed)
	})
	if err != nil {
		return err
	}
	cust, err := s.customerDetail(ctx, id, allFields, c.Session != nil)
	if err != nil {
		return err
	}
	maskCustomerFor(c, &cust)
	w.Header().Set(api.HeaderETag, etag(cust.Version))
	return writeData(w, http.StatusOK, api.CustomerEnvelope{Customer: cust})
}

// versionMismatch is the 412 for a change made on version want of a
// customer now at current.
func versionMismatch(want, current int64) error {
	e := errf(http.StatusPreconditionFailed, api.CodeVersionMismatch,
		"the customer changed since you loaded it (you sent version %d, it is at %d); reload and apply your change again", want, current)
	e.body.CurrentVersion = &current
	return e
}

// auditFields are a customer's editable fields as the audit trail records
// them; addresses without their row ids, which a replace renumbers.
func auditFields(c api.Customer) map[string]any {
	addrs := make([]api.Address, len(c.Addresses))
	for i, a := range c.Addresses {
		a.ID = ""
		addrs[i] = a
	}
	return map[string]any{
		"email": c.Email, "email_confirmed": c.EmailConfirmed,
		"first_name": c.FirstName, "last_name": c.LastName, "phone": c.Phone,
		"status": c.Status, "addresses": addrs,
	}
}

// changedFields keeps only the fields whose value differs between before
// and after, on both sides.
func changedFields(before, after map[string]any) (map[string]any, map[string]any) {
	b, a := map[string]any{}, map[string]any{}
	for k, av := range after {
		bv := before[k]
		bj, _ := json.Marshal(bv)
		aj, _ := json.Marshal(av)
		if string(bj) != string(aj) {
			b[k], a[k] = bv, av
		}
	}
	return b, a
}

// parseIfMatch reads a version from If-Match: "3", W/"3" or a bare 3.
// "*" is refused: the point of If-Match here is naming the version the
// change was made on.
func parseIfMatch(raw string) (int64, error) {
	v := strings.TrimSpace(raw)
	v = strings.TrimPrefix(v, "W/")
	v = strings.Trim(v, `"`)
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 {
		return 0, errf(http.StatusBadRequest, api.CodeBadRequest,
			"If-Match must be the customer's ETag, a quoted version number like \"3\"; got %q", truncate(raw, 40))
	}
	return n, nil
}
