package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// On-behalf-of agent sessions (seed 003's postCustomersByIDAuth): an agent
// starts one on a customer, gets a short-lived token, and with that token
// in X-Customer-Token reads and edits the customer as the customer would
// (seed 000's customer-scoped calls).

// Session lifetimes. A token lives SessionTTL; refreshing gives a new one,
// but never past SessionMaxAge after the session started.
const (
	SessionTTL    = 15 * time.Minute
	SessionMaxAge = 8 * time.Hour
	// SessionTokenGrace is how long a token replaced by a refresh keeps
	// working, so requests already in flight with it do not fail.
	SessionTokenGrace = 30 * time.Second
)

// Limits of a session's reason and ticket.
const (
	MinSessionReasonLen = 3
	MaxSessionReasonLen = 300
	MaxTicketLen        = 100
)

// AgentSessionCreate is the body of POST /customers/{id}/agent-sessions.
type AgentSessionCreate struct {
	// Reason says why the agent acts as the customer ("customer on the
	// phone, can't log in"); 3 to 300 characters.
	Reason string `json:"reason"`
	// Ticket optionally names the support ticket.
	Ticket string `json:"ticket,omitempty"`
}

// ValidateSessionCreate checks a session request and returns every
// problem, keyed by field. It trims nothing: the server stores what was
// sent.
func ValidateSessionCreate(in AgentSessionCreate) FieldErrors {
	f := FieldErrors{}
	if n := utf8.RuneCountInString(strings.TrimSpace(in.Reason)); n < MinSessionReasonLen || utf8.RuneCountInString(in.Reason) > MaxSessionReasonLen {
		f["reason"] = fmt.Sprintf("reason must be %d to %d characters", MinSessionReasonLen, MaxSessionReasonLen)
	} else if hasControl(in.Reason) {
		f["reason"] = "reason contains control characters"
	}
	if utf8.RuneCountInString(in.Ticket) > MaxTicketLen {
		f["ticket"] = fmt.Sprintf("ticket is longer than %d characters", MaxTicketLen)
	} else if hasControl(in.Ticket) {
		f["ticket"] = "ticket contains control characters"
	}
	return f
}

// AgentSession is an on-behalf session. Token is set only in the answers
// to start and refresh (the only time it is ever shown); lists never
// carry it.
type AgentSession struct {
	ID           ID        `json:"id"`
	Token        string    `json:"token,omitempty"`
	CustomerID   ID        `json:"customer_id"`
	CustomerName string    `json:"customer_name"`
	AgentID      string    `json:"agent_id"`
	AgentName    string    `json:"agent_name"`
	Reason       string    `json:"reason"`
	Ticket       string    `json:"ticket,omitempty"`
	StartedAt    time.Time `json:"started_at"`
	ExpiresAt    time.Time `json:"expires_at"`
	// MaxExpiresAt is the absolute cap (StartedAt + SessionMaxAge): no
	// refresh reaches past it.
	MaxExpiresAt time.Time `json:"max_expires_at"`
}

// Remaining is how long the token has left at now (never negative).
func (s AgentSession) Remaining(now time.Time) time.Duration {
	return max(0, s.ExpiresAt.Sub(now))
}

// AgentSessionList is the data of GET /agent-sessions.
type AgentSessionList struct {
	Sessions []AgentSession `json:"sessions"`
}

// Discount kinds of a coupon.
const (
	CouponPercent      = "percent"
	CouponFixed        = "fixed"
	CouponFreeShipping = "free_shipping"
)

// CouponKinds lists every coupon kind.
var CouponKinds = []string{CouponPercent, CouponFixed, CouponFreeShipping}

// Coupon is a discount the customer may use now.
type Coupon struct {
	Code        string `json:"code"`
	Description string `json:"description"`
	Kind        string `json:"kind"`
	// Value is a percentage for percent, minor units of Currency for
	// fixed, and 0 for free_shipping.
	Value         int64      `json:"value"`
	Currency      string     `json:"currency"`
	MinOrderTotal int64      `json:"min_order_total"`
	ExpiresAt     *time.Time `json:"expires_at"`
}

// CouponList is the data of GET /customers/{id}/coupons.
type CouponList struct {
	Coupons []Coupon `json:"coupons"`
}

