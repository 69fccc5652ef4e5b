package policy_test

import (
	"errors"
	"testing"

	"frontdesk/api"
	"frontdesk/policy"
)

// Every role against every action: the whole table, written out, so a
// change to one rule shows up here as a deliberate edit.
func TestCheckEveryRoleAndAction(t *testing.T) {
	// Who may: v viewer, a agent, s supervisor, d admin.
	allowed := map[policy.Action]string{
		policy.Read:           "vasd",
		policy.ReadAudit:      "vasd",
		policy.ReadAuditAll:   "sd",
		policy.EditCustomer:   "asd",
		policy.CreateCustomer: "sd",
		policy.AdjustLoyalty:  "asd",
		policy.AddNote:        "asd",
		policy.ActOnBehalf:    "asd",
		policy.ReadAsCustomer: "asd",
		policy.EndAnySession:  "sd",
		policy.ManageKeys:     "d",

		policy.ExportCustomerData: "sd",
		policy.EraseCustomer:      "sd",
		policy.RevealPII:          "vasd",
		policy.MergeCustomers:     "sd",
	}
	letter := map[string]byte{api.RoleViewer: 'v', api.RoleAgent: 'a', api.RoleSupervisor: 's', api.RoleAdmin: 'd'}
	if len(allowed) != len(policy.Actions()) {
		t.Fatalf("the table covers %d actions, the package has %d", len(allowed), len(policy.Actions()))
	}
	for _, a := range policy.Actions() {
		who, ok := allowed[a]
		if !ok {
			t.Fatalf("%v is missing from the table", a)
		}
		for _, role := range api.Roles {
			t.Run(a.String()+"/"+role, func(t *testing.T) {
				want := false
				for i := range len(who) {
					want = want || who[i] == letter[role]
				}
				err := policy.Check(policy.Actor{Role: role}, a)
				if (err == nil) != want {
					t.Fatalf("Check(%s, %v) = %v, want allowed %v", role, a, err, want)
				}
				if err == nil {
					return
				}
				var r *policy.Refusal
				if !errors.As(err, &r) || r.Kind != policy.RoleTooWeak || r.Code() != api.CodeForbidden {
					t.Fatalf("refusal %#v, want a RoleTooWeak forbidden", err)
				}
				if got, want := err.Error(), "your role ("+role+") cannot "+a.What(); got != want {
					t.Fatalf("sentence %q, want %q", got, want)
				}
			})
		}
	}
}

func TestSentences(t *testing.T) {
	agent := policy.Actor{Role: api.RoleAgent, LoyaltyLimit: 500, Limited: true}
	ro := policy.On(policy.Profile{ReadOnly: true})
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"role", policy.Check(policy.Actor{Role: api.RoleViewer}, policy.EditCustomer), "your role (viewer) cannot edit customers"},
		{"create", policy.Check(agent, policy.CreateCustomer), "your role (agent) cannot create customers"},
		{"on behalf", policy.Check(policy.Actor{Role: api.RoleViewer}, policy.ActOnBehalf), "your role (viewer) cannot act on behalf of customers"},
		{"whole audit", policy.Check(agent, policy.ReadAuditAll), "your role (agent) cannot read the whole store's audit trail"},
		{"not known yet", policy.Check(policy.Actor{}, policy.EditCustomer), "cannot edit customers until the API says who you are"},
		{"unknown role", policy.Check(policy.Actor{Role: "guest"}, policy.Read), "your role (guest) cannot read customers"},
		{"over the limit", policy.CheckLoyalty(agent, 600), "600 points is over your limit of 500; ask a supervisor"},
		{"over the limit, removing", policy.CheckLoyalty(agent, -1_200), "1,200 points is over your limit of 500; ask a supervisor"},
		{"read-only", policy.Check(agent, policy.AddNote, ro), "read-only profile"},
		{"read-only save", policy.Writable(policy.Profile{ReadOnly: true}), "read-only profile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err == nil || tt.err.Error() != tt.want {
				t.Fatalf("got %v, want %q", tt.err, tt.want)
			}
		})
	}
}

