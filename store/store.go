// Package store is the server's storage seam: one interface (Store) that
// the HTTP handlers reach every row through, and the types that cross
// it. Engines implement it: store/sqlite is the first (and the embedded
// default); a PostgreSQL engine joins by implementing the same interface
// and passing store/storetest, the conformance suite.
//
// Customer ids cross the seam as text (api.ID): the server's own tables
// (notes, on-behalf sessions, the audit trail, idempotency keys) key
// customers by text, so a platform's "cstmr_…" id fits as well as the
// sandbox's integer ids rendered as digits.
//
// Everything runs in a transaction: Read gives one consistent snapshot,
// Write commits everything fn did or nothing. A change and its audit row
// are written in one Write, so they commit together.
package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"frontdesk/api"
	"frontdesk/store/audit"
)

// Errors engines return, to be matched with errors.Is.
var (
	// ErrNotFound: the row named does not exist (or its id cannot name
	// a row of this engine, such as letters for an integer key).
	ErrNotFound = errors.New("not found")
	// ErrInvalidKey: a SearchParams.After key that this engine did not
	// hand out (its values do not have the sort's form).
	ErrInvalidKey = errors.New("invalid search key")
	// ErrInsufficientPoints: an adjustment would make a balance negative.
	ErrInsufficientPoints = errors.New("insufficient points")
	// ErrDuplicate: a row with this key exists already (an idempotency
	// key claimed twice, an email taken).
	ErrDuplicate = errors.New("duplicate")
)

// InsufficientPointsError is AppendAdjustment's refusal of an adjustment
// that would make the balance negative; it matches ErrInsufficientPoints.
type InsufficientPointsError struct {
	// Balance is the balance the adjustment was refused on.
	Balance int64
}

func (e *InsufficientPointsError) Error() string {
	return fmt.Sprintf("insufficient points: the balance is %d", e.Balance)
}

// Is makes errors.Is(err, ErrInsufficientPoints) true.
func (e *InsufficientPointsError) Is(target error) bool { return target == ErrInsufficientPoints }

// VersionConflictError is UpdateCustomer's answer when the customer is
// no longer at the version the change was made on.
type VersionConflictError struct {
	// Current is the version the customer is at.
	Current int64
}

func (e *VersionConflictError) Error() string {
	return fmt.Sprintf("version conflict: the customer is at version %d", e.Current)
}

// UnsupportedError is a call the store of record cannot serve: a
// platform behind the desk (desk/upstream) lacking the capability. The
// server answers it as 501 `unsupported` with Reason.
type UnsupportedError struct {
	// Capability is what is missing (a client capability name).
	Capability string
	// Reason is the platform's sentence for people.
	Reason string
}

func (e *UnsupportedError) Error() string { return e.Reason }

// UpstreamError is the platform behind the desk failing a call (down,
// refusing the desk's key, answering nonsense). The server answers it as
// 502 with the platform's message.
type UpstreamError struct{ Err error }

func (e *UpstreamError) Error() string { return "the store behind the desk failed: " + e.Err.Error() }
func (e *UpstreamError) Unwrap() error { return e.Err }

// Store is a storage engine. Every method is safe for concurrent use.
type Store interface {
	// Read runs fn in a read-only transaction: one consistent snapshot.
	Read(ctx context.Context, fn func(Tx) error) error
	// Write runs fn in a write transaction and commits when fn returns
	// nil; fn's error is returned as is (wrapped only for the engine's
	// own failures). Writes are serialised: an audit append in one never
	// races another's.
	Write(ctx context.Context, fn func(Tx) error) error
	// VerifyAudit recomputes the audit hash chain (see audit.Verify).
	VerifyAudit(ctx context.Context) (audit.Result, error)
	// Close releases the engine's connections.
	Close() error
}

// SearchWarmer is an engine whose SearchCustomers answers from an index
// in memory that it loads from the database before its first answer
// (store/sqlite and store/postgres: every customer, seconds at a
// million). The server starts the load when it starts and answers
// /readyz 503 until SearchReady; a search that comes first waits for it.
type SearchWarmer interface {
	// WarmSearch loads the index (or brings it up to date).
	WarmSearch(ctx context.Context) error
	// SearchReady reports whether the index has been loaded.
	SearchReady() bool
}

// Tx is what a transaction can read and write. Methods that write fail
// in a Read transaction.
type Tx interface {
	Customers
	Orders
	Loyalty
	Idempotency
	Notes
	Sessions
	Keys
	CustomerScope
	Audit
	Retention
	GatewayLeases
	Presences
}

