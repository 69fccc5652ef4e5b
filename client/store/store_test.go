package store

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/client"
)

// seedServer answers the documented paths with the seed's example
// responses from testdata, checking the request's credentials and
// method as the seed documents them.
func seedServer(t *testing.T, key, secret string) (*httptest.Server, *[]string) {
	t.Helper()
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Method+" "+r.URL.RequestURI())
		if k, s, ok := r.BasicAuth(); !ok || k != key || s != secret {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"status":"error","error":{"code":"unauthorized","message":"bad key"}}`))
			return
		}
		if r.Method != http.MethodGet {
			t.Errorf("the driver sent %s %s: the seed documents only GETs", r.Method, r.URL)
		}
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/api/v1/customers":
			w.Write(read("seed004_customers.json"))
		case "/api/v1/customers/42":
			w.Write(read("seed004_customer.json"))
		case "/api/v1/customers/42/loyalty":
			w.Write(read("seed004_loyalty.json"))
		default:
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"status":"error","error":{"code":"not_found","message":"no such customer"}}`))
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &seen
}

func newTestClient(t *testing.T, url, key, secret string) *Client {
	t.Helper()
	c, err := New(Config{BaseURL: url, KeyID: key, Secret: secret, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The seed's example responses decode into frontdesk's models, field for
// field.
func TestDecodesTheSeedExamples(t *testing.T) {
	srv, seen := seedServer(t, "ck_xxx", "cs_yyy")
	c := newTestClient(t, srv.URL, "ck_xxx", "cs_yyy")
	ctx := context.Background()

	page, err := c.SearchCustomers(ctx, client.SearchParams{Query: "jane"})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 1 || page.Total != 100 || page.Number != 1 || page.Limit != 20 || page.Next != "page:2" || page.Prev != "" {
		t.Fatalf("page: %d items, total %d, number %d, limit %d, next %q, prev %q", len(page.Items), page.Total, page.Number, page.Limit, page.Next, page.Prev)
	}
	jane := page.Items[0]
	want := api.Customer{ID: "42", Email: "customer@example.com", FirstName: "Jane", LastName: "Doe", Phone: "+254712345678",
		TotalOrders: 5, TotalSpent: 12500, CreatedAt: time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)}
	if jane.ID != want.ID || jane.Email != want.Email || jane.Name() != "Jane Doe" || jane.Phone != want.Phone ||
		jane.TotalOrders != 5 || jane.TotalSpent != 12500 || !jane.CreatedAt.Equal(want.CreatedAt) {
		t.Fatalf("customer: %+v", jane)
	}
	if len(jane.Addresses) != 1 {
		t.Fatalf("addresses: %+v", jane.Addresses)
	}
	if a := jane.Addresses[0]; a.ID != "1" || a.Type != "shipping" || a.Address1 != "Westlands Road" || a.City != "Nairobi" ||
		a.State != "Nairobi" || a.Zip != "00100" || a.Country != "Kenya" {
		t.Fatalf("address: %+v", a)
	}

	one, err := c.GetCustomer(ctx, "42")
	if err != nil {
		t.Fatal(err)
	}
	if one.ID != "42" || one.Name() != "Jane Doe" || one.TotalSpent != 12500 || one.Version != 0 || client.CustomerVersion(one) != "" {
		t.Fatalf("single customer: %+v", one)
	}

	loy, err := c.GetLoyalty(ctx, "42")
	if err != nil {
		t.Fatal(err)
	}
	if loy.CustomerID != "42" || loy.PointsBalance != 320 || loy.LifetimeEarned != 500 || len(loy.Ledger) != 1 {
		t.Fatalf("loyalty: %+v", loy)
	}
	if e := loy.Ledger[0]; e.ID != "1" || e.Type != "earn" || e.Points != 50 || e.OrderID == nil || *e.OrderID != "101" || e.Note != "Earned on order ORD-..." {
		t.Fatalf("ledger entry: %+v", e)
	}

	wantSeen := []string{
		"GET /api/v1/customers?limit=20&page=1&search=jane",
		"GET /api/v1/customers/42",
		"GET /api/v1/customers/42/loyalty",
	}
	if strings.Join(*seen, "\n") != strings.Join(wantSeen, "\n") {
		t.Fatalf("requests:\n%s\nwant:\n%s", strings.Join(*seen, "\n"), strings.Join(wantSeen, "\n"))
	}
}

// What the seed does not document is refused without a request, with
// the capability and a sentence an agent understands; Capabilities says
// the same before anyone asks.
func TestUnsupportedWithoutARequest(t *testing.T) {
	srv, seen := seedServer(t, "ck_xxx", "cs_yyy")
	c := newTestClient(t, srv.URL, "ck_xxx", "cs_yyy")
	ctx := context.Background()
	caps := c.Capabilities()
	for _, cap := range []client.Capability{client.CapCreateCustomer, client.CapEditCustomer, client.CapOrders, client.CapNotes,
		client.CapOnBehalf, client.CapCoupons, client.CapPasswordReset, client.CapAudit} {
		if caps.Has(cap) || caps.Why(cap) == "" {
			t.Errorf("capability %s: has %v, why %q", cap, caps.Has(cap), caps.Why(cap))
		}
	}
	if !caps.Has(client.CapLoyalty) {
		t.Error("loyalty can be read on this store, but Capabilities says no")
	}
	type call struct {
		name string
		cap  client.Capability
		err  error
	}
	var calls []call
	_, err := c.PatchCustomer(ctx, "42", "1", api.CustomerPatch{})
	calls = append(calls, call{"patch", client.CapEditCustomer, err})
	_, err = c.CreateCustomer(ctx, api.CustomerCreate{})
	calls = append(calls, call{"create", client.CapCreateCustomer, err})
	_, _, err = c.AdjustLoyalty(ctx, "42", api.AdjustmentRequest{Points: 5}, "")
	calls = append(calls, call{"adjust", client.CapLoyaltyAdjust, err})
	_, err = c.ListOrders(ctx, "42", client.OrderParams{})
	calls = append(calls, call{"orders", client.CapOrders, err})
	_, err = c.AddNote(ctx, "42", "hi")
	calls = append(calls, call{"note", client.CapNotes, err})
	_, err = c.CreateSession(ctx, "42", "r", "")
	calls = append(calls, call{"session", client.CapOnBehalf, err})
	_, err = c.ListAudit(ctx, client.AuditParams{})
	calls = append(calls, call{"audit", client.CapAudit, err})
	for _, cl := range calls {
		ae, ok := client.AsAPIError(cl.err)
		if !ok || !client.IsUnsupported(cl.err) || ae.Capability != cl.cap || !strings.HasPrefix(ae.Message, "this store's API") {
			t.Errorf("%s: %v", cl.name, cl.err)
		}
	}
	if ae, _ := client.AsAPIError(calls[0].err); ae.Message != caps.Why(client.CapEditCustomer) {
		t.Errorf("patch says %q, Capabilities %q", ae.Message, caps.Why(client.CapEditCustomer))
	}
	if len(*seen) != 0 {
		t.Fatalf("refused calls reached the store: %v", *seen)
	}
}

// Me checks the key with a list call: a wrong secret is
// KindUnauthenticated; a right one is the synthetic agent.
func TestMe(t *testing.T) {
	srv, seen := seedServer(t, "ck_xxx", "cs_yyy")
	me, err := newTestClient(t, srv.URL, "ck_xxx", "cs_yyy").Me(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if me.AgentID != "ck_xxx" || me.KeyID != "ck_xxx" || me.Role != api.RoleSupervisor || me.Gateway || !strings.Contains(me.Name, "ck_xxx") {
		t.Fatalf("me: %+v", me)
	}
	if got := (*seen)[0]; got != "GET /api/v1/customers?limit=1&page=1" {
		t.Fatalf("Me asked %s", got)
	}
	_, err = newTestClient(t, srv.URL, "ck_xxx", "cs_wrong").Me(context.Background())
	if client.KindOf(err) != client.KindUnauthenticated || !client.IsPermission(err) {
		t.Fatalf("wrong secret: %v (kind %v)", err, client.KindOf(err))
	}
}

// Errors keep the store's code and message; bodies that are not the
// store's envelope say what came back.
func TestErrors(t *testing.T) {
	srv, _ := seedServer(t, "ck_xxx", "cs_yyy")
	c := newTestClient(t, srv.URL, "ck_xxx", "cs_yyy")
	_, err := c.GetCustomer(context.Background(), "999")
	if !client.IsNotFound(err) || !client.IsCode(err, "not_found") || !strings.Contains(err.Error(), "no such customer") {
		t.Fatalf("missing customer: %v", err)
	}
	if _, err := c.SearchCustomers(context.Background(), client.SearchParams{Cursor: "at:3"}); client.KindOf(err) != client.KindInvalid {
		t.Fatalf("foreign cursor: %v", err)
	}

	html := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusOK)
		w.Write([]byte("<html>login</html>"))
	}))
	defer html.Close()
	_, err = newTestClient(t, html.URL, "ck_a", "cs_b").GetCustomer(context.Background(), "1")
	if !client.IsCode(err, client.CodeBadResponse) || !strings.Contains(err.Error(), "text/html") {
		t.Fatalf("html page: %v", err)
	}
}

