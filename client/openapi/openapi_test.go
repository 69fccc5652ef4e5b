package openapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"frontdesk/api"
	"frontdesk/client"
)

const (
	testKey   = "pk_live_test_key_0123456789"
	testToken = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOjM4MjM1MjV9.c2FtcGxl"
)

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// docServer answers Pelcro's documented examples (testdata), checking
// site_id and the bearer credential of each API as documented.
func docServer(t *testing.T) (*httptest.Server, *[]string) {
	t.Helper()
	var (
		mu   sync.Mutex
		seen []string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.RequestURI())
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("site_id") != "7" {
			t.Errorf("%s %s without site_id=7", r.Method, r.URL)
		}
		auth := r.Header.Get("Authorization")
		core := strings.HasPrefix(r.URL.Path, CoreBase)
		if core && auth != "Bearer "+testKey || !core && auth != "Bearer "+testToken {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write(read(t, "sdk_error_401.json"))
			return
		}
		switch r.Method + " " + r.URL.Path {
		case "GET /api/v1/core/account":
			w.Write(read(t, "core_account.json"))
		case "GET /api/v1/core/customers/3823525":
			w.Write(read(t, "core_customer.json"))
		case "POST /api/v1/sdk/customer", "POST /api/v1/sdk/customer/refresh":
			w.Write(read(t, "sdk_customer.json"))
		case "GET /api/v1/sdk/customer/coupons":
			w.Write(read(t, "sdk_coupons.json"))
		case "PUT /api/v1/core/customers/3823525":
			w.WriteHeader(http.StatusBadRequest)
			w.Write(read(t, "core_error_validation.json"))
		case "PUT /api/v1/sdk/customer":
			w.WriteHeader(http.StatusBadRequest)
			w.Write(read(t, "sdk_error_validation.json"))
		default:
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"error":{"status":404,"message":"Customer not found."}}`))
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &seen
}

func newTestClient(t *testing.T, url string, mod ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{BaseURL: url, SiteID: "7", APIKey: testKey, MaxRetries: -1}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The documented examples decode into frontdesk's models, field for
// field.
func TestDecodesTheDocumentedExamples(t *testing.T) {
	srv, _ := docServer(t)
	c := newTestClient(t, srv.URL)
	ctx := context.Background()

	me, err := c.Me(ctx)
	if err != nil || me.Role != api.RoleSupervisor || me.KeyID != "site-7" || me.Name != "Pelcro API key for site 7 (Example Media)" {
		t.Fatalf("me: %+v %v", me, err)
	}

	cu, err := c.GetCustomer(ctx, "3823525")
	if err != nil {
		t.Fatal(err)
	}
	if cu.ID != "3823525" || cu.Email != "zakary.bernier@example.com" || !cu.EmailConfirmed || cu.FirstName != "Zakary" ||
		cu.LastName != "Bernier" || cu.Phone != "5555550100" || cu.CreatedAt.Unix() != 1700000000 || cu.Version != Version(cu) || cu.Version <= 0 {
		t.Fatalf("core customer: %+v", cu)
	}

	as, tok, err := c.CustomerAs(ctx, testToken)
	if err != nil || tok != testToken || as.ID != "3823525" || as.Email != cu.Email || as.Version != cu.Version {
		t.Fatalf("sdk customer: %+v %q %v", as, tok, err)
	}
	if _, err := c.GetCustomerAs(ctx, testToken, "3823525"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetCustomerAs(ctx, testToken, "42"); client.KindOf(err) != client.KindForbidden || !client.IsCode(err, CodeTokenCustomerMismatch) {
		t.Fatalf("another customer's id: %v", err)
	}
	fresh, _, err := c.Refresh(ctx, testToken)
	if err != nil || fresh != testToken {
		t.Fatalf("refresh: %q %v", fresh, err)
	}

	cs, err := c.Coupons(ctx, testToken, "3823525")
	if err != nil || len(cs) != 2 || cs[0].Code != "WELCOME10" || cs[0].Kind != api.CouponPercent || cs[0].Value != 10 ||
		cs[1].Kind != api.CouponFixed || cs[1].Value != 500 || cs[1].Currency != "USD" {
		t.Fatalf("coupons: %+v %v", cs, err)
	}

	// Pelcro's documented error bodies.
	bad := newTestClient(t, srv.URL, func(c *Config) { c.APIKey = "wrong" })
	_, err = bad.GetCustomer(ctx, "3823525")
	if ae, ok := client.AsAPIError(err); !ok || ae.Kind() != client.KindUnauthenticated || ae.Message != "Unauthenticated." || ae.Status != 401 {
		t.Fatalf("401: %v", err)
	}
	email := "not an email"
	_, err = c.PatchCustomer(ctx, "3823525", client.CustomerVersion(cu), api.CustomerPatch{Email: &email})
	if ae, ok := client.AsAPIError(err); !ok || ae.Kind() != client.KindInvalid || ae.Fields["email"] != "The email field is required." {
		t.Fatalf("core validation: %v", err)
	}
	_, _, err = c.UpdateAs(ctx, testToken, api.CustomerPatch{Email: &email})
	if ae, ok := client.AsAPIError(err); !ok || ae.Kind() != client.KindInvalid || ae.Fields["plan_id"] != "Plan ID is required" ||
		ae.Fields["email"] != "The email must be a valid email address." {
		t.Fatalf("sdk validation: %v", err)
	}
	if _, err := c.GetCustomer(ctx, "99"); !client.IsNotFound(err) || !strings.Contains(err.Error(), "Customer not found.") {
		t.Fatalf("404: %v", err)
	}
}

// What Pelcro lacks is refused with the driver's sentence, before any
// request; an id that is not a number is not found without a request.
func TestUnsupportedWithoutARequest(t *testing.T) {
	srv, seen := docServer(t)
	c := newTestClient(t, srv.URL)
	ctx := context.Background()
	caps := c.Capabilities()
	for _, tc := range []struct {
		cap client.Capability
		err error
	}{
		{client.CapSearch, func() error { _, err := c.SearchCustomers(ctx, client.SearchParams{Query: "zak"}); return err }()},
		{client.CapCreateCustomer, func() error { _, err := c.CreateCustomer(ctx, api.CustomerCreate{}); return err }()},
		{client.CapOrders, func() error { _, err := c.ListOrders(ctx, "1", client.OrderParams{}); return err }()},
		{client.CapOrders, func() error { _, err := c.GetOrder(ctx, "1", "2"); return err }()},
		{client.CapLoyalty, func() error { _, err := c.GetLoyalty(ctx, "1"); return err }()},
		{client.CapLoyalty, func() error { _, err := c.ListLedger(ctx, "1", client.PageParams{}); return err }()},
		{client.CapLoyaltyAdjust, func() error { _, _, err := c.AdjustLoyalty(ctx, "1", api.AdjustmentRequest{}, ""); return err }()},
		{client.CapNotes, func() error { _, err := c.ListNotes(ctx, "1", client.PageParams{}); return err }()},
		{client.CapNotes, func() error { _, err := c.AddNote(ctx, "1", "hi"); return err }()},
		{client.CapOnBehalf, func() error { _, err := c.CreateSession(ctx, "1", "help", ""); return err }()},
		{client.CapOnBehalf, func() error { _, err := c.RefreshSession(ctx, "s"); return err }()},
		{client.CapOnBehalf, c.EndSession(ctx, "s")},
		{client.CapOnBehalf, func() error { _, err := c.ListSessions(ctx, ""); return err }()},
		{client.CapPasswordReset, func() error { _, err := c.SendPasswordReset(ctx, testToken, "1"); return err }()},
		{client.CapAudit, func() error { _, err := c.ListAudit(ctx, client.AuditParams{}); return err }()},
	} {
		ae, ok := client.AsAPIError(tc.err)
		if !ok || ae.Kind() != client.KindUnsupported || ae.Capability != tc.cap || ae.Message == "" {
			t.Errorf("%s: %v", tc.cap, tc.err)
			continue
		}
		if caps.Has(tc.cap) || caps.Why(tc.cap) != ae.Message {
			t.Errorf("%s: capabilities say %v %q, the call %q", tc.cap, caps.Has(tc.cap), caps.Why(tc.cap), ae.Message)
		}
	}
	for _, k := range []client.Capability{client.CapEditCustomer} {
		if !caps.Has(k) {
			t.Errorf("%s missing: %s", k, caps.Why(k))
		}
	}
	if _, err := c.GetCustomer(ctx, "zak@example.com"); !client.IsNotFound(err) {
		t.Fatalf("an email as the id: %v", err)
	}
	if _, _, err := c.CustomerAs(ctx, " "); client.KindOf(err) != client.KindUnauthenticated {
		t.Fatalf("no token: %v", err)
	}
	if len(*seen) != 0 {
		t.Fatalf("requests made: %v", *seen)
	}
}

// Reads are retried on 503; writes, the token refresh and the
// verification mail are not.
func TestRetriesOnlyWhatMayBeRetried(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	c := newTestClient(t, srv.URL, func(c *Config) { c.MaxRetries = 2; c.RetryWaitMin = 1; c.RetryWaitMax = 2 })
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		calls int32
		run   func() error
	}{
		{"get customer", 3, func() error { _, err := c.GetCustomer(ctx, "1"); return err }},
		{"get customer as the customer", 3, func() error { _, _, err := c.CustomerAs(ctx, testToken); return err }},
		{"eligible plans", 3, func() error { _, err := c.EligiblePlans(ctx, testToken); return err }},
		{"update as the customer", 1, func() error {
			n := "Zak"
			_, _, err := c.UpdateAs(ctx, testToken, api.CustomerPatch{FirstName: &n})
			return err
		}},
		{"refresh", 1, func() error { _, _, err := c.Refresh(ctx, testToken); return err }},
		{"email verification", 1, func() error { return c.RequestEmailVerification(ctx, testToken) }},
	} {
		n.Store(0)
		err := tc.run()
		if client.KindOf(err) != client.KindUnavailable || n.Load() != tc.calls {
			t.Errorf("%s: %d requests, %v", tc.name, n.Load(), err)
		}
	}
}

// Neither the API key nor a customer token reaches the log or an error
// message, even when an answer that is not Pelcro's carries a token.
func TestSecretsStayOut(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		// A customer resource without "data": not Pelcro's envelope.
		w.Write([]byte(`{"auth_token":"` + testToken + `","note":"Bearer ` + testKey + `"}`))
	}))
	t.Cleanup(srv.Close)
	var logs bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return logs.Write(p)
	}), &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := newTestClient(t, srv.URL, func(c *Config) { c.Logger = logger })
	_, _, err := c.CustomerAs(context.Background(), testToken)
	if err == nil || client.KindOf(err) != client.KindOther || !client.IsCode(err, client.CodeBadResponse) {
		t.Fatalf("bad body: %v", err)
	}
	_, err = c.GetCustomer(context.Background(), "1")
	if err == nil {
		t.Fatal("no error")
	}
	mu.Lock()
	all := logs.String() + err.Error()
	mu.Unlock()
	// Not even a token's first part: an answer is quoted only 60
	// characters deep, and the token starts within them.
	for _, secret := range []string{testToken, testKey, "eyJ0eXAi", "eyJzdWIiOjM4MjM1MjV9"} {
		if strings.Contains(all, secret) {
			t.Fatalf("%q leaked:\n%s", secret, all)
		}
	}
	if !strings.Contains(logs.String(), "path=/api/v1/sdk/customer") {
		t.Fatalf("nothing logged: %s", logs.String())
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

var _ io.Writer = writerFunc(nil)

func TestNew(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{SiteID: "1", APIKey: "k"}, "no Pelcro URL"},
		{Config{BaseURL: "ftp://x", SiteID: "1", APIKey: "k"}, "http"},
		{Config{BaseURL: "https://u:p@x", SiteID: "1", APIKey: "k"}, "credentials"},
		{Config{BaseURL: "https://x?site_id=1", SiteID: "1", APIKey: "k"}, "query"},
		{Config{BaseURL: "https://x", APIKey: "k"}, "site id"},
		{Config{BaseURL: "https://x", SiteID: "abc", APIKey: "k"}, "number"},
		{Config{BaseURL: "https://x", SiteID: "1"}, "API key"},
		{Config{BaseURL: "https://x", SiteID: "1", APIKey: "a b"}, "spaces"},
	} {
		if _, err := New(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.cfg, err, tc.want)
		}
	}
	for raw, want := range map[string]string{
		"https://www.pelcro.com":              "https://www.pelcro.com",
		"https://www.pelcro.com/":             "https://www.pelcro.com",
		"https://www.pelcro.com/api/v1/sdk/":  "https://www.pelcro.com",
		"https://www.pelcro.com/api/v1/core":  "https://www.pelcro.com",
		"http://127.0.0.1:8080/prefix/api/v1": "http://127.0.0.1:8080/prefix",
	} {
		c, err := New(Config{BaseURL: raw, SiteID: "1", APIKey: "k"})
		if err != nil || c.BaseURL() != want {
			t.Errorf("%s: %v %v, want %s", raw, c, err, want)
		}
	}
}

// Version changes with every editable field and with nothing else.
func TestVersion(t *testing.T) {
	base := api.Customer{ID: "1", Email: "a@example.com", FirstName: "A", LastName: "B", Phone: "1"}
	v := Version(base)
	same := base
	same.Email, same.EmailConfirmed, same.ID = "A@Example.com", true, "2"
	if Version(same) != v {
		t.Fatal("case of the email, confirmation or id changed the version")
	}
	for _, f := range []func(*api.Customer){
		func(c *api.Customer) { c.Email = "b@example.com" },
		func(c *api.Customer) { c.FirstName = "Z" },
		func(c *api.Customer) { c.LastName = "Z" },
		func(c *api.Customer) { c.Phone = "2" },
		func(c *api.Customer) { c.FirstName, c.LastName = "AB", "" }, // no run-together collision
	} {
		c := base
		f(&c)
		if Version(c) == v {
			t.Errorf("%+v has the same version", c)
		}
	}
	b, _ := json.Marshal(v)
	var back float64
	if err := json.Unmarshal(b, &back); err != nil || int64(back) != v {
		t.Fatalf("version %d does not survive JSON", v)
	}
}

func TestRedact(t *testing.T) {
	in := `{"auth_token":"abc","token": "def"} Authorization: Bearer ` + testKey + " " + testToken
	out := Redact(in)
	for _, s := range []string{"abc", "def", testKey, testToken} {
		if strings.Contains(out, s) {
			t.Fatalf("%q left in %s", s, out)
		}
	}
}