// Presences are which agents have which customer open (the console's
// collision notice): one row per customer and agent, live until its
// ExpiresAt, kept alive by heartbeats. Rows live in the database so every
// replica and gateway sees the same presence.
type Presences interface {
	// TouchPresence records that p.AgentID has p.CustomerID open at now:
	// a live row (ExpiresAt after now) keeps its Since and takes p's
	// name, via, editing and ExpiresAt; otherwise a new row starts with
	// Since now. It returns the row's Since; fresh is true when the row
	// is new (the agent was not present).
	TouchPresence(ctx context.Context, p Presence, now time.Time) (since time.Time, fresh bool, err error)
	// LeavePresence deletes agentID's row on customerID, if any.
	LeavePresence(ctx context.Context, customerID api.ID, agentID string) error
	// PresenceOf lists the rows on customerID live at now, earliest Since
	// first (then by agent id).
	PresenceOf(ctx context.Context, customerID api.ID, now time.Time) ([]Presence, error)
	// PurgePresence deletes the rows that expired at or before before and
	// says how many.
	PurgePresence(ctx context.Context, before time.Time) (int, error)
}

// Presence is one agent with one customer open.
type Presence struct {
	CustomerID api.ID
	AgentID    string
	// AgentName and Via (api or ssh) are the agent's, for people.
	AgentName, Via string
	// Editing is true while the agent's edit form is open.
	Editing   bool
	Since     time.Time
	ExpiresAt time.Time
}

// GatewayLeases are the places SSH gateways hold for their open sessions:
// one lease per session, live until it expires or is released. The caps
// on live leases hold across every gateway (and every server) on the
// database because writes are serialised: AcquireGatewayLease counts and
// inserts in one Write, which no other Write interleaves with.
type GatewayLeases interface {
	// AcquireGatewayLease stores l when, at l.AcquiredAt, fewer than
	// caps.Total leases are live in all and fewer than caps.PerAgent are
	// live for l.AgentID (a cap of 0 or less is no cap). A lease is live
	// until its ExpiresAt; expired leases are deleted first. A
	// *GatewayCapError (matching ErrGatewayCap) when a cap is reached:
	// nothing is written then.
	AcquireGatewayLease(ctx context.Context, l GatewayLease, caps GatewayCaps) error
	// RenewGatewayLease moves the expiry of lease id, held by key keyID
	// and live at now, to expires, and returns the lease. ErrNotFound when
	// there is no such live lease of that key (released, expired, or
	// another key's).
	RenewGatewayLease(ctx context.Context, id, keyID string, now, expires time.Time) (GatewayLease, error)
	// ReleaseGatewayLease deletes lease id of key keyID; ErrNotFound when
	// there is none.
	ReleaseGatewayLease(ctx context.Context, id, keyID string) error
	// CountGatewayLeases counts the leases live at now, of agentID only
	// when it is not "".
	CountGatewayLeases(ctx context.Context, now time.Time, agentID string) (int, error)
}

// GatewayLease is one SSH session's place, held by a gateway.
type GatewayLease struct {
	ID string
	// AgentID is the agent whose session it is.
	AgentID string
	// KeyID is the gateway key that acquired it; only that key renews or
	// releases it.
	KeyID string
	// Gateway is the gateway's name, for people.
	Gateway    string
	AcquiredAt time.Time
	ExpiresAt  time.Time
}

// GatewayCaps bound the live leases: Total on the whole desk, PerAgent
// for one agent. 0 (or less) is no cap.
type GatewayCaps struct {
	Total, PerAgent int
}

// ErrGatewayCap: a gateway lease was refused because a cap is reached.
var ErrGatewayCap = errors.New("gateway session cap reached")

// Scopes of a GatewayCapError.
const (
	CapDesk  = "desk"
	CapAgent = "agent"
)

// GatewayCapError is AcquireGatewayLease's refusal; it matches
// ErrGatewayCap.
type GatewayCapError struct {
	// Scope is CapDesk (every gateway's sessions) or CapAgent (one
	// agent's).
	Scope string
	// Cap is the cap reached.
	Cap int
}

func (e *GatewayCapError) Error() string {
	if e.Scope == CapAgent {
		return fmt.Sprintf("gateway session cap reached: the agent has %d sessions open", e.Cap)
	}
	return fmt.Sprintf("gateway session cap reached: %d sessions are open on the desk", e.Cap)
}

