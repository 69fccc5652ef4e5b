// Package policy decides who may do what: the role (viewer < agent <
// supervisor < admin), the loyalty limit, a read-only profile, and a
// production profile (whose changes are confirmed first). The sandbox
// server, the console and the SSH gateway all ask it, so the three agree
// on the answer and say it in the same sentence ("your role (viewer)
// cannot edit customers").
//
// It imports only api (role names, error codes) and money (number
// formatting): every layer can ask it without a cycle.
package policy

import (
	"fmt"

	"frontdesk/api"
	"frontdesk/money"
)

// Action is something an agent may be allowed to do. The zero value is
// None: no action, always allowed.
type Action int

// The actions. Each has a weakest role that may do it, says whether it
// changes data (refused on a read-only profile, confirmed first on a
// production one) and how a refusal names it.
const (
	None Action = iota
	// Read is reading customers, orders, loyalty, notes and sessions.
	Read
	// ReadAudit is reading the audit rows of one customer, or one's own.
	ReadAudit
	// ReadAuditAll is reading the whole store's audit trail, or another
	// agent's rows across customers.
	ReadAuditAll
	// EditCustomer is changing a customer's profile.
	EditCustomer
	// CreateCustomer is adding a customer.
	CreateCustomer
	// AdjustLoyalty is adding or removing loyalty points; CheckLoyalty
	// also applies the agent's limit.
	AdjustLoyalty
	// AddNote is adding an internal support note.
	AddNote
	// ActOnBehalf is starting, refreshing or ending one's own on-behalf
	// session, and changing things as the customer through it (password
	// reset, profile edits).
	ActOnBehalf
	// ReadAsCustomer is reading through an on-behalf session (coupons):
	// an agent's tool like ActOnBehalf, but it changes nothing.
	ReadAsCustomer
	// EndAnySession is ending another agent's on-behalf session.
	EndAnySession
	// ManageKeys is minting and revoking API keys and agents.
	ManageKeys
	// ExportCustomerData is exporting everything kept about a customer
	// (a data request; it appends an audit row but changes no data).
	ExportCustomerData
	// EraseCustomer is erasing a customer's personal data.
	EraseCustomer
	// RevealPII is showing one masked field (email, phone, addresses)
	// unmasked, with a reason the audit trail keeps. Any role may: a
	// viewer sees masks and reveals what a call needs. It changes no
	// customer data, so a read-only profile allows it.
	RevealPII
	// MergeCustomers is merging a duplicate customer into another.
	MergeCustomers

	numActions
)

// Actions lists every action but None, for tables and tests.
func Actions() []Action {
	out := make([]Action, 0, numActions-1)
	for a := None + 1; a < numActions; a++ {
		out = append(out, a)
	}
	return out
}

type rule struct {
	min     string // weakest role allowed
	mutates bool
	what    string // completes "your role (viewer) cannot …"
	name    string // String, for logs and test names
}

var rules = [numActions]rule{
	None:           {min: "", name: "none"},
	Read:           {min: api.RoleViewer, what: "read customers", name: "read"},
	ReadAudit:      {min: api.RoleViewer, what: "read the audit trail", name: "read-audit"},
	ReadAuditAll:   {min: api.RoleSupervisor, what: "read the whole store's audit trail", name: "read-audit-all"},
	EditCustomer:   {min: api.RoleAgent, mutates: true, what: "edit customers", name: "edit-customer"},
	CreateCustomer: {min: api.RoleSupervisor, mutates: true, what: "create customers", name: "create-customer"},
	AdjustLoyalty:  {min: api.RoleAgent, mutates: true, what: "adjust loyalty points", name: "adjust-loyalty"},
	AddNote:        {min: api.RoleAgent, mutates: true, what: "add notes", name: "add-note"},
	ActOnBehalf:    {min: api.RoleAgent, mutates: true, what: "act on behalf of customers", name: "act-on-behalf"},
	ReadAsCustomer: {min: api.RoleAgent, what: "act on behalf of customers", name: "read-as-customer"},
	EndAnySession:  {min: api.RoleSupervisor, mutates: true, what: "end another agent's session", name: "end-any-session"},
	ManageKeys:     {min: api.RoleAdmin, mutates: true, what: "manage API keys", name: "manage-keys"},

	ExportCustomerData: {min: api.RoleSupervisor, what: "export a customer's data", name: "export-customer-data"},
	EraseCustomer:      {min: api.RoleSupervisor, mutates: true, what: "erase customers", name: "erase-customer"},
	RevealPII:          {min: api.RoleViewer, what: "reveal masked personal data", name: "reveal-pii"},
	MergeCustomers:     {min: api.RoleSupervisor, mutates: true, what: "merge customers", name: "merge-customers"},
}

func (a Action) rule() rule {
	if a < None || a >= numActions {
		// An action this package does not know is nobody's: refuse it
		// rather than guess.
		return rule{min: api.RoleAdmin + "+", mutates: true, what: "do this", name: fmt.Sprintf("action(%d)", int(a))}
	}
	return rules[a]
}

// MinRole is the weakest role that may do a ("" for None).
func (a Action) MinRole() string { return a.rule().min }

