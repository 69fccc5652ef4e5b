package chec

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"frontdesk/api"
	"frontdesk/client"
)

// Me is who the keys act as. Chec has no agents: Me checks the secret key
// with the cheapest customer call (GET /v1/customers?limit=1: a wrong key
// is refused there, so `auth login` verifies before saving) and describes
// a synthetic agent named by the public key (or the secret key's last
// four characters), with role supervisor. The role is not a grant — the
// secret key is all the permission there is, and Chec enforces it; it is
// the role under which frontdesk's own role checks never stand in front
// of the platform's reasons (as the store driver's Me explains).
func (c *Client) Me(ctx context.Context) (api.Me, error) {
	var out List[Customer]
	if err := c.do(ctx, http.MethodGet, "/customers", url.Values{"limit": {"1"}}, nil, &out); err != nil {
		return api.Me{}, fmt.Errorf("check the secret key with GET /v1/customers: %w", err)
	}
	id := c.cfg.PublicKey
	if id == "" {
		id = redactKey(c.cfg.SecretKey)
	}
	return api.Me{AgentID: id, Name: "Chec store " + id, Role: api.RoleSupervisor, KeyID: id}, nil
}

// pageOf turns a list's pagination into a Page's numbers and cursors.
func pageOf[T any](items []T, p *Pagination, page, limit int) client.Page[T] {
	res := client.Page[T]{Items: items, Number: page, Limit: limit, Total: len(items)}
	if p != nil {
		res.Total = p.Total
		if p.CurrentPage > 0 {
			res.Number = p.CurrentPage
		}
		if p.PerPage > 0 {
			res.Limit = p.PerPage
		}
		if res.Number < p.TotalPages && len(items) > 0 {
			res.Next = client.PageCursor(res.Number + 1)
		}
	}
	if res.Number > 1 {
		res.Prev = client.PrevPageCursor(res.Number - 1)
	}
	return res
}

func limitOf(n int) int {
	if n <= 0 {
		return DefaultLimit
	}
	return min(n, MaxLimit)
}

// SearchCustomers lists customers (GET /v1/customers?query=&limit=&page=).
// Chec's own order is kept (p.Sort is not sent: its sort parameters for
// customers are not documented).
func (c *Client) SearchCustomers(ctx context.Context, p client.SearchParams) (client.Page[api.Customer], error) {
	// The vendor's search has no field filters: refuse them rather
	// than send "orders:>5" as text to look for.
	if api.HasSearchFilter(p.Query) {
		return client.Page[api.Customer]{}, capabilities.Check(client.CapSearchFilters)
	}
	page, err := client.PageNumber(p.Cursor)
	if err != nil {
		return client.Page[api.Customer]{}, fmt.Errorf("search customers: %w", err)
	}
	limit := limitOf(p.Limit)
	q := url.Values{"limit": {strconv.Itoa(limit)}, "page": {strconv.Itoa(page)}}
	if s := strings.TrimSpace(p.Query); s != "" {
		q.Set("query", s)
	}
	var out List[Customer]
	if err := c.do(ctx, http.MethodGet, "/customers", q, nil, &out); err != nil {
		if p.Query != "" {
			return client.Page[api.Customer]{}, fmt.Errorf("search customers for %q: %w", p.Query, err)
		}
		return client.Page[api.Customer]{}, fmt.Errorf("list customers: %w", err)
	}
	items := make([]api.Customer, 0, len(out.Data))
	for _, w := range out.Data {
		items = append(items, customer(w))
	}
	return pageOf(items, out.Meta.Pagination, page, limit), nil
}

// idPath escapes one id as a path segment; ids are opaque.
func idPath(id api.ID) (string, error) {
	s := strings.TrimSpace(string(id))
	if s == "" {
		return "", errNoID
	}
	return "/" + url.PathEscape(s), nil
}

// getWire reads one customer as Chec sends it.
func (c *Client) getWire(ctx context.Context, id api.ID) (Customer, error) {
	p, err := idPath(id)
	if err != nil {
		return Customer{}, fmt.Errorf("get customer: %w", err)
	}
	var w Customer
	if err := c.do(ctx, http.MethodGet, "/customers"+p, nil, nil, &w); err != nil {
		return Customer{}, fmt.Errorf("get customer %s: %w", id, err)
	}
	if w.ID == "" {
		return Customer{}, fmt.Errorf("get customer %s: %w", id, &client.APIError{Status: 200, Code: client.CodeBadResponse,
			Message: "the store's answer has no customer id in it"})
	}
	return w, nil
}