// A 503 is retried and then answered; a 404 is not retried.
func TestRetriesOnlyWhatMayBeRetried(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/api/v1/customers/7" && n.Add(1) == 1:
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusServiceUnavailable)
		case r.URL.Path == "/api/v1/customers/7":
			w.Write([]byte(`{"status":"success","data":{"customer":{"id":7,"email":"a@b.c","first_name":"A","last_name":"B","phone":"","total_orders":0,"total_spent":0,"addresses":[],"notes":[],"orders":[],"created_at":"2026-01-15T10:00:00.000Z"}}}`))
		default:
			n.Add(100)
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL, KeyID: "ck_a", Secret: "cs_b", RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if cu, err := c.GetCustomer(context.Background(), "7"); err != nil || cu.ID != "7" || n.Load() != 2 {
		t.Fatalf("after a 503: %v, %d attempts", err, n.Load())
	}
	n.Store(0)
	if _, err := c.GetLoyalty(context.Background(), "8"); !client.IsNotFound(err) || n.Load() != 100 {
		t.Fatalf("404: %v, attempts %d", err, n.Load()/100)
	}
	var te *client.TransportError
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	c2, _ := New(Config{BaseURL: dead.URL, KeyID: "ck_a", Secret: "cs_b", MaxRetries: 1, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
	if _, err := c2.GetCustomer(context.Background(), "1"); !errors.As(err, &te) || te.Attempts != 2 {
		t.Fatalf("no server: %v", err)
	}
}

// The URL gets /api/v1 once; credentials in it are refused.
func TestNew(t *testing.T) {
	for in, want := range map[string]string{
		"https://s.example":         "https://s.example/api/v1",
		"https://s.example/":        "https://s.example/api/v1",
		"https://s.example/api/v1/": "https://s.example/api/v1",
		"http://127.0.0.1:9/shop":   "http://127.0.0.1:9/shop/api/v1",
	} {
		c, err := New(Config{BaseURL: in, KeyID: "ck_a", Secret: "cs_b"})
		if err != nil || c.BaseURL() != want {
			t.Errorf("%s: %v %v", in, c, err)
		}
	}
	for _, bad := range []Config{
		{BaseURL: "https://u:p@s.example", KeyID: "ck_a", Secret: "cs_b"},
		{BaseURL: "ftp://s.example", KeyID: "ck_a", Secret: "cs_b"},
		{BaseURL: "https://s.example", Secret: "cs_b"},
		{BaseURL: "https://s.example", KeyID: "ck_a"},
		{BaseURL: "https://s.example", KeyID: "ck_a:cs_b", Secret: "cs_b"},
		{BaseURL: "https://s.example", KeyID: "ck_a", Secret: "cs_b", Currency: "kes"},
		{BaseURL: "https://s.example", KeyID: "ck_a", Secret: "cs_b", Currency: "KESH"},
	} {
		if _, err := New(bad); err == nil {
			t.Errorf("New(%+v) accepted", bad)
		}
	}
}
