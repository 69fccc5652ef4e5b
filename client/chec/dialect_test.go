package chec_test

import (
	"context"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/client/chec"
	checdialect "frontdesk/dialect/chec"
	"frontdesk/sandbox/sandboxtest"
)

// sandbox is the chec dialect over a seeded sandbox store (a real SQLite
// file behind a real HTTP server) and a driver on one of its keys.
type sandbox struct {
	sb  *sandboxtest.Env
	url string
	pk  string
	sk  string
	c   *chec.Client
}

func newSandbox(t *testing.T) sandbox {
	t.Helper()
	sb := sandboxtest.New(t, sandboxtest.Options{})
	srv := httptest.NewServer(checdialect.New(sb.Store, nil))
	t.Cleanup(srv.Close)
	k := sb.Keys["viewer"]
	pk, sk := checdialect.Keys(k.KeyID, k.Secret)
	c, err := chec.New(chec.Config{BaseURL: srv.URL, PublicKey: pk, SecretKey: sk, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return sandbox{sb: sb, url: srv.URL, pk: pk, sk: sk, c: c}
}

// The driver against the sandbox's chec dialect: the key checked, every
// customer paged through once, search by a fragment, a profile, its
// orders and one order as the store holds them.
func TestAgainstTheDialect(t *testing.T) {
	s := newSandbox(t)
	ctx := context.Background()

	me, err := s.c.Me(ctx)
	if err != nil || me.KeyID != s.pk || me.Role != api.RoleSupervisor {
		t.Fatalf("me: %+v %v", me, err)
	}
	bad, _ := chec.New(chec.Config{BaseURL: s.url, SecretKey: s.sk[:len(s.sk)-2] + "00", MaxRetries: -1})
	if _, err := bad.Me(ctx); client.KindOf(err) != client.KindUnauthenticated {
		t.Fatalf("wrong secret: %v", err)
	}

	seen := map[api.ID]bool{}
	cur, pages := "", 0
	for {
		p, err := s.c.SearchCustomers(ctx, client.SearchParams{Cursor: cur, Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if p.Total != 50 || p.Number != pages || (pages > 1) != (p.Prev != "") {
			t.Fatalf("page %d: total %d, number %d, prev %q", pages, p.Total, p.Number, p.Prev)
		}
		for _, cu := range p.Items {
			if seen[cu.ID] || !strings.HasPrefix(string(cu.ID), "cstmr_") {
				t.Fatalf("customer %s twice, or not a Chec id", cu.ID)
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

	// The customer with the most orders, as the store holds them.
	var num int64
	var email string
	var orders int
	if err := s.sb.DB.QueryRow(`SELECT c.id, c.email, COUNT(o.id) n FROM customers c JOIN orders o ON o.customer_id = c.id
		WHERE c.email NOT LIKE 'hostile-%' GROUP BY c.id ORDER BY n DESC, c.id LIMIT 1`).Scan(&num, &email, &orders); err != nil {
		t.Fatal(err)
	}
	id := api.ID(checdialect.EncodeID(checdialect.PrefixCustomer, api.ID(strconv.FormatInt(num, 10))))
	local, _, _ := strings.Cut(email, "@")
	p, err := s.c.SearchCustomers(ctx, client.SearchParams{Query: local})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, cu := range p.Items {
		found = found || cu.ID == id
	}
	if !found {
		t.Fatalf("search %q did not find %s: %+v", local, id, p.Items)
	}
	cu, err := s.c.GetCustomer(ctx, id)
	if err != nil || cu.Email != email || cu.TotalOrders != orders || cu.CreatedAt.IsZero() || cu.Version <= 0 {
		t.Fatalf("customer %s: %+v %v (store: %s, %d orders)", id, cu, err, email, orders)
	}

	list, err := s.c.ListOrders(ctx, id, client.OrderParams{Limit: 2})
	if err != nil || list.Total != orders || len(list.Items) != min(2, orders) {
		t.Fatalf("orders: %+v %v", list, err)
	}
	first := list.Items[0]
	var total, subtotal int64
	var number, status string
	var storeID int64
	if err := s.sb.DB.QueryRow(`SELECT id, number, status, total, subtotal FROM orders WHERE customer_id = ? ORDER BY created_at DESC, id DESC LIMIT 1`, num).
		Scan(&storeID, &number, &status, &total, &subtotal); err != nil {
		t.Fatal(err)
	}
	if first.Number != number || first.Status != status || first.Total != total || first.Subtotal != subtotal ||
		first.ID != api.ID(checdialect.EncodeID(checdialect.PrefixOrder, api.ID(strconv.FormatInt(storeID, 10)))) {
		t.Fatalf("newest order %+v, store: %d %s %s %d %d", first, storeID, number, status, total, subtotal)
	}
	full, err := s.c.GetOrder(ctx, id, first.ID)
	if err != nil || len(full.Items) == 0 || full.ItemCount == 0 || full.ShippingAddress == nil || full.Total != total {
		t.Fatalf("order %s: %+v %v", first.ID, full, err)
	}
	var sum int64
	for _, it := range full.Items {
		sum += it.Total
	}
	if sum != full.Subtotal {
		t.Errorf("items add up to %d, subtotal %d", sum, full.Subtotal)
	}

	// Chec has no status filter: the driver filters the customer's
	// orders itself, and pages through what it kept.
	var delivered int
	if err := s.sb.DB.QueryRow(`SELECT COUNT(*) FROM orders WHERE customer_id = ? AND status = 'delivered'`, num).Scan(&delivered); err != nil || delivered < 2 {
		t.Fatalf("%d delivered orders (%v): the test needs two", delivered, err)
	}
	got, cur := 0, ""
	for {
		fp, err := s.c.ListOrders(ctx, id, client.OrderParams{Status: api.OrderDelivered, Limit: 1, Cursor: cur})
		if err != nil || fp.Total != delivered || fp.TotalIsEstimate {
			t.Fatalf("delivered orders: %+v %v (store: %d)", fp, err, delivered)
		}
		for _, o := range fp.Items {
			if o.Status != api.OrderDelivered {
				t.Fatalf("filtered list holds %+v", o)
			}
			got++
		}
		if fp.Next == "" {
			break
		}
		cur = fp.Next
	}
	if got != delivered {
		t.Fatalf("paged through %d delivered orders, store has %d", got, delivered)
	}

	if _, err := s.c.GetCustomer(ctx, "cstmr_K1YDR2qy29Qem6"); !client.IsNotFound(err) {
		t.Fatalf("an id the sandbox never made: %v", err)
	}
	if _, err := s.c.GetOrder(ctx, id, "ord_Kvg9l6zvnl1bB7"); !client.IsNotFound(err) {
		t.Fatalf("another order id: %v", err)
	}
}

// PUT has no version: the driver re-reads and compares, and reports a
// change made since the agent read the customer as a 412 is reported.
func TestPatchRereadsAndCompares(t *testing.T) {
	s := newSandbox(t)
	ctx := context.Background()
	p, err := s.c.SearchCustomers(ctx, client.SearchParams{Limit: 2})
	if err != nil || len(p.Items) < 2 {
		t.Fatalf("%+v %v", p, err)
	}
	id, other := p.Items[0].ID, p.Items[1]
	read, err := s.c.GetCustomer(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	v := chec.CustomerVersion(read)

	name, phone := "Wanjiru", "+254700000001"
	got, err := s.c.PatchCustomer(ctx, id, v, api.CustomerPatch{FirstName: &name, Phone: &phone})
	if err != nil || got.FirstName != name || got.Phone != phone || got.LastName != read.LastName || chec.CustomerVersion(got) == v {
		t.Fatalf("patch: %+v %v", got, err)
	}
	again, err := s.c.GetCustomer(ctx, id)
	if err != nil || again.FirstName != name || chec.CustomerVersion(again) != chec.CustomerVersion(got) {
		t.Fatalf("re-read after patch: %+v %v", again, err)
	}

	// Someone else's edit since v: the old version is stale.
	last := "Otieno"
	_, err = s.c.PatchCustomer(ctx, id, v, api.CustomerPatch{LastName: &last})
	ae, ok := client.AsAPIError(err)
	if !ok || ae.Kind() != client.KindConflict || ae.Code != api.CodeVersionMismatch || ae.CurrentVersion != chec.CustomerVersion(again) {
		t.Fatalf("stale version: %#v", err)
	}
	if now, _ := s.c.GetCustomer(ctx, id); now.LastName == last {
		t.Fatal("the stale patch was written")
	}

	// Another customer's email is taken: a conflict naming the field.
	_, err = s.c.PatchCustomer(ctx, id, chec.CustomerVersion(again), api.CustomerPatch{Email: &other.Email})
	if ae, ok := client.AsAPIError(err); !ok || ae.Kind() != client.KindConflict || ae.Code != api.CodeDuplicateEmail || ae.Fields["email"] == "" {
		t.Fatalf("duplicate email: %#v", err)
	}
	bad := "not an email"
	if _, err := s.c.PatchCustomer(ctx, id, "", api.CustomerPatch{Email: &bad}); client.KindOf(err) != client.KindInvalid {
		t.Fatalf("bad email: %v", err)
	}
}
