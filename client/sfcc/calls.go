package sfcc

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

// Me is who the API client acts as. OCAPI has no "me": Me fetches an
// access token (a wrong client id or password fails there, so `auth
// login` verifies before saving) and describes a synthetic agent: the
// client id as its id and name, role supervisor. As for the store
// driver, the role is not a grant: the API client's OCAPI permissions
// are all there are, and the instance enforces them.
func (c *Client) Me(ctx context.Context) (api.Me, error) {
	c.dropToken()
	if _, err := c.token(ctx); err != nil {
		return api.Me{}, fmt.Errorf("get an access token for API client %s: %w", c.cfg.ClientID, err)
	}
	return api.Me{AgentID: c.cfg.ClientID, Name: "SFCC API client " + c.cfg.ClientID, Role: api.RoleSupervisor, KeyID: c.cfg.ClientID}, nil
}

// searchFields are the attributes a query is matched against: the ones
// frontdesk's search covers (Data API 20.4 lists them searchable).
var searchFields = []string{"email", "first_name", "last_name", "phone_home", "phone_mobile", "phone_business"}

func limitOf(n int) int {
	if n <= 0 {
		return DefaultLimit
	}
	return min(n, MaxLimit)
}

// SearchCustomers searches the customer list (Data API customer_search):
// a text_query over email, names and phones, or match_all_query for an
// empty query. OCAPI's text_query matches whole words ("Jon" finds "Jon
// Smith", not "Jonathan"), so a fragment of a word finds nobody. Sort is
// not sent: the hits come in the instance's order. Pages are start/count,
// handed out as page cursors.
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
	start := (page - 1) * limit
	query := map[string]any{"match_all_query": map[string]any{}}
	if q := strings.TrimSpace(p.Query); q != "" {
		query = map[string]any{"text_query": map[string]any{"fields": searchFields, "search_phrase": q}}
	}
	body := map[string]any{"query": query, "select": "(**)", "start": start, "count": limit}
	target := c.data + "/customer_lists/" + url.PathEscape(c.cfg.List) + "/customer_search"
	a, err := c.do(ctx, request{method: http.MethodPost, url: target, body: body, idempotent: true})
	var out wireSearchResult
	if err == nil {
		err = decode(a, target, "customer_search_result", &out)
	}
	if err != nil {
		if p.Query != "" {
			return client.Page[api.Customer]{}, fmt.Errorf("search customers for %q: %w", p.Query, err)
		}
		return client.Page[api.Customer]{}, fmt.Errorf("list customers: %w", err)
	}
	items := make([]api.Customer, 0, len(out.Hits))
	for _, h := range out.Hits {
		items = append(items, customer(h.Data))
	}
	return pageOf(items, out.Start, limit, out.Total, page), nil
}

// pageOf makes a frontdesk page of OCAPI's start/total.
func pageOf[T any](items []T, start, limit, total, page int) client.Page[T] {
	if start != (page-1)*limit { // the instance moved the window
		page = start/limit + 1
	}
	res := client.Page[T]{Items: items, Total: total, Number: page, Limit: limit}
	if len(items) > 0 && start+len(items) < total {
		res.Next = client.PageCursor(page + 1)
	}
	if page > 1 {
		res.Prev = client.PrevPageCursor(page - 1)
	}
	return res
}

func customerPath(id api.ID) (string, error) {
	s := strings.TrimSpace(string(id))
	if s == "" {
		return "", fmt.Errorf("no customer id given")
	}
	return "/customers/" + url.PathEscape(s), nil
}

// getCustomer reads GET /customers/{customer_id} as the agent (bearer "")
// or as the customer, with its ETag.
func (c *Client) getCustomer(ctx context.Context, bearer string, id api.ID) (wireCustomer, string, error) {
	p, err := customerPath(id)
	if err != nil {
		return wireCustomer{}, "", err
	}
	target := c.shop + p + "?expand=addresses"
	a, err := c.do(ctx, request{method: http.MethodGet, url: target, bearer: bearer, idempotent: true})
	var w wireCustomer
	if err == nil {
		err = decode(a, target, "customer", &w)
	}
	if err != nil {
		return wireCustomer{}, "", fmt.Errorf("get customer %s: %w", id, err)
	}
	return w, a.header.Get("ETag"), nil
}

