package server_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"frontdesk/api"
	"frontdesk/sandbox/sandboxtest"
)

// secrets are the values a viewer's answers must never carry.
func secretsOf(c api.Customer) []string {
	out := []string{c.Email, c.Phone}
	for _, a := range c.Addresses {
		out = append(out, a.Address1)
	}
	return out
}

func wantNone(t *testing.T, what string, body []byte, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(string(body), s) {
			t.Errorf("%s carries %q unmasked:\n%.600s", what, s, body)
		}
	}
}

// A viewer's answers carry masks where the supervisor's carry the values:
// the customer (whole and by fields), the search list, an order's
// addresses, an order found by number and the audit trail.
func TestViewerAnswersAreMasked(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Now: newClock().Now})
	cust := newCustomer(t, env, "wanjiru.mask@example.com")
	id := cust.ID.String()
	secrets := secretsOf(cust)
	if cust.Phone == "" || len(cust.Addresses) == 0 {
		t.Fatalf("the test customer has no phone or address: %+v", cust)
	}

	r := env.Do(t, "viewer", "GET", "/customers/"+id, nil)
	wantStatus(t, r, 200)
	wantNone(t, "GET /customers/{id}", r.Body, secrets)
	var got api.CustomerEnvelope
	r.Data(t, &got)
	if got.Customer.Email != api.MaskEmail(cust.Email) || got.Customer.Phone != api.MaskPhone(cust.Phone) {
		t.Errorf("viewer sees email %q phone %q, want %q %q", got.Customer.Email, got.Customer.Phone, api.MaskEmail(cust.Email), api.MaskPhone(cust.Phone))
	}
	if a := got.Customer.Addresses[0]; a.City != cust.Addresses[0].City || a.Address1 != api.Masked {
		t.Errorf("viewer's address = %+v, want the city kept and the street masked", a)
	}
	// The supervisor sees the values: the masks are the viewer's.
	r = env.Do(t, "supervisor", "GET", "/customers/"+id, nil)
	var sup api.CustomerEnvelope
	r.Data(t, &sup)
	if sup.Customer.Email != cust.Email || sup.Customer.Phone != cust.Phone {
		t.Fatalf("supervisor sees %q %q, want the real values", sup.Customer.Email, sup.Customer.Phone)
	}

	r = env.Do(t, "viewer", "GET", "/customers/"+id+"?fields=email,phone,addresses", nil)
	wantStatus(t, r, 200)
	wantNone(t, "GET /customers/{id}?fields=", r.Body, secrets)

	// The search list: a page of seeded customers, compared against the
	// supervisor's page of the same customers.
	r = env.Do(t, "supervisor", "GET", "/customers?limit=50", nil)
	var all api.CustomerList
	r.Data(t, &all)
	var every []string
	for _, c := range all.Customers {
		every = append(every, secretsOf(c)...)
	}
	if len(every) < 50 {
		t.Fatalf("the supervisor's page has %d values to look for", len(every))
	}
	r = env.Do(t, "viewer", "GET", "/customers?limit=50", nil)
	wantStatus(t, r, 200)
	wantNone(t, "GET /customers", r.Body, every)
	r = env.Do(t, "viewer", "GET", "/customers?search="+url.QueryEscape("wanjiru.mask"), nil)
	var found api.CustomerList
	r.Data(t, &found)
	if len(found.Customers) != 1 || found.Customers[0].ID != cust.ID {
		t.Fatalf("a viewer's search by the email finds %d customers, want the one", len(found.Customers))
	}
	wantNone(t, "GET /customers?search=", r.Body, secrets)

	// An order's addresses, and an order found by its number.
	owner := customerWithOrders(t, env, 1)
	r = env.Do(t, "supervisor", "GET", fmt.Sprintf("/customers/%d/orders?limit=1", owner), nil)
	var orders api.OrderList
	r.Data(t, &orders)
	oid := orders.Orders[0].ID.String()
	r = env.Do(t, "supervisor", "GET", fmt.Sprintf("/customers/%d/orders/%s", owner, oid), nil)
	var full api.OrderEnvelope
	r.Data(t, &full)
	if full.Order.ShippingAddress == nil {
		t.Fatalf("the seeded order has no shipping address: %s", r.Body)
	}
	r = env.Do(t, "supervisor", "GET", fmt.Sprintf("/customers/%d", owner), nil)
	var ownerCust api.CustomerEnvelope
	r.Data(t, &ownerCust)
	orderSecrets := append(secretsOf(ownerCust.Customer), full.Order.ShippingAddress.Address1)
	r = env.Do(t, "viewer", "GET", fmt.Sprintf("/customers/%d/orders/%s", owner, oid), nil)
	wantStatus(t, r, 200)
	wantNone(t, "GET …/orders/{id}", r.Body, orderSecrets)
	var masked api.OrderEnvelope
	r.Data(t, &masked)
	if masked.Order.ShippingAddress.City != full.Order.ShippingAddress.City {
		t.Errorf("the masked address lost its city: %+v", masked.Order.ShippingAddress)
	}
	r = env.Do(t, "viewer", "GET", "/orders?number="+url.QueryEscape(full.Order.Number), nil)
	wantStatus(t, r, 200)
	wantNone(t, "GET /orders?number=", r.Body, orderSecrets)
	r = env.Do(t, "viewer", "GET", fmt.Sprintf("/customers/%d", owner), nil)
	wantNone(t, "GET /customers/{id} with recent orders", r.Body, orderSecrets)

	// The audit trail records the values (a supervisor's change); a viewer
	// reading it sees them masked.
	newEmail := "wanjiru.changed@example.com"
	r = env.Do(t, "supervisor", "PATCH", "/customers/"+id, api.CustomerPatch{Email: &newEmail}, api.HeaderIfMatch, etagOf(cust.Version))
	wantStatus(t, r, 200)
	r = env.Do(t, "viewer", "GET", "/audit?customer_id="+id, nil)
	wantStatus(t, r, 200)
	wantNone(t, "GET /audit", r.Body, append(secrets, newEmail))
	r = env.Do(t, "supervisor", "GET", "/audit?customer_id="+id, nil)
	if !strings.Contains(string(r.Body), newEmail) {
		t.Fatalf("the supervisor's audit rows lack the new email: %s", r.Body)
	}
}