// GetCustomer reads one customer (GET /v1/customers/{id}) and counts its
// orders (GET …/orders?limit=1, meta.pagination.total): Chec's customer
// carries no totals. Its Version is Version's hash.
func (c *Client) GetCustomer(ctx context.Context, id api.ID) (api.Customer, error) {
	w, err := c.getWire(ctx, id)
	if err != nil {
		return api.Customer{}, err
	}
	cu := customer(w)
	p, err := c.ListOrders(ctx, cu.ID, client.OrderParams{Limit: 1})
	if err != nil {
		return api.Customer{}, fmt.Errorf("count the orders of customer %s: %w", id, err)
	}
	cu.TotalOrders = p.Total
	return cu, nil
}

// CustomerVersion is the version string PatchCustomer compares: the same
// as client.CustomerVersion.
func CustomerVersion(cu api.Customer) string { return client.CustomerVersion(cu) }

// PatchCustomer changes a customer with PUT /v1/customers/{id}. Chec's
// PUT has no version, so the driver first re-reads the customer and, when
// its version is no longer the one given, fails exactly as a stale
// If-Match does on frontdesk: KindConflict, api.CodeVersionMismatch,
// CurrentVersion. Only the changed fields are sent. Chec customers have
// no status and no addresses to edit here: asking for them is invalid.
// It is never retried.
func (c *Client) PatchCustomer(ctx context.Context, id api.ID, version string, p api.CustomerPatch) (api.Customer, error) {
	if p.Status != nil || p.Addresses != nil {
		f := map[string]string{}
		if p.Status != nil {
			f["status"] = "Commerce.js customers have no status"
		}
		if p.Addresses != nil {
			f["addresses"] = "Commerce.js keeps addresses on orders, not on the customer"
		}
		return api.Customer{}, &client.APIError{K: client.KindInvalid, Code: api.CodeValidation, Fields: f,
			Message: "Commerce.js cannot change that on a customer"}
	}
	if fe := api.ValidatePatch(&p); len(fe) > 0 {
		return api.Customer{}, &client.APIError{K: client.KindInvalid, Code: api.CodeValidation, Fields: fe, Message: "invalid changes"}
	}
	cur, err := c.getWire(ctx, id)
	if err != nil {
		return api.Customer{}, err
	}
	now := strconv.FormatInt(Version(cur), 10)
	if version != "" && version != now {
		return api.Customer{}, &client.APIError{K: client.KindConflict, Code: api.CodeVersionMismatch, CurrentVersion: now,
			Message: fmt.Sprintf("the customer changed since you loaded it (you had version %s, it is at %s); reload and apply your change again", version, now)}
	}
	var u Update
	changed := false
	set := func(dst **string, v *string, old string) {
		if v != nil && *v != old {
			*dst, changed = v, true
		}
	}
	set(&u.Email, p.Email, cur.Email)
	set(&u.FirstName, p.FirstName, str(cur.FirstName))
	set(&u.LastName, p.LastName, str(cur.LastName))
	set(&u.Phone, p.Phone, str(cur.Phone))
	if !changed {
		return c.GetCustomer(ctx, id)
	}
	path, _ := idPath(id)
	var w Customer
	if err := c.do(ctx, http.MethodPut, "/customers"+path, nil, u, &w); err != nil {
		return api.Customer{}, fmt.Errorf("update customer %s: %w", id, err)
	}
	if w.ID == "" {
		return api.Customer{}, fmt.Errorf("update customer %s: %w", id, &client.APIError{Status: 200, Code: client.CodeBadResponse,
			Message: "the store's answer to the update has no customer in it"})
	}
	return customer(w), nil
}

