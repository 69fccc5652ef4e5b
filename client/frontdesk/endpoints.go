package frontdesk

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"frontdesk/api"
	"frontdesk/client"
)

// Me returns the agent the credentials act as (GET /me): the cheapest way
// to check a key pair works.
func (c *Client) Me(ctx context.Context) (api.Me, error) {
	var me api.Me
	_, err := c.do(ctx, request{method: http.MethodGet, path: "/me"}, &me)
	if err != nil {
		return api.Me{}, fmt.Errorf("who am I: %w", err)
	}
	c.learn(me)
	return me, nil
}

// SearchCustomers lists customers matching p (GET /customers).
func (c *Client) SearchCustomers(ctx context.Context, p client.SearchParams) (client.Page[api.Customer], error) {
	// A desk in front of a platform without field filters says so in
	// GET /me; the desk refuses them too (a 501), this says it sooner.
	if api.HasSearchFilter(p.Query) {
		if err := c.Capabilities().Check(client.CapSearchFilters); err != nil {
			return client.Page[api.Customer]{}, err
		}
	}
	q := url.Values{}
	if s := strings.TrimSpace(p.Query); s != "" {
		q.Set("search", s)
	}
	if p.Sort != "" {
		q.Set("sort", p.Sort)
	}
	keyset := isServerCursor(p.Cursor)
	if keyset {
		q.Set("after", p.Cursor)
		setInt(q, "limit", p.Limit)
	} else if err := setPage(q, p.Cursor, p.Limit); err != nil {
		return client.Page[api.Customer]{}, fmt.Errorf("search customers: %w", err)
	}
	var out api.CustomerList
	if _, err := c.do(ctx, request{method: http.MethodGet, path: "/customers", query: q}, &out); err != nil {
		if p.Query != "" {
			return client.Page[api.Customer]{}, fmt.Errorf("search customers for %q: %w", p.Query, err)
		}
		return client.Page[api.Customer]{}, fmt.Errorf("list customers: %w", err)
	}
	return searchPage(out, keyset), nil
}

// GetCustomer fetches one customer with store metrics (GET
// /customers/{id}). Version, needed to patch, comes from the body, or
// from the ETag when the body has none.
func (c *Client) GetCustomer(ctx context.Context, id api.ID) (api.Customer, error) {
	p, err := idPath("customer", id)
	if err != nil {
		return api.Customer{}, err
	}
	var out api.CustomerEnvelope
	res, err := c.do(ctx, request{method: http.MethodGet, path: "/customers" + p}, &out)
	if err != nil {
		return api.Customer{}, fmt.Errorf("get customer %s: %w", id, err)
	}
	if out.Customer.Version == 0 {
		if v, ok := parseETagVersion(res.header.Get(api.HeaderETag)); ok {
			out.Customer.Version = v
		}
	}
	return out.Customer, nil
}

// parseETagVersion reads `"7"` or `W/"7"`.
func parseETagVersion(etag string) (int64, bool) {
	etag = strings.TrimPrefix(strings.TrimSpace(etag), "W/")
	etag = strings.Trim(etag, `"`)
	v, err := strconv.ParseInt(etag, 10, 64)
	return v, err == nil && v > 0
}

// CreateCustomer creates a customer (POST /customers). It is never
// retried: a lost answer could otherwise create the customer twice; on a
// transport error, search by email before trying again.
func (c *Client) CreateCustomer(ctx context.Context, in api.CustomerCreate) (api.Customer, error) {
	var out api.CustomerEnvelope
	if _, err := c.do(ctx, request{method: http.MethodPost, path: "/customers", body: in}, &out); err != nil {
		return api.Customer{}, fmt.Errorf("create customer %s: %w", in.Email, err)
	}
	return out.Customer, nil
}

// PatchCustomer changes the fields set in p (PATCH /customers/{id}) if
// the customer is still at version; otherwise the *client.APIError is 412
// version_mismatch (KindConflict) with CurrentVersion. It is never
// retried.
func (c *Client) PatchCustomer(ctx context.Context, id api.ID, version string, p api.CustomerPatch) (api.Customer, error) {
	path, err := idPath("customer", id)
	if err != nil {
		return api.Customer{}, err
	}
	ifMatch, err := ifMatch(id, version)
	if err != nil {
		return api.Customer{}, err
	}
	var out api.CustomerEnvelope
	_, err = c.do(ctx, request{
		method: http.MethodPatch,
		path:   "/customers" + path,
		body:   p,
		header: map[string]string{api.HeaderIfMatch: ifMatch},
	}, &out)
	if err != nil {
		return api.Customer{}, fmt.Errorf("update customer %s: %w", id, err)
	}
	return out.Customer, nil
}