// PasswordReset is the data of POST /customers/{id}/password-reset: the
// request was recorded and the reset link sent to SentTo (masked).
type PasswordReset struct {
	ID          ID        `json:"id"`
	CustomerID  ID        `json:"customer_id"`
	SentTo      string    `json:"sent_to"`
	RequestedAt time.Time `json:"requested_at"`
	ExpiresAt   time.Time `json:"expires_at"`
}

// Audit actions: every mutation appends one audit row with one of these.
const (
	ActionCustomerCreate = "customer.create"
	ActionCustomerUpdate = "customer.update"
	ActionLoyaltyAdjust  = "loyalty.adjust"
	ActionCustomerMerge  = "customer.merge"
	ActionNoteCreate     = "note.create"
	ActionSessionStart   = "session.start"
	ActionSessionRefresh = "session.refresh"
	ActionSessionEnd     = "session.end"
	ActionPasswordReset  = "password_reset.request"
	// ActionCustomerErase is an erasure (store/audit.ActionErase); its
	// payload holds the reason only.
	ActionCustomerErase = "customer.erase"
	// ActionCustomerExport is a data export; it holds no personal data.
	ActionCustomerExport = "customer.export"
	// ActionCustomerReveal is a masked field shown unmasked: the row
	// names the field and the reason, never the value.
	ActionCustomerReveal = "customer.reveal"
)

// AuditActions lists every audit action.
var AuditActions = []string{
	ActionCustomerCreate, ActionCustomerUpdate, ActionLoyaltyAdjust, ActionNoteCreate,
	ActionSessionStart, ActionSessionRefresh, ActionSessionEnd, ActionPasswordReset,
	ActionCustomerErase, ActionCustomerExport,
	ActionCustomerReveal,
	ActionCustomerMerge,
}

// AuditEntry is one row of the audit trail: who did what to which
// customer, through what, as whom, and what it changed.
type AuditEntry struct {
	// Seq is the row's place in the hash chain, from 1.
	Seq       int64     `json:"seq"`
	At        time.Time `json:"at"`
	AgentID   string    `json:"agent_id"`
	AgentName string    `json:"agent_name"`
	KeyID     string    `json:"key_id"`
	// Via is "api" or "ssh".
	Via string `json:"via"`
	// SessionID is the on-behalf session the agent acted through (empty
	// when the agent acted as themselves).
	SessionID  string `json:"session_id,omitempty"`
	Action     string `json:"action"`
	CustomerID ID     `json:"customer_id"`
	// Before and After hold only the fields that changed: JSON objects,
	// or null (nothing before a create).
	Before    json.RawMessage `json:"before"`
	After     json.RawMessage `json:"after"`
	RequestID string          `json:"request_id"`
	PrevHash  string          `json:"prev_hash"`
	Hash      string          `json:"hash"`
	// Digest is the salted digest of Before and After that the hash
	// covers (docs/audit.md); empty on rows older than digests.
	Digest string `json:"digest,omitempty"`
	// PayloadErased is set when the customer was erased: Before and
	// After are gone (null), the digest stays in the chain.
	PayloadErased bool `json:"payload_erased,omitempty"`
}

// OnBehalf reports whether the agent acted as the customer.
func (e AuditEntry) OnBehalf() bool { return e.SessionID != "" }

// FieldChange is one field of an audit entry: its value before and after,
// as compact JSON ("" when the side has no such field).
type FieldChange struct {
	Field         string
	Before, After string
}

// Changes lists the fields an entry touched, sorted by name, with their
// JSON values before and after. Values that are not JSON objects yield no
// fields.
func (e AuditEntry) Changes() []FieldChange {
	before, after := jsonObject(e.Before), jsonObject(e.After)
	var names []string
	for k := range before {
		names = append(names, k)
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	out := make([]FieldChange, len(names))
	for i, k := range names {
		out[i] = FieldChange{Field: k, Before: compactJSON(before[k]), After: compactJSON(after[k])}
	}
	return out
}

func jsonObject(raw json.RawMessage) map[string]json.RawMessage {
	var m map[string]json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &m) != nil {
		return nil
	}
	return m
}

func compactJSON(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return string(raw)
	}
	return b.String()
}

// AuditPage is the data of GET /audit.
type AuditPage struct {
	Entries []AuditEntry `json:"entries"`
	Total   int          `json:"total"`
	Page    int          `json:"page"`
	Limit   int          `json:"limit"`
}
