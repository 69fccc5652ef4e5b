package server_test

import (
	"fmt"
	"testing"

	"frontdesk/api"
	"frontdesk/policy"
	"frontdesk/sandbox/sandboxtest"
)

// The server refuses with the policy's sentence, word for word: the
// console and the gateway say the same one for the same refusal.
func TestServerRefusesWithThePolicySentence(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1, RateLimit: -1})
	c := newCustomer(t, env, "policy@example.com")
	path := "/customers/" + c.ID.String()
	viewer := policy.Actor{Role: api.RoleViewer}
	agent := policy.FromMe(api.Me{Role: api.RoleAgent, LoyaltyLimit: sandboxtest.LoyaltyLimit})
	tests := []struct {
		name string
		r    sandboxtest.Response
		code string
		want error
	}{
		{"viewer edits", env.Do(t, "viewer", "PATCH", path, map[string]string{"first_name": "X"}, "If-Match", `"1"`),
			api.CodeForbidden, policy.Check(viewer, policy.EditCustomer)},
		{"viewer adds a note", env.Do(t, "viewer", "POST", path+"/notes", api.NoteCreate{Body: "called back"}),
			api.CodeForbidden, policy.Check(viewer, policy.AddNote)},
		{"agent creates", env.Do(t, "agent", "POST", "/customers", api.CustomerCreate{Email: "new@example.com", FirstName: "A", LastName: "B"}),
			api.CodeForbidden, policy.Check(agent, policy.CreateCustomer)},
		{"viewer acts on behalf", env.Do(t, "viewer", "POST", path+"/agent-sessions", map[string]string{"reason": "customer on the phone"}),
			api.CodeForbidden, policy.Check(viewer, policy.ActOnBehalf)},
		{"agent over the limit", adjust(t, env, "agent", c.ID, "over", -(sandboxtest.LoyaltyLimit + 1)),
			api.CodeOverLimit, policy.CheckLoyalty(agent, sandboxtest.LoyaltyLimit+1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.want == nil {
				t.Fatal("the policy allows this: the test asks the wrong question")
			}
			e := wantError(t, tt.r, 403, tt.code)
			if e.Message != tt.want.Error() {
				t.Fatalf("message %q, want the policy's %q", e.Message, tt.want.Error())
			}
		})
	}
	// The whole store's audit trail: the sentence, then what to ask for
	// instead.
	e := wantError(t, env.Do(t, "agent", "GET", "/audit", nil), 403, api.CodeForbidden)
	want := fmt.Sprintf("%s; name a customer (customer_id) or ask for your own rows (agent_id=%s)",
		policy.Check(agent, policy.ReadAuditAll), env.Agents["agent"])
	if e.Message != want {
		t.Fatalf("audit: %q, want %q", e.Message, want)
	}
}