// ListOrders lists a customer's orders (GET /customers/{id}/orders).
func (c *Client) ListOrders(ctx context.Context, id api.ID, p client.OrderParams) (client.Page[api.Order], error) {
	path, err := idPath("customer", id)
	if err != nil {
		return client.Page[api.Order]{}, err
	}
	q := url.Values{}
	if err := setPage(q, p.Cursor, p.Limit); err != nil {
		return client.Page[api.Order]{}, fmt.Errorf("list orders of customer %s: %w", id, err)
	}
	if p.Status != "" {
		q.Set("status", p.Status)
	}
	// Bounds go out at full precision: cut to the second, "before Until"
	// would drop the orders of Until's last second and "from From" add
	// those of From's first.
	if !p.From.IsZero() {
		q.Set("from", p.From.UTC().Format(time.RFC3339Nano))
	}
	if !p.Until.IsZero() {
		q.Set("until", p.Until.UTC().Format(time.RFC3339Nano))
	}
	var out api.OrderList
	if _, err := c.do(ctx, request{method: http.MethodGet, path: "/customers" + path + "/orders", query: q}, &out); err != nil {
		return client.Page[api.Order]{}, fmt.Errorf("list orders of customer %s: %w", id, err)
	}
	return newPage(out.Orders, out.Total, false, out.Page, out.Limit), nil
}

// GetOrder fetches one order with its items and addresses.
func (c *Client) GetOrder(ctx context.Context, customerID, orderID api.ID) (api.Order, error) {
	cp, err := idPath("customer", customerID)
	if err != nil {
		return api.Order{}, err
	}
	op, err := idPath("order", orderID)
	if err != nil {
		return api.Order{}, err
	}
	var out api.OrderEnvelope
	if _, err := c.do(ctx, request{method: http.MethodGet, path: "/customers" + cp + "/orders" + op}, &out); err != nil {
		return api.Order{}, fmt.Errorf("get order %s of customer %s: %w", orderID, customerID, err)
	}
	return out.Order, nil
}

// FindOrder finds an order by its number as quoted (GET /orders?number=):
// the server reads FD-00001584, fd-1584, #1584 and 1584 alike.
func (c *Client) FindOrder(ctx context.Context, number string) (api.OrderMatch, error) {
	var out api.OrderMatch
	if _, err := c.do(ctx, request{method: http.MethodGet, path: "/orders", query: url.Values{"number": {number}}}, &out); err != nil {
		return api.OrderMatch{}, fmt.Errorf("find order %q: %w", number, err)
	}
	return out, nil
}

// GetLoyalty returns a customer's balance and up to 50 recent ledger
// entries.
func (c *Client) GetLoyalty(ctx context.Context, id api.ID) (api.Loyalty, error) {
	path, err := idPath("customer", id)
	if err != nil {
		return api.Loyalty{}, err
	}
	var out api.Loyalty
	if _, err := c.do(ctx, request{method: http.MethodGet, path: "/customers" + path + "/loyalty"}, &out); err != nil {
		return api.Loyalty{}, fmt.Errorf("get loyalty of customer %s: %w", id, err)
	}
	return out, nil
}

// ListLedger pages through a customer's whole loyalty ledger, newest
// first. A zero cursor or limit leaves the server's default.
func (c *Client) ListLedger(ctx context.Context, id api.ID, p client.PageParams) (client.Page[api.LedgerEntry], error) {
	path, err := idPath("customer", id)
	if err != nil {
		return client.Page[api.LedgerEntry]{}, err
	}
	q := url.Values{}
	if err := setPage(q, p.Cursor, p.Limit); err != nil {
		return client.Page[api.LedgerEntry]{}, fmt.Errorf("list loyalty ledger of customer %s: %w", id, err)
	}
	var out api.LedgerPage
	if _, err := c.do(ctx, request{method: http.MethodGet, path: "/customers" + path + "/loyalty/ledger", query: q}, &out); err != nil {
		return client.Page[api.LedgerEntry]{}, fmt.Errorf("list loyalty ledger of customer %s: %w", id, err)
	}
	return newPage(out.Ledger, out.Total, false, out.Page, out.Limit), nil
}