func etagOf(v int64) string { return fmt.Sprintf(`"%d"`, v) }

// A reveal answers the one field unmasked and appends an audit row with
// the field and the reason, never the value; without a reason it is
// refused and leaves no row.
func TestRevealIsAudited(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Now: newClock().Now})
	cust := newCustomer(t, env, "reveal.me@example.com")
	id := cust.ID.String()
	path := "/customers/" + id + "/reveal"

	r := env.Do(t, "viewer", "POST", path, api.RevealRequest{Field: api.RevealEmail, Reason: "  "})
	e := wantError(t, r, 400, api.CodeValidation)
	if e.Fields["reason"] == "" {
		t.Errorf("an empty reason: fields %v, want one on reason", e.Fields)
	}
	r = env.Do(t, "viewer", "POST", path, api.RevealRequest{Field: "first_name", Reason: "caller verification"})
	e = wantError(t, r, 400, api.CodeValidation)
	if e.Fields["field"] == "" {
		t.Errorf("an unknown field: fields %v, want one on field", e.Fields)
	}
	wantError(t, env.Do(t, "viewer", "POST", "/customers/999999/reveal", api.RevealRequest{Field: api.RevealEmail, Reason: "caller verification"}), 404, api.CodeNotFound)

	rows := func() []api.AuditEntry {
		r := env.Do(t, "viewer", "GET", "/audit?action="+api.ActionCustomerReveal+"&customer_id="+id, nil)
		wantStatus(t, r, 200)
		var p api.AuditPage
		r.Data(t, &p)
		return p.Entries
	}
	if n := len(rows()); n != 0 {
		t.Fatalf("refused reveals left %d audit rows", n)
	}

	for _, tc := range []struct{ field, want string }{
		{api.RevealEmail, cust.Email},
		{api.RevealPhone, cust.Phone},
	} {
		r = env.Do(t, "viewer", "POST", path, api.RevealRequest{Field: tc.field, Reason: "caller verification, ticket 88"})
		wantStatus(t, r, 200)
		var out api.RevealResult
		r.Data(t, &out)
		if out.Value != tc.want || out.Field != tc.field {
			t.Errorf("reveal %s = %+v, want %q", tc.field, out, tc.want)
		}
	}
	r = env.Do(t, "agent", "POST", path, api.RevealRequest{Field: api.RevealAddresses, Reason: "courier asks"})
	wantStatus(t, r, 200)
	var addrs api.RevealResult
	r.Data(t, &addrs)
	if len(addrs.Addresses) != 1 || addrs.Addresses[0].Address1 != cust.Addresses[0].Address1 {
		t.Errorf("reveal addresses = %+v, want %+v", addrs.Addresses, cust.Addresses)
	}

	got := rows()
	if len(got) != 3 {
		t.Fatalf("%d reveal rows, want 3", len(got))
	}
	newest := got[0]
	var after map[string]string
	if err := json.Unmarshal(newest.After, &after); err != nil {
		t.Fatalf("reveal row after = %s: %v", newest.After, err)
	}
	if after["field"] != api.RevealAddresses || after["reason"] != "courier asks" || newest.AgentID != env.Agents["agent"] {
		t.Errorf("newest reveal row = %+v after %v", newest, after)
	}
	for _, row := range got {
		for _, s := range secretsOf(cust) {
			if strings.Contains(string(row.After)+string(row.Before), s) {
				t.Errorf("reveal row %d records the value %q", row.Seq, s)
			}
		}
	}
	if got[2].AgentID != env.Agents["viewer"] {
		t.Errorf("the first reveal row is agent %q's, want the viewer's", got[2].AgentID)
	}
}

