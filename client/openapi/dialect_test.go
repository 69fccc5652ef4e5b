package openapi_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/client/openapi"
	pelcro "frontdesk/dialect/openapi"
	"frontdesk/sandbox/sandboxtest"
)

type env struct {
	sb  *sandboxtest.Env
	d   *pelcro.Handler
	url string
}

func newEnv(t *testing.T) env {
	t.Helper()
	sb := sandboxtest.New(t, sandboxtest.Options{})
	d := pelcro.New(sb.Store, nil)
	srv := httptest.NewServer(d)
	t.Cleanup(srv.Close)
	return env{sb: sb, d: d, url: srv.URL}
}

func (e env) client(t *testing.T, role string) *openapi.Client {
	t.Helper()
	k := e.sb.Keys[role]
	c, err := openapi.New(openapi.Config{BaseURL: e.url, SiteID: pelcro.SiteID, KeyID: k.KeyID, APIKey: pelcro.APIKey(k.KeyID, k.Secret), MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// two ordinary customers (not the hostile records), by id.
func (e env) customers(t *testing.T) (string, string) {
	t.Helper()
	rows, err := e.sb.DB.Query(`SELECT id FROM customers WHERE email NOT LIKE 'hostile-%' ORDER BY id LIMIT 2`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if len(ids) != 2 {
		t.Fatalf("customers: %v", ids)
	}
	return ids[0], ids[1]
}

// The driver against the sandbox's Pelcro dialect, as an agent: the
// key is checked, a customer opened by id reads what the store holds,
// an edit lands, a stale version is a conflict, a new email is
// unconfirmed, and a read-only key is refused.
func TestAgentAgainstTheDialect(t *testing.T) {
	e := newEnv(t)
	c := e.client(t, "agent")
	ctx := context.Background()
	k := e.sb.Keys["agent"]

	me, err := c.Me(ctx)
	if err != nil || me.KeyID != k.KeyID || me.Role != api.RoleSupervisor || !strings.Contains(me.Name, "frontdesk sandbox") {
		t.Fatalf("me: %+v %v", me, err)
	}
	bad, _ := openapi.New(openapi.Config{BaseURL: e.url, SiteID: pelcro.SiteID, APIKey: pelcro.APIKey(k.KeyID, "cs_wrong"), MaxRetries: -1})
	if _, err := bad.Me(ctx); client.KindOf(err) != client.KindUnauthenticated {
		t.Fatalf("wrong secret: %v", err)
	}
	otherSite, _ := openapi.New(openapi.Config{BaseURL: e.url, SiteID: "2", APIKey: pelcro.APIKey(k.KeyID, k.Secret), MaxRetries: -1})
	if _, err := otherSite.Me(ctx); !client.IsNotFound(err) {
		t.Fatalf("another site: %v", err)
	}

	id, _ := e.customers(t)
	var email, first, last, phone string
	var confirmed bool
	if err := e.sb.DB.QueryRow(`SELECT email, first_name, last_name, phone, email_confirmed FROM customers WHERE id = ?`, id).
		Scan(&email, &first, &last, &phone, &confirmed); err != nil {
		t.Fatal(err)
	}
	cu, err := c.GetCustomer(ctx, api.ID(id))
	if err != nil {
		t.Fatal(err)
	}
	if string(cu.ID) != id || cu.Email != email || cu.FirstName != first || cu.LastName != last || cu.Phone != phone ||
		cu.EmailConfirmed != confirmed || cu.CreatedAt.IsZero() || cu.Version != openapi.Version(cu) {
		t.Fatalf("customer %s: %+v", id, cu)
	}
	if _, err := c.GetCustomer(ctx, "999999"); !client.IsNotFound(err) {
		t.Fatalf("no such customer: %v", err)
	}
	if _, err := c.SearchCustomers(ctx, client.SearchParams{Query: first}); !client.IsUnsupported(err) {
		t.Fatalf("search: %v", err)
	}

	// An edit lands; the version moves with it.
	name := "Wanjiku"
	after, err := c.PatchCustomer(ctx, cu.ID, client.CustomerVersion(cu), api.CustomerPatch{FirstName: &name})
	if err != nil || after.FirstName != name || after.LastName != last || after.Version == cu.Version {
		t.Fatalf("patch: %+v %v", after, err)
	}
	var stored string
	e.sb.DB.QueryRow(`SELECT first_name FROM customers WHERE id = ?`, id).Scan(&stored)
	if stored != name {
		t.Fatalf("stored first name %q", stored)
	}

	// The version read before that edit is stale now: a conflict with
	// the current version, and nothing written.
	again := "Njeri"
	_, err = c.PatchCustomer(ctx, cu.ID, client.CustomerVersion(cu), api.CustomerPatch{FirstName: &again})
	ae, ok := client.AsAPIError(err)
	if !ok || ae.Kind() != client.KindConflict || ae.CurrentVersion != client.CustomerVersion(after) || !client.IsCode(err, openapi.CodeVersionMismatch) {
		t.Fatalf("stale version: %v", err)
	}
	e.sb.DB.QueryRow(`SELECT first_name FROM customers WHERE id = ?`, id).Scan(&stored)
	if stored != name {
		t.Fatalf("a stale patch wrote %q", stored)
	}

	// A new email is unconfirmed (seed 002).
	if _, err := e.sb.DB.Exec(`UPDATE customers SET email_confirmed = 1 WHERE id = ?`, id); err != nil {
		t.Fatal(err)
	}
	cur, _ := c.GetCustomer(ctx, cu.ID)
	newEmail := "wanjiku.new@example.co.ke"
	changed, err := c.PatchCustomer(ctx, cu.ID, client.CustomerVersion(cur), api.CustomerPatch{Email: &newEmail})
	if err != nil || changed.Email != newEmail || changed.EmailConfirmed {
		t.Fatalf("email change: %+v %v", changed, err)
	}

	// Pelcro's field errors: a bad email, and one taken by another
	// customer.
	_, other := e.customers(t)
	var taken string
	e.sb.DB.QueryRow(`SELECT email FROM customers WHERE id = ?`, other).Scan(&taken)
	for _, bad := range []string{"not an email", strings.ToUpper(taken)} {
		_, err = c.PatchCustomer(ctx, cu.ID, client.CustomerVersion(changed), api.CustomerPatch{Email: &bad})
		if ae, ok := client.AsAPIError(err); !ok || ae.Kind() != client.KindInvalid || ae.Fields["email"] == "" {
			t.Fatalf("email %q: %v", bad, err)
		}
	}

	// A viewer's key may read but not write.
	viewer := e.client(t, "viewer")
	if _, err := viewer.GetCustomer(ctx, cu.ID); err != nil {
		t.Fatal(err)
	}
	_, err = viewer.PatchCustomer(ctx, cu.ID, client.CustomerVersion(changed), api.CustomerPatch{FirstName: &again})
	if client.KindOf(err) != client.KindForbidden {
		t.Fatalf("viewer edit: %v", err)
	}
}

// The Open API as the customer, with the token the customer would get by
// logging in (the dialect's IssueToken stands in for that).
func TestCustomerAgainstTheDialect(t *testing.T) {
	e := newEnv(t)
	c := e.client(t, "agent")
	ctx := context.Background()
	id, other := e.customers(t)
	tok, err := e.d.IssueToken(api.ID(id))
	if err != nil {
		t.Fatal(err)
	}

	cu, echoed, err := c.CustomerAs(ctx, tok)
	if err != nil || string(cu.ID) != id || echoed != tok {
		t.Fatalf("get customer: %+v %v (token echoed: %v)", cu, err, echoed == tok)
	}
	agent, err := c.GetCustomer(ctx, api.ID(id))
	if err != nil || agent.Version != cu.Version || agent.Email != cu.Email {
		t.Fatalf("the customer's view and the agent's differ: %+v / %+v %v", cu, agent, err)
	}
	if _, err := c.GetCustomerAs(ctx, tok, api.ID(other)); client.KindOf(err) != client.KindForbidden {
		t.Fatalf("another customer's id: %v", err)
	}

	// Update answers a fresh token; a new email is unconfirmed.
	if _, err := e.sb.DB.Exec(`UPDATE customers SET email_confirmed = 1 WHERE id = ?`, id); err != nil {
		t.Fatal(err)
	}
	newEmail := "self.service@example.co.ke"
	up, fresh, err := c.UpdateAs(ctx, tok, api.CustomerPatch{Email: &newEmail})
	if err != nil || up.Email != newEmail || up.EmailConfirmed || fresh == "" || fresh == tok {
		t.Fatalf("update: %+v %v (fresh token: %v)", up, err, fresh != "" && fresh != tok)
	}
	var confirmed bool
	e.sb.DB.QueryRow(`SELECT email_confirmed FROM customers WHERE id = ?`, id).Scan(&confirmed)
	if confirmed {
		t.Fatal("email_confirm not reset in the store")
	}
	if got, err := c.GetCustomerAs(ctx, fresh, api.ID(id)); err != nil || got.Email != newEmail {
		t.Fatalf("the fresh token: %+v %v", got, err)
	}

	// PatchCustomerAs compares versions like PatchCustomer.
	name := "Akinyi"
	patched, err := c.PatchCustomerAs(ctx, fresh, api.ID(id), client.CustomerVersion(up), api.CustomerPatch{FirstName: &name})
	if err != nil || patched.FirstName != name {
		t.Fatalf("patch as: %+v %v", patched, err)
	}
	if _, err := c.PatchCustomerAs(ctx, fresh, api.ID(id), client.CustomerVersion(up), api.CustomerPatch{FirstName: &name}); !client.IsConflict(err) {
		t.Fatalf("stale patch as: %v", err)
	}

	// Refresh hands out a new token that works.
	refreshed, rc, err := c.Refresh(ctx, fresh)
	if err != nil || refreshed == fresh || string(rc.ID) != id {
		t.Fatalf("refresh: %v", err)
	}
	if _, err := c.GetCustomerAs(ctx, refreshed, api.ID(id)); err != nil {
		t.Fatal(err)
	}

	// Eligible offers and the verification mail.
	if _, err := c.Coupons(ctx, refreshed, api.ID(id)); err != nil {
		t.Fatal(err)
	}
	if plans, err := c.EligiblePlans(ctx, refreshed); err != nil || len(plans) != 0 {
		t.Fatalf("plans: %v %v", plans, err)
	}
	if skus, err := c.EligibleSKUs(ctx, refreshed); err != nil || len(skus) != 0 {
		t.Fatalf("skus: %v %v", skus, err)
	}
	if err := c.RequestEmailVerification(ctx, refreshed); err != nil {
		t.Fatal(err)
	}

	// A token that is not the dialect's, or none, is not accepted.
	forged := tok[:strings.LastIndex(tok, ".")+1] + "AAAA"
	if _, _, err := c.CustomerAs(ctx, forged); client.KindOf(err) != client.KindUnauthenticated || !client.IsCode(err, openapi.CodeForbidden) {
		t.Fatalf("forged token: %v", err)
	}
	if _, _, err := c.CustomerAs(ctx, "x"); client.KindOf(err) != client.KindUnauthenticated {
		t.Fatalf("garbage token: %v", err)
	}
}

// Coupons come from the store's eligibility rules, in Pelcro's shape.
func TestCouponsAgainstTheDialect(t *testing.T) {
	e := newEnv(t)
	c := e.client(t, "agent")
	ctx := context.Background()
	rows, err := e.sb.DB.Query(`SELECT id FROM customers WHERE email NOT LIKE 'hostile-%' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for rows.Next() {
		var id string
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		tok, err := e.d.IssueToken(api.ID(id))
		if err != nil {
			t.Fatal(err)
		}
		cs, err := c.Coupons(ctx, tok, api.ID(id))
		if err != nil {
			t.Fatal(err)
		}
		for _, cp := range cs {
			if cp.Code == "" || (cp.Kind == api.CouponFixed && (cp.Value <= 0 || cp.Currency == "")) || (cp.Kind == api.CouponPercent && cp.Value <= 0) {
				t.Fatalf("customer %s: coupon %+v", id, cp)
			}
		}
		if len(cs) > 0 {
			return
		}
	}
	t.Fatal("no customer of the sandbox has a coupon: the test proves nothing")
}
