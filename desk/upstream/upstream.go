// Package upstream puts the desk server in front of a store's own
// platform (`frontdesk server --upstream NAME`): a store.Store whose
// customers, orders and loyalty points are the platform's, reached
// through its driver (a client.Platform), while everything the desk
// adds — agents and keys, roles, on-behalf sessions, notes, the audit
// trail, Idempotency-Keys — stays in the desk's own store of record.
//
// What the platform cannot do is refused with a *store.UnsupportedError
// carrying the driver's sentence ("Commerce.js stores have no loyalty
// points"); the server answers it as 501 `unsupported`.
//
// A write to the platform runs inside the desk's write transaction, so
// the audit row commits only when the platform took the change; a
// platform that took it when the desk then fails to commit is reported
// as the desk's failure, and the change is on the platform without its
// audit row (docs/deploy.md, "In front of a platform").
package upstream

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/store"
	"frontdesk/store/audit"
)

// Store is the desk's store of record with a platform's customers,
// orders and loyalty behind it.
type Store struct {
	local store.Store
	p     client.Platform
	caps  client.Capabilities
}

var _ store.Store = (*Store)(nil)

// New puts platform p behind local. Closing the Store closes local.
func New(local store.Store, p client.Platform) *Store {
	return &Store{local: local, p: p, caps: p.Capabilities()}
}

// Unsupported lists what the platform cannot do, by capability, with
// the driver's sentence: what /me tells consoles.
func (s *Store) Unsupported() map[string]string {
	out := map[string]string{}
	for _, c := range s.caps.Missing() {
		if !desksOwn[c] {
			out[string(c)] = s.caps.Why(c)
		}
	}
	// The platform's coupons and password resets need its own customer
	// token, which a desk session is not.
	for _, c := range []client.Capability{client.CapCoupons, client.CapPasswordReset} {
		if _, ok := out[string(c)]; !ok {
			out[string(c)] = reasonCustomerScope
		}
	}
	return out
}

// desksOwn are the capabilities the desk supplies itself, whatever the
// platform: its notes, its on-behalf sessions, its audit trail, and who
// has which customer open.
var desksOwn = map[client.Capability]bool{client.CapNotes: true, client.CapOnBehalf: true, client.CapAudit: true, client.CapPresence: true}

const reasonCustomerScope = "the store's own coupons and password resets need the customer's login at the store; the desk in front of it cannot act as the customer there"

func (s *Store) Read(ctx context.Context, fn func(store.Tx) error) error {
	return s.local.Read(ctx, func(tx store.Tx) error { return fn(s.wrap(tx)) })
}

func (s *Store) Write(ctx context.Context, fn func(store.Tx) error) error {
	return s.local.Write(ctx, func(tx store.Tx) error { return fn(s.wrap(tx)) })
}

func (s *Store) VerifyAudit(ctx context.Context) (audit.Result, error) {
	return s.local.VerifyAudit(ctx)
}

func (s *Store) Close() error { return s.local.Close() }

func (s *Store) wrap(tx store.Tx) *txn {
	return &txn{Tx: tx, s: s, seen: map[api.ID]api.Customer{}}
}

// txn is the local transaction with the platform's calls in place of
// the local customers, orders and loyalty.
type txn struct {
	store.Tx
	s *Store
	// seen holds the customers this transaction read from the platform
	// (a search page), so CustomersByID does not read them again.
	seen map[api.ID]api.Customer
}

// unsupported is the refusal of capability c.
func (t *txn) unsupported(c client.Capability) error {
	why := t.s.caps.Why(c)
	if why == "" {
		why = reasonCustomerScope
	}
	return &store.UnsupportedError{Capability: string(c), Reason: why}
}

// fromPlatform maps a driver's error to the store's: not found,
// version conflicts, what the platform cannot do; anything else is the
// platform failing, wrapped.
func fromPlatform(err error) error {
	if err == nil {
		return nil
	}
	var ae *client.APIError
	if errors.As(err, &ae) {
		switch ae.Kind() {
		case client.KindNotFound:
			return store.ErrNotFound
		case client.KindUnsupported:
			return &store.UnsupportedError{Capability: ae.Code, Reason: ae.UserMessage()}
		case client.KindConflict:
			if ae.CurrentVersion != "" {
				v, _ := strconv.ParseInt(ae.CurrentVersion, 10, 64)
				return &store.VersionConflictError{Current: v}
			}
		}
	}
	return &store.UpstreamError{Err: err}
}

