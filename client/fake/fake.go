// Package fake is an in-memory client.Platform for tests: a handful of
// customers and their orders, optimistic versions, cursors that are not
// page numbers, and whatever Capabilities the test gives it. A call for
// a capability it lacks fails like a real driver's would, with
// client.KindUnsupported and the reason.
//
// It shows that the console, the CLI and the gateway need nothing of the
// frontdesk driver: build them on a *fake.Platform instead.
package fake

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"frontdesk/api"
	"frontdesk/client"
)

// Platform is the in-memory store. Its methods are safe for concurrent
// use.
type Platform struct {
	caps client.Capabilities
	me   api.Me

	mu        sync.Mutex
	customers []api.Customer // newest first
	orders    map[api.ID][]api.Order
	notes     map[api.ID][]api.Note
	nextID    int
}

// Options set up a Platform. The zero value has every capability and
// answers as a supervisor.
type Options struct {
	// Caps is what the platform can do (client.All() when zero).
	Caps client.Capabilities
	// Me is who the credentials act as.
	Me api.Me
	// Customers are the store's customers, newest first; their versions
	// start at 1 when zero.
	Customers []api.Customer
	// Orders are each customer's orders, newest first.
	Orders map[api.ID][]api.Order
}

// New returns a Platform holding o's data.
func New(o Options) *Platform {
	p := &Platform{caps: o.Caps, me: o.Me, orders: map[api.ID][]api.Order{}, notes: map[api.ID][]api.Note{}, nextID: 1000}
	if p.me.AgentID == "" {
		p.me = api.Me{AgentID: "fake", Name: "Fake Supervisor", Role: api.RoleSupervisor}
	}
	for _, c := range o.Customers {
		if c.Version == 0 {
			c.Version = 1
		}
		p.customers = append(p.customers, c)
	}
	for id, os := range o.Orders {
		p.orders[id] = slices.Clone(os)
	}
	return p
}

var _ client.Platform = (*Platform)(nil)

// Capabilities is Options.Caps.
func (p *Platform) Capabilities() client.Capabilities { return p.caps }

// Me is Options.Me.
func (p *Platform) Me(ctx context.Context) (api.Me, error) {
	if err := ctx.Err(); err != nil {
		return api.Me{}, err
	}
	return p.me, nil
}

// need fails with the unsupported error when the platform lacks c.
func (p *Platform) need(ctx context.Context, c client.Capability) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return p.caps.Check(c)
}

func notFound(what string, id api.ID) error {
	return &client.APIError{K: client.KindNotFound, Code: api.CodeNotFound, Message: what + " " + string(id) + " not found"}
}

// cursor is "at:N": deliberately not a page number, so a caller that
// reads cursors as numbers breaks here.
func cursor(offset int) string { return "at:" + strconv.Itoa(offset) }

func offsetOf(cur string) (int, error) {
	if cur == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(strings.TrimPrefix(cur, "at:"))
	if err != nil || !strings.HasPrefix(cur, "at:") || n < 0 {
		return 0, &client.APIError{K: client.KindInvalid, Code: api.CodeValidation, Message: "bad cursor " + strconv.Quote(cur)}
	}
	return n, nil
}

// page cuts one page of items at cur. It does not number pages.
func page[T any](items []T, cur string, limit int) (client.Page[T], error) {
	off, err := offsetOf(cur)
	if err != nil {
		return client.Page[T]{}, err
	}
	if limit <= 0 {
		limit = api.DefaultPageLimit
	}
	end := min(len(items), off+limit)
	out := client.Page[T]{Items: slices.Clone(items[min(off, end):end]), Total: len(items), Limit: limit}
	if end < len(items) {
		out.Next = cursor(end)
	}
	if off > 0 {
		out.Prev = cursor(max(0, off-limit))
	}
	return out, nil
}

func (p *Platform) find(id api.ID) (int, bool) {
	for i, c := range p.customers {
		if c.ID == id {
			return i, true
		}
	}
	return 0, false
}