// GetCustomer reads one customer (Shop API GET /customers/{customer_id}).
func (c *Client) GetCustomer(ctx context.Context, id api.ID) (api.Customer, error) {
	w, _, err := c.getCustomer(ctx, "", id)
	if err != nil {
		return api.Customer{}, err
	}
	return customer(w), nil
}

// PatchCustomer changes the customer's email, names or phone (Shop API
// PATCH /customers/{customer_id}). OCAPI has no version number: the
// driver re-reads the customer, compares its version (a hash of the
// editable fields and last_modified) with version, and on a difference
// fails with KindConflict and the current version, as a 412 would. The
// PATCH then carries If-Match with the ETag just read, so a change in
// between is refused by an instance that checks it (412). The phone is
// written to phone_home. It is never retried.
func (c *Client) PatchCustomer(ctx context.Context, id api.ID, version string, p api.CustomerPatch) (api.Customer, error) {
	return c.patch(ctx, "", id, version, p)
}

func (c *Client) patch(ctx context.Context, bearer string, id api.ID, ver string, p api.CustomerPatch) (api.Customer, error) {
	switch {
	case p.Status != nil:
		return api.Customer{}, &client.APIError{K: client.KindInvalid, Code: api.CodeValidation, Message: ReasonStatus,
			Fields: map[string]string{"status": ReasonStatus}}
	case p.Addresses != nil:
		return api.Customer{}, &client.APIError{K: client.KindInvalid, Code: api.CodeValidation, Message: ReasonAddresses,
			Fields: map[string]string{"addresses": ReasonAddresses}}
	}
	cur, tag, err := c.getCustomer(ctx, bearer, id)
	if err != nil {
		return api.Customer{}, fmt.Errorf("patch customer %s: %w", id, err)
	}
	now := strconv.FormatInt(version(cur), 10)
	if ver != "" && ver != now {
		return api.Customer{}, &client.APIError{K: client.KindConflict, Status: http.StatusPreconditionFailed, Code: api.CodeVersionMismatch,
			Message: "the customer was changed since you read it: reload and apply your change again", CurrentVersion: now}
	}
	if p.Empty() {
		return customer(cur), nil
	}
	body := map[string]string{}
	for k, v := range map[string]*string{"email": p.Email, "first_name": p.FirstName, "last_name": p.LastName, "phone_home": p.Phone} {
		if v != nil {
			body[k] = *v
		}
	}
	path, _ := customerPath(id)
	target := c.shop + path
	a, err := c.do(ctx, request{method: http.MethodPatch, url: target, body: body, bearer: bearer, ifMatch: tag})
	var w wireCustomer
	if err == nil {
		err = decode(a, target, "customer", &w)
	}
	if err != nil {
		if ae, ok := client.AsAPIError(err); ok && ae.Status == http.StatusPreconditionFailed {
			ae.Code = api.CodeVersionMismatch
			if again, _, gerr := c.getCustomer(ctx, bearer, id); gerr == nil {
				ae.CurrentVersion = strconv.FormatInt(version(again), 10)
			}
		}
		return api.Customer{}, fmt.Errorf("patch customer %s: %w", id, err)
	}
	return customer(w), nil
}

// ListOrders lists the customer's orders (Shop API GET
// /customers/{customer_id}/orders?start=&count=&from=&until=&status=).
// OCAPI's status covers several of frontdesk's (open is processing and
// shipped; cancelled is cancelled and refunded): the driver asks for
// the covering status and keeps the page's orders of the status asked
// for, and the total is then an upper bound (TotalIsEstimate).
func (c *Client) ListOrders(ctx context.Context, customerID api.ID, p client.OrderParams) (client.Page[api.Order], error) {
	page, err := client.PageNumber(p.Cursor)
	if err != nil {
		return client.Page[api.Order]{}, fmt.Errorf("list orders: %w", err)
	}
	path, err := customerPath(customerID)
	if err != nil {
		return client.Page[api.Order]{}, err
	}
	limit := limitOf(p.Limit)
	q := url.Values{"start": {strconv.Itoa((page - 1) * limit)}, "count": {strconv.Itoa(limit)}}
	if !p.From.IsZero() {
		q.Set("from", p.From.UTC().Format("2006-01-02T15:04:05.000Z"))
	}
	if !p.Until.IsZero() {
		q.Set("until", p.Until.UTC().Format("2006-01-02T15:04:05.000Z"))
	}
	var covering bool
	if p.Status != "" {
		s := sfccStatusFilter(p.Status)
		if s == "" {
			return client.Page[api.Order]{}, &client.APIError{K: client.KindInvalid, Code: api.CodeValidation,
				Message: fmt.Sprintf("unknown order status %q", p.Status), Fields: map[string]string{"status": "not an order status"}}
		}
		q.Set("status", s)
		covering = len(coveredBy(s)) > 1
	}
	target := c.shop + path + "/orders?" + q.Encode()
	a, err := c.do(ctx, request{method: http.MethodGet, url: target, idempotent: true})
	var out wireOrderResult
	if err == nil {
		err = decode(a, target, "customer_order_result", &out)
	}
	if err != nil {
		return client.Page[api.Order]{}, fmt.Errorf("list orders of customer %s: %w", customerID, err)
	}
	items := make([]api.Order, 0, len(out.Data))
	for _, w := range out.Data {
		o := order(w, false)
		if o.CustomerID == "" {
			o.CustomerID = customerID
		}
		if covering && o.Status != p.Status {
			continue
		}
		items = append(items, o)
	}
	res := pageOf(items, out.Start, limit, out.Total, page)
	if covering {
		res.TotalIsEstimate = true
		if len(items) == 0 && out.Start+len(out.Data) < out.Total {
			res.Next = client.PageCursor(res.Number + 1)
		}
	}
	return res, nil
}

