package api

import (
	"encoding/json"
	"time"
)

// Base is the path prefix of every endpoint.
const Base = "/api/v1"

// The desk server's endpoints for operators (load balancers, systemd,
// Prometheus): outside Base and the contract, without a key, documented
// in docs/deploy.md.
const (
	// PathHealth answers 200 while the process serves at all.
	PathHealth = "/healthz"
	// PathReady answers 200 when the server can take traffic (its
	// database answers, it is not draining), 503 otherwise.
	PathReady = "/readyz"
	// PathMetrics is the Prometheus exposition of the server's metrics.
	PathMetrics = "/metrics"
)

// Header names used by the API.
const (
	HeaderIdempotencyKey = "Idempotency-Key"
	HeaderReplayed       = "Idempotent-Replayed"
	HeaderRequestID      = "X-Request-Id"
	HeaderAgent          = "X-Frontdesk-Agent"
	HeaderVia            = "X-Frontdesk-Via"
	HeaderCustomerToken  = "X-Customer-Token"
	HeaderIfMatch        = "If-Match"
	HeaderETag           = "ETag"
	HeaderRetryAfter     = "Retry-After"
)

// Roles, weakest first.
const (
	RoleViewer     = "viewer"
	RoleAgent      = "agent"
	RoleSupervisor = "supervisor"
	RoleAdmin      = "admin"
)

// Roles lists every role, weakest first.
var Roles = []string{RoleViewer, RoleAgent, RoleSupervisor, RoleAdmin}

// RoleRank orders roles: a caller may do what its rank allows. Unknown
// roles rank below viewer, so they can do nothing.
func RoleRank(role string) int {
	for i, r := range Roles {
		if r == role {
			return i
		}
	}
	return -1
}

// RoleAtLeast reports whether role is min or stronger.
func RoleAtLeast(role, min string) bool {
	return RoleRank(role) >= RoleRank(min) && RoleRank(role) >= 0
}

// Customer statuses.
const (
	StatusActive   = "active"
	StatusDisabled = "disabled"
)

// Status values of the envelope.
const (
	EnvelopeSuccess = "success"
	EnvelopeError   = "error"
)

// Envelope wraps every response body (seed 004).
type Envelope struct {
	Status string          `json:"status"`
	Data   json.RawMessage `json:"data,omitempty"`
	Error  *ErrorBody      `json:"error,omitempty"`
}

// ErrorBody is the error half of the envelope.
type ErrorBody struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
	// CurrentVersion is set on 412 version_mismatch: the version the
	// server holds now, so the client can re-apply on top of it.
	CurrentVersion *int64 `json:"current_version,omitempty"`
}

// Error codes (error.code). The HTTP status of each is in the contract.
const (
	CodeValidation           = "validation_error"       // 400
	CodeBadRequest           = "bad_request"            // 400 malformed body or query
	CodeUnauthorized         = "unauthorized"           // 401 bad or missing key
	CodeForbidden            = "forbidden"              // 403 role too weak
	CodeAgentHeaderForbidden = "agent_header_forbidden" // 403 non-gateway key named an agent
	CodeUnknownAgent         = "unknown_agent"          // 403 gateway named an unknown agent
	CodeOverLimit            = "over_limit"             // 403 adjustment over the agent's limit
	CodeNotFound             = "not_found"              // 404
	CodeMethodNotAllowed     = "method_not_allowed"     // 405 known path, other method
	CodeUnsupportedMediaType = "unsupported_media_type" // 415 a body without Content-Type: application/json
	CodeDuplicateEmail       = "duplicate_email"        // 409
	CodeIdempotencyInFlight  = "idempotency_in_flight"  // 409
	CodeVersionMismatch      = "version_mismatch"       // 412
	CodeInsufficientPoints   = "insufficient_points"    // 422
	CodeIdempotencyReused    = "idempotency_key_reused" // 422
	CodeCustomerDisabled     = "customer_disabled"      // 422
	CodeAlreadyMerged        = "already_merged"         // 409 a merge of a customer merged before
	CodeMergeInvalid         = "merge_invalid"          // 422 a merge the rules refuse (keep == drop, disabled)
	CodeIfMatchRequired      = "if_match_required"      // 428
	CodeRateLimited          = "rate_limited"           // 429
	CodeInternal             = "internal_error"         // 500
	CodeUnsupported          = "unsupported"            // 501 the store behind the desk cannot do this
	CodeUpstream             = "upstream_failed"        // 502 the store behind the desk failed

	// On-behalf sessions and customer-scoped calls (X-Customer-Token).
	CodeSessionRequired       = "session_required"        // 401 customer-scope call without X-Customer-Token
	CodeSessionInvalid        = "session_invalid"         // 401 unknown customer token, or another agent's
	CodeSessionExpired        = "session_expired"         // 401 the token's time is up
	CodeSessionRevoked        = "session_revoked"         // 401 the session was ended
	CodeTokenCustomerMismatch = "token_customer_mismatch" // 403 the token is for another customer than the path's
	CodeSessionCapReached     = "session_cap_reached"     // 422 refresh past the absolute cap (8 h)
	CodeSessionEnded          = "session_ended"           // 422 refresh of an expired or revoked session
)

