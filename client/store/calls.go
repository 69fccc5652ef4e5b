package store

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"frontdesk/api"
	"frontdesk/client"
)

// Me is who the key acts as. The seed-004 API has no /me and no agents,
// so Me checks the key with the cheapest documented call (GET
// /customers?limit=1: a wrong key is 401 there) and describes a synthetic
// agent: the key id as its id and name, no loyalty limit, and role
// supervisor. The role is not a grant — the store's key is all the
// permission there is, and the store enforces it. It is the role under
// which frontdesk's own role checks never stand in front of the
// platform: what this store cannot do is refused with the store's
// sentence (Capabilities), not with "your role (viewer) cannot edit
// customers", which would send the agent to ask for a role that cannot
// help. docs/platforms.md says the same.
func (c *Client) Me(ctx context.Context) (api.Me, error) {
	q := url.Values{"page": {"1"}, "limit": {"1"}}
	var out wireList
	if err := c.get(ctx, "/customers", q, &out); err != nil {
		return api.Me{}, fmt.Errorf("check the key with GET /customers: %w", err)
	}
	return api.Me{AgentID: c.cfg.KeyID, Name: "API key " + c.cfg.KeyID, Role: api.RoleSupervisor, KeyID: c.cfg.KeyID}, nil
}

// PageCursor is client.PageCursor, as the frontdesk driver's is, so the
// CLI's --page works on both.
func PageCursor(n int) string { return client.PageCursor(n) }

// SearchCustomers lists customers (GET /customers?page=&limit=&search=).
// The store searches email, first name and last name (seed 004); it
// cannot search phones, and it has one order, so p.Sort is not sent. A
// query that could only match a phone finds nobody, as it would on the
// store.
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
	limit := p.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	q := url.Values{"page": {strconv.Itoa(page)}, "limit": {strconv.Itoa(limit)}}
	if s := strings.TrimSpace(p.Query); s != "" {
		q.Set("search", s)
	}
	var out wireList
	if err := c.get(ctx, "/customers", q, &out); err != nil {
		if p.Query != "" {
			return client.Page[api.Customer]{}, fmt.Errorf("search customers for %q: %w", p.Query, err)
		}
		return client.Page[api.Customer]{}, fmt.Errorf("list customers: %w", err)
	}
	items := make([]api.Customer, 0, len(out.Customers))
	for _, w := range out.Customers {
		items = append(items, c.customer(w))
	}
	if out.Page < 1 {
		out.Page = page
	}
	if out.Limit < 1 {
		out.Limit = limit
	}
	res := client.Page[api.Customer]{Items: items, Total: out.Total, Number: out.Page, Limit: out.Limit}
	if len(items) > 0 && out.Page*out.Limit < out.Total {
		res.Next = PageCursor(out.Page + 1)
	}
	if out.Page > 1 {
		res.Prev = client.PrevPageCursor(out.Page - 1)
	}
	return res, nil
}

// idPath escapes one id as a path segment; ids are opaque.
func idPath(id api.ID) (string, error) {
	s := strings.TrimSpace(string(id))
	if s == "" {
		return "", fmt.Errorf("no customer id given")
	}
	return "/" + url.PathEscape(s), nil
}

// GetCustomer reads one customer (GET /customers/:id). The store has no
// versions: the customer's Version is 0.
func (c *Client) GetCustomer(ctx context.Context, id api.ID) (api.Customer, error) {
	p, err := idPath(id)
	if err != nil {
		return api.Customer{}, err
	}
	var out wireOne
	if err := c.get(ctx, "/customers"+p, nil, &out); err != nil {
		return api.Customer{}, fmt.Errorf("get customer %s: %w", id, err)
	}
	if out.Customer == nil {
		return api.Customer{}, fmt.Errorf("get customer %s: %w", id, &client.APIError{Status: 200, Code: client.CodeBadResponse,
			Message: "the store's answer has no customer in it"})
	}
	return c.customer(*out.Customer), nil
}

// GetLoyalty reads the balance, lifetime earned points and up to 50
// recent ledger entries (GET /customers/:id/loyalty).
func (c *Client) GetLoyalty(ctx context.Context, id api.ID) (api.Loyalty, error) {
	p, err := idPath(id)
	if err != nil {
		return api.Loyalty{}, err
	}
	var out wireLoyalty
	if err := c.get(ctx, "/customers"+p+"/loyalty", nil, &out); err != nil {
		return api.Loyalty{}, fmt.Errorf("get loyalty of customer %s: %w", id, err)
	}
	if out.PointsBalance == nil {
		return api.Loyalty{}, fmt.Errorf("get loyalty of customer %s: %w", id, &client.APIError{Status: 200, Code: client.CodeBadResponse,
			Message: "the store's loyalty answer has no points_balance"})
	}
	return loyalty(id, out), nil
}

// ListLedger is the one page the store has: the recent entries of GET
// /loyalty (at most 50), newest first as the store lists them, cut to
// p.Limit. The whole ledger is not available: when the store sent 50
// entries, Total is a lower bound (TotalIsEstimate), and there is no
// next page.
func (c *Client) ListLedger(ctx context.Context, id api.ID, p client.PageParams) (client.Page[api.LedgerEntry], error) {
	if p.Cursor != "" {
		return client.Page[api.LedgerEntry]{}, client.Unsupported(client.CapLoyalty, ReasonNoLedger)
	}
	l, err := c.GetLoyalty(ctx, id)
	if err != nil {
		return client.Page[api.LedgerEntry]{}, err
	}
	items := l.Ledger
	limit := p.Limit
	if limit <= 0 || limit > len(items) {
		limit = len(items)
	}
	return client.Page[api.LedgerEntry]{Items: items[:limit], Total: len(items), TotalIsEstimate: len(items) >= RecentLedger,
		Number: 1, Limit: max(limit, 1)}, nil
}
