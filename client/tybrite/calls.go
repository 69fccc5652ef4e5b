package tybrite

import (
	"context"
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"frontdesk/api"
	"frontdesk/client"
)

// CapReadProfile names reading a profile as the agent (GetCustomer).
const CapReadProfile = client.CapReadProfile

// Me is who the key acts as. The API has no "who am I" for keys, so Me
// checks the key with a cheap read that needs a secret key (GET
// /v1/connect/sessions: 401 for a wrong key, 403 for a publishable one)
// and describes a synthetic agent: the key's name, no loyalty limit, role
// supervisor. As with the store driver, the role is not a grant — the
// secret key is all the permission there is and the API enforces it; it
// is the role under which frontdesk's own role checks never stand in
// front of the platform's reasons.
func (c *Client) Me(ctx context.Context) (api.Me, error) {
	var out struct {
		Sessions []any `json:"sessions"`
	}
	if err := c.do(ctx, request{method: http.MethodGet, path: "/v1/connect/sessions"}, &out); err != nil {
		return api.Me{}, fmt.Errorf("check the key with GET /v1/connect/sessions: %w", err)
	}
	if out.Sessions == nil {
		return api.Me{}, fmt.Errorf("check the key with GET /v1/connect/sessions: %w", &client.APIError{Status: 200, Code: client.CodeBadResponse,
			Message: "the answer has no sessions list: is the URL Galactic Core's API root?"})
	}
	return api.Me{AgentID: c.cfg.KeyID, Name: "Tybrite key " + MaskKey(c.cfg.SecretKey), Role: api.RoleSupervisor, KeyID: c.cfg.KeyID}, nil
}

// uuidPath checks that id is a uuid (every Galactic Core id is, schema
// `format: uuid`) and returns it as a path segment.
func uuidPath(what string, id api.ID) (string, error) {
	s := strings.TrimSpace(string(id))
	u, err := uuid.Parse(s)
	if err != nil || len(s) != 36 {
		return "", &client.APIError{K: client.KindInvalid, Code: CodeInvalidRequest,
			Message: fmt.Sprintf("%q is not a Tybrite %s id: they are uuids like c9d0c92d-48e7-47d0-8c4f-706876efdd44", s, what),
			Fields:  map[string]string{"id": "not a uuid"}}
	}
	return "/" + u.String(), nil
}

// GetCustomer is refused without a request: getCustomer needs the
// customer's own credential, which an agent does not have. A customer
// id that is no uuid is invalid first.
func (c *Client) GetCustomer(_ context.Context, id api.ID) (api.Customer, error) {
	if _, err := uuidPath("customer", id); err != nil {
		return api.Customer{}, err
	}
	return api.Customer{}, client.Unsupported(CapReadProfile, ReasonProfileIsTheCustomers)
}

// CreateCustomer creates a customer with the secret key (POST
// /v1/customers → 201 {customer}); a taken email is 409 (KindConflict).
// First and last name are sent as one name, the first address as the
// one address line. It is never retried.
func (c *Client) CreateCustomer(ctx context.Context, in api.CustomerCreate) (api.Customer, error) {
	in.Email = strings.TrimSpace(in.Email)
	if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email {
		return api.Customer{}, &client.APIError{K: client.KindInvalid, Code: CodeInvalidRequest,
			Message: "an email address is required", Fields: map[string]string{"email": "not an email address"}}
	}
	body := wireCustomerCreate{Email: in.Email, Name: JoinName(in.FirstName, in.LastName), Phone: strings.TrimSpace(in.Phone)}
	if len(in.Addresses) > 0 {
		body.Address = addressLine(in.Addresses[0])
	}
	var out wireCustomerEnvelope
	if err := c.do(ctx, request{method: http.MethodPost, path: "/v1/customers", body: body}, &out); err != nil {
		return api.Customer{}, fmt.Errorf("create customer %s: %w", in.Email, err)
	}
	if out.Customer == nil || out.Customer.ID == "" {
		return api.Customer{}, fmt.Errorf("create customer %s: %w", in.Email, &client.APIError{Status: 201, Code: client.CodeBadResponse,
			Message: "the API's answer has no customer in it"})
	}
	return c.customer(*out.Customer), nil
}

// GetCustomerAs reads a customer with the customer's session token
// (GET /v1/customers/{id} with x-auth-token and the fields the driver
// maps). The API answers 403 when the token is another customer's.
func (c *Client) GetCustomerAs(ctx context.Context, token string, id api.ID) (api.Customer, error) {
	w, err := c.getAs(ctx, token, id)
	if err != nil {
		return api.Customer{}, err
	}
	return c.customer(w), nil
}