// Is makes errors.Is(err, ErrGatewayCap) true.
func (e *GatewayCapError) Is(target error) bool { return target == ErrGatewayCap }

// Retention removes what the desk keeps only for a while.
type Retention interface {
	// PurgeIdempotencyKeys deletes the Idempotency-Key claims created
	// before before (done, or in flight for a request that died) and
	// says how many.
	PurgeIdempotencyKeys(ctx context.Context, before time.Time) (int, error)
	// PurgeSessions deletes the on-behalf sessions that ended or expired
	// before before, with their tokens and password-reset records, and
	// says how many sessions. The audit trail keeps its rows about them.
	PurgeSessions(ctx context.Context, before time.Time) (int, error)
}

// Customers are the store's customer records.
type Customers interface {
	// Customer loads one customer with its addresses (no notes, orders
	// or store metrics). ErrNotFound when there is none.
	Customer(ctx context.Context, id api.ID) (api.Customer, error)
	// CustomersByID loads the customers ids name, in that order, with
	// their addresses; ids that name no customer are skipped.
	CustomersByID(ctx context.Context, ids []api.ID) ([]api.Customer, error)
	// SearchCustomers finds one page of customers (see SearchParams).
	SearchCustomers(ctx context.Context, p SearchParams) (SearchResult, error)
	// EmailOwner is the id of a customer other than except whose email
	// equals email case-insensitively, or "" when there is none.
	EmailOwner(ctx context.Context, email string, except api.ID) (api.ID, error)
	// CreateCustomer adds a customer (email unconfirmed, version 1) with
	// its addresses and an empty loyalty account, and returns its id.
	CreateCustomer(ctx context.Context, in api.CustomerCreate, at time.Time) (api.ID, error)
	// UpdateCustomer applies u to customer id if it is at version;
	// the version goes up by one. ErrNotFound, or a
	// *VersionConflictError naming the current version.
	UpdateCustomer(ctx context.Context, id api.ID, version int64, u CustomerUpdate) error
	// OrderDates are the times of the customer's first and last order
	// (nil without orders).
	OrderDates(ctx context.Context, id api.ID) (first, last *time.Time, err error)
	// MonthlySpend sums the totals of the customer's orders since since
	// that were not cancelled or refunded, by month ("2006-01").
	MonthlySpend(ctx context.Context, id api.ID, since time.Time) (map[string]int64, error)
	// SpendDistribution is total_spent of every customer, or of an even
	// sample of about sample customers when there are more than exactMax,
	// ascending.
	SpendDistribution(ctx context.Context, exactMax, sample int) ([]int64, error)
}

// CustomerUpdate is a partial update: nil fields stay as they are.
type CustomerUpdate struct {
	api.CustomerPatch
	// EmailConfirmed, when set, is stored with the patch.
	EmailConfirmed *bool
	// At is the new updated_at.
	At time.Time
}

// SearchParams is one search request (GET /customers).
type SearchParams struct {
	// Query is what the user typed; empty lists everyone.
	Query string
	// Sort is one of api.Sorts ("" for api.SortNewest).
	Sort string
	// Page counts from 1; Limit is 1..api.MaxPageLimit.
	Page, Limit int
	// After, when set, continues the listing after that customer (the
	// Last of the page before, under the same Query and Sort) instead of
	// at Page: keyset pagination, whose cost does not grow with depth.
	// Page is then ignored, and Total and Estimate are not computed
	// (zero): the caller carries them from the first page.
	After *SearchKey
}

// SearchKey is one customer's place in a sort order: its sort key and id.
// K1 and K2 are the key's values as the engine reported them in
// SearchResult.Last, to be handed back unchanged: the creation time for
// api.SortNewest, the total spent (decimal) for api.SortTopSpenders, the
// last and the first name for api.SortName (K2 is empty for the others).
type SearchKey struct {
	K1, K2 string
	ID     api.ID
}

// SearchResult is one page of ids in sort order and the number of
// matches: exact up to api.TotalExactCap, then the cap with Estimate.
type SearchResult struct {
	IDs      []api.ID
	Total    int
	Estimate bool
	// Last is the key of the page's last customer (nil for an empty
	// page), and More reports whether any customer follows it.
	Last *SearchKey
	More bool
}

