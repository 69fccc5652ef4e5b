package upstream_test

import (
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/api/contract"
	"frontdesk/client"
	checdriver "frontdesk/client/chec"
	"frontdesk/client/frontdesk"
	storedriver "frontdesk/client/store"
	"frontdesk/desk/upstream"
	checdialect "frontdesk/dialect/chec"
	storedialect "frontdesk/dialect/store"
	"frontdesk/sandbox/sandboxtest"
	"frontdesk/server"
	"frontdesk/store"
	"frontdesk/store/sqlite"
)

// desk is a desk server on a fresh SQLite file in front of platform p,
// every answer checked against the contract, and a frontdesk client on it
// for role ("agent" or "supervisor").
type desk struct {
	url  string
	keys map[string]server.Key
	up   *upstream.Store
}

func newDesk(t *testing.T, p client.Platform) *desk {
	t.Helper()
	local, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "desk.db"))
	if err != nil {
		t.Fatal(err)
	}
	up := upstream.New(local, p)
	t.Cleanup(func() { up.Close() })
	d := &desk{keys: map[string]server.Key{}, up: up}
	for _, spec := range []server.KeySpec{
		{AgentID: "desk-agent", Name: "Amani Agent", Role: api.RoleAgent, LoyaltyLimit: 500},
		{AgentID: "desk-supervisor", Name: "Sifa Supervisor", Role: api.RoleSupervisor},
	} {
		k, err := server.MintKey(t.Context(), up, spec)
		if err != nil {
			t.Fatal(err)
		}
		d.keys[spec.Role] = k
	}
	v, err := contract.New()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(v.Handler(server.New(up, server.Options{Unsupported: up.Unsupported()}), func(err error) {
		t.Errorf("the desk in front of a platform broke the contract: %v", err)
	}))
	t.Cleanup(srv.Close)
	d.url = srv.URL
	return d
}

