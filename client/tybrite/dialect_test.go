package tybrite_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"frontdesk/api"
	"frontdesk/client"
	tybritedriver "frontdesk/client/tybrite"
	tybritedialect "frontdesk/dialect/tybrite"
	"frontdesk/sandbox/sandboxtest"
)

// The driver against the sandbox's tybrite dialect: a real HTTP server on
// a real SQLite file, answering in Galactic Core's format.
func TestAgainstTheDialect(t *testing.T) {
	sb := sandboxtest.New(t, sandboxtest.Options{})
	h := tybritedialect.New(sb.Store, nil)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	k := sb.Keys["viewer"]
	newClient := func(key string) *tybritedriver.Client {
		c, err := tybritedriver.New(tybritedriver.Config{BaseURL: srv.URL, KeyID: k.KeyID, SecretKey: key, MaxRetries: -1})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := newClient(tybritedialect.SecretKey(k.KeyID, k.Secret))
	ctx := context.Background()

	me, err := c.Me(ctx)
	if err != nil || me.KeyID != k.KeyID {
		t.Fatalf("me: %+v %v", me, err)
	}
	if _, err := newClient(tybritedialect.SecretKey(k.KeyID, "cs_wrong")).Me(ctx); client.KindOf(err) != client.KindUnauthenticated {
		t.Fatalf("wrong secret: %v", err)
	}

	// A customer with orders, as the store holds them.
	var id, email, phone, first, last string
	var orders, totalOrders int
	var totalSpent int64
	if err := sb.DB.QueryRow(`SELECT c.id, c.email, c.phone, c.first_name, c.last_name, c.total_orders, c.total_spent, count(o.id) FROM customers c JOIN orders o ON o.customer_id = c.id
		WHERE c.email NOT LIKE 'hostile-%' AND c.first_name NOT LIKE '% %' GROUP BY c.id HAVING count(o.id) >= 3 ORDER BY c.id LIMIT 1`).Scan(&id, &email, &phone, &first, &last, &totalOrders, &totalSpent, &orders); err != nil {
		t.Fatal(err)
	}
	uuid, _ := tybritedialect.CustomerUUID(api.ID(id))

	// No search, no profile for the agent: the sentences, no request.
	if _, err := c.SearchCustomers(ctx, client.SearchParams{Query: email}); !client.IsUnsupported(err) {
		t.Fatalf("search: %v", err)
	}
	if _, err := c.GetCustomer(ctx, api.ID(uuid)); !client.IsUnsupported(err) {
		t.Fatalf("get as the agent: %v", err)
	}

	// The orders, two at a time, every one once, newest first.
	seen := map[api.ID]bool{}
	var prev api.Order
	cur := ""
	for pages := 0; ; pages++ {
		p, err := c.ListOrders(ctx, api.ID(uuid), client.OrderParams{Cursor: cur, Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		if pages > orders {
			t.Fatal("paging does not end")
		}
		for _, o := range p.Items {
			if seen[o.ID] || o.CustomerID != api.ID(uuid) || (prev.ID != "" && o.CreatedAt.After(prev.CreatedAt)) {
				t.Fatalf("order %+v after %+v", o, prev)
			}
			seen[o.ID], prev = true, o
		}
		if (p.Next != "") != p.TotalIsEstimate || p.Total < len(seen) || (p.Next == "" && p.Total != len(seen)) {
			t.Fatalf("page %d: total %d (estimate %v) after %d orders", pages+1, p.Total, p.TotalIsEstimate, len(seen))
		}
		if p.Next == "" {
			break
		}
		cur = p.Next
	}
	if len(seen) != orders {
		t.Fatalf("%d orders listed, the store has %d", len(seen), orders)
	}
	one, err := c.GetOrder(ctx, api.ID(uuid), prev.ID)
	if err != nil || one.ID != prev.ID || one.Total != prev.Total || len(one.Items) == 0 || one.ItemCount == 0 {
		t.Fatalf("order %s: %+v %v", prev.ID, one, err)
	}
	var storeTotal int64
	var number string
	if err := sb.DB.QueryRow(`SELECT total, number FROM orders WHERE customer_id = ? ORDER BY created_at ASC, id ASC LIMIT 1`, id).Scan(&storeTotal, &number); err != nil {
		t.Fatal(err)
	}
	if one.Total != storeTotal || one.Number != number {
		t.Fatalf("the oldest order: %d %s, the store: %d %s", one.Total, one.Number, storeTotal, number)
	}
	// Filtered by status: only that status.
	paid, err := c.ListOrders(ctx, api.ID(uuid), client.OrderParams{Status: api.OrderDelivered, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range paid.Items {
		if o.FulfillmentStatus != "delivered" {
			t.Fatalf("filtered by delivered: %+v", o)
		}
	}
	// Another customer's order is not found for this one.
	other, _ := tybritedialect.CustomerUUID("999999")
	if _, err := c.GetOrder(ctx, api.ID(other), prev.ID); !client.IsNotFound(err) {
		t.Fatalf("another's order: %v", err)
	}

	// As the customer, with the token the customer's login would give.
	tok, err := h.CustomerToken(uuid, 0)
	if err != nil {
		t.Fatal(err)
	}
	cust, err := c.GetCustomerAs(ctx, tok, api.ID(uuid))
	if err != nil || cust.Email != email || cust.Phone != phone || cust.FirstName != first || cust.LastName != last ||
		cust.StoreMetrics == nil || cust.StoreMetrics.TotalOrders != totalOrders || cust.TotalOrders != totalOrders || cust.TotalSpent != totalSpent {
		t.Fatalf("customer %s: %+v %v", uuid, cust, err)
	}
	otherTok, _ := h.CustomerToken("1", 0)
	if id != "1" {
		if _, err := c.GetCustomerAs(ctx, otherTok, api.ID(uuid)); client.KindOf(err) != client.KindForbidden {
			t.Fatalf("another customer's token: %v", err)
		}
	}
	if _, err := c.GetCustomerAs(ctx, tok+"x", api.ID(uuid)); client.KindOf(err) != client.KindUnauthenticated {
		t.Fatalf("a forged token: %v", err)
	}

	// An edit as the customer, and one on a stale version.
	newLast := "Okafor-Smith"
	upd, err := c.PatchCustomerAs(ctx, tok, api.ID(uuid), client.CustomerVersion(cust), api.CustomerPatch{LastName: &newLast})
	if err != nil || upd.LastName != newLast || upd.FirstName != first {
		t.Fatalf("patch: %+v %v", upd, err)
	}
	var dbLast string
	if err := sb.DB.QueryRow(`SELECT last_name FROM customers WHERE id = ?`, id).Scan(&dbLast); err != nil || dbLast != newLast {
		t.Fatalf("stored last name %q %v", dbLast, err)
	}
	if _, err := c.PatchCustomerAs(ctx, tok, api.ID(uuid), client.CustomerVersion(cust), api.CustomerPatch{LastName: &last}); !client.IsConflict(err) {
		t.Fatalf("stale version: %v", err)
	} else if ae, _ := client.AsAPIError(err); ae.CurrentVersion != client.CustomerVersion(upd) {
		t.Fatalf("current version %q, want %q", ae.CurrentVersion, client.CustomerVersion(upd))
	}

	// A new customer with the secret key; the same email again is a
	// conflict.
	made, err := c.CreateCustomer(ctx, api.CustomerCreate{Email: "new.customer@example.net", FirstName: "Amina", LastName: "Wanjiru Otieno", Phone: "+254711222333"})
	if err != nil || made.FirstName != "Amina" || made.LastName != "Wanjiru Otieno" || !strings.HasPrefix(string(made.ID), "00000000-0000-4000-8000-") {
		t.Fatalf("create: %+v %v", made, err)
	}
	if _, err := c.CreateCustomer(ctx, api.CustomerCreate{Email: "NEW.customer@example.net"}); !client.IsConflict(err) {
		t.Fatalf("duplicate email: %v", err)
	}
	if _, err := c.CreateCustomer(ctx, api.CustomerCreate{Email: email}); !client.IsConflict(err) {
		t.Fatalf("an existing customer's email: %v", err)
	}
}