// Orders are the store's orders.
type Orders interface {
	// OrdersOf lists one page of orders matching f, newest first
	// (without items and addresses).
	OrdersOf(ctx context.Context, f OrderFilter, limit, offset int) ([]api.Order, error)
	// CountOrders counts the orders matching f.
	CountOrders(ctx context.Context, f OrderFilter) (int, error)
	// Order loads one order of a customer with its items and addresses;
	// ErrNotFound when the customer has no such order.
	Order(ctx context.Context, customerID, orderID api.ID) (api.Order, error)
	// OrderByNumber loads the order numbered exactly number (as stored:
	// FD-00001584) with its items and addresses, through the index on
	// the number; ErrNotFound when there is none.
	OrderByNumber(ctx context.Context, number string) (api.Order, error)
}

// OrderFilter picks a customer's orders.
type OrderFilter struct {
	CustomerID api.ID
	// Status, when not "", is the only status listed.
	Status string
	// From (inclusive) and Until (exclusive) bound created_at when not
	// zero.
	From, Until time.Time
}

// Loyalty is the points ledger: append-only, the balance always its sum.
type Loyalty interface {
	// LoyaltyAccount is the customer's balance and lifetime earned
	// points (zeros without an account).
	LoyaltyAccount(ctx context.Context, id api.ID) (balance, lifetimeEarned int64, err error)
	// LedgerOf lists one page of the customer's ledger, newest first.
	LedgerOf(ctx context.Context, id api.ID, limit, offset int) ([]api.LedgerEntry, error)
	// CountLedger counts the customer's ledger entries.
	CountLedger(ctx context.Context, id api.ID) (int, error)
	// AppendAdjustment appends an 'adjust' entry and moves the balance
	// (positive points also count as earned). An
	// *InsufficientPointsError (matching ErrInsufficientPoints) when the
	// balance would go negative; nothing is written then.
	AppendAdjustment(ctx context.Context, a Adjustment) (api.LedgerEntry, error)
}

// Adjustment is a loyalty correction by an agent.
type Adjustment struct {
	CustomerID api.ID
	Points     int64
	Reason     string
	Note       string
	// AgentID is the agent who made it ("" for none: the store's own).
	AgentID string
	At      time.Time
	// IdempotencyKey is the key the desk applies it under (scoped to the
	// agent), for a store that forwards it to a platform; engines that
	// hold the ledger themselves ignore it.
	IdempotencyKey string
}

// Idempotency stores Idempotency-Key claims and their answers, scoped to
// an agent.
type Idempotency interface {
	// IdempotencyKey loads a claim; ErrNotFound when there is none.
	IdempotencyKey(ctx context.Context, agentID, key string) (IdempotencyKey, error)
	// ClaimIdempotencyKey stores k in flight; ErrDuplicate when the
	// agent's key is claimed already.
	ClaimIdempotencyKey(ctx context.Context, k IdempotencyKey) error
	// RenewIdempotencyKey moves an in-flight claim's CreatedAt to at (a
	// takeover of a claim whose request died).
	RenewIdempotencyKey(ctx context.Context, agentID, key string, at time.Time) error
	// FinishIdempotencyKey stores the answer of an in-flight claim and
	// marks it done; ErrNotFound when no claim is in flight.
	FinishIdempotencyKey(ctx context.Context, agentID, key string, status int, response []byte) error
	// ReleaseIdempotencyKey drops an in-flight claim (nothing was
	// applied); a done key stays.
	ReleaseIdempotencyKey(ctx context.Context, agentID, key string) error
}

// Idempotency key states.
const (
	KeyInFlight = "in_flight"
	KeyDone     = "done"
)

// IdempotencyKey is a claimed key.
type IdempotencyKey struct {
	AgentID, Key string
	// CustomerID is the customer the request was for.
	CustomerID api.ID
	// RequestHash identifies the request body; the same key with another
	// body is refused.
	RequestHash string
	// State is KeyInFlight or KeyDone.
	State string
	// Status and Response are the stored answer of a done key.
	Status    int
	Response  []byte
	CreatedAt time.Time
}

// Notes are internal support notes on a customer.
type Notes interface {
	// AddNote stores a note and returns it as stored.
	AddNote(ctx context.Context, n NewNote) (api.Note, error)
	// NotesOf lists one page of the customer's notes, newest first.
	NotesOf(ctx context.Context, customerID api.ID, limit, offset int) ([]api.Note, error)
	// CountNotes counts the customer's notes.
	CountNotes(ctx context.Context, customerID api.ID) (int, error)
}