func (d *desk) client(t *testing.T, role string) *frontdesk.Client {
	t.Helper()
	k := d.keys[role]
	c, err := frontdesk.New(frontdesk.Config{BaseURL: d.url, KeyID: k.KeyID, Secret: k.Secret, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The desk in front of a read-only seed-004 store: customers and
// loyalty points are the store's, notes and the audit trail the desk's;
// what the store cannot do is refused with its own sentence, and /me
// tells the console so.
func TestInFrontOfAReadOnlyStore(t *testing.T) {
	sb := sandboxtest.New(t, sandboxtest.Options{})
	shop := httptest.NewServer(storedialect.New(sb.Store, nil))
	t.Cleanup(shop.Close)
	k := sb.Keys["viewer"]
	p, err := storedriver.New(storedriver.Config{BaseURL: shop.URL, KeyID: k.KeyID, Secret: k.Secret, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	d := newDesk(t, p)
	c := d.client(t, "agent")
	ctx := t.Context()

	me, err := c.Me(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if me.Unsupported[string(client.CapOrders)] != storedriver.ReasonNoOrders || me.Unsupported[string(client.CapEditCustomer)] != storedriver.ReasonReadOnly {
		t.Fatalf("/me unsupported = %v", me.Unsupported)
	}
	caps := c.Capabilities()
	if caps.Has(client.CapOrders) || caps.Has(client.CapEditCustomer) || !caps.Has(client.CapNotes) || !caps.Has(client.CapLoyalty) || !caps.Has(client.CapAudit) {
		t.Fatalf("the console would offer: missing %v", caps.Missing())
	}

	page, err := c.SearchCustomers(ctx, client.SearchParams{Limit: 20})
	if err != nil || page.Total != 50 || len(page.Items) != 20 {
		t.Fatalf("search through the desk: %d of %d, %v", len(page.Items), page.Total, err)
	}
	cu, err := c.GetCustomer(ctx, page.Items[3].ID)
	if err != nil || cu.Email != page.Items[3].Email {
		t.Fatalf("get %s: %+v %v", page.Items[3].ID, cu, err)
	}
	loy, err := c.GetLoyalty(ctx, cu.ID)
	var want int64
	if err := sb.DB.QueryRow(`SELECT points_balance FROM loyalty_accounts WHERE customer_id = ?`, cu.ID.String()).Scan(&want); err != nil {
		t.Fatal(err)
	}
	if err != nil || loy.PointsBalance != want {
		t.Fatalf("loyalty through the desk: %d, want the store's %d (%v)", loy.PointsBalance, want, err)
	}

	// The desk's own: a note on the store's customer, in its audit trail.
	if _, err := c.AddNote(ctx, cu.ID, "called about a late parcel"); err != nil {
		t.Fatalf("a note on a store customer: %v", err)
	}
	trail, err := d.client(t, "supervisor").ListAudit(ctx, client.AuditParams{CustomerID: cu.ID})
	if err != nil || len(trail.Items) != 1 || trail.Items[0].Action != api.ActionNoteCreate {
		t.Fatalf("audit of the note: %+v %v", trail.Items, err)
	}

	// What the store cannot do, with its sentence; nothing is audited.
	_, err = c.PatchCustomer(ctx, cu.ID, client.CustomerVersion(cu), api.CustomerPatch{FirstName: ptr("Zed")})
	if client.KindOf(err) != client.KindUnsupported || !strings.Contains(err.Error(), storedriver.ReasonReadOnly) {
		t.Fatalf("an edit on a read-only store: %v", err)
	}
	if _, err := c.ListOrders(ctx, cu.ID, client.OrderParams{}); client.KindOf(err) != client.KindUnsupported {
		t.Fatalf("orders on a store without them: %v", err)
	}
	_, _, err = c.AdjustLoyalty(ctx, cu.ID, api.AdjustmentRequest{Points: 10, Reason: api.ReasonGoodwill, Note: "sorry"}, "k-1")
	if client.KindOf(err) != client.KindUnsupported {
		t.Fatalf("an adjustment on a read-only store: %v", err)
	}
	if _, err := c.GetCustomer(ctx, "99999"); client.KindOf(err) != client.KindNotFound {
		t.Fatalf("a customer the store does not have: %v", err)
	}
}

// The desk in front of another desk (a platform that can do everything):
// edits carry the version through and a stale one is a conflict; a
// retried adjustment applies once at the platform, also when the front
// desk's own claim is gone (its answer purged), because the platform gets
// the same derived key.
func TestInFrontOfAWritablePlatform(t *testing.T) {
	sb := sandboxtest.New(t, sandboxtest.Options{})
	k := sb.Keys["supervisor"]
	p, err := frontdesk.New(frontdesk.Config{BaseURL: sb.URL, KeyID: k.KeyID, Secret: k.Secret, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	d := newDesk(t, p)
	c := d.client(t, "agent")
	ctx := t.Context()

	if me, err := c.Me(ctx); err != nil || len(me.Unsupported) != 2 {
		t.Fatalf("/me: %+v %v (want only coupons and password resets unsupported)", me.Unsupported, err)
	}
	page, err := c.SearchCustomers(ctx, client.SearchParams{Limit: 5})
	if err != nil || len(page.Items) == 0 {
		t.Fatal(err)
	}
	cu, err := c.GetCustomer(ctx, page.Items[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	edited, err := c.PatchCustomer(ctx, cu.ID, client.CustomerVersion(cu), api.CustomerPatch{FirstName: ptr("Wairimu")})
	if err != nil || edited.FirstName != "Wairimu" || edited.Version != cu.Version+1 {
		t.Fatalf("an edit through the desk: %+v %v", edited, err)
	}
	_, err = c.PatchCustomer(ctx, cu.ID, client.CustomerVersion(cu), api.CustomerPatch{FirstName: ptr("Stale")})
	if ae, ok := client.AsAPIError(err); !ok || ae.Kind() != client.KindConflict || ae.CurrentVersion != client.CustomerVersion(edited) {
		t.Fatalf("a stale edit: %v", err)
	}

	// An order by its number: the platform's order and customer.
	var number string
	var oid, ocid int64
	if err := sb.DB.QueryRow(`SELECT id, number, customer_id FROM orders ORDER BY id DESC LIMIT 1`).Scan(&oid, &number, &ocid); err != nil {
		t.Fatal(err)
	}
	m, err := c.FindOrder(ctx, "#"+strings.TrimLeft(strings.TrimPrefix(number, api.OrderNumberPrefix), "0"))
	if err != nil || m.Order.Number != number || m.Order.ID != api.IDFromInt(oid) || m.Customer.ID != api.IDFromInt(ocid) || len(m.Order.Items) == 0 {
		t.Fatalf("order %s through the desk: %+v %v", number, m, err)
	}
	if _, err := c.FindOrder(ctx, "FD-99999999"); !client.IsNotFound(err) {
		t.Fatalf("an unknown order through the desk: %v, want not found", err)
	}

	ledgerRows := func() int {
		var n int
		if err := sb.DB.QueryRow(`SELECT count(*) FROM loyalty_ledger WHERE customer_id = ? AND type = 'adjust'`, cu.ID.String()).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := ledgerRows()
	req := api.AdjustmentRequest{Points: 40, Reason: api.ReasonGoodwill, Note: "late parcel"}
	if _, replayed, err := c.AdjustLoyalty(ctx, cu.ID, req, "adj-1"); err != nil || replayed {
		t.Fatalf("adjust: replayed %v, %v", replayed, err)
	}
	if _, replayed, err := c.AdjustLoyalty(ctx, cu.ID, req, "adj-1"); err != nil || !replayed {
		t.Fatalf("the retry: replayed %v, %v", replayed, err)
	}
	// The front desk forgets its answer; the platform still applies once.
	if err := d.up.Write(ctx, func(tx store.Tx) error { _, err := tx.PurgeIdempotencyKeys(ctx, time.Now().Add(time.Hour)); return err }); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.AdjustLoyalty(ctx, cu.ID, req, "adj-1"); err != nil {
		t.Fatalf("the retry after the purge: %v", err)
	}
	if got := ledgerRows(); got != before+1 {
		t.Fatalf("the platform's ledger grew by %d, want 1", got-before)
	}
}

func ptr[T any](v T) *T { return &v }

// The desk in front of a Commerce.js store (the chec dialect on a real
// sandbox): search and edits are the store's, each edit lands in the
// desk's audit trail, a stale edit is a conflict before anything is
// written (Chec's PUT has no versions; the driver re-reads and compares),
// and loyalty is refused with Chec's sentence.
func TestInFrontOfCommerceJS(t *testing.T) {
	sb := sandboxtest.New(t, sandboxtest.Options{})
	shop := httptest.NewServer(checdialect.New(sb.Store, nil))
	t.Cleanup(shop.Close)
	k := sb.Keys["supervisor"]
	public, secret := checdialect.Keys(k.KeyID, k.Secret)
	p, err := checdriver.New(checdriver.Config{BaseURL: shop.URL, PublicKey: public, SecretKey: secret, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	d := newDesk(t, p)
	c := d.client(t, "agent")
	ctx := t.Context()
	if _, err := c.Me(ctx); err != nil {
		t.Fatal(err)
	}
	if c.Capabilities().Has(client.CapLoyalty) || !c.Capabilities().Has(client.CapEditCustomer) || !c.Capabilities().Has(client.CapAudit) {
		t.Fatalf("capabilities through the desk: missing %v", c.Capabilities().Missing())
	}

	page, err := c.SearchCustomers(ctx, client.SearchParams{Query: "gmail", Limit: 5})
	if err != nil || len(page.Items) == 0 {
		t.Fatalf("search: %v", err)
	}
	cu, err := c.GetCustomer(ctx, page.Items[0].ID)
	if err != nil || !strings.HasPrefix(string(cu.ID), checdialect.PrefixCustomer) {
		t.Fatalf("get: %+v %v", cu.ID, err)
	}
	edited, err := c.PatchCustomer(ctx, cu.ID, client.CustomerVersion(cu), api.CustomerPatch{LastName: ptr("Wekesa")})
	if err != nil || edited.LastName != "Wekesa" {
		t.Fatalf("an edit through the desk: %+v %v", edited, err)
	}
	var stored string
	n, _ := checdialect.DecodeID(checdialect.PrefixCustomer, string(cu.ID))
	if err := sb.DB.QueryRow(`SELECT last_name FROM customers WHERE id = ?`, string(n)).Scan(&stored); err != nil || stored != "Wekesa" {
		t.Fatalf("the store has %q (%v)", stored, err)
	}
	// The version the agent read is stale now: refused, nothing written.
	_, err = c.PatchCustomer(ctx, cu.ID, client.CustomerVersion(cu), api.CustomerPatch{LastName: ptr("Stale")})
	if !client.IsConflict(err) {
		t.Fatalf("a stale edit: %v", err)
	}
	if err := sb.DB.QueryRow(`SELECT last_name FROM customers WHERE id = ?`, string(n)).Scan(&stored); err != nil || stored != "Wekesa" {
		t.Fatalf("a stale edit wrote %q (%v)", stored, err)
	}
	trail, err := d.client(t, "supervisor").ListAudit(ctx, client.AuditParams{CustomerID: cu.ID})
	if err != nil || len(trail.Items) != 1 || trail.Items[0].Action != api.ActionCustomerUpdate || trail.Items[0].AgentID != "desk-agent" {
		t.Fatalf("the audit of the edit: %+v %v", trail.Items, err)
	}
	if _, err := c.GetLoyalty(ctx, cu.ID); client.KindOf(err) != client.KindUnsupported || !strings.Contains(err.Error(), "Commerce.js") {
		t.Fatalf("loyalty on Commerce.js through the desk: %v", err)
	}
	if _, err := c.FindOrder(ctx, "FD-00000001"); client.KindOf(err) != client.KindUnsupported || !strings.Contains(err.Error(), checdriver.ReasonNoFindOrder) {
		t.Fatalf("an order by number on Commerce.js through the desk: %v (want 501 with %q)", err, checdriver.ReasonNoFindOrder)
	}
	if res, err := d.up.VerifyAudit(ctx); err != nil || res.Rows != 1 {
		t.Fatalf("audit verify: %+v %v", res, err)
	}
}

// TestFiltersRefusedInFrontOfAPlatform: Commerce.js's search has no field
// filters, so the desk refuses them with its sentence (it never sends
// "orders:>5" as text), whether or not the client has read /me yet;
// search without filters goes on.
func TestFiltersRefusedInFrontOfAPlatform(t *testing.T) {
	sb := sandboxtest.New(t, sandboxtest.Options{})
	shop := httptest.NewServer(checdialect.New(sb.Store, nil))
	t.Cleanup(shop.Close)
	k := sb.Keys["supervisor"]
	public, secret := checdialect.Keys(k.KeyID, k.Secret)
	p, err := checdriver.New(checdriver.Config{BaseURL: shop.URL, PublicKey: public, SecretKey: secret, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	d := newDesk(t, p)
	ctx := t.Context()
	// Before /me the client knows nothing missing: the desk refuses.
	fresh := d.client(t, "agent")
	_, err = fresh.SearchCustomers(ctx, client.SearchParams{Query: "gmail orders:>5", Limit: 5})
	if client.KindOf(err) != client.KindUnsupported || !strings.Contains(err.Error(), "no field filters") {
		t.Fatalf("a filter through the desk: %v, want unsupported with Commerce.js's sentence", err)
	}
	c := d.client(t, "agent")
	me, err := c.Me(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if me.Unsupported[string(client.CapSearchFilters)] != checdriver.ReasonNoSearchFilters {
		t.Fatalf("/me unsupported = %v", me.Unsupported)
	}
	_, err = c.SearchCustomers(ctx, client.SearchParams{Query: "status:disabled", Limit: 5})
	if client.KindOf(err) != client.KindUnsupported {
		t.Fatalf("a filter after /me: %v", err)
	}
	if page, err := c.SearchCustomers(ctx, client.SearchParams{Query: "gmail", Limit: 5}); err != nil || len(page.Items) == 0 {
		t.Fatalf("search without filters: %d, %v", len(page.Items), err)
	}
}