func tokenHeader(token string) (http.Header, error) {
	token = strings.TrimSpace(token)
	if token == "" || strings.ContainsAny(token, "\r\n") {
		return nil, &client.APIError{K: client.KindUnauthenticated, Code: CodeUnauthorized,
			Message: "reading or changing a Tybrite profile needs the customer's session token (x-auth-token)"}
	}
	return http.Header{HeaderAuthToken: {token}}, nil
}

func (c *Client) getAs(ctx context.Context, token string, id api.ID) (wireCustomer, error) {
	p, err := uuidPath("customer", id)
	if err != nil {
		return wireCustomer{}, err
	}
	h, err := tokenHeader(token)
	if err != nil {
		return wireCustomer{}, err
	}
	var out wireCustomer
	q := url.Values{"fields": {CustomerFields}}
	if err := c.do(ctx, request{method: http.MethodGet, path: "/v1/customers" + p, query: q, header: h}, &out); err != nil {
		return wireCustomer{}, fmt.Errorf("get customer %s: %w", id, err)
	}
	if out.ID == "" {
		return wireCustomer{}, fmt.Errorf("get customer %s: %w", id, &client.APIError{Status: 200, Code: client.CodeBadResponse,
			Message: "the API's answer has no customer id in it"})
	}
	return out, nil
}

// PatchCustomerAs edits a customer with the customer's session token
// (PATCH /v1/customers/{id}). The API has no versions and no If-Match,
// so the driver re-reads the customer first and refuses with
// KindConflict (and the current version) when it changed since the
// version the agent read — as a 412 is reported elsewhere. A gap remains
// between the re-read and the PATCH. First and last name are written
// back as one name (JoinName), the first address as the address line.
// It is never retried.
func (c *Client) PatchCustomerAs(ctx context.Context, token string, id api.ID, version string, p api.CustomerPatch) (api.Customer, error) {
	path, err := uuidPath("customer", id)
	if err != nil {
		return api.Customer{}, err
	}
	h, err := tokenHeader(token)
	if err != nil {
		return api.Customer{}, err
	}
	cur, err := c.getAs(ctx, token, id)
	if err != nil {
		return api.Customer{}, fmt.Errorf("re-read before the update: %w", err)
	}
	now := strconv.FormatInt(customerVersion(cur), 10)
	if version != "" && version != now {
		return api.Customer{}, fmt.Errorf("update customer %s: %w", id, &client.APIError{K: client.KindConflict, Code: api.CodeVersionMismatch,
			Message: "the customer was changed since you read them: reload and make the change again", CurrentVersion: now})
	}
	body, err := patchBody(cur, p)
	if err != nil {
		return api.Customer{}, err
	}
	var out wireCustomerEnvelope
	if err := c.do(ctx, request{method: http.MethodPatch, path: "/v1/customers" + path, header: h, body: body}, &out); err != nil {
		return api.Customer{}, fmt.Errorf("update customer %s: %w", id, err)
	}
	if out.Customer == nil || out.Customer.ID == "" {
		return api.Customer{}, fmt.Errorf("update customer %s: %w", id, &client.APIError{Status: 200, Code: client.CodeBadResponse,
			Message: "the API's answer has no customer in it"})
	}
	return c.customer(*out.Customer), nil
}

// patchBody is updateCustomer's body for p over the current customer.
func patchBody(cur wireCustomer, p api.CustomerPatch) (wireCustomerPatch, error) {
	var b wireCustomerPatch
	if p.FirstName != nil || p.LastName != nil {
		first, last := SplitName(cur.Name)
		if p.FirstName != nil {
			first = *p.FirstName
		}
		if p.LastName != nil {
			last = *p.LastName
		}
		n := JoinName(first, last)
		b.Name = &n
	}
	b.Email, b.Phone = p.Email, p.Phone
	if p.Status != nil {
		var s string
		switch *p.Status {
		case api.StatusActive:
			s = "active"
		case api.StatusDisabled:
			s = "inactive"
		default:
			return b, &client.APIError{K: client.KindInvalid, Code: CodeInvalidRequest, Message: "a Tybrite customer is active or inactive",
				Fields: map[string]string{"status": "must be active or disabled"}}
		}
		b.Status = &s
	}
	if p.Addresses != nil {
		line := ""
		if len(*p.Addresses) > 0 {
			line = addressLine((*p.Addresses)[0])
		}
		b.Address = &line
	}
	return b, nil
}

// orderQuery maps frontdesk's one order status onto Tybrite's two
// filters: paid and refunded are payment statuses, the rest fulfilment
// statuses (order_status).
func orderQuery(status string) (url.Values, error) {
	q := url.Values{}
	switch status {
	case "":
	case api.OrderPaid, api.OrderRefunded:
		q.Set("payment_status", status)
	case api.OrderPending, api.OrderProcessing, api.OrderShipped, api.OrderDelivered, api.OrderCancelled:
		q.Set("order_status", status)
	default:
		return nil, &client.APIError{K: client.KindInvalid, Code: CodeInvalidRequest, Message: fmt.Sprintf("unknown order status %q", status),
			Fields: map[string]string{"status": "one of " + strings.Join(api.OrderStatuses, ", ")}}
	}
	return q, nil
}

