package api

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Customer data requests (issue 19): an export of everything kept about
// one customer, and an erasure of their personal data.

// CustomerDataExport is GET /customers/{id}/data-export: one document with
// everything the store and the desk hold about the customer.
type CustomerDataExport struct {
	ExportedAt time.Time `json:"exported_at"`
	// ExportedBy is the agent id that asked.
	ExportedBy string   `json:"exported_by"`
	Customer   Customer `json:"customer"`
	// Orders are every order, newest first, with items and addresses.
	Orders   []Order        `json:"orders"`
	Loyalty  Loyalty        `json:"loyalty"`
	Notes    []Note         `json:"notes"`
	Sessions []AgentSession `json:"agent_sessions"`
	// Audit is every audit row about the customer, oldest first, with
	// its payload (erased payloads are null).
	Audit []AuditEntry `json:"audit"`
}

// CustomerErase is the body of POST /customers/{id}/erase.
type CustomerErase struct {
	// Reason says why (a ticket, the customer's request); it is kept in
	// the erase's audit row, so it must not repeat the personal data.
	Reason string `json:"reason"`
	// ConfirmEmail, when set, must be the customer's current email: the
	// console makes the agent type it. An erased customer's tombstone
	// email, or any, is accepted once the customer is erased.
	ConfirmEmail string `json:"confirm_email,omitempty"`
}

// Erase reason bounds.
const (
	MinEraseReasonLen = 3
	MaxEraseReasonLen = 300
)

// ValidateErase checks an erase request.
func ValidateErase(in CustomerErase) FieldErrors {
	f := FieldErrors{}
	if n := utf8.RuneCountInString(strings.TrimSpace(in.Reason)); n < MinEraseReasonLen || utf8.RuneCountInString(in.Reason) > MaxEraseReasonLen {
		f["reason"] = "reason must be 3 to 300 characters (say why: the ticket or the customer's request)"
	} else if hasControl(in.Reason) {
		f["reason"] = "reason must not contain control characters"
	}
	return f
}

// CustomerEraseResult is the answer to an erasure.
type CustomerEraseResult struct {
	// Customer is the tombstone profile.
	Customer Customer `json:"customer"`
	// AlreadyErased is set when the customer had been erased before and
	// nothing changed.
	AlreadyErased bool `json:"already_erased"`
	// Erased counts what changed, by kind (addresses, orders, notes,
	// ledger, sessions, password_resets, idempotency_keys, audit_rows).
	Erased map[string]int `json:"erased"`
	// LegacyAuditRows counts audit rows about the customer older than
	// audit payload digests, whose payload stays (docs/audit.md).
	LegacyAuditRows int `json:"legacy_audit_rows,omitempty"`
}
