package sfcc

import (
	"context"
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

// The documented fault example decodes into the fault's type and
// message, with the kind of its status.
func TestDecodeDocumentedFault(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "fault.json"))
	if err != nil {
		t.Fatal(err)
	}
	ae := decodeFault(404, http.Header{}, b, "https://x/s/a/dw/shop/v20_4/incognito?client_id=1", time.Now())
	if ae.Code != "NotFoundException" || !strings.HasPrefix(ae.Message, "Unknown resource") || ae.Kind() != client.KindNotFound {
		t.Fatalf("%+v", ae)
	}
	ae = decodeFault(400, http.Header{}, []byte(`{"_v":"20.4","fault":{"type":"CustomerIdMismatchException","message":"m"}}`), "u", time.Now())
	if ae.Kind() != client.KindForbidden {
		t.Fatalf("mismatch: %v", ae.Kind())
	}
	ae = decodeFault(502, http.Header{"Content-Type": {"text/html"}, "Retry-After": {"3"}}, []byte("<html>bad gateway</html>"), "https://x/p?q=secret", time.Now())
	if ae.Code != client.CodeBadResponse || ae.Kind() != client.KindUnavailable || ae.RetryAfter != 3*time.Second || strings.Contains(ae.Message, "secret") {
		t.Fatalf("%+v", ae)
	}
}

// The documented statuses map onto frontdesk's and back.
func TestOrderStatuses(t *testing.T) {
	for _, c := range []struct{ status, payment, shipping, want string }{
		{"created", "not_paid", "not_shipped", api.OrderPending},
		{"new", "paid", "not_shipped", api.OrderPaid},
		{"open", "paid", "part_shipped", api.OrderProcessing},
		{"open", "paid", "shipped", api.OrderShipped},
		{"completed", "paid", "shipped", api.OrderDelivered},
		{"cancelled", "not_paid", "not_shipped", api.OrderCancelled},
		{"cancelled", "paid", "shipped", api.OrderRefunded},
		{"failed", "not_paid", "not_shipped", api.OrderCancelled},
	} {
		got := orderStatus(c.status, c.payment, c.shipping)
		if got != c.want {
			t.Errorf("%+v: %s", c, got)
		}
		if f := sfccStatusFilter(got); f == "" || (f != c.status && c.status != "failed") {
			t.Errorf("filter for %s: %q", got, f)
		}
	}
}

// The version moves with every editable field and last_modified.
func TestVersion(t *testing.T) {
	w := wireCustomer{Email: "a@b.c", FirstName: "A", LastName: "B", LastModified: time.Unix(100, 0)}
	v := version(w)
	for _, change := range []func(*wireCustomer){
		func(w *wireCustomer) { w.Email = "x@b.c" },
		func(w *wireCustomer) { w.FirstName = "X" },
		func(w *wireCustomer) { w.PhoneMobile = "1" },
		func(w *wireCustomer) { w.LastModified = w.LastModified.Add(time.Millisecond) },
	} {
		c := w
		change(&c)
		if version(c) == v || version(c) <= 0 {
			t.Errorf("version did not move: %+v", c)
		}
	}
}

func TestNewChecks(t *testing.T) {
	ok := Config{BaseURL: "https://i.example", ClientID: "c", Secret: "s", Site: "S", List: "L"}
	if c, err := New(ok); err != nil || c.ShopURL() != "https://i.example/s/S/dw/shop/v20_4" || c.DataURL() != "https://i.example/s/-/dw/data/v20_4" || c.cfg.AuthURL != DefaultAuthURL {
		t.Fatalf("%v", err)
	}
	for _, bad := range []func(*Config){
		func(c *Config) { c.BaseURL = "" },
		func(c *Config) { c.BaseURL = "ftp://x" },
		func(c *Config) { c.Site = "" },
		func(c *Config) { c.List = "" },
		func(c *Config) { c.Site = "a/b" },
		func(c *Config) { c.ClientID = "" },
		func(c *Config) { c.Secret = "" },
		func(c *Config) { c.AuthURL = "not a url" },
	} {
		c := ok
		bad(&c)
		if _, err := New(c); err == nil {
			t.Errorf("accepted %+v", c)
		}
	}
}

// Writes are never retried; reads are, on 503.
func TestRetries(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/token" {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"access_token":"t","token_type":"Bearer","expires_in":1799}`))
			return
		}
		calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"_v":"20.4","fault":{"type":"ServiceUnavailableException","message":"down"}}`))
	}))
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL, AuthURL: srv.URL + "/token", ClientID: "c", Secret: "s", Site: "S", List: "L",
		MaxRetries: 2, RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.GetCustomer(ctx, "x"); client.KindOf(err) != client.KindUnavailable || calls.Load() != 3 {
		t.Fatalf("read: %d calls, %v", calls.Load(), err)
	}
	calls.Store(0)
	if _, err := c.CreateSession(ctx, "x", "customer called", ""); client.KindOf(err) != client.KindUnavailable || calls.Load() != 1 {
		t.Fatalf("on-behalf: %d calls, %v", calls.Load(), err)
	}
}

func TestJWTExpiry(t *testing.T) {
	if exp, ok := jwtExpiry("eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjEwMDB9.c2ln"); !ok || exp.Unix() != 1000 {
		t.Fatalf("%v %v", exp, ok)
	}
	if _, ok := jwtExpiry("opaque"); ok {
		t.Fatal("an opaque token has an expiry")
	}
	if maskEmail("jane@example.com") != "j***@example.com" || maskEmail("nope") != "" {
		t.Fatal(maskEmail("jane@example.com"))
	}
}