// A save can never store a mask: a patch or create holding one is a 400
// on the field, and the customer keeps its value.
func TestMaskIsNeverSaved(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Now: newClock().Now})
	cust := newCustomer(t, env, "keep.me@example.com")
	id := cust.ID.String()
	email, phone := api.MaskEmail(cust.Email), api.MaskPhone(cust.Phone)
	addrs := []api.Address{api.MaskAddress(cust.Addresses[0])}
	r := env.Do(t, "agent", "PATCH", "/customers/"+id, api.CustomerPatch{Email: &email, Phone: &phone, Addresses: &addrs}, api.HeaderIfMatch, etagOf(cust.Version))
	e := wantError(t, r, 400, api.CodeValidation)
	for _, k := range []string{"email", "phone", "addresses[0].address1"} {
		if !strings.Contains(e.Fields[k], "mask") {
			t.Errorf("field %s: %q, want the mask named", k, e.Fields[k])
		}
	}
	r = env.Do(t, "supervisor", "GET", "/customers/"+id, nil)
	var now api.CustomerEnvelope
	r.Data(t, &now)
	if now.Customer.Email != cust.Email || now.Customer.Phone != cust.Phone || now.Customer.Version != cust.Version {
		t.Errorf("after a refused patch the customer is %q %q v%d", now.Customer.Email, now.Customer.Phone, now.Customer.Version)
	}
	r = env.Do(t, "supervisor", "POST", "/customers", api.CustomerCreate{Email: "k•••@example.com", FirstName: "A", LastName: "B"})
	e = wantError(t, r, 400, api.CodeValidation)
	if !strings.Contains(e.Fields["email"], "mask") {
		t.Errorf("create with a masked email: %v", e.Fields)
	}
}
