package chec_test

import (
	"bytes"
	"context"
	"log/slog"
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
	"frontdesk/client/chec"
)

const secret = "sk_test_0123456789abcdef_fedcba9876543210"

func testdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// serve answers each path with a testdata file (status 200 unless the
// file is an error_NNN), recording what it was asked.
type recorder struct {
	requests atomic.Int64
	last     atomic.Pointer[http.Request]
}

func serve(t *testing.T, routes map[string]string) (*httptest.Server, *recorder) {
	t.Helper()
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.requests.Add(1)
		rec.last.Store(r)
		name, ok := routes[r.Method+" "+r.URL.Path]
		if !ok {
			name = "error_404.json"
		}
		status := http.StatusOK
		switch {
		case strings.HasPrefix(name, "error_404"):
			status = http.StatusNotFound
		case strings.HasPrefix(name, "error_422"):
			status = http.StatusUnprocessableEntity
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write(testdata(t, name))
	}))
	t.Cleanup(srv.Close)
	return srv, rec
}

func newClient(t *testing.T, url string, logger *slog.Logger) *chec.Client {
	t.Helper()
	c, err := chec.New(chec.Config{BaseURL: url, PublicKey: "pk_test_0123456789abcdef", SecretKey: secret, MaxRetries: -1, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The driver reads the recorded example responses and maps them onto
// frontdesk's shapes: ids kept, unix seconds as times, prices in minor
// units, Chec's statuses onto frontdesk's, meta.pagination as cursors.
func TestDecodesTheExamples(t *testing.T) {
	const id = "cstmr_K1YDR2qy29Qem6"
	srv, rec := serve(t, map[string]string{
		"GET /v1/customers":                                      "customers.json",
		"GET /v1/customers/" + id:                                "customer.json",
		"GET /v1/customers/" + id + "/orders":                    "orders.json",
		"GET /v1/customers/" + id + "/orders/ord_Kvg9l6zvnl1bB7": "order.json",
	})
	var logs bytes.Buffer
	c := newClient(t, srv.URL, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	ctx := context.Background()

	p, err := c.SearchCustomers(ctx, client.SearchParams{Query: "leslie", Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	r := rec.last.Load()
	if got := r.Header.Get("X-Authorization"); got != secret {
		t.Errorf("X-Authorization %q", got)
	}
	if r.Header.Get("X-Chec-Agent") == "" || r.Header.Get("Authorization") != "" {
		t.Errorf("headers: %v", r.Header)
	}
	if q := r.URL.Query(); q.Get("query") != "leslie" || q.Get("limit") != "1" || q.Get("page") != "1" {
		t.Errorf("query %v", q)
	}
	if len(p.Items) != 1 || p.Total != 52 || p.Number != 1 || p.Limit != 1 || p.Next != client.PageCursor(2) || p.Prev != "" {
		t.Fatalf("page: %+v", p)
	}
	cu := p.Items[0]
	if cu.ID != id || cu.FirstName != "Leslie" || cu.LastName != "Lawless" || cu.Email != "leslie.lawless@example.com" ||
		cu.Phone != "+14155550100" || !cu.CreatedAt.Equal(time.Unix(1594841640, 0)) || !cu.UpdatedAt.Equal(time.Unix(1600348562, 0)) || cu.Version <= 0 {
		t.Fatalf("customer: %+v", cu)
	}

	one, err := c.GetCustomer(ctx, id)
	if err != nil || one.ID != id || one.Version != cu.Version || one.TotalOrders != 3 {
		t.Fatalf("get: %+v %v", one, err)
	}

	orders, err := c.ListOrders(ctx, id, client.OrderParams{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if q := rec.last.Load().URL.Query(); q.Get("sortBy") != "created_at" || q.Get("sortDirection") != "desc" {
		t.Errorf("orders query %v", q)
	}
	if len(orders.Items) != 1 || orders.Total != 3 || orders.Next != client.PageCursor(2) {
		t.Fatalf("orders: %+v", orders)
	}
	o := orders.Items[0]
	if o.ID != "ord_Kvg9l6zvnl1bB7" || o.Number != "TSTSTR-7152" || o.CustomerID != id || o.Status != api.OrderPaid ||
		o.PaymentStatus != "paid" || o.FulfillmentStatus != "not_fulfilled" || o.Currency != "USD" ||
		o.Total != 4850 || o.Subtotal != 4000 || o.Shipping != 500 || o.Tax != 350 || o.Discount != 0 || o.ItemCount != 2 ||
		len(o.Items) != 0 || !o.CreatedAt.Equal(time.Unix(1600348562, 0)) {
		t.Fatalf("order in list: %+v", o)
	}
	full, err := c.GetOrder(ctx, id, "ord_Kvg9l6zvnl1bB7")
	if err != nil {
		t.Fatal(err)
	}
	if len(full.Items) != 1 || full.Items[0] != (api.OrderItem{SKU: "KTL-01", Name: "Kettle", Quantity: 2, UnitPrice: 2000, Total: 4000}) ||
		full.ShippingAddress == nil || full.ShippingAddress.City != "San Francisco" || full.ShippingAddress.Zip != "94105" ||
		full.BillingAddress == nil || full.BillingAddress.Country != "US" {
		t.Fatalf("order: %+v", full)
	}

	// Not found: Chec's type as the code, its message, the kind.
	_, err = c.GetCustomer(ctx, "cstmr_nobody")
	ae, ok := client.AsAPIError(err)
	if !ok || ae.Kind() != client.KindNotFound || ae.Code != "not_found" || ae.Message != "Customer not found." || ae.Status != 404 {
		t.Fatalf("not found: %#v", err)
	}
	if strings.Contains(logs.String(), "sk_test") {
		t.Fatalf("the secret key reached the log:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "/v1/customers") {
		t.Fatalf("no request logged:\n%s", logs.String())
	}
}

// A 422 validation names its fields; an email already taken is a
// conflict, as frontdesk's 409 duplicate_email is.
func TestValidationErrors(t *testing.T) {
	const id = "cstmr_K1YDR2qy29Qem6"
	srv, rec := serve(t, map[string]string{
		"GET /v1/customers/" + id: "customer.json",
		"PUT /v1/customers/" + id: "error_422.json",
	})
	c := newClient(t, srv.URL, nil)
	ctx := context.Background()
	cu, err := c.GetCustomer(ctx, id) // the orders count is a 404 here
	if !client.IsNotFound(err) {
		t.Fatalf("get with no orders list: %+v %v", cu, err)
	}
	email := "taken@example.com"
	before := rec.requests.Load()
	_, err = c.PatchCustomer(ctx, id, "", api.CustomerPatch{Email: &email})
	ae, ok := client.AsAPIError(err)
	if !ok || ae.Kind() != client.KindConflict || ae.Code != api.CodeDuplicateEmail || ae.Fields["email"] != "The email has already been taken." {
		t.Fatalf("duplicate email: %#v", err)
	}
	if n := rec.requests.Load() - before; n != 2 {
		t.Fatalf("%d requests for one patch, want the re-read and one PUT", n)
	}
	if r := rec.last.Load(); r.Method != http.MethodPut || r.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("last request %s %v", r.Method, r.Header)
	}
}

// Chec's 422 validation is frontdesk's validation error, fields renamed.
func TestValidationIsFrontdesks(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodGet {
			w.Write(testdata(t, "customer.json"))
			return
		}
		w.WriteHeader(http.StatusUnprocessableEntity)
		w.Write([]byte(`{"error":{"type":"validation","message":"The given data was invalid.","errors":{"firstname":["The firstname may not be greater than 255 characters."]}}}`))
	}))
	t.Cleanup(srv.Close)
	c := newClient(t, srv.URL, nil)
	name := "Lesley"
	_, err := c.PatchCustomer(context.Background(), "cstmr_K1YDR2qy29Qem6", "", api.CustomerPatch{FirstName: &name})
	ae, ok := client.AsAPIError(err)
	if !ok || ae.Kind() != client.KindInvalid || ae.Code != api.CodeValidation || ae.Status != 422 ||
		ae.Fields["first_name"] != "The firstname may not be greater than 255 characters." {
		t.Fatalf("validation: %#v", err)
	}
}

// GETs are retried on 503; a PUT never is, since it may have been applied.
func TestRetries(t *testing.T) {
	var gets, puts atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			puts.Add(1)
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		if gets.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(testdata(t, "customer.json"))
	}))
	t.Cleanup(srv.Close)
	c, err := chec.New(chec.Config{BaseURL: srv.URL, SecretKey: secret, MaxRetries: 3, RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	name := "Lesley"
	_, err = c.PatchCustomer(context.Background(), "cstmr_K1YDR2qy29Qem6", "", api.CustomerPatch{FirstName: &name})
	if client.KindOf(err) != client.KindUnavailable || gets.Load() != 2 || puts.Load() != 1 {
		t.Fatalf("err %v, %d GETs (want 2), %d PUTs (want 1)", err, gets.Load(), puts.Load())
	}
}

func TestConfig(t *testing.T) {
	for _, tc := range []struct{ url, key, want string }{
		{"", "", "no Chec secret key"},
		{"", "pk_test_1", "public key"},
		{"", "abc", "starts with sk_"},
		{"ftp://x", secret, "http"},
	} {
		if _, err := chec.New(chec.Config{BaseURL: tc.url, SecretKey: tc.key}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q %q: %v, want %q", tc.url, tc.key, err, tc.want)
		}
	}
	c, err := chec.New(chec.Config{SecretKey: secret})
	if err != nil || c.BaseURL() != "https://api.chec.io/v1" {
		t.Fatalf("default URL: %v %v", c, err)
	}
	c, _ = chec.New(chec.Config{BaseURL: "http://h:1/v1/", SecretKey: secret})
	if c.BaseURL() != "http://h:1/v1" {
		t.Fatalf("URL with /v1: %s", c.BaseURL())
	}
}

// What Commerce.js lacks is refused without a request, with its sentence.
func TestUnsupported(t *testing.T) {
	srv, rec := serve(t, nil)
	c := newClient(t, srv.URL, nil)
	ctx := context.Background()
	caps := c.Capabilities()
	for _, k := range []client.Capability{client.CapLoyalty, client.CapLoyaltyAdjust, client.CapNotes, client.CapOnBehalf,
		client.CapCoupons, client.CapPasswordReset, client.CapAudit, client.CapCreateCustomer} {
		if caps.Has(k) || caps.Why(k) == "" {
			t.Errorf("%s: has %v, why %q", k, caps.Has(k), caps.Why(k))
		}
	}
	for _, k := range []client.Capability{client.CapEditCustomer, client.CapOrders} {
		if !caps.Has(k) {
			t.Errorf("%s missing: %s", k, caps.Why(k))
		}
	}
	if caps.Why(client.CapLoyalty) != "Commerce.js stores have no loyalty points" {
		t.Errorf("loyalty: %q", caps.Why(client.CapLoyalty))
	}
	_, err := c.GetLoyalty(ctx, "cstmr_x")
	_, _, err2 := c.AdjustLoyalty(ctx, "cstmr_x", api.AdjustmentRequest{}, "")
	_, err3 := c.AddNote(ctx, "cstmr_x", "hi")
	_, err4 := c.CreateSession(ctx, "cstmr_x", "r", "t")
	_, err5 := c.ListAudit(ctx, client.AuditParams{})
	_, err6 := c.CreateCustomer(ctx, api.CustomerCreate{})
	for i, e := range []error{err, err2, err3, err4, err5, err6} {
		if !client.IsUnsupported(e) {
			t.Errorf("call %d: %v", i, e)
		}
	}
	// Fields Chec cannot change are refused before asking.
	st := "disabled"
	if _, err := c.PatchCustomer(ctx, "cstmr_x", "", api.CustomerPatch{Status: &st}); client.KindOf(err) != client.KindInvalid {
		t.Errorf("status patch: %v", err)
	}
	if n := rec.requests.Load(); n != 0 {
		t.Fatalf("%d requests for refused calls", n)
	}
}