// Error codes of the SSH gateways' session leases (POST /gateway-sessions).
const (
	CodeGatewaySessionsFull = "gateway_sessions_full" // 409 every place of the desk's session cap is taken
	CodeAgentSessionsFull   = "agent_sessions_full"   // 409 the agent has as many sessions open as one agent may
)

// Me is the calling agent (GET /me).
type Me struct {
	AgentID      string `json:"agent_id"`
	Name         string `json:"name"`
	Role         string `json:"role"`
	LoyaltyLimit int64  `json:"loyalty_limit"`
	KeyID        string `json:"key_id"`
	Gateway      bool   `json:"gateway"`
	// Unsupported names what the store behind the desk cannot do, by
	// capability ("loyalty", "orders", …), with the reason; absent when
	// the desk keeps the store itself and can do everything.
	Unsupported map[string]string `json:"unsupported,omitempty"`
}

// Address is a postal address of a customer.
type Address struct {
	ID       ID     `json:"id,omitempty"`
	Type     string `json:"type"` // shipping | billing
	Address1 string `json:"address1"`
	Address2 string `json:"address2,omitempty"`
	City     string `json:"city"`
	State    string `json:"state,omitempty"`
	Zip      string `json:"zip,omitempty"`
	Country  string `json:"country"`
	Default  bool   `json:"default,omitempty"`
}

// MonthSpend is one month of a customer's spend, for the 12-month chart.
type MonthSpend struct {
	Month  string `json:"month"` // YYYY-MM
	Amount int64  `json:"amount"`
}

// StoreMetrics summarises a customer's purchases (seed 000).
type StoreMetrics struct {
	TotalOrders       int          `json:"total_orders"`
	TotalSpent        int64        `json:"total_spent"`
	AverageOrderValue int64        `json:"average_order_value"`
	FirstOrderAt      *time.Time   `json:"first_order_at"`
	LastOrderAt       *time.Time   `json:"last_order_at"`
	LTVPercentile     int          `json:"ltv_percentile"`
	MonthlySpend      []MonthSpend `json:"monthly_spend,omitempty"`
	Currency          string       `json:"currency"`
}

// Customer is the seed 004 customer, plus status, version and metrics.
// Money is integer minor units of Currency.
type Customer struct {
	ID             ID            `json:"id"`
	Email          string        `json:"email"`
	EmailConfirmed bool          `json:"email_confirmed"`
	FirstName      string        `json:"first_name"`
	LastName       string        `json:"last_name"`
	Phone          string        `json:"phone"`
	Status         string        `json:"status"`
	TotalOrders    int           `json:"total_orders"`
	TotalSpent     int64         `json:"total_spent"`
	Currency       string        `json:"currency"`
	Addresses      []Address     `json:"addresses"`
	CreatedAt      time.Time     `json:"created_at"`
	UpdatedAt      time.Time     `json:"updated_at"`
	Version        int64         `json:"version"`
	StoreMetrics   *StoreMetrics `json:"store_metrics,omitempty"`
	// Notes and Orders are the most recent few, on the single-customer
	// response only (seed 004 shows them there).
	Notes  []Note  `json:"notes,omitempty"`
	Orders []Order `json:"orders,omitempty"`

	// MergedInto is the customer this one was merged into (see
	// POST /customers/{id}/merge); such a customer is retired.
	MergedInto *ID `json:"merged_into,omitempty"`
}