// ListOrders lists a customer's orders, newest first (GET
// /v1/customers/{id}/orders?limit=&page=&sortBy=created_at&sortDirection=desc,
// the order the SDK's getOrders asks for). Chec documents no status or
// date filter there, so a filtered list is made by the driver: it reads
// the customer's orders (at most FilterScan of them, newest first),
// keeps those that match and pages through them itself; past FilterScan
// the total is a lower bound (TotalIsEstimate).
func (c *Client) ListOrders(ctx context.Context, customerID api.ID, p client.OrderParams) (client.Page[api.Order], error) {
	path, err := idPath(customerID)
	if err != nil {
		return client.Page[api.Order]{}, fmt.Errorf("list orders: %w", err)
	}
	page, err := client.PageNumber(p.Cursor)
	if err != nil {
		return client.Page[api.Order]{}, fmt.Errorf("list orders: %w", err)
	}
	limit := limitOf(p.Limit)
	if p.Status != "" || !p.From.IsZero() || !p.Until.IsZero() {
		return c.filterOrders(ctx, customerID, path, p, page, limit)
	}
	out, err := c.ordersPage(ctx, customerID, path, page, limit)
	if err != nil {
		return client.Page[api.Order]{}, err
	}
	items := make([]api.Order, 0, len(out.Data))
	for _, w := range out.Data {
		items = append(items, order(w, customerID, false))
	}
	return pageOf(items, out.Meta.Pagination, page, limit), nil
}

// FilterScan is how many of a customer's orders a filtered ListOrders
// reads at most.
const FilterScan = 1000

func (c *Client) ordersPage(ctx context.Context, customerID api.ID, path string, page, limit int) (List[Order], error) {
	q := url.Values{"limit": {strconv.Itoa(limit)}, "page": {strconv.Itoa(page)}, "sortBy": {"created_at"}, "sortDirection": {"desc"}}
	var out List[Order]
	if err := c.do(ctx, http.MethodGet, "/customers"+path+"/orders", q, nil, &out); err != nil {
		return out, fmt.Errorf("list orders of customer %s: %w", customerID, err)
	}
	return out, nil
}

func (c *Client) filterOrders(ctx context.Context, customerID api.ID, path string, p client.OrderParams, page, limit int) (client.Page[api.Order], error) {
	var kept []api.Order
	read, more := 0, true
	for n := 1; more && read < FilterScan; n++ {
		out, err := c.ordersPage(ctx, customerID, path, n, MaxLimit)
		if err != nil {
			return client.Page[api.Order]{}, err
		}
		read += len(out.Data)
		for _, w := range out.Data {
			o := order(w, customerID, false)
			if (p.Status == "" || o.Status == p.Status) && (p.From.IsZero() || !o.CreatedAt.Before(p.From)) &&
				(p.Until.IsZero() || o.CreatedAt.Before(p.Until)) {
				kept = append(kept, o)
			}
		}
		pg := out.Meta.Pagination
		more = len(out.Data) > 0 && pg != nil && pg.CurrentPage < pg.TotalPages
	}
	from := min((page-1)*limit, len(kept))
	res := client.Page[api.Order]{Items: kept[from:min(from+limit, len(kept))], Total: len(kept), TotalIsEstimate: more,
		Number: page, Limit: limit}
	if from+limit < len(kept) {
		res.Next = client.PageCursor(page + 1)
	}
	if page > 1 {
		res.Prev = client.PrevPageCursor(page - 1)
	}
	return res, nil
}

// GetOrder reads one order of a customer (GET
// /v1/customers/{id}/orders/{order_id}) with its lines and addresses.
func (c *Client) GetOrder(ctx context.Context, customerID, orderID api.ID) (api.Order, error) {
	cp, err := idPath(customerID)
	if err != nil {
		return api.Order{}, fmt.Errorf("get order: %w", err)
	}
	op, err := idPath(orderID)
	if err != nil {
		return api.Order{}, fmt.Errorf("get order: %w", err)
	}
	var w Order
	if err := c.do(ctx, http.MethodGet, "/customers"+cp+"/orders"+op, nil, nil, &w); err != nil {
		return api.Order{}, fmt.Errorf("get order %s of customer %s: %w", orderID, customerID, err)
	}
	if w.ID == "" {
		return api.Order{}, fmt.Errorf("get order %s: %w", orderID, &client.APIError{Status: 200, Code: client.CodeBadResponse,
			Message: "the store's answer has no order in it"})
	}
	return order(w, customerID, true), nil
}