// SearchCustomers matches Query against names, email and phone.
func (p *Platform) SearchCustomers(ctx context.Context, sp client.SearchParams) (client.Page[api.Customer], error) {
	if err := p.need(ctx, client.CapSearch); err != nil {
		return client.Page[api.Customer]{}, err
	}
	if api.HasSearchFilter(sp.Query) {
		// The fake matches text only: it refuses field filters rather
		// than look for "orders:>5" as text.
		return client.Page[api.Customer]{}, client.Unsupported(client.CapSearchFilters, "the fake platform's search matches text only, without field filters")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	q := strings.ToLower(strings.TrimSpace(sp.Query))
	var hits []api.Customer
	for _, c := range p.customers {
		if q == "" || strings.Contains(strings.ToLower(c.Name()+" "+c.Email+" "+c.Phone), q) {
			hits = append(hits, c)
		}
	}
	return page(hits, sp.Cursor, sp.Limit)
}

// GetCustomer reads one customer.
func (p *Platform) GetCustomer(ctx context.Context, id api.ID) (api.Customer, error) {
	if err := p.need(ctx, client.CapReadProfile); err != nil {
		return api.Customer{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	i, ok := p.find(id)
	if !ok {
		return api.Customer{}, notFound("customer", id)
	}
	return p.customers[i], nil
}

// CreateCustomer adds a customer at version 1.
func (p *Platform) CreateCustomer(ctx context.Context, in api.CustomerCreate) (api.Customer, error) {
	if err := p.need(ctx, client.CapCreateCustomer); err != nil {
		return api.Customer{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.nextID++
	c := api.Customer{ID: api.ID(strconv.Itoa(p.nextID)), Email: in.Email, FirstName: in.FirstName, LastName: in.LastName,
		Phone: in.Phone, Addresses: in.Addresses, Status: api.StatusActive, Version: 1, CreatedAt: time.Now().UTC()}
	c.UpdatedAt = c.CreatedAt
	p.customers = append([]api.Customer{c}, p.customers...)
	return c, nil
}

// PatchCustomer changes a customer still at version.
func (p *Platform) PatchCustomer(ctx context.Context, id api.ID, version string, in api.CustomerPatch) (api.Customer, error) {
	if err := p.need(ctx, client.CapEditCustomer); err != nil {
		return api.Customer{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	i, ok := p.find(id)
	if !ok {
		return api.Customer{}, notFound("customer", id)
	}
	c := p.customers[i]
	if cur := client.CustomerVersion(c); version != cur {
		return api.Customer{}, &client.APIError{K: client.KindConflict, Code: api.CodeVersionMismatch,
			Message: fmt.Sprintf("customer %s is at version %s, not %s", id, cur, version), CurrentVersion: cur}
	}
	for _, f := range []struct{ to, from *string }{
		{&c.Email, in.Email}, {&c.FirstName, in.FirstName}, {&c.LastName, in.LastName}, {&c.Phone, in.Phone}, {&c.Status, in.Status},
	} {
		if f.from != nil {
			*f.to = *f.from
		}
	}
	if in.Addresses != nil {
		c.Addresses = slices.Clone(*in.Addresses)
	}
	c.Version++
	c.UpdatedAt = time.Now().UTC()
	p.customers[i] = c
	return c, nil
}

// ListOrders pages through Options.Orders of a customer.
func (p *Platform) ListOrders(ctx context.Context, id api.ID, op client.OrderParams) (client.Page[api.Order], error) {
	if err := p.need(ctx, client.CapOrders); err != nil {
		return client.Page[api.Order]{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var os []api.Order
	for _, o := range p.orders[id] {
		if op.Status == "" || o.Status == op.Status {
			os = append(os, o)
		}
	}
	return page(os, op.Cursor, op.Limit)
}

// GetOrder reads one order.
func (p *Platform) GetOrder(ctx context.Context, customerID, orderID api.ID) (api.Order, error) {
	if err := p.need(ctx, client.CapOrders); err != nil {
		return api.Order{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, o := range p.orders[customerID] {
		if o.ID == orderID {
			return o, nil
		}
	}
	return api.Order{}, notFound("order", orderID)
}

// FindOrder finds an order by its number as quoted (api.ParseOrderNumber:
// the frontdesk contract's numbers), and its customer.
func (p *Platform) FindOrder(ctx context.Context, number string) (api.OrderMatch, error) {
	if err := p.need(ctx, client.CapFindOrder); err != nil {
		return api.OrderMatch{}, err
	}
	q, ok := api.ParseOrderNumber(number)
	if !ok {
		return api.OrderMatch{}, &client.APIError{K: client.KindInvalid, Code: api.CodeValidation,
			Message: "not an order number: " + strconv.Quote(number), Fields: map[string]string{"number": "give an order number: FD-00001584, #1584 or 1584"}}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for cid, os := range p.orders {
		for _, o := range os {
			if o.Number != q.Number {
				continue
			}
			for _, c := range p.customers {
				if c.ID == cid {
					return api.OrderMatch{Order: o, Customer: c}, nil
				}
			}
		}
	}
	return api.OrderMatch{}, notFound("order", api.ID(q.Number))
}

// GetLoyalty is an empty balance.
func (p *Platform) GetLoyalty(ctx context.Context, id api.ID) (api.Loyalty, error) {
	if err := p.need(ctx, client.CapLoyalty); err != nil {
		return api.Loyalty{}, err
	}
	return api.Loyalty{}, nil
}

// ListLedger is an empty ledger.
func (p *Platform) ListLedger(ctx context.Context, id api.ID, pp client.PageParams) (client.Page[api.LedgerEntry], error) {
	if err := p.need(ctx, client.CapLoyalty); err != nil {
		return client.Page[api.LedgerEntry]{}, err
	}
	return page[api.LedgerEntry](nil, pp.Cursor, pp.Limit)
}

// AdjustLoyalty is not kept: the fake has no ledger.
func (p *Platform) AdjustLoyalty(ctx context.Context, id api.ID, req api.AdjustmentRequest, key string) (api.AdjustmentResult, bool, error) {
	if err := p.need(ctx, client.CapLoyaltyAdjust); err != nil {
		return api.AdjustmentResult{}, false, err
	}
	return api.AdjustmentResult{}, false, client.Unsupported(client.CapLoyaltyAdjust, "the fake platform keeps no ledger")
}

// ListNotes pages through the notes added.
func (p *Platform) ListNotes(ctx context.Context, id api.ID, pp client.PageParams) (client.Page[api.Note], error) {
	if err := p.need(ctx, client.CapNotes); err != nil {
		return client.Page[api.Note]{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return page(p.notes[id], pp.Cursor, pp.Limit)
}

// AddNote keeps a note, newest first.
func (p *Platform) AddNote(ctx context.Context, id api.ID, body string) (api.Note, error) {
	if err := p.need(ctx, client.CapNotes); err != nil {
		return api.Note{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.find(id); !ok {
		return api.Note{}, notFound("customer", id)
	}
	p.nextID++
	n := api.Note{ID: api.ID(strconv.Itoa(p.nextID)), CustomerID: id, Body: body, AgentID: p.me.AgentID, AgentName: p.me.Name, CreatedAt: time.Now().UTC()}
	p.notes[id] = append([]api.Note{n}, p.notes[id]...)
	return n, nil
}

// The fake has no on-behalf sessions: every call says so (or, with
// CapOnBehalf, that the fake does not keep them).
func (p *Platform) noSessions(ctx context.Context) error {
	if err := p.need(ctx, client.CapOnBehalf); err != nil {
		return err
	}
	return client.Unsupported(client.CapOnBehalf, "the fake platform keeps no on-behalf sessions")
}

// CreateSession fails: see noSessions.
func (p *Platform) CreateSession(ctx context.Context, customerID api.ID, reason, ticket string) (api.AgentSession, error) {
	return api.AgentSession{}, p.noSessions(ctx)
}

// RefreshSession fails: see noSessions.
func (p *Platform) RefreshSession(ctx context.Context, sessionID api.ID) (api.AgentSession, error) {
	return api.AgentSession{}, p.noSessions(ctx)
}

// EndSession succeeds: there is never a session to end.
func (p *Platform) EndSession(ctx context.Context, sessionID api.ID) error { return ctx.Err() }

// ListSessions is empty: nobody acts for anyone.
func (p *Platform) ListSessions(ctx context.Context, customerID api.ID) ([]api.AgentSession, error) {
	return nil, ctx.Err()
}

// GetCustomerAs fails: see noSessions.
func (p *Platform) GetCustomerAs(ctx context.Context, token string, id api.ID) (api.Customer, error) {
	return api.Customer{}, p.noSessions(ctx)
}

// PatchCustomerAs fails: see noSessions.
func (p *Platform) PatchCustomerAs(ctx context.Context, token string, id api.ID, version string, in api.CustomerPatch) (api.Customer, error) {
	return api.Customer{}, p.noSessions(ctx)
}

// Coupons fails: see noSessions.
func (p *Platform) Coupons(ctx context.Context, token string, id api.ID) ([]api.Coupon, error) {
	return nil, p.noSessions(ctx)
}

// SendPasswordReset fails: see noSessions.
func (p *Platform) SendPasswordReset(ctx context.Context, token string, id api.ID) (api.PasswordReset, error) {
	return api.PasswordReset{}, p.noSessions(ctx)
}

// ListAudit is empty: the fake records nothing.
func (p *Platform) ListAudit(ctx context.Context, ap client.AuditParams) (client.Page[api.AuditEntry], error) {
	if err := p.need(ctx, client.CapAudit); err != nil {
		return client.Page[api.AuditEntry]{}, err
	}
	return page[api.AuditEntry](nil, ap.Cursor, ap.Limit)
}

// PreviewMerge is refused: the fake keeps no ledger to merge.
func (p *Platform) PreviewMerge(ctx context.Context, keep, drop api.ID) (api.MergePreview, error) {
	if err := p.need(ctx, client.CapMerge); err != nil {
		return api.MergePreview{}, err
	}
	return api.MergePreview{}, client.Unsupported(client.CapMerge, "the fake platform cannot merge customers")
}

// MergeCustomers is refused: the fake keeps no ledger to merge.
func (p *Platform) MergeCustomers(ctx context.Context, keep, drop api.ID, key string) (api.MergeResult, bool, error) {
	if err := p.need(ctx, client.CapMerge); err != nil {
		return api.MergeResult{}, false, err
	}
	return api.MergeResult{}, false, client.Unsupported(client.CapMerge, "the fake platform cannot merge customers")
}

// Heartbeat answers nobody else present: the fake has one agent.
func (p *Platform) Heartbeat(ctx context.Context, id api.ID, _ bool) (api.Presence, error) {
	if err := p.caps.Check(client.CapPresence); err != nil {
		return api.Presence{}, err
	}
	if err := ctx.Err(); err != nil {
		return api.Presence{}, err
	}
	return api.Presence{CustomerID: id, Viewers: []api.Viewer{}, TTLSeconds: int(api.PresenceTTL / time.Second)}, nil
}

// LeavePresence succeeds.
func (p *Platform) LeavePresence(ctx context.Context, _ api.ID) error {
	if err := p.caps.Check(client.CapPresence); err != nil {
		return err
	}
	return ctx.Err()
}