// coveredBy are frontdesk's statuses an OCAPI status filter returns.
func coveredBy(s string) []string {
	switch s {
	case "open":
		return []string{api.OrderProcessing, api.OrderShipped}
	case "cancelled":
		return []string{api.OrderCancelled, api.OrderRefunded}
	}
	return []string{s}
}

// GetOrder reads one order (Shop API GET /orders/{order_no}); an order
// of another customer is not found.
func (c *Client) GetOrder(ctx context.Context, customerID, orderID api.ID) (api.Order, error) {
	s := strings.TrimSpace(string(orderID))
	if s == "" {
		return api.Order{}, fmt.Errorf("no order number given")
	}
	target := c.shop + "/orders/" + url.PathEscape(s)
	a, err := c.do(ctx, request{method: http.MethodGet, url: target, idempotent: true})
	var w wireOrder
	if err == nil {
		err = decode(a, target, "order", &w)
	}
	if err != nil {
		return api.Order{}, fmt.Errorf("get order %s: %w", orderID, err)
	}
	if w.CustomerInfo.CustomerID != "" && w.CustomerInfo.CustomerID != string(customerID) {
		return api.Order{}, fmt.Errorf("get order %s: %w", orderID, &client.APIError{K: client.KindNotFound, Status: http.StatusNotFound,
			Code: api.CodeNotFound, Message: fmt.Sprintf("order %s is not an order of customer %s", orderID, customerID)})
	}
	return order(w, true), nil
}

// FindOrder reads the order numbered number — OCAPI's order_no, as the
// Shop API reads an order by number alone (GET /orders/{order_no}) — and
// the customer in its customer_info. Spaces and a leading # are not part
// of the number.
func (c *Client) FindOrder(ctx context.Context, number string) (api.OrderMatch, error) {
	s := strings.TrimPrefix(strings.Join(strings.Fields(number), ""), "#")
	if s == "" {
		return api.OrderMatch{}, &client.APIError{K: client.KindInvalid, Status: http.StatusBadRequest, Code: api.CodeValidation,
			Message: "no order number given", Fields: map[string]string{"number": "give the order number (order_no)"}}
	}
	target := c.shop + "/orders/" + url.PathEscape(s)
	a, err := c.do(ctx, request{method: http.MethodGet, url: target, idempotent: true})
	var w wireOrder
	if err == nil {
		err = decode(a, target, "order", &w)
	}
	if err != nil {
		return api.OrderMatch{}, fmt.Errorf("find order %s: %w", s, err)
	}
	m := api.OrderMatch{Order: order(w, true)}
	if w.CustomerInfo.CustomerID == "" {
		// A guest order: no registered customer placed it.
		return api.OrderMatch{}, fmt.Errorf("find order %s: %w", s, &client.APIError{K: client.KindNotFound, Status: http.StatusNotFound,
			Code: api.CodeNotFound, Message: fmt.Sprintf("order %s was placed by a guest, not a registered customer", s)})
	}
	if m.Customer, err = c.GetCustomer(ctx, api.ID(w.CustomerInfo.CustomerID)); err != nil {
		return api.OrderMatch{}, fmt.Errorf("find order %s: its customer: %w", s, err)
	}
	return m, nil
}