// Name is "First Last", trimmed.
func (c Customer) Name() string {
	switch {
	case c.FirstName == "":
		return c.LastName
	case c.LastName == "":
		return c.FirstName
	}
	return c.FirstName + " " + c.LastName
}

// CustomerList is the data of GET /customers.
type CustomerList struct {
	Customers       []Customer `json:"customers"`
	Total           int        `json:"total"`
	TotalIsEstimate bool       `json:"total_is_estimate"`
	Page            int        `json:"page"`
	Limit           int        `json:"limit"`
	// Next is the opaque cursor of the page after this one (the after
	// parameter), absent on the last page.
	Next string `json:"next,omitempty"`
}

// CustomerEnvelope is the data of GET/POST/PATCH /customers/{id}.
type CustomerEnvelope struct {
	Customer Customer `json:"customer"`
}

// CustomerCreate is the body of POST /customers.
type CustomerCreate struct {
	Email     string    `json:"email"`
	FirstName string    `json:"first_name"`
	LastName  string    `json:"last_name"`
	Phone     string    `json:"phone,omitempty"`
	Addresses []Address `json:"addresses,omitempty"`
}

// CustomerPatch is the body of PATCH /customers/{id}: only non-nil fields
// are sent and changed.
type CustomerPatch struct {
	Email     *string    `json:"email,omitempty"`
	FirstName *string    `json:"first_name,omitempty"`
	LastName  *string    `json:"last_name,omitempty"`
	Phone     *string    `json:"phone,omitempty"`
	Status    *string    `json:"status,omitempty"`
	Addresses *[]Address `json:"addresses,omitempty"`
}

// Empty reports whether the patch changes nothing.
func (p CustomerPatch) Empty() bool {
	return p.Email == nil && p.FirstName == nil && p.LastName == nil &&
		p.Phone == nil && p.Status == nil && p.Addresses == nil
}

// Order statuses.
const (
	OrderPending    = "pending"
	OrderPaid       = "paid"
	OrderProcessing = "processing"
	OrderShipped    = "shipped"
	OrderDelivered  = "delivered"
	OrderCancelled  = "cancelled"
	OrderRefunded   = "refunded"
)

// OrderStatuses lists every order status.
var OrderStatuses = []string{OrderPending, OrderPaid, OrderProcessing, OrderShipped, OrderDelivered, OrderCancelled, OrderRefunded}

// OrderItem is one line of an order.
type OrderItem struct {
	SKU       string `json:"sku"`
	Name      string `json:"name"`
	Quantity  int    `json:"quantity"`
	UnitPrice int64  `json:"unit_price"`
	Total     int64  `json:"total"`
}

// Order is an order; list responses leave Items and the addresses out.
type Order struct {
	ID                ID          `json:"id"`
	Number            string      `json:"number"`
	CustomerID        ID          `json:"customer_id"`
	Status            string      `json:"status"`
	PaymentStatus     string      `json:"payment_status"`
	FulfillmentStatus string      `json:"fulfillment_status"`
	Currency          string      `json:"currency"`
	Subtotal          int64       `json:"subtotal"`
	Shipping          int64       `json:"shipping"`
	Tax               int64       `json:"tax"`
	Discount          int64       `json:"discount"`
	Total             int64       `json:"total"`
	ItemCount         int         `json:"item_count"`
	CreatedAt         time.Time   `json:"created_at"`
	Items             []OrderItem `json:"items,omitempty"`
	ShippingAddress   *Address    `json:"shipping_address,omitempty"`
	BillingAddress    *Address    `json:"billing_address,omitempty"`
}