// Customers.

func (t *txn) Customer(ctx context.Context, id api.ID) (api.Customer, error) {
	if c, ok := t.seen[id]; ok {
		return c, nil
	}
	c, err := t.s.p.GetCustomer(ctx, id)
	if err != nil {
		return api.Customer{}, fromPlatform(err)
	}
	t.keep(&c)
	return c, nil
}

// noCurrency is ISO 4217's code for "no currency": what the desk says of
// money a platform gives without naming its currency.
const noCurrency = "XXX"

// keep remembers c for this transaction, as the desk shows it: without
// the platform's metrics (the desk computes its own from the orders);
// where the platform leaves them out, with no currency (XXX), active,
// and at version 1 (the driver of a platform without versions derives
// one, and compares it before it writes).
func (t *txn) keep(c *api.Customer) {
	c.StoreMetrics = nil
	c.Notes, c.Orders = nil, nil
	if c.Currency == "" {
		c.Currency = noCurrency
	}
	if c.Status == "" {
		c.Status = api.StatusActive
	}
	if c.Version <= 0 {
		c.Version = 1
	}
	t.seen[c.ID] = *c
}

func (t *txn) CustomersByID(ctx context.Context, ids []api.ID) ([]api.Customer, error) {
	out := make([]api.Customer, 0, len(ids))
	for _, id := range ids {
		c, err := t.Customer(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

func (t *txn) SearchCustomers(ctx context.Context, p store.SearchParams) (store.SearchResult, error) {
	if !t.s.caps.Has(client.CapSearch) {
		return store.SearchResult{}, t.unsupported(client.CapSearch)
	}
	if api.HasSearchFilter(p.Query) && !t.s.caps.Has(client.CapSearchFilters) {
		return store.SearchResult{}, t.unsupported(client.CapSearchFilters)
	}
	// Keys are the platform's own next cursors (in K1): After continues
	// where the platform's page left off, at whatever cost it pages.
	cursor := client.PageCursor(max(p.Page, 1))
	if p.After != nil {
		if p.After.K1 == "" || p.After.K2 != "" {
			return store.SearchResult{}, fmt.Errorf("search customers: %w", store.ErrInvalidKey)
		}
		cursor = p.After.K1
	}
	page, err := t.s.p.SearchCustomers(ctx, client.SearchParams{
		Query: p.Query, Sort: p.Sort, Cursor: cursor, Limit: p.Limit,
	})
	if err != nil {
		if p.After != nil && client.KindOf(err) == client.KindInvalid {
			return store.SearchResult{}, fmt.Errorf("search customers: %w: %w", store.ErrInvalidKey, err)
		}
		return store.SearchResult{}, fromPlatform(err)
	}
	res := store.SearchResult{Total: page.Total, Estimate: page.TotalIsEstimate, IDs: make([]api.ID, len(page.Items))}
	for i, c := range page.Items {
		res.IDs[i] = c.ID
		t.keep(&c)
	}
	if page.Next != "" && len(res.IDs) > 0 {
		res.More = true
		res.Last = &store.SearchKey{K1: page.Next, ID: res.IDs[len(res.IDs)-1]}
	}
	if p.After != nil {
		res.Total, res.Estimate = 0, false
	}
	return res, nil
}

// EmailOwner asks the platform's search for the email; without search it
// cannot tell, and leaves the platform to refuse a duplicate itself.
func (t *txn) EmailOwner(ctx context.Context, email string, except api.ID) (api.ID, error) {
	if !t.s.caps.Has(client.CapSearch) {
		return "", nil
	}
	page, err := t.s.p.SearchCustomers(ctx, client.SearchParams{Query: email, Limit: 10})
	if err != nil {
		return "", fromPlatform(err)
	}
	for _, c := range page.Items {
		if c.ID != except && strings.EqualFold(c.Email, email) {
			return c.ID, nil
		}
	}
	return "", nil
}

func (t *txn) CreateCustomer(ctx context.Context, in api.CustomerCreate, _ time.Time) (api.ID, error) {
	if !t.s.caps.Has(client.CapCreateCustomer) {
		return "", t.unsupported(client.CapCreateCustomer)
	}
	c, err := t.s.p.CreateCustomer(ctx, in)
	if err != nil {
		return "", fromPlatform(err)
	}
	t.keep(&c)
	return c.ID, nil
}

func (t *txn) UpdateCustomer(ctx context.Context, id api.ID, version int64, u store.CustomerUpdate) error {
	if !t.s.caps.Has(client.CapEditCustomer) {
		return t.unsupported(client.CapEditCustomer)
	}
	c, err := t.s.p.PatchCustomer(ctx, id, strconv.FormatInt(version, 10), u.CustomerPatch)
	if err != nil {
		return fromPlatform(err)
	}
	t.keep(&c)
	return nil
}

// OrderDates are the newest order's time and, when the first page holds
// every order, the oldest's.
func (t *txn) OrderDates(ctx context.Context, id api.ID) (first, last *time.Time, err error) {
	if !t.s.caps.Has(client.CapOrders) {
		return nil, nil, nil
	}
	page, err := t.s.p.ListOrders(ctx, id, client.OrderParams{Limit: api.MaxPageLimit})
	if err != nil || len(page.Items) == 0 {
		return nil, nil, fromPlatform(err)
	}
	newest := page.Items[0].CreatedAt
	last = &newest
	if page.Next == "" {
		oldest := page.Items[len(page.Items)-1].CreatedAt
		first = &oldest
	}
	return first, last, nil
}

// MonthlySpend sums the orders since since, a page at a time (at most
// spendPages pages).
func (t *txn) MonthlySpend(ctx context.Context, id api.ID, since time.Time) (map[string]int64, error) {
	out := map[string]int64{}
	if !t.s.caps.Has(client.CapOrders) {
		return out, nil
	}
	cursor := ""
	for range spendPages {
		page, err := t.s.p.ListOrders(ctx, id, client.OrderParams{Cursor: cursor, Limit: api.MaxPageLimit, From: since})
		if err != nil {
			return nil, fromPlatform(err)
		}
		for _, o := range page.Items {
			if o.CreatedAt.Before(since) || o.Status == api.OrderCancelled || o.Status == api.OrderRefunded {
				continue
			}
			out[o.CreatedAt.UTC().Format("2006-01")] += o.Total
		}
		if cursor = page.Next; cursor == "" {
			break
		}
	}
	return out, nil
}

// spendPages bounds MonthlySpend's walk through a platform's orders.
const spendPages = 10

// SpendDistribution is not known of a platform's whole customer base:
// the desk then shows no lifetime-value percentile.
func (t *txn) SpendDistribution(context.Context, int, int) ([]int64, error) { return nil, nil }

// Orders.

func (t *txn) OrdersOf(ctx context.Context, f store.OrderFilter, limit, offset int) ([]api.Order, error) {
	if !t.s.caps.Has(client.CapOrders) {
		return nil, t.unsupported(client.CapOrders)
	}
	page, err := t.s.p.ListOrders(ctx, f.CustomerID, client.OrderParams{
		Cursor: client.PageCursor(offset/max(limit, 1) + 1), Limit: limit, Status: f.Status, From: f.From, Until: f.Until,
	})
	if err != nil {
		return nil, fromPlatform(err)
	}
	for i := range page.Items {
		if page.Items[i].Currency == "" {
			page.Items[i].Currency = noCurrency
		}
	}
	return page.Items, nil
}

func (t *txn) CountOrders(ctx context.Context, f store.OrderFilter) (int, error) {
	if !t.s.caps.Has(client.CapOrders) {
		return 0, t.unsupported(client.CapOrders)
	}
	page, err := t.s.p.ListOrders(ctx, f.CustomerID, client.OrderParams{Limit: 1, Status: f.Status, From: f.From, Until: f.Until})
	if err != nil {
		return 0, fromPlatform(err)
	}
	return page.Total, nil
}

func (t *txn) Order(ctx context.Context, customerID, orderID api.ID) (api.Order, error) {
	if !t.s.caps.Has(client.CapOrders) {
		return api.Order{}, t.unsupported(client.CapOrders)
	}
	o, err := t.s.p.GetOrder(ctx, customerID, orderID)
	if o.Currency == "" {
		o.Currency = noCurrency
	}
	return o, fromPlatform(err)
}

// OrderByNumber asks the platform for the order numbered number; the
// customer who placed it comes in the same answer and is kept, so the
// server's read of that customer does not ask again.
func (t *txn) OrderByNumber(ctx context.Context, number string) (api.Order, error) {
	if !t.s.caps.Has(client.CapFindOrder) {
		return api.Order{}, t.unsupported(client.CapFindOrder)
	}
	m, err := t.s.p.FindOrder(ctx, number)
	if err != nil {
		return api.Order{}, fromPlatform(err)
	}
	if m.Order.Currency == "" {
		m.Order.Currency = noCurrency
	}
	if m.Customer.ID != "" {
		t.keep(&m.Customer)
	}
	return m.Order, nil
}

// Loyalty: the platform's points, when it has them.

func (t *txn) LoyaltyAccount(ctx context.Context, id api.ID) (balance, lifetime int64, err error) {
	if !t.s.caps.Has(client.CapLoyalty) {
		return 0, 0, t.unsupported(client.CapLoyalty)
	}
	l, err := t.s.p.GetLoyalty(ctx, id)
	if err != nil {
		return 0, 0, fromPlatform(err)
	}
	return l.PointsBalance, l.LifetimeEarned, nil
}

func (t *txn) LedgerOf(ctx context.Context, id api.ID, limit, offset int) ([]api.LedgerEntry, error) {
	if !t.s.caps.Has(client.CapLoyalty) {
		return nil, t.unsupported(client.CapLoyalty)
	}
	page, err := t.s.p.ListLedger(ctx, id, client.PageParams{Cursor: client.PageCursor(offset/max(limit, 1) + 1), Limit: limit})
	if err != nil {
		return nil, fromPlatform(err)
	}
	return page.Items, nil
}

func (t *txn) CountLedger(ctx context.Context, id api.ID) (int, error) {
	if !t.s.caps.Has(client.CapLoyalty) {
		return 0, t.unsupported(client.CapLoyalty)
	}
	page, err := t.s.p.ListLedger(ctx, id, client.PageParams{Limit: 1})
	if err != nil {
		return 0, fromPlatform(err)
	}
	return page.Total, nil
}

// AppendAdjustment asks the platform to adjust, under a key derived from
// the desk's own Idempotency-Key claim: a desk retry after a lost answer
// asks the platform with the same key, and it applies once there too.
func (t *txn) AppendAdjustment(ctx context.Context, a store.Adjustment) (api.LedgerEntry, error) {
	if !t.s.caps.Has(client.CapLoyaltyAdjust) {
		return api.LedgerEntry{}, t.unsupported(client.CapLoyaltyAdjust)
	}
	res, _, err := t.s.p.AdjustLoyalty(ctx, a.CustomerID, api.AdjustmentRequest{Points: a.Points, Reason: a.Reason, Note: a.Note}, a.IdempotencyKey)
	if err != nil {
		var ae *client.APIError
		if errors.As(err, &ae) && ae.Code == api.CodeInsufficientPoints {
			return api.LedgerEntry{}, &store.InsufficientPointsError{}
		}
		return api.LedgerEntry{}, fromPlatform(err)
	}
	return res.Entry, nil
}

// Customer scope: the platform's own, which a desk session cannot reach.

func (t *txn) EligibleCoupons(context.Context, api.Customer, time.Time) ([]api.Coupon, error) {
	return nil, t.unsupported(client.CapCoupons)
}

func (t *txn) RecordPasswordReset(context.Context, store.PasswordReset) (api.ID, error) {
	return "", t.unsupported(client.CapPasswordReset)
}