// ListOrders lists a customer's orders, newest first, with the secret
// key (GET /v1/orders?customer_id=&limit=&cursor=). Paging is the API's
// own opaque cursor (pagination.next_cursor while has_more), handed out
// inside the driver's cursor with how many orders came before it
// (orderCursor), so that Total is every order seen so far, a lower bound
// (TotalIsEstimate) while there is more. The API has no way back: Prev
// is "" (the console keeps the cursors of the pages it has seen).
func (c *Client) ListOrders(ctx context.Context, customerID api.ID, p client.OrderParams) (client.Page[api.Order], error) {
	if !p.From.IsZero() || !p.Until.IsZero() {
		return client.Page[api.Order]{}, &client.APIError{K: client.KindInvalid, Code: CodeInvalidRequest, Message: ReasonNoDateFilter,
			Fields: map[string]string{"from": "not supported by Tybrite"}}
	}
	path, err := uuidPath("customer", customerID)
	if err != nil {
		return client.Page[api.Order]{}, err
	}
	q, err := orderQuery(p.Status)
	if err != nil {
		return client.Page[api.Order]{}, err
	}
	limit := p.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	q.Set("customer_id", strings.TrimPrefix(path, "/"))
	q.Set("limit", strconv.Itoa(limit))
	before, vendor := readOrderCursor(p.Cursor)
	if vendor != "" {
		q.Set("cursor", vendor)
	}
	var out wireOrderList
	if err := c.do(ctx, request{method: http.MethodGet, path: "/v1/orders", query: q}, &out); err != nil {
		return client.Page[api.Order]{}, fmt.Errorf("list orders of customer %s: %w", customerID, err)
	}
	if out.Orders == nil || out.Pagination == nil {
		return client.Page[api.Order]{}, fmt.Errorf("list orders of customer %s: %w", customerID, &client.APIError{Status: 200, Code: client.CodeBadResponse,
			Message: "the API's answer has no orders or pagination"})
	}
	seen := before + len(out.Orders)
	res := client.Page[api.Order]{Items: make([]api.Order, 0, len(out.Orders)), Total: seen, Limit: limit}
	for _, w := range out.Orders {
		res.Items = append(res.Items, c.order(w, customerID))
	}
	if out.Pagination.HasMore && out.Pagination.NextCursor != nil && *out.Pagination.NextCursor != "" {
		res.Next = orderCursor(seen, *out.Pagination.NextCursor)
		res.Total++
		res.TotalIsEstimate = true
	}
	return res, nil
}

// orderCursor is the driver's cursor of a page of orders: how many
// orders came before it, and Tybrite's cursor ("20:eyJ…").
func orderCursor(before int, vendor string) string { return strconv.Itoa(before) + ":" + vendor }

// readOrderCursor reads an orderCursor; any other text is taken as
// Tybrite's own cursor, with no count before it.
func readOrderCursor(cursor string) (before int, vendor string) {
	n, rest, ok := strings.Cut(cursor, ":")
	if i, err := strconv.Atoi(n); ok && err == nil && i >= 0 && rest != "" {
		return i, rest
	}
	return 0, cursor
}

// GetOrder reads one order with its items (GET /v1/orders/{id}). The
// API finds orders by their id alone; one whose customer_id is not
// customerID is reported as not found, as another customer's order is
// everywhere else.
func (c *Client) GetOrder(ctx context.Context, customerID, orderID api.ID) (api.Order, error) {
	if _, err := uuidPath("customer", customerID); err != nil {
		return api.Order{}, err
	}
	path, err := uuidPath("order", orderID)
	if err != nil {
		return api.Order{}, err
	}
	var out wireOrder
	if err := c.do(ctx, request{method: http.MethodGet, path: "/v1/orders" + path}, &out); err != nil {
		return api.Order{}, fmt.Errorf("get order %s: %w", orderID, err)
	}
	if out.ID == "" {
		return api.Order{}, fmt.Errorf("get order %s: %w", orderID, &client.APIError{Status: 200, Code: client.CodeBadResponse,
			Message: "the API's answer has no order id in it"})
	}
	if !strings.EqualFold(out.CustomerID, string(customerID)) {
		return api.Order{}, fmt.Errorf("get order %s: %w", orderID, &client.APIError{K: client.KindNotFound, Status: http.StatusNotFound, Code: CodeNotFound,
			Message: fmt.Sprintf("customer %s has no order %s", customerID, orderID)})
	}
	return c.order(out, customerID), nil
}
