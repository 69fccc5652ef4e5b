package fake_test

import (
	"testing"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/client/fake"
)

func TestFakeBehavesLikeADriver(t *testing.T) {
	ctx := t.Context()
	p := fake.New(fake.Options{
		Caps:      client.All().Without("no notes here", client.CapNotes),
		Customers: []api.Customer{{ID: "cstmr_1", FirstName: "Neema", LastName: "Mutua", Email: "neema@fake.test"}},
	})
	c, err := p.GetCustomer(ctx, "cstmr_1")
	if err != nil || client.CustomerVersion(c) != "1" {
		t.Fatalf("get: %+v, %v", c, err)
	}
	name := "Wanjiru"
	if _, err := p.PatchCustomer(ctx, c.ID, client.CustomerVersion(c), api.CustomerPatch{LastName: &name}); err != nil {
		t.Fatal(err)
	}
	_, err = p.PatchCustomer(ctx, c.ID, client.CustomerVersion(c), api.CustomerPatch{LastName: &name})
	ae, ok := client.AsAPIError(err)
	if !client.IsConflict(err) || !ok || ae.CurrentVersion != "2" {
		t.Fatalf("stale patch: %v", err)
	}
	if _, err := p.GetCustomer(ctx, "cstmr_9"); !client.IsNotFound(err) {
		t.Fatalf("missing customer: %v", err)
	}
	_, err = p.AddNote(ctx, c.ID, "hello")
	if ae, ok := client.AsAPIError(err); !client.IsUnsupported(err) || !ok || ae.Capability != client.CapNotes || ae.Message != "no notes here" {
		t.Fatalf("note on a platform without notes: %v", err)
	}
	if _, err := p.SearchCustomers(ctx, client.SearchParams{Cursor: "page:2"}); client.KindOf(err) != client.KindInvalid {
		t.Fatalf("a cursor of another platform: %v", err)
	}
}
