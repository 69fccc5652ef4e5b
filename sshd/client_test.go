package sshd

import (
	"errors"
	"testing"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/client/fake"
)

// The gateway's wrapper gates the changes of any Platform and passes the
// rest through: a viewer in the agents file reads, and is refused every
// change before the platform is asked, including starting an on-behalf
// session through client.StartSession.
func TestClientGatesAnyPlatform(t *testing.T) {
	ctx := t.Context()
	pf := fake.New(fake.Options{
		Me:        api.Me{AgentID: "amani", Name: "Amani", Role: api.RoleSupervisor},
		Customers: []api.Customer{{ID: "cstmr_1", FirstName: "Neema", LastName: "Mutua"}},
	})
	gated := NewClient(pf, &Agent{ID: "amani", Name: "Amani", Role: api.RoleViewer})
	var _ client.Platform = gated

	me, err := gated.Me(ctx)
	if err != nil || me.Role != api.RoleViewer {
		t.Fatalf("me = %+v, %v: want the agents file's weaker role", me, err)
	}
	if c, err := gated.GetCustomer(ctx, "cstmr_1"); err != nil || c.FirstName != "Neema" {
		t.Fatalf("read through the gate: %+v, %v", c, err)
	}
	name := "Wanjiru"
	refusals := map[string]error{
		"patch": func() error {
			_, err := gated.PatchCustomer(ctx, "cstmr_1", "1", api.CustomerPatch{LastName: &name})
			return err
		}(),
		"create": func() error {
			_, err := gated.CreateCustomer(ctx, api.CustomerCreate{Email: "x@fake.test"})
			return err
		}(),
		"note": func() error { _, err := gated.AddNote(ctx, "cstmr_1", "hello"); return err }(),
		"adjust": func() error {
			_, _, err := gated.AdjustLoyalty(ctx, "cstmr_1", api.AdjustmentRequest{Points: 5}, "")
			return err
		}(),
		"on-behalf": func() error {
			_, err := client.StartSession(ctx, gated, "cstmr_1", "customer on the phone", "", client.SessionOptions{})
			return err
		}(),
	}
	for what, err := range refusals {
		var pe *PermissionError
		if !client.IsPermission(err) || !errors.As(err, &pe) {
			t.Errorf("%s as a viewer: %v, want the gateway's refusal", what, err)
		}
	}
	if c, _ := pf.GetCustomer(ctx, "cstmr_1"); c.LastName != "Mutua" || c.Version != 1 {
		t.Fatalf("a refused change reached the platform: %+v", c)
	}

	other := NewClient(pf, &Agent{ID: "baraka", Role: api.RoleAgent})
	if _, err := other.Me(ctx); err == nil {
		t.Fatal("an answer for another agent was taken")
	}
}