// NewNote is a note to store.
type NewNote struct {
	CustomerID         api.ID
	Body               string
	AgentID, AgentName string
	At                 time.Time
}

// Sessions are on-behalf (agent-as-customer) sessions and their tokens,
// stored as hashes only.
type Sessions interface {
	// CreateSession stores a new session.
	CreateSession(ctx context.Context, s Session) error
	// Session loads a session with its customer's and agent's names;
	// ErrNotFound when there is none.
	Session(ctx context.Context, id string) (Session, error)
	// SessionByToken finds the session a token hash was issued for and
	// the token's own expiry; ErrNotFound for an unknown hash.
	SessionByToken(ctx context.Context, tokenHash string) (s Session, tokenExpires time.Time, err error)
	// IssueSessionToken stores a token hash for session id.
	IssueSessionToken(ctx context.Context, id, tokenHash string, issued, expires time.Time) error
	// RetireSessionTokens cuts the expiry of session id's tokens to at
	// most notAfter.
	RetireSessionTokens(ctx context.Context, id string, notAfter time.Time) error
	// ExtendSession moves the session's expiry.
	ExtendSession(ctx context.Context, id string, expires time.Time) error
	// EndSession marks the session ended at at by agent by.
	EndSession(ctx context.Context, id string, at time.Time, by string) error
	// LiveSessions lists sessions neither ended nor expired at f.Now,
	// oldest first, at most f.Limit.
	LiveSessions(ctx context.Context, f SessionFilter) ([]Session, error)
}

// Session is an on-behalf session.
type Session struct {
	ID         string
	CustomerID api.ID
	AgentID    string
	KeyID      string
	Reason     string
	Ticket     string
	StartedAt  time.Time
	ExpiresAt  time.Time
	// MaxExpiresAt caps every refresh.
	MaxExpiresAt time.Time
	// EndedAt is set when the session was revoked.
	EndedAt *time.Time
	EndedBy string
	// CustomerName and AgentName are filled in by reads.
	CustomerName, AgentName string
}

// SessionFilter narrows LiveSessions.
type SessionFilter struct {
	Now        time.Time
	CustomerID api.ID // "" for every customer
	AgentID    string // "" for every agent
	Limit      int
}

// Keys are agents and their API keys.
type Keys interface {
	// APIKey loads a key with its agent; ErrNotFound when there is none.
	APIKey(ctx context.Context, keyID string) (APIKey, error)
	// Agent loads an agent; ErrNotFound when there is none.
	Agent(ctx context.Context, id string) (Agent, error)
	// PutAgent creates the agent, or gives an existing one a's name,
	// role and loyalty limit.
	PutAgent(ctx context.Context, a Agent, at time.Time) error
	// CreateAPIKey stores a key of an existing agent.
	CreateAPIKey(ctx context.Context, k APIKey, at time.Time) error
	// CountAPIKeys counts every key, revoked or not.
	CountAPIKeys(ctx context.Context) (int, error)
}

// Agent is a support agent.
type Agent struct {
	ID, Name, Role string
	LoyaltyLimit   int64
}

// APIKey is a stored key: the secret only as its hash.
type APIKey struct {
	KeyID      string
	SecretHash string
	Gateway    bool
	Revoked    bool
	Agent      Agent
}

// CustomerScope is what only a customer (through an on-behalf session)
// asks for: coupons and password resets.
type CustomerScope interface {
	// EligibleCoupons lists the coupons customer c may use at now.
	EligibleCoupons(ctx context.Context, c api.Customer, now time.Time) ([]api.Coupon, error)
	// RecordPasswordReset stores a reset request and returns its id.
	RecordPasswordReset(ctx context.Context, r PasswordReset) (api.ID, error)
}

// PasswordReset is a reset requested on a customer's behalf.
type PasswordReset struct {
	CustomerID             api.ID
	SessionID, AgentID     string
	TokenHash, SentTo      string
	RequestedAt, ExpiresAt time.Time
}

// Audit is the tamper-evident audit trail.
type Audit interface {
	// AppendAudit adds rec to the hash chain and returns the stored row.
	AppendAudit(ctx context.Context, rec audit.Record) (audit.Row, error)
	// AuditRows lists one page of rows matching f, newest first.
	AuditRows(ctx context.Context, f AuditFilter, limit, offset int) ([]audit.Row, error)
	// CountAudit counts the rows matching f.
	CountAudit(ctx context.Context, f AuditFilter) (int, error)
}