// Mutates reports whether a changes data.
func (a Action) Mutates() bool { return a.rule().mutates }

// What is how a refusal names a: "edit customers".
func (a Action) What() string { return a.rule().what }

// String is a short name for logs and tests: "edit-customer".
func (a Action) String() string { return a.rule().name }

// Actor is who asks: a role and, when Limited, the most points one
// loyalty adjustment may move.
type Actor struct {
	// Role is one of api.Roles; "" means not known yet (the console
	// before GET /me answers), which may do nothing but None.
	Role string
	// LoyaltyLimit caps |points| per adjustment when Limited.
	LoyaltyLimit int64
	// Limited says LoyaltyLimit applies.
	Limited bool
}

// FromMe is the actor the API describes: its loyalty limit applies to
// the agent role only (supervisors and admins adjust any amount).
func FromMe(me api.Me) Actor {
	return Actor{Role: me.Role, LoyaltyLimit: me.LoyaltyLimit, Limited: me.Role == api.RoleAgent}
}

// Profile is where the actor works: what the console's profile (or the
// gateway's) says about the store.
type Profile struct {
	// ReadOnly refuses every action that changes data.
	ReadOnly bool
	// Production asks before every action that changes data.
	Production bool
}

// Option adds context to Check.
type Option func(*checkOptions)

type checkOptions struct {
	profile Profile
}

// On checks against a profile (read-only). Without it the profile is
// neither read-only nor production, as on the server, which has none.
func On(p Profile) Option {
	return func(o *checkOptions) { o.profile = p }
}

// Kind is why an action was refused.
type Kind int

// The kinds of refusal.
const (
	// RoleTooWeak: the actor's role is below the action's.
	RoleTooWeak Kind = iota + 1
	// RoleUnknown: the actor's role is not known yet.
	RoleUnknown
	// OverLimit: more loyalty points than the actor's limit.
	OverLimit
	// ReadOnly: the profile is read-only and the action changes data.
	ReadOnly
)

// Refusal is a refused action. Its Error is the sentence every layer
// shows, word for word.
type Refusal struct {
	Kind   Kind
	Action Action
	// Role is the actor's role.
	Role string
	// Points and Limit are set for OverLimit: |points| asked, the limit.
	Points, Limit int64
}

// Error is the sentence: "your role (viewer) cannot edit customers",
// "600 points is over your limit of 500; ask a supervisor", "read-only
// profile".
func (r *Refusal) Error() string {
	switch r.Kind {
	case ReadOnly:
		return "read-only profile"
	case RoleUnknown:
		return fmt.Sprintf("cannot %s until the API says who you are", r.Action.What())
	case OverLimit:
		return fmt.Sprintf("%s points is over your limit of %s; ask a supervisor",
			money.Int(r.Points), money.Int(r.Limit))
	default:
		return fmt.Sprintf("your role (%s) cannot %s", r.Role, r.Action.What())
	}
}

// Code is the API error code the refusal travels as (403 either way):
// over_limit for a limit, forbidden for the rest.
func (r *Refusal) Code() string {
	if r.Kind == OverLimit {
		return api.CodeOverLimit
	}
	return api.CodeForbidden
}

// Check returns nil when who may do a, else a *Refusal. A read-only
// profile is asked first (it is the profile, not the person), then the
// role.
func Check(who Actor, a Action, opts ...Option) error {
	var o checkOptions
	for _, opt := range opts {
		opt(&o)
	}
	if a == None {
		return nil
	}
	if a.Mutates() {
		if err := Writable(o.profile); err != nil {
			r := err.(*Refusal)
			r.Action, r.Role = a, who.Role
			return r
		}
	}
	min := a.MinRole()
	switch {
	case who.Role == "":
		return &Refusal{Kind: RoleUnknown, Action: a}
	case !api.RoleAtLeast(who.Role, min) || api.RoleRank(min) < 0:
		return &Refusal{Kind: RoleTooWeak, Action: a, Role: who.Role}
	}
	return nil
}

// CheckLoyalty returns nil when who may move points (either sign) in one
// adjustment: AdjustLoyalty's checks, then the actor's limit.
func CheckLoyalty(who Actor, points int64, opts ...Option) error {
	if err := Check(who, AdjustLoyalty, opts...); err != nil {
		return err
	}
	n := points
	if n < 0 {
		n = -n
	}
	if who.Limited && n > who.LoyaltyLimit {
		return &Refusal{Kind: OverLimit, Action: AdjustLoyalty, Role: who.Role, Points: n, Limit: who.LoyaltyLimit}
	}
	return nil
}

// Writable returns the read-only refusal when p is read-only: for a
// change that names no Action (a form's save key).
func Writable(p Profile) error {
	if p.ReadOnly {
		return &Refusal{Kind: ReadOnly}
	}
	return nil
}

// MasksPII reports whether role sees email, phone and addresses masked:
// the viewer role does (the desk server masks its answers), and so does
// a role the policy does not know.
func MasksPII(role string) bool { return api.RoleRank(role) <= api.RoleRank(api.RoleViewer) }

// Confirm reports whether a must be confirmed before it runs: every
// change on a production profile.
func Confirm(a Action, p Profile) bool { return p.Production && a.Mutates() }