// AdjustLoyalty adds (or with negative points removes) loyalty points.
// idempotencyKey identifies the logical operation: "" makes a new one;
// the same key is sent on every retry of this call, and a caller that
// retries the operation itself (the agent presses "retry" after a network
// error) must pass the same key again, so the points are applied once.
// replayed is true when the server answered from an earlier application
// of the same key.
func (c *Client) AdjustLoyalty(ctx context.Context, id api.ID, req api.AdjustmentRequest, idempotencyKey string) (res api.AdjustmentResult, replayed bool, err error) {
	path, err := idPath("customer", id)
	if err != nil {
		return api.AdjustmentResult{}, false, err
	}
	if idempotencyKey == "" {
		idempotencyKey = client.NewIdempotencyKey()
	}
	r, err := c.do(ctx, request{
		method: http.MethodPost,
		path:   "/customers" + path + "/loyalty/adjustments",
		body:   req,
		header: map[string]string{api.HeaderIdempotencyKey: idempotencyKey},
	}, &res)
	if err != nil {
		return api.AdjustmentResult{}, false, fmt.Errorf("adjust loyalty of customer %s by %+d points: %w", id, req.Points, err)
	}
	return res, strings.EqualFold(r.header.Get(api.HeaderReplayed), "true"), nil
}

// PreviewMerge asks what merging drop into keep would move
// (POST /customers/{keep}/merge/preview); nothing changes.
func (c *Client) PreviewMerge(ctx context.Context, keep, drop api.ID) (api.MergePreview, error) {
	path, err := idPath("customer", keep)
	if err != nil {
		return api.MergePreview{}, err
	}
	var out api.MergePreview
	if _, err := c.do(ctx, request{method: http.MethodPost, path: "/customers" + path + "/merge/preview",
		body: api.MergeRequest{Drop: drop}}, &out); err != nil {
		return api.MergePreview{}, fmt.Errorf("preview merging customer %s into %s: %w", drop, keep, err)
	}
	return out, nil
}

// MergeCustomers merges drop into keep (POST /customers/{keep}/merge)
// once per idempotencyKey, like AdjustLoyalty: "" makes a new key, the
// same key goes with every retry, and replayed says the server answered
// from an earlier merge under it.
func (c *Client) MergeCustomers(ctx context.Context, keep, drop api.ID, idempotencyKey string) (res api.MergeResult, replayed bool, err error) {
	path, err := idPath("customer", keep)
	if err != nil {
		return api.MergeResult{}, false, err
	}
	if idempotencyKey == "" {
		idempotencyKey = client.NewIdempotencyKey()
	}
	r, err := c.do(ctx, request{
		method: http.MethodPost,
		path:   "/customers" + path + "/merge",
		body:   api.MergeRequest{Drop: drop},
		header: map[string]string{api.HeaderIdempotencyKey: idempotencyKey},
	}, &res)
	if err != nil {
		return api.MergeResult{}, false, fmt.Errorf("merge customer %s into %s: %w", drop, keep, err)
	}
	return res, strings.EqualFold(r.header.Get(api.HeaderReplayed), "true"), nil
}

// ListNotes pages through a customer's internal notes, newest first.
func (c *Client) ListNotes(ctx context.Context, id api.ID, p client.PageParams) (client.Page[api.Note], error) {
	path, err := idPath("customer", id)
	if err != nil {
		return client.Page[api.Note]{}, err
	}
	q := url.Values{}
	if err := setPage(q, p.Cursor, p.Limit); err != nil {
		return client.Page[api.Note]{}, fmt.Errorf("list notes of customer %s: %w", id, err)
	}
	var out api.NoteList
	if _, err := c.do(ctx, request{method: http.MethodGet, path: "/customers" + path + "/notes", query: q}, &out); err != nil {
		return client.Page[api.Note]{}, fmt.Errorf("list notes of customer %s: %w", id, err)
	}
	return newPage(out.Notes, out.Total, false, out.Page, out.Limit), nil
}

// AddNote adds an internal note (POST /customers/{id}/notes). It is never
// retried: a lost answer could otherwise add the note twice.
func (c *Client) AddNote(ctx context.Context, id api.ID, body string) (api.Note, error) {
	path, err := idPath("customer", id)
	if err != nil {
		return api.Note{}, err
	}
	var out api.NoteEnvelope
	if _, err := c.do(ctx, request{method: http.MethodPost, path: "/customers" + path + "/notes", body: api.NoteCreate{Body: body}}, &out); err != nil {
		return api.Note{}, fmt.Errorf("add note to customer %s: %w", id, err)
	}
	return out.Note, nil
}

// Reveal shows one masked field of a customer (api.RevealEmail,
// RevealPhone, RevealAddresses) unmasked; the desk appends an audit row
// with the reason. It is never retried: each call is a row.
func (c *Client) Reveal(ctx context.Context, id api.ID, field, reason string) (api.RevealResult, error) {
	path, err := idPath("customer", id)
	if err != nil {
		return api.RevealResult{}, err
	}
	var out api.RevealResult
	if _, err := c.do(ctx, request{method: http.MethodPost, path: "/customers" + path + "/reveal", body: api.RevealRequest{Field: field, Reason: reason}}, &out); err != nil {
		return api.RevealResult{}, fmt.Errorf("reveal the %s of customer %s: %w", field, id, err)
	}
	return out, nil
}