// OrderList is the data of GET /customers/{id}/orders.
type OrderList struct {
	Orders []Order `json:"orders"`
	Total  int     `json:"total"`
	Page   int     `json:"page"`
	Limit  int     `json:"limit"`
}

// OrderEnvelope is the data of GET /customers/{id}/orders/{order_id}.
type OrderEnvelope struct {
	Order Order `json:"order"`
}

// OrderMatch is the data of GET /orders?number=: the order with that
// number (with its items and addresses) and the customer who placed it.
type OrderMatch struct {
	Order    Order    `json:"order"`
	Customer Customer `json:"customer"`
}

// Ledger entry types.
const (
	LedgerEarn   = "earn"
	LedgerRedeem = "redeem"
	LedgerAdjust = "adjust"
	LedgerExpire = "expire"
)

// Adjustment reasons.
const (
	ReasonGoodwill      = "goodwill"
	ReasonCorrection    = "correction"
	ReasonMissingEarn   = "missing_earn"
	ReasonOrderIssue    = "order_issue"
	ReasonFraudReversal = "fraud_reversal"
	ReasonOther         = "other"
)

// AdjustmentReasons lists every reason an adjustment may give.
var AdjustmentReasons = []string{ReasonGoodwill, ReasonCorrection, ReasonMissingEarn, ReasonOrderIssue, ReasonFraudReversal, ReasonOther}

// LedgerEntry is one append-only loyalty ledger row.
type LedgerEntry struct {
	ID           ID        `json:"id"`
	Type         string    `json:"type"`
	Points       int64     `json:"points"`
	BalanceAfter int64     `json:"balance_after"`
	OrderID      *ID       `json:"order_id,omitempty"`
	Reason       string    `json:"reason,omitempty"`
	Note         string    `json:"note,omitempty"`
	AgentID      string    `json:"agent_id,omitempty"`
	AgentName    string    `json:"agent_name,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
}

// Loyalty is the data of GET /customers/{id}/loyalty (seed 004).
type Loyalty struct {
	CustomerID     ID            `json:"customer_id"`
	PointsBalance  int64         `json:"points_balance"`
	LifetimeEarned int64         `json:"lifetime_earned"`
	Ledger         []LedgerEntry `json:"ledger"`
}

// LedgerPage is the data of GET /customers/{id}/loyalty/ledger.
type LedgerPage struct {
	Ledger []LedgerEntry `json:"ledger"`
	Total  int           `json:"total"`
	Page   int           `json:"page"`
	Limit  int           `json:"limit"`
}

// AdjustmentRequest is the body of POST /customers/{id}/loyalty/adjustments.
type AdjustmentRequest struct {
	Points int64  `json:"points"`
	Reason string `json:"reason"`
	Note   string `json:"note"`
}

// AdjustmentResult is the data of a successful adjustment.
type AdjustmentResult struct {
	Entry         LedgerEntry `json:"entry"`
	PointsBalance int64       `json:"points_balance"`
}

// Note is an internal support note.
type Note struct {
	ID         ID        `json:"id"`
	CustomerID ID        `json:"customer_id"`
	Body       string    `json:"body"`
	AgentID    string    `json:"agent_id"`
	AgentName  string    `json:"agent_name"`
	CreatedAt  time.Time `json:"created_at"`
}

// NoteList is the data of GET /customers/{id}/notes.
type NoteList struct {
	Notes []Note `json:"notes"`
	Total int    `json:"total"`
	Page  int    `json:"page"`
	Limit int    `json:"limit"`
}

// NoteEnvelope is the data of POST /customers/{id}/notes.
type NoteEnvelope struct {
	Note Note `json:"note"`
}

// NoteCreate is the body of POST /customers/{id}/notes.
type NoteCreate struct {
	Body string `json:"body"`
}

// Search sort orders.
const (
	SortNewest       = "-created_at"
	SortTopSpenders  = "-total_spent"
	SortName         = "name"
	DefaultPageLimit = 20
	MaxPageLimit     = 100
	// TotalExactCap is where list totals stop being exact.
	TotalExactCap = 10000
)

// Sorts lists the accepted sort values, default first.
var Sorts = []string{SortNewest, SortTopSpenders, SortName}