// AuditFilter narrows the audit trail; "" fields do not filter.
type AuditFilter struct {
	CustomerID api.ID
	AgentID    string
	Action     string
	SessionID  string
}

// Eraser is a transaction of an engine that keeps the customer's data
// itself (SQLite, PostgreSQL) and so can export and erase it (issue 19).
// A desk in front of a platform has no such transaction: the server
// answers 501 there.
type Eraser interface {
	// EraseCustomer replaces the customer's personal data everywhere
	// the store keeps it with a tombstone (docs/audit.md, "Erasure"):
	// profile, addresses, order addresses, note bodies, ledger notes,
	// on-behalf session reasons and tickets, password-reset recipients,
	// stored idempotent responses, and the payloads of the audit rows
	// about the customer. Totals, amounts, reason codes and dates stay.
	// A customer erased before is left as is (Already set).
	// store.ErrNotFound when there is no such customer.
	EraseCustomer(ctx context.Context, id api.ID, at time.Time) (EraseResult, error)
	// SessionsOf lists every on-behalf session on the customer, live or
	// not, newest first (for the data export).
	SessionsOf(ctx context.Context, customerID api.ID) ([]Session, error)
}

// EraseResult counts what an erasure changed.
type EraseResult struct {
	// Already is set when the customer had been erased before; nothing
	// changed.
	Already                                                             bool
	Addresses, Orders, Notes, Ledger, Sessions, Resets, Keys, AuditRows int
	// LegacyAuditRows counts the rows about the customer written before
	// audit payload digests: their hash covers their payload, so it
	// stays (docs/audit.md).
	LegacyAuditRows int
}

// ErasedEmail is the tombstone email of erased customer id.
func ErasedEmail(id api.ID) string { return "erased-" + string(id) + "@erased.invalid" }

// ErasedName is an erased customer's first name (the last name and the
// phone are empty).
const ErasedName = "Erased"

// ErasedText replaces free text an erasure destroys (note bodies,
// session reasons).
const ErasedText = "[erased]"

// Scrubber is a Store that can remove the bytes an erasure left behind
// in the engine's files once the erasure has committed: SQLite
// checkpoints and truncates its WAL, PostgreSQL vacuums the tables.
type Scrubber interface {
	ScrubErased(ctx context.Context) error
}

// Merger is a Tx that can merge duplicate customers (store/sqlite and
// store/postgres); a Tx without it (a platform behind the desk) cannot,
// and the server answers 501.
type Merger interface {
	// MergeCustomers moves m.Drop's orders, notes and addresses to
	// m.Keep (a moved address loses its default flag where Keep has a
	// default of its type), moves Drop's points balance as one 'adjust'
	// entry on each ledger (reason api.MergeReasonMerge; Drop's ledger
	// ends at 0, Keep's at the sum of both balances) and Drop's lifetime
	// earned points and order totals to Keep, and marks Drop merged into
	// Keep (merged_into, status disabled). Both versions go up by one.
	// ErrNotFound when either is missing; a *MergeError when the rules
	// refuse it (nothing is written then).
	MergeCustomers(ctx context.Context, m Merge) (api.MergeResult, error)
}

// Merge is one merge of Drop into Keep.
type Merge struct {
	Keep, Drop api.ID
	// AgentID is the supervisor merging ("" for the store's own).
	AgentID string
	At      time.Time
}

// Merge refusals (MergeError.Kind).
const (
	MergeSame         = "same"          // keep == drop
	MergeDropMerged   = "drop_merged"   // drop was merged before (Into)
	MergeKeepMerged   = "keep_merged"   // keep was merged before (Into)
	MergeDropDisabled = "drop_disabled" // drop is disabled
	MergeKeepDisabled = "keep_disabled" // keep is disabled
)

// MergeError is MergeCustomers' refusal.
type MergeError struct {
	Kind string
	// Into is where the customer named by Kind was merged before.
	Into api.ID
}

func (e *MergeError) Error() string {
	switch e.Kind {
	case MergeSame:
		return "a customer cannot be merged into itself"
	case MergeDropMerged:
		return "the customer to drop was already merged into " + e.Into.String()
	case MergeKeepMerged:
		return "the customer to keep was merged into " + e.Into.String()
	case MergeDropDisabled:
		return "the customer to drop is disabled"
	case MergeKeepDisabled:
		return "the customer to keep is disabled"
	}
	return "merge refused: " + e.Kind
}
