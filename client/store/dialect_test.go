package store_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"frontdesk/api"
	"frontdesk/client"
	storedriver "frontdesk/client/store"
	storedialect "frontdesk/dialect/store"
	"frontdesk/sandbox/sandboxtest"
)

// The driver against the sandbox's store dialect: a real HTTP server on a
// real SQLite file, answering in seed 004's format.
func TestAgainstTheDialect(t *testing.T) {
	sb := sandboxtest.New(t, sandboxtest.Options{})
	srv := httptest.NewServer(storedialect.New(sb.Store, nil))
	t.Cleanup(srv.Close)
	k := sb.Keys["viewer"]
	c, err := storedriver.New(storedriver.Config{BaseURL: srv.URL, KeyID: k.KeyID, Secret: k.Secret, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	me, err := c.Me(ctx)
	if err != nil || me.KeyID != k.KeyID || me.Role != api.RoleSupervisor {
		t.Fatalf("me: %+v %v", me, err)
	}
	bad, _ := storedriver.New(storedriver.Config{BaseURL: srv.URL, KeyID: k.KeyID, Secret: "cs_wrong", MaxRetries: -1})
	if _, err := bad.Me(ctx); client.KindOf(err) != client.KindUnauthenticated {
		t.Fatalf("wrong secret: %v", err)
	}

	// Paging by the driver's cursors walks every customer once.
	seen := map[api.ID]bool{}
	cur, pages := "", 0
	for {
		p, err := c.SearchCustomers(ctx, client.SearchParams{Cursor: cur, Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if p.Total != 50 || p.Number != pages || (pages > 1) != (p.Prev != "") {
			t.Fatalf("page %d: total %d, number %d, prev %q", pages, p.Total, p.Number, p.Prev)
		}
		for _, cu := range p.Items {
			if seen[cu.ID] {
				t.Fatalf("customer %s twice", cu.ID)
			}
			seen[cu.ID] = true
		}
		if p.Next == "" {
			break
		}
		cur = p.Next
	}
	if pages != 3 || len(seen) != 50 {
		t.Fatalf("%d pages, %d customers", pages, len(seen))
	}

	// Search by a fragment of an email, open the profile, read loyalty:
	// what the store holds.
	var id, email, phone string
	var balance, earned int64
	if err := sb.DB.QueryRow(`SELECT c.id, c.email, c.phone, l.points_balance, l.lifetime_earned FROM customers c
		JOIN loyalty_accounts l ON l.customer_id = c.id
		WHERE c.email NOT LIKE 'hostile-%' AND l.points_balance > 0 ORDER BY c.id LIMIT 1`).Scan(&id, &email, &phone, &balance, &earned); err != nil {
		t.Fatal(err)
	}
	local, _, _ := strings.Cut(email, "@")
	p, err := c.SearchCustomers(ctx, client.SearchParams{Query: local})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, cu := range p.Items {
		found = found || string(cu.ID) == id
	}
	if !found {
		t.Fatalf("search %q did not find customer %s: %+v", local, id, p.Items)
	}
	cust, err := c.GetCustomer(ctx, api.ID(id))
	if err != nil || cust.Email != email || cust.Phone != phone || cust.CreatedAt.IsZero() || len(cust.Addresses) == 0 {
		t.Fatalf("customer %s: %+v %v", id, cust, err)
	}
	loy, err := c.GetLoyalty(ctx, api.ID(id))
	if err != nil || loy.PointsBalance != balance || loy.LifetimeEarned != earned || len(loy.Ledger) == 0 {
		t.Fatalf("loyalty of %s: %+v %v (store: %d/%d)", id, loy, err, balance, earned)
	}
	led, err := c.ListLedger(ctx, api.ID(id), client.PageParams{Limit: 2})
	if err != nil || len(led.Items) > 2 || led.Next != "" {
		t.Fatalf("ledger: %+v %v", led, err)
	}

	// A phone finds nobody on this store; a missing customer is not found.
	if p, err := c.SearchCustomers(ctx, client.SearchParams{Query: phone}); err != nil || len(p.Items) != 0 {
		t.Fatalf("search by phone %s: %+v %v", phone, p.Items, err)
	}
	if _, err := c.GetCustomer(ctx, "999999"); !client.IsNotFound(err) {
		t.Fatalf("missing customer: %v", err)
	}
	if _, err := c.GetLoyalty(ctx, "cstmr_x"); !client.IsNotFound(err) {
		t.Fatalf("an id the store cannot hold: %v", err)
	}
}
