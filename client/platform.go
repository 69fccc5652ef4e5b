package client

import (
	"context"
	"strconv"
	"time"

	"frontdesk/api"
)

// Platform is everything the console, the CLI and the gateway ask of a
// store. A driver implements it for one platform; wrappers (the gateway's
// role checks, the on-behalf scope) embed one and override what they
// must. Every method is safe for concurrent use. A call the platform
// cannot serve fails with KindUnsupported; Capabilities says so before
// anyone asks.
//
// The methods come in groups, each a narrow view of its own:
//   - Customers: SearchCustomers, GetCustomer, CreateCustomer, PatchCustomer
//   - Orders: ListOrders, GetOrder, FindOrder
//   - Loyalty: GetLoyalty, ListLedger, AdjustLoyalty
//   - Notes: ListNotes, AddNote
//   - OnBehalf: CreateSession, RefreshSession, EndSession, ListSessions,
//     and as the customer GetCustomerAs, PatchCustomerAs, Coupons,
//     SendPasswordReset
//   - Audit: ListAudit
//   - Merges: PreviewMerge, MergeCustomers
//   - Presence: Heartbeat, LeavePresence
//
// Ids and versions are opaque strings; lists answer a Page with cursors;
// every failure from the store is an *APIError with a Kind.
type Platform interface {
	// Capabilities says what this platform can do, and why not where it
	// cannot. It does not call the store.
	Capabilities() Capabilities
	// Me is the agent the credentials act as: the cheapest way to check
	// that they work.
	Me(ctx context.Context) (api.Me, error)

	Customers
	Orders
	Loyalty
	Notes
	OnBehalf
	Audit
	Merges
	Presence
}

// Merges merges duplicate customers (supervisors; the desk server only).
type Merges interface {
	// PreviewMerge says what merging drop into keep would move, and
	// keep's balance and totals after; it changes nothing.
	PreviewMerge(ctx context.Context, keep, drop api.ID) (api.MergePreview, error)
	// MergeCustomers merges drop into keep once per idempotencyKey ("" makes
	// a new one; pass the same key to retry the same merge). replayed is
	// true when the answer is an earlier merge's under the same key.
	MergeCustomers(ctx context.Context, keep, drop api.ID, idempotencyKey string) (res api.MergeResult, replayed bool, err error)
}

// Customers finds, reads and changes customers as the agent.
type Customers interface {
	// SearchCustomers lists a page of customers matching p.
	SearchCustomers(ctx context.Context, p SearchParams) (Page[api.Customer], error)
	// GetCustomer reads one customer with its store metrics and version.
	GetCustomer(ctx context.Context, id api.ID) (api.Customer, error)
	// CreateCustomer creates a customer. It is never retried.
	CreateCustomer(ctx context.Context, in api.CustomerCreate) (api.Customer, error)
	// PatchCustomer changes the fields set in p if the customer is still
	// at version (CustomerVersion of what was read); otherwise it fails
	// with KindConflict carrying the current version. It is never retried.
	PatchCustomer(ctx context.Context, id api.ID, version string, p api.CustomerPatch) (api.Customer, error)
}

// Orders reads a customer's orders.
type Orders interface {
	// ListOrders lists a page of a customer's orders, newest first.
	ListOrders(ctx context.Context, customerID api.ID, p OrderParams) (Page[api.Order], error)
	// GetOrder reads one order with its items and addresses.
	GetOrder(ctx context.Context, customerID, orderID api.ID) (api.Order, error)
	// FindOrder finds the order numbered number, as a customer quotes it
	// (FD-00001584, #1584, 1584 on the frontdesk contract), with its
	// items and addresses and the customer who placed it (CapFindOrder).
	// KindNotFound when the store has no such order; KindInvalid when
	// number is not an order number of this platform.
	FindOrder(ctx context.Context, number string) (api.OrderMatch, error)
}

// Loyalty reads and adjusts loyalty points (CapLoyalty).
type Loyalty interface {
	// GetLoyalty is the balance and the most recent ledger entries.
	GetLoyalty(ctx context.Context, customerID api.ID) (api.Loyalty, error)
	// ListLedger pages through the whole ledger, newest first.
	ListLedger(ctx context.Context, customerID api.ID, p PageParams) (Page[api.LedgerEntry], error)
	// AdjustLoyalty adds (negative: removes) points once per
	// idempotencyKey ("" makes a new one); replayed is true when the
	// store answered from an earlier application of the same key.
	AdjustLoyalty(ctx context.Context, customerID api.ID, req api.AdjustmentRequest, idempotencyKey string) (res api.AdjustmentResult, replayed bool, err error)
}

