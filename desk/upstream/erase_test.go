package upstream_test

import (
	"testing"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/client/frontdesk"
	"frontdesk/sandbox/sandboxtest"
)

// A desk in front of a platform cannot export or erase a customer: the
// platform keeps the profile, addresses and orders. 501 unsupported with
// the reason, and nothing changes behind it.
func TestInFrontOfAPlatformDataRequestsUnsupported(t *testing.T) {
	sb := sandboxtest.New(t, sandboxtest.Options{Customers: 3})
	k := sb.Keys["supervisor"]
	p, err := frontdesk.New(frontdesk.Config{BaseURL: sb.URL, KeyID: k.KeyID, Secret: k.Secret, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	d := newDesk(t, p)
	c := d.client(t, "supervisor")
	ctx := t.Context()
	page, err := c.SearchCustomers(ctx, client.SearchParams{Limit: 1})
	if err != nil || len(page.Items) == 0 {
		t.Fatal(err)
	}
	id := page.Items[0].ID
	if _, err := c.ExportCustomerData(ctx, id); !client.IsUnsupported(err) {
		t.Fatalf("export through the desk: %v, want unsupported", err)
	}
	if _, err := c.EraseCustomer(ctx, id, api.CustomerErase{Reason: "erasure request T-5"}); !client.IsUnsupported(err) {
		t.Fatalf("erase through the desk: %v, want unsupported", err)
	}
	after, err := p.GetCustomer(ctx, id)
	if err != nil || after.Email != page.Items[0].Email {
		t.Fatalf("the platform's customer changed: %+v %v", after, err)
	}
}