func TestCheckLoyalty(t *testing.T) {
	tests := []struct {
		name   string
		who    policy.Actor
		points int64
		kind   policy.Kind // 0: allowed
	}{
		{"agent within", policy.Actor{Role: api.RoleAgent, LoyaltyLimit: 500, Limited: true}, 500, 0},
		{"agent removes within", policy.Actor{Role: api.RoleAgent, LoyaltyLimit: 500, Limited: true}, -500, 0},
		{"agent over", policy.Actor{Role: api.RoleAgent, LoyaltyLimit: 500, Limited: true}, 501, policy.OverLimit},
		{"agent removes over", policy.Actor{Role: api.RoleAgent, LoyaltyLimit: 500, Limited: true}, -501, policy.OverLimit},
		{"limit 0 allows nothing", policy.Actor{Role: api.RoleAgent, Limited: true}, 1, policy.OverLimit},
		{"unlimited agent", policy.Actor{Role: api.RoleAgent, LoyaltyLimit: 5}, 1_000_000, 0},
		{"supervisor any amount", policy.Actor{Role: api.RoleSupervisor}, 1_000_000, 0},
		{"limited supervisor (gateway file)", policy.Actor{Role: api.RoleSupervisor, LoyaltyLimit: 20, Limited: true}, 21, policy.OverLimit},
		{"viewer: role before limit", policy.Actor{Role: api.RoleViewer, LoyaltyLimit: 500, Limited: true}, 1, policy.RoleTooWeak},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := policy.CheckLoyalty(tt.who, tt.points)
			if tt.kind == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var r *policy.Refusal
			if !errors.As(err, &r) || r.Kind != tt.kind {
				t.Fatalf("got %v, want kind %d", err, tt.kind)
			}
			wantCode := api.CodeForbidden
			if tt.kind == policy.OverLimit {
				wantCode = api.CodeOverLimit
			}
			if r.Code() != wantCode {
				t.Fatalf("code %q, want %q", r.Code(), wantCode)
			}
		})
	}
}

// FromMe applies the API's loyalty limit to agents only.
func TestFromMe(t *testing.T) {
	if a := policy.FromMe(api.Me{Role: api.RoleAgent, LoyaltyLimit: 500}); !a.Limited || a.LoyaltyLimit != 500 {
		t.Fatalf("agent: %+v", a)
	}
	if a := policy.FromMe(api.Me{Role: api.RoleSupervisor, LoyaltyLimit: 500}); a.Limited {
		t.Fatalf("a supervisor's stored limit applied: %+v", a)
	}
}

// A read-only profile refuses every change, whatever the role, before
// the role is asked; reads go on.
func TestReadOnly(t *testing.T) {
	ro := policy.On(policy.Profile{ReadOnly: true})
	for _, a := range policy.Actions() {
		for _, role := range append([]string{""}, api.Roles...) {
			err := policy.Check(policy.Actor{Role: role}, a, ro)
			var r *policy.Refusal
			isRO := errors.As(err, &r) && r.Kind == policy.ReadOnly
			if isRO != a.Mutates() {
				t.Errorf("%v as %q on a read-only profile: %v", a, role, err)
			}
		}
	}
	if err := policy.Check(policy.Actor{Role: api.RoleAdmin}, policy.EditCustomer, policy.On(policy.Profile{})); err != nil {
		t.Fatalf("a writable profile refused: %v", err)
	}
	if err := policy.Writable(policy.Profile{}); err != nil {
		t.Fatalf("Writable on a writable profile: %v", err)
	}
	if err := policy.CheckLoyalty(policy.Actor{Role: api.RoleAdmin}, 1, ro); err == nil || err.Error() != "read-only profile" {
		t.Fatalf("CheckLoyalty on a read-only profile: %v", err)
	}
}

// A production profile confirms every change and nothing else; it
// refuses nothing.
func TestProduction(t *testing.T) {
	prod := policy.Profile{Production: true}
	for _, a := range policy.Actions() {
		if got := policy.Confirm(a, prod); got != a.Mutates() {
			t.Errorf("Confirm(%v, production) = %v, want %v", a, got, a.Mutates())
		}
		if policy.Confirm(a, policy.Profile{}) {
			t.Errorf("Confirm(%v) on a plain profile", a)
		}
		if err := policy.Check(policy.Actor{Role: api.RoleAdmin}, a, policy.On(prod)); err != nil {
			t.Errorf("production refused %v: %v", a, err)
		}
	}
	mutating := map[policy.Action]bool{
		policy.EditCustomer: true, policy.CreateCustomer: true, policy.AdjustLoyalty: true, policy.AddNote: true,
		policy.ActOnBehalf: true, policy.EndAnySession: true, policy.ManageKeys: true,
		policy.EraseCustomer:  true,
		policy.MergeCustomers: true,
	}
	for _, a := range policy.Actions() {
		if a.Mutates() != mutating[a] {
			t.Errorf("%v.Mutates() = %v", a, a.Mutates())
		}
	}
}

// None is always allowed; an action the package does not know is
// refused to everyone.
func TestNoneAndUnknown(t *testing.T) {
	if err := policy.Check(policy.Actor{}, policy.None, policy.On(policy.Profile{ReadOnly: true})); err != nil {
		t.Fatalf("None refused: %v", err)
	}
	if err := policy.Check(policy.Actor{Role: api.RoleAdmin}, policy.Action(999)); err == nil {
		t.Fatal("an unknown action was allowed to an admin")
	}
}