// Notes reads and adds internal support notes (CapNotes).
type Notes interface {
	// ListNotes pages through a customer's notes, newest first.
	ListNotes(ctx context.Context, customerID api.ID, p PageParams) (Page[api.Note], error)
	// AddNote adds a note. It is never retried.
	AddNote(ctx context.Context, customerID api.ID, body string) (api.Note, error)
}

// OnBehalf is acting on behalf of a customer (CapOnBehalf): the agent's
// session calls, and the calls that run as the customer with a session's
// token. Most callers want StartSession, whose *Session keeps the token
// fresh and revokes it on Close.
type OnBehalf interface {
	// CreateSession starts a session; the answer carries the token, which
	// is never shown again. It is never retried.
	CreateSession(ctx context.Context, customerID api.ID, reason, ticket string) (api.AgentSession, error)
	// RefreshSession gets a new token and expiry.
	RefreshSession(ctx context.Context, sessionID api.ID) (api.AgentSession, error)
	// EndSession revokes a session; ending an ended one succeeds.
	EndSession(ctx context.Context, sessionID api.ID) error
	// ListSessions lists the live sessions (without tokens), on one
	// customer or, with an empty customerID, on all.
	ListSessions(ctx context.Context, customerID api.ID) ([]api.AgentSession, error)

	// GetCustomerAs reads a customer as the customer (their own view).
	GetCustomerAs(ctx context.Context, token string, id api.ID) (api.Customer, error)
	// PatchCustomerAs edits a customer as the customer, based on version.
	PatchCustomerAs(ctx context.Context, token string, id api.ID, version string, p api.CustomerPatch) (api.Customer, error)
	// Coupons lists the coupons the customer may use now (CapCoupons).
	Coupons(ctx context.Context, token string, id api.ID) ([]api.Coupon, error)
	// SendPasswordReset mails the customer a reset link
	// (CapPasswordReset). It is never retried.
	SendPasswordReset(ctx context.Context, token string, id api.ID) (api.PasswordReset, error)
}

// Presence is who else has a customer open (CapPresence): the console's
// collision notice.
type Presence interface {
	// Heartbeat says the agent has the customer open (editing: with the
	// edit form open), for api.PresenceTTL, and answers the other agents
	// who have it open. A console sends one every api.PresenceHeartbeat
	// while the profile is open.
	Heartbeat(ctx context.Context, customerID api.ID, editing bool) (api.Presence, error)
	// LeavePresence says the agent closed the customer; leaving twice
	// succeeds.
	LeavePresence(ctx context.Context, customerID api.ID) error
}

// Audit reads the audit trail (CapAudit).
type Audit interface {
	// ListAudit lists a page of the trail, newest first.
	ListAudit(ctx context.Context, p AuditParams) (Page[api.AuditEntry], error)
}

// Page is one page of a list. Cursors are opaque: pass Next or Prev back
// in the params' Cursor to turn the page; "" means there is no such page.
type Page[T any] struct {
	Items []T
	// Total is how many items the whole list holds; a lower bound when
	// TotalIsEstimate.
	Total           int
	TotalIsEstimate bool
	// Next and Prev are the cursors of the pages after and before this
	// one, "" at the ends.
	Next, Prev string
	// Number is this page's 1-based number, for "page 3 of 9", when the
	// platform numbers pages (0 when it does not).
	Number int
	// Limit is how many items a page holds.
	Limit int
}

// PageParams selects a page: Cursor from a Page's Next or Prev ("" for
// the first), Limit items a page (0 for the platform's default).
type PageParams struct {
	Cursor string
	Limit  int
}

// SearchParams selects a page of customers. Zero values leave the
// platform's defaults (no filter, newest first, first page).
type SearchParams struct {
	Query  string // substring of email, first/last name or phone
	Sort   string // api.SortNewest (default), api.SortTopSpenders, api.SortName
	Cursor string // from a Page's Next or Prev; "" for the first page
	Limit  int    // per page, at most api.MaxPageLimit
}

// OrderParams selects a page of a customer's orders, newest first.
type OrderParams struct {
	Cursor      string
	Limit       int
	Status      string    // one of api.OrderStatuses, "" for all
	From, Until time.Time // created at or after From, before Until; zero for open
}

// AuditParams selects a page of the audit trail. Zero values leave the
// defaults (no filter, first page). Agents and viewers must name a
// customer or themselves; only supervisors may read the whole store's
// trail.
type AuditParams struct {
	CustomerID api.ID
	AgentID    string
	Action     string // one of api.AuditActions
	SessionID  string // rows made through this on-behalf session
	Cursor     string
	Limit      int
}

// CustomerVersion is c's version as the opaque string PatchCustomer and
// PatchCustomerAs take, "" when c has none.
func CustomerVersion(c api.Customer) string {
	if c.Version <= 0 {
		return ""
	}
	return strconv.FormatInt(c.Version, 10)
}
