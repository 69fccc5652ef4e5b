package sfcc_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/client/sfcc"
	sfccdialect "frontdesk/dialect/sfcc"
	"frontdesk/sandbox/sandboxtest"
)

// clock is a settable clock shared by the dialect and the driver.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type env struct {
	sb    *sandboxtest.Env
	url   string
	clk   *clock
	c     *sfcc.Client
	creds map[string]string
}

// newEnv is the driver against the sfcc dialect: a real HTTP server on a
// real SQLite sandbox, configured from the credentials the dialect
// prints.
func newEnv(t *testing.T) env {
	t.Helper()
	sb := sandboxtest.New(t, sandboxtest.Options{})
	h := sfccdialect.New(sb.Store, nil)
	clk := &clock{t: time.Now()}
	h.SetClock(clk.Now)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	k := sb.Keys["agent"]
	creds := map[string]string{}
	for _, l := range sfccdialect.Credentials(srv.URL, k.KeyID, k.Secret) {
		creds[l.Name] = l.Value
	}
	c, err := sfcc.New(sfcc.Config{BaseURL: srv.URL, ClientID: creds["key"], Secret: creds["secret"], Site: creds["site"],
		List: creds["list"], AuthURL: creds["auth-url"], MaxRetries: -1, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	return env{sb: sb, url: srv.URL, clk: clk, c: c, creds: creds}
}

// aCustomer is a seeded customer with orders, by the sandbox's id.
func (e env) aCustomer(t *testing.T) (id, email, first, last string) {
	t.Helper()
	if err := e.sb.DB.QueryRow(`SELECT c.id, c.email, c.first_name, c.last_name FROM customers c
		WHERE c.email NOT LIKE 'hostile-%' AND c.status = 'active' AND (SELECT count(*) FROM orders o WHERE o.customer_id = c.id) >= 3
		ORDER BY c.id LIMIT 1`).Scan(&id, &email, &first, &last); err != nil {
		t.Fatal(err)
	}
	return
}

func TestAgainstTheDialect(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()

	me, err := e.c.Me(ctx)
	if err != nil || me.KeyID != e.creds["key"] || me.Role != api.RoleSupervisor {
		t.Fatalf("me: %+v %v", me, err)
	}
	bad, _ := sfcc.New(sfcc.Config{BaseURL: e.url, ClientID: e.creds["key"], Secret: "cs_wrong", Site: sfccdialect.Site,
		List: sfccdialect.List, AuthURL: e.creds["auth-url"], MaxRetries: -1})
	if _, err := bad.Me(ctx); client.KindOf(err) != client.KindUnauthenticated {
		t.Fatalf("wrong password: %v", err)
	}

	// Paging with the driver's cursors walks every customer once.
	seen := map[api.ID]bool{}
	cur, pages := "", 0
	for {
		p, err := e.c.SearchCustomers(ctx, client.SearchParams{Cursor: cur, Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if p.Total != 50 || p.Number != pages || (pages > 1) != (p.Prev != "") {
			t.Fatalf("page %d: total %d, number %d, prev %q", pages, p.Total, p.Number, p.Prev)
		}
		for _, cu := range p.Items {
			if seen[cu.ID] || !strings.HasPrefix(string(cu.ID), "ab") || len(cu.ID) != 26 {
				t.Fatalf("customer id %q (twice: %v)", cu.ID, seen[cu.ID])
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

	// A whole word finds the customer; a fragment of a word does not
	// (OCAPI's text_query matches exact words).
	sid, email, first, last := e.aCustomer(t)
	cid := api.ID(sfccdialect.CustomerID(api.ID(sid)))
	p, err := e.c.SearchCustomers(ctx, client.SearchParams{Query: last})
	if err != nil || !contains(p.Items, cid) {
		t.Fatalf("search %q: %+v %v", last, p.Items, err)
	}
	if p, err := e.c.SearchCustomers(ctx, client.SearchParams{Query: email}); err != nil || !contains(p.Items, cid) {
		t.Fatalf("search by email %q: %+v %v", email, p.Items, err)
	}
	if p, err := e.c.SearchCustomers(ctx, client.SearchParams{Query: first + " " + last}); err != nil || !contains(p.Items, cid) {
		t.Fatalf("search %q %q: %+v %v", first, last, p.Items, err)
	}
	if len(last) > 3 {
		if p, err := e.c.SearchCustomers(ctx, client.SearchParams{Query: last[:len(last)-1]}); err != nil || contains(p.Items, cid) {
			t.Fatalf("a fragment %q found %s: %v", last[:len(last)-1], cid, err)
		}
	}

	// The profile.
	cu, err := e.c.GetCustomer(ctx, cid)
	if err != nil || cu.Email != email || cu.FirstName != first || cu.LastName != last || cu.Version == 0 || cu.CreatedAt.IsZero() {
		t.Fatalf("customer %s: %+v %v", cid, cu, err)
	}
	if _, err := e.c.GetCustomer(ctx, "ab0000000000000000000zzzzz"); !client.IsNotFound(err) {
		t.Fatalf("missing customer: %v", err)
	}
	if _, err := e.c.GetCustomer(ctx, "42"); !client.IsNotFound(err) || !client.IsCode(err, "CustomerNotFoundException") {
		t.Fatalf("an id that is no customer_id: %v", err)
	}

	// Edit with the version read; a stale version is a conflict with
	// the current one.
	v := client.CustomerVersion(cu)
	name := "Wanjiru"
	up, err := e.c.PatchCustomer(ctx, cid, v, api.CustomerPatch{FirstName: &name})
	if err != nil || up.FirstName != name || client.CustomerVersion(up) == v {
		t.Fatalf("patch: %+v %v", up, err)
	}
	var dbFirst string
	e.sb.DB.QueryRow(`SELECT first_name FROM customers WHERE id = ?`, sid).Scan(&dbFirst)
	if dbFirst != name {
		t.Fatalf("the store has %q", dbFirst)
	}
	_, err = e.c.PatchCustomer(ctx, cid, v, api.CustomerPatch{LastName: &name})
	ae, _ := client.AsAPIError(err)
	if !client.IsConflict(err) || ae == nil || ae.CurrentVersion != client.CustomerVersion(up) {
		t.Fatalf("stale patch: %v", err)
	}
	status := api.StatusDisabled
	if _, err := e.c.PatchCustomer(ctx, cid, client.CustomerVersion(up), api.CustomerPatch{Status: &status}); client.KindOf(err) != client.KindInvalid {
		t.Fatalf("status patch: %v", err)
	}

	// Orders: paging, one order, a status filter.
	var total int
	e.sb.DB.QueryRow(`SELECT count(*) FROM orders WHERE customer_id = ?`, sid).Scan(&total)
	op, err := e.c.ListOrders(ctx, cid, client.OrderParams{Limit: 2})
	if err != nil || op.Total != total || len(op.Items) != 2 || op.Next == "" || op.Items[0].CreatedAt.Before(op.Items[1].CreatedAt) {
		t.Fatalf("orders: %+v %v (store: %d)", op, err, total)
	}
	op2, err := e.c.ListOrders(ctx, cid, client.OrderParams{Limit: 2, Cursor: op.Next})
	if err != nil || op2.Number != 2 || len(op2.Items) == 0 || op2.Items[0].ID == op.Items[0].ID {
		t.Fatalf("orders page 2: %+v %v", op2, err)
	}
	o, err := e.c.GetOrder(ctx, cid, op.Items[0].ID)
	if err != nil || o.ID != op.Items[0].ID || len(o.Items) == 0 || o.Total != op.Items[0].Total || o.Status != op.Items[0].Status {
		t.Fatalf("order: %+v %v", o, err)
	}
	var deskStatus string
	var deskTotal int64
	oid, _, _ := strings.Cut(string(o.ID), "-")
	e.sb.DB.QueryRow(`SELECT status, total FROM orders WHERE id = ?`, strings.TrimLeft(oid, "0")).Scan(&deskStatus, &deskTotal)
	if o.Status != deskStatus || o.Total != deskTotal {
		t.Fatalf("order %s: status %s total %d, the store %s %d", o.ID, o.Status, o.Total, deskStatus, deskTotal)
	}
	if _, err := e.c.GetOrder(ctx, "ab000000000000000000000001", o.ID); !client.IsNotFound(err) {
		t.Fatalf("another customer's order: %v", err)
	}
	fp, err := e.c.ListOrders(ctx, cid, client.OrderParams{Status: deskStatus, Limit: 100})
	if err != nil || len(fp.Items) == 0 {
		t.Fatalf("orders %s: %+v %v", deskStatus, fp, err)
	}
	for _, it := range fp.Items {
		if it.Status != deskStatus {
			t.Fatalf("filter %s listed a %s order", deskStatus, it.Status)
		}
	}

	// On behalf: a session, the customer's own view and edit, a
	// password reset, a refresh, the end.
	s, err := client.StartSession(ctx, e.c, cid, "customer on the phone", "T-1", client.SessionOptions{Now: e.clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	tok := s.Token()
	if strings.Count(tok, ".") != 2 || s.Remaining() < 29*time.Minute {
		t.Fatalf("session token %q… remaining %v", tok[:min(8, len(tok))], s.Remaining())
	}
	as, err := e.c.GetCustomerAs(ctx, tok, cid)
	if err != nil || as.ID != cid {
		t.Fatalf("as the customer: %+v %v", as, err)
	}
	if _, err := e.c.GetCustomerAs(ctx, tok, "ab000000000000000000000001"); client.KindOf(err) != client.KindForbidden {
		t.Fatalf("another customer with this token: %v", err)
	}
	phone := "+254700000111"
	as2, err := e.c.PatchCustomerAs(ctx, tok, cid, client.CustomerVersion(as), api.CustomerPatch{Phone: &phone})
	if err != nil || as2.Phone != phone {
		t.Fatalf("patch as the customer: %+v %v", as2, err)
	}
	pr, err := e.c.SendPasswordReset(ctx, tok, cid)
	if err != nil || pr.CustomerID != cid || !strings.Contains(pr.SentTo, "***@") {
		t.Fatalf("password reset: %+v %v", pr, err)
	}
	if _, err := e.c.SendPasswordReset(ctx, "", cid); client.KindOf(err) != client.KindUnauthenticated {
		t.Fatalf("password reset without a session: %v", err)
	}
	if ls, _ := e.c.ListSessions(ctx, cid); len(ls) != 1 || ls[0].Token != "" {
		t.Fatalf("sessions: %+v", ls)
	}
	e.clk.Advance(29 * time.Minute)
	if !s.Due() {
		t.Fatal("the session is not due for a refresh a minute before it expires")
	}
	if err := s.Refresh(ctx); err != nil || s.Token() == tok || s.Remaining() < 29*time.Minute {
		t.Fatalf("refresh: %v (remaining %v)", err, s.Remaining())
	}
	tok2 := s.Token()
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.GetCustomerAs(ctx, tok2, cid); client.KindOf(err) != client.KindUnauthenticated {
		t.Fatalf("an ended session's token still works: %v", err)
	}
	if err := e.c.EndSession(ctx, s.ID()); err != nil {
		t.Fatalf("ending an ended session: %v", err)
	}

	// The agent's access token expired meanwhile (30 minutes): the
	// driver got a new one on its own.
	if _, err := e.c.GetCustomer(ctx, cid); err != nil {
		t.Fatalf("after the access token expired: %v", err)
	}
	e.clk.Advance(31 * time.Minute)
	if _, err := e.c.GetCustomer(ctx, cid); err != nil {
		t.Fatalf("after the access token expired: %v", err)
	}

	// What OCAPI cannot do is refused before any request.
	caps := e.c.Capabilities()
	for _, k := range []client.Capability{client.CapLoyalty, client.CapLoyaltyAdjust, client.CapNotes, client.CapAudit, client.CapCoupons, client.CapCreateCustomer} {
		if caps.Has(k) || caps.Why(k) == "" {
			t.Errorf("capability %s: has %v, why %q", k, caps.Has(k), caps.Why(k))
		}
	}
	for _, k := range []client.Capability{client.CapSearch, client.CapEditCustomer, client.CapOrders, client.CapOnBehalf, client.CapPasswordReset} {
		if !caps.Has(k) {
			t.Errorf("capability %s missing: %s", k, caps.Why(k))
		}
	}
	if _, err := e.c.GetLoyalty(ctx, cid); !client.IsUnsupported(err) {
		t.Fatalf("loyalty: %v", err)
	}
	if _, err := e.c.AddNote(ctx, cid, "x"); !client.IsUnsupported(err) {
		t.Fatalf("notes: %v", err)
	}
}

func contains(cs []api.Customer, id api.ID) bool {
	for _, c := range cs {
		if c.ID == id {
			return true
		}
	}
	return false
}

// A site or customer list the instance does not have is the fault the
// instance answers, not an empty result.
func TestWrongSiteAndList(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, cfg := range []sfcc.Config{
		{Site: "Nope", List: sfccdialect.List},
		{Site: sfccdialect.Site, List: "Nope"},
	} {
		c, err := sfcc.New(sfcc.Config{BaseURL: e.url, ClientID: e.creds["key"], Secret: e.creds["secret"], Site: cfg.Site, List: cfg.List,
			AuthURL: e.creds["auth-url"], MaxRetries: -1})
		if err != nil {
			t.Fatal(err)
		}
		if cfg.List == "Nope" {
			_, err = c.SearchCustomers(ctx, client.SearchParams{})
		} else {
			_, err = c.GetCustomer(ctx, "ab000000000000000000000001")
		}
		if !client.IsNotFound(err) || !strings.Contains(err.Error(), "Nope") {
			t.Errorf("site %s list %s: %v", cfg.Site, cfg.List, err)
		}
	}
}

// The driver's log names the calls and never a secret, an access token
// or a customer's JWT.
func TestLogsHoldNoSecrets(t *testing.T) {
	e := newEnv(t)
	var buf strings.Builder
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return buf.Write(p)
	}), &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := sfcc.New(sfcc.Config{BaseURL: e.url, ClientID: e.creds["key"], Secret: e.creds["secret"], Site: e.creds["site"],
		List: e.creds["list"], AuthURL: e.creds["auth-url"], MaxRetries: -1, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	sid, _, _, last := e.aCustomer(t)
	cid := api.ID(sfccdialect.CustomerID(api.ID(sid)))
	if _, err := c.SearchCustomers(ctx, client.SearchParams{Query: last}); err != nil {
		t.Fatal(err)
	}
	s, err := c.CreateSession(ctx, cid, "customer on the phone", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.SendPasswordReset(ctx, s.Token, cid); err != nil {
		t.Fatal(err)
	}
	if err := c.EndSession(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	out := buf.String()
	mu.Unlock()
	if !strings.Contains(out, "sfcc api") || !strings.Contains(out, "/customer_search") || !strings.Contains(out, "/password_reset") {
		t.Fatalf("the log does not name the calls:\n%s", out)
	}
	for _, secret := range []string{e.creds["secret"], s.Token, "Bearer", "Basic"} {
		if strings.Contains(out, secret) {
			t.Fatalf("the log holds %q:\n%s", secret[:min(10, len(secret))], out)
		}
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
