package tybrite

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
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/client"
)

const (
	testKey   = "tybrite_sk_test_0123456789abcdef"
	testToken = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkZTExIn0.sig-of-the-customer"
	// The ids of the schema's examples.
	exampleCustomer = "de11e44b-78e5-4940-ad54-cac237d5d30d"
	exampleOrder    = "880e8400-e29b-41d4-a716-446655440003"
	exampleOrderOf  = "550e8400-e29b-41d4-a716-446655440000"
)

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// seen is what the example server was asked, with the headers that
// matter.
type seen struct {
	mu   sync.Mutex
	reqs []string
	body []map[string]any
}

func (s *seen) add(r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	line := r.Method + " " + r.URL.RequestURI()
	if tok := r.Header.Get(HeaderAuthToken); tok != "" {
		line += " token=" + tok
	}
	s.reqs = append(s.reqs, line)
	var b map[string]any
	if r.Body != nil {
		raw, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(raw, &b)
	}
	s.body = append(s.body, b)
}

// exampleServer answers the documented paths with the schema's example
// responses (testdata), checking the key as documented.
func exampleServer(t *testing.T) (*httptest.Server, *seen) {
	t.Helper()
	s := &seen{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.add(r)
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("Authorization") != "Bearer "+testKey {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write(read(t, "error_401.json"))
			return
		}
		switch r.Method + " " + r.URL.Path {
		case "GET /v1/connect/sessions":
			w.Write(read(t, "listConnectSessions_200.json"))
		case "POST /v1/customers":
			w.WriteHeader(http.StatusCreated)
			w.Write(read(t, "createCustomer_201.json"))
		case "GET /v1/customers/" + exampleCustomer:
			w.Write(read(t, "getCustomer_200.json"))
		case "PATCH /v1/customers/" + exampleCustomer:
			w.Write(read(t, "updateCustomer_200.json"))
		case "GET /v1/orders":
			w.Write(read(t, "listOrders_200.json"))
		case "GET /v1/orders/" + exampleOrder:
			w.Write(read(t, "getOrder_200.json"))
		default:
			w.WriteHeader(http.StatusNotFound)
			w.Write(read(t, "error_404.json"))
		}
	}))
	t.Cleanup(srv.Close)
	return srv, s
}

func newTestClient(t *testing.T, url string, mod ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{BaseURL: url, SecretKey: testKey, MaxRetries: -1, Currency: "USD"}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The schema's example responses decode into frontdesk's models, field
// for field, and the driver sends what the schema documents.
func TestDecodesTheSchemaExamples(t *testing.T) {
	srv, s := exampleServer(t)
	c := newTestClient(t, srv.URL)
	ctx := context.Background()

	me, err := c.Me(ctx)
	if err != nil || me.Role != api.RoleSupervisor || me.KeyID != "tybrite_sk_test_…cdef" || strings.Contains(me.Name, "0123456789") {
		t.Fatalf("me: %+v %v", me, err)
	}

	created, err := c.CreateCustomer(ctx, api.CustomerCreate{Email: "john.doe@example.com", FirstName: "John", LastName: "Doe", Phone: "+13105550123",
		Addresses: []api.Address{{Type: "shipping", Address1: "123 Business Way", City: "Nairobi", Country: "KE"}}})
	if err != nil {
		t.Fatal(err)
	}
	want := api.Customer{ID: "c9d0c92d-48e7-47d0-8c4f-706876efdd44", Email: "john.doe@example.com", FirstName: "John", LastName: "Doe",
		Phone: "+13105550123", Status: "active", Currency: "USD", Addresses: []api.Address{},
		CreatedAt: time.Date(2026, 6, 20, 13, 47, 44, 927900000, time.UTC), UpdatedAt: time.Date(2026, 6, 20, 13, 47, 44, 927900000, time.UTC)}
	want.Version = created.Version
	if !equalJSON(t, created, want) || created.Version <= 0 {
		t.Fatalf("created:\n got %+v\nwant %+v", created, want)
	}
	if b := s.body[1]; b["email"] != "john.doe@example.com" || b["name"] != "John Doe" || b["address"] != "123 Business Way, Nairobi, KE" || len(b) != 4 {
		t.Fatalf("createCustomer body: %v", b)
	}

	got, err := c.GetCustomerAs(ctx, testToken, exampleCustomer)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != exampleCustomer || got.FirstName != "John" || got.LastName != "Doe" || got.Phone != "+12125550142" || got.Status != "active" ||
		got.TotalOrders != 0 || got.StoreMetrics != nil || !got.CreatedAt.Equal(time.Date(2026, 6, 20, 13, 47, 38, 831799000, time.UTC)) {
		t.Fatalf("getCustomer: %+v", got)
	}
	if r := s.reqs[2]; r != "GET /v1/customers/"+exampleCustomer+"?fields=id%2Cname%2Cemail%2Cphone%2Caddress%2Cstatus%2Cjoin_date%2Ctotal_purchases%2Clast_purchase%2Ccreated_at%2Cupdated_at%2Cstore_metrics token="+testToken {
		t.Fatalf("getCustomer request: %s", r)
	}

	phone := "+12125550199"
	upd, err := c.PatchCustomerAs(ctx, testToken, exampleCustomer, client.CustomerVersion(got), api.CustomerPatch{Phone: &phone})
	if err != nil {
		t.Fatal(err)
	}
	if upd.Phone != phone || len(upd.Addresses) != 1 || upd.Addresses[0].Address1 != "350 Fifth Avenue, New York, NY 10118" {
		t.Fatalf("updateCustomer: %+v", upd)
	}
	if r, b := s.reqs[4], s.body[4]; !strings.HasPrefix(r, "PATCH /v1/customers/"+exampleCustomer+" token=") || len(b) != 1 || b["phone"] != phone {
		t.Fatalf("updateCustomer request: %s %v", r, b)
	}

	orders, err := c.ListOrders(ctx, exampleOrderOf, client.OrderParams{Status: api.OrderProcessing, Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(orders.Items) != 1 || orders.Next != "" || orders.Prev != "" || orders.TotalIsEstimate || orders.Total != 1 {
		t.Fatalf("orders: %+v", orders)
	}
	o := orders.Items[0]
	if o.ID != exampleOrder || o.Number != "ORD-1781952152378" || o.CustomerID != exampleOrderOf || o.Status != "processing" ||
		o.PaymentStatus != "paid" || o.Total != 200499 || !o.CreatedAt.Equal(time.Date(2026, 6, 20, 11, 2, 0, 0, time.UTC)) {
		t.Fatalf("order of the list: %+v", o)
	}
	if r := s.reqs[5]; r != "GET /v1/orders?customer_id="+exampleOrderOf+"&limit=5&order_status=processing" {
		t.Fatalf("listOrders request: %s", r)
	}

	one, err := c.GetOrder(ctx, exampleOrderOf, exampleOrder)
	if err != nil {
		t.Fatal(err)
	}
	if one.Total != 200499 || one.ItemCount != 2 || len(one.Items) != 1 || one.Items[0].Name != "Apple MacBook Pro" ||
		one.Items[0].UnitPrice != 199900 || one.Items[0].Total != 199900 || one.Status != "processing" || one.FulfillmentStatus != "processing" {
		t.Fatalf("order: %+v", one)
	}
	// The API finds an order by its id alone: another customer's is not
	// found here.
	if _, err := c.GetOrder(ctx, exampleCustomer, exampleOrder); !client.IsNotFound(err) {
		t.Fatalf("another customer's order: %v", err)
	}
}

func equalJSON(t *testing.T, a, b any) bool {
	t.Helper()
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// The schema's error bodies become *APIErrors of the right kind, with
// the code, the message and its details and hint.
func TestErrorExamples(t *testing.T) {
	for _, tc := range []struct {
		file   string
		status int
		kind   client.Kind
		code   string
		has    string
	}{
		{"error_400.json", 400, client.KindInvalid, "invalid_request", "Invalid request parameters: The 'email' field is required"},
		{"error_401.json", 401, client.KindUnauthenticated, "unauthorized", "Missing or invalid Authorization header"},
		{"error_403.json", 403, client.KindForbidden, "forbidden", "requires a secret key"},
		{"error_403_publishable.json", 403, client.KindForbidden, "forbidden", "(Use a secret key (tybrite_sk_*) for write operations)"},
		{"error_404.json", 404, client.KindNotFound, "not_found", "Resource not found"},
		{"error_409.json", 409, client.KindConflict, "conflict", "already exists"},
		{"error_429.json", 429, client.KindRateLimited, "rate_limited", "slow down"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				w.Write(read(t, tc.file))
			}))
			defer srv.Close()
			c := newTestClient(t, srv.URL)
			_, err := c.CreateCustomer(context.Background(), api.CustomerCreate{Email: "a@b.example"})
			ae, ok := client.AsAPIError(err)
			if !ok || ae.Kind() != tc.kind || ae.Code != tc.code || !strings.Contains(ae.Message, tc.has) || ae.Status != tc.status {
				t.Fatalf("got %#v (%v)", ae, err)
			}
		})
	}
	// Not the API's envelope: said so, with what came back.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		w.Write([]byte("<html>bad gateway</html>"))
	}))
	defer srv.Close()
	_, err := newTestClient(t, srv.URL).ListOrders(context.Background(), exampleCustomer, client.OrderParams{})
	if ae, ok := client.AsAPIError(err); !ok || ae.Code != client.CodeBadResponse || ae.Kind() != client.KindUnavailable || !strings.Contains(ae.Message, "text/html") {
		t.Fatalf("html 502: %v", err)
	}
}

// Writes are sent once whatever happens; reads are retried on 503.
func TestNeverRetriesAWrite(t *testing.T) {
	var mu sync.Mutex
	count := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		count[r.Method]++
		mu.Unlock()
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"error":{"code":"service_unavailable","message":"down"}}`))
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, func(c *Config) {
		c.MaxRetries = 2
		c.RetryWaitMin = time.Millisecond
		c.RetryWaitMax = 2 * time.Millisecond
	})
	ctx := context.Background()
	if _, err := c.CreateCustomer(ctx, api.CustomerCreate{Email: "a@b.example"}); client.KindOf(err) != client.KindUnavailable {
		t.Fatalf("create: %v", err)
	}
	name := "X"
	if _, err := c.PatchCustomerAs(ctx, testToken, exampleCustomer, "", api.CustomerPatch{FirstName: &name}); err == nil {
		t.Fatal("patch on a down API worked")
	}
	if _, err := c.ListOrders(ctx, exampleCustomer, client.OrderParams{}); client.KindOf(err) != client.KindUnavailable {
		t.Fatalf("list: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	// POST once; the PATCH's re-read (a GET) is retried and fails before
	// any PATCH; the list is tried three times.
	if count["POST"] != 1 || count["PATCH"] != 0 || count["GET"] != 6 {
		t.Fatalf("requests: %v", count)
	}
}

// A quota_exceeded 429 lasts the month: not waited out.
func TestQuotaIsNotRetried(t *testing.T) {
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n++
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte(`{"error":{"code":"quota_exceeded","message":"Monthly plan request allowance reached"}}`))
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, func(c *Config) { c.MaxRetries = 3; c.RetryWaitMin = time.Millisecond })
	if _, err := c.ListOrders(context.Background(), exampleCustomer, client.OrderParams{}); client.KindOf(err) != client.KindRateLimited || n != 1 {
		t.Fatalf("%d requests: %v", n, err)
	}
}

// A stale version is refused before the PATCH, with the current version.
func TestPatchComparesTheVersion(t *testing.T) {
	srv, s := exampleServer(t)
	c := newTestClient(t, srv.URL)
	name := "Jane"
	_, err := c.PatchCustomerAs(context.Background(), testToken, exampleCustomer, "12345", api.CustomerPatch{FirstName: &name})
	ae, ok := client.AsAPIError(err)
	if !ok || ae.Kind() != client.KindConflict || ae.CurrentVersion == "" || ae.CurrentVersion == "12345" {
		t.Fatalf("stale: %v", err)
	}
	for _, r := range s.reqs {
		if strings.HasPrefix(r, "PATCH") {
			t.Fatalf("a stale patch was sent: %v", s.reqs)
		}
	}
	// The name is written back whole: the first name changed, the last
	// name kept.
	cur, err := c.GetCustomerAs(context.Background(), testToken, exampleCustomer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PatchCustomerAs(context.Background(), testToken, exampleCustomer, client.CustomerVersion(cur), api.CustomerPatch{FirstName: &name}); err != nil {
		t.Fatal(err)
	}
	if b := s.body[len(s.body)-1]; len(b) != 1 || b["name"] != "Jane Doe" {
		t.Fatalf("patch body: %v", b)
	}
}

// What the platform lacks is refused without a request, with its
// sentence; Capabilities says the same.
func TestUnsupported(t *testing.T) {
	srv, s := exampleServer(t)
	c := newTestClient(t, srv.URL)
	ctx := context.Background()
	checks := []struct {
		cap client.Capability
		err error
	}{}
	add := func(cp client.Capability, err error) {
		checks = append(checks, struct {
			cap client.Capability
			err error
		}{cp, err})
	}
	_, err := c.SearchCustomers(ctx, client.SearchParams{Query: "john"})
	add(client.CapSearch, err)
	_, err = c.GetCustomer(ctx, exampleCustomer)
	add(CapReadProfile, err)
	_, err = c.PatchCustomer(ctx, exampleCustomer, "", api.CustomerPatch{})
	add(client.CapEditCustomer, err)
	_, err = c.GetLoyalty(ctx, exampleCustomer)
	add(client.CapLoyalty, err)
	_, _, err = c.AdjustLoyalty(ctx, exampleCustomer, api.AdjustmentRequest{}, "")
	add(client.CapLoyaltyAdjust, err)
	_, err = c.ListNotes(ctx, exampleCustomer, client.PageParams{})
	add(client.CapNotes, err)
	_, err = c.CreateSession(ctx, exampleCustomer, "reason", "")
	add(client.CapOnBehalf, err)
	_, err = c.Coupons(ctx, testToken, exampleCustomer)
	add(client.CapCoupons, err)
	_, err = c.SendPasswordReset(ctx, testToken, exampleCustomer)
	add(client.CapPasswordReset, err)
	_, err = c.ListAudit(ctx, client.AuditParams{})
	add(client.CapAudit, err)
	caps := c.Capabilities()
	for _, ch := range checks {
		ae, ok := client.AsAPIError(ch.err)
		if !ok || ae.Kind() != client.KindUnsupported || ae.Capability != ch.cap || ae.Message == "" {
			t.Errorf("%s: %v", ch.cap, ch.err)
		}
		if ch.cap != CapReadProfile && (caps.Has(ch.cap) || caps.Why(ch.cap) != ae.Message) {
			t.Errorf("%s: capabilities say %q, the call %q", ch.cap, caps.Why(ch.cap), ae.Message)
		}
	}
	if !caps.Has(client.CapCreateCustomer) || !caps.Has(client.CapOrders) {
		t.Fatalf("missing: %v", caps.Missing())
	}
	if len(s.reqs) != 0 {
		t.Fatalf("unsupported calls made requests: %v", s.reqs)
	}
	// An id that is no uuid is refused as invalid, also without a request.
	if _, err := c.GetCustomer(ctx, "42"); client.KindOf(err) != client.KindInvalid {
		t.Fatalf("id 42: %v", err)
	}
	if _, err := c.ListOrders(ctx, "cstmr_x", client.OrderParams{}); client.KindOf(err) != client.KindInvalid {
		t.Fatalf("id cstmr_x: %v", err)
	}
	if _, err := c.ListOrders(ctx, exampleCustomer, client.OrderParams{From: time.Now()}); client.KindOf(err) != client.KindInvalid {
		t.Fatalf("from: %v", err)
	}
	if len(s.reqs) != 0 {
		t.Fatalf("invalid calls made requests: %v", s.reqs)
	}
}

// The key and the customer's token never reach the log.
func TestLogsNoSecrets(t *testing.T) {
	srv, _ := exampleServer(t)
	var buf bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return buf.Write(p)
	}), &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := newTestClient(t, srv.URL, func(c *Config) { c.Logger = logger })
	ctx := context.Background()
	_, _ = c.Me(ctx)
	_, _ = c.GetCustomerAs(ctx, testToken, exampleCustomer)
	_, _ = c.ListOrders(ctx, exampleOrderOf, client.OrderParams{})
	mu.Lock()
	defer mu.Unlock()
	out := buf.String()
	if strings.Count(out, "tybrite api") != 3 || strings.Contains(out, "0123456789abcdef") || strings.Contains(out, "sig-of-the-customer") {
		t.Fatalf("log:\n%s", out)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func TestNew(t *testing.T) {
	for _, tc := range []struct {
		key, has string
	}{
		{"", "no secret key"},
		{"tybrite_pk_live_abc", "publishable"},
		{"sk_live_abc", "does not look like"},
		{"tybrite_sk_prod_abc", "does not look like"},
		{"tybrite_sk_live_a b", "spaces"},
	} {
		if _, err := New(Config{SecretKey: tc.key}); err == nil || !strings.Contains(err.Error(), tc.has) {
			t.Errorf("key %q: %v", tc.key, err)
		}
	}
	// White-label vendors keep the sk/pk and live/test segments.
	c, err := New(Config{SecretKey: "acmecommerce_sk_live_abcdefgh1234"})
	if err != nil || c.BaseURL() != DefaultURL || c.cfg.KeyID != "acmecommerce_sk_live_…1234" {
		t.Fatalf("white label: %v %+v", err, c)
	}
	if c, err := New(Config{BaseURL: "http://127.0.0.1:9/v1/", SecretKey: testKey}); err != nil || c.BaseURL() != "http://127.0.0.1:9" {
		t.Fatalf("base: %v", err)
	}
	if _, err := New(Config{BaseURL: "ftp://x", SecretKey: testKey}); err == nil {
		t.Fatal("ftp accepted")
	}
}

func TestNames(t *testing.T) {
	for _, tc := range []struct{ name, first, last string }{
		{"John Doe", "John", "Doe"},
		{"Mary Ann Smith", "Mary", "Ann Smith"},
		{"  Cher ", "Cher", ""},
		{"", "", ""},
		{"Jean-Luc\tPicard", "Jean-Luc", "Picard"},
	} {
		f, l := SplitName(tc.name)
		if f != tc.first || l != tc.last {
			t.Errorf("%q: %q / %q", tc.name, f, l)
		}
		if j := JoinName(f, l); j != strings.Join(strings.Fields(tc.name), " ") && !strings.Contains(tc.name, "\t") {
			t.Errorf("%q joined back as %q", tc.name, j)
		}
	}
	if Minor(2004.99) != 200499 || Minor(0.1+0.2) != 30 || Minor(369.99) != 36999 {
		t.Fatal("minor units")
	}
	if orderStatus("pending", "paid") != api.OrderPaid || orderStatus("shipped", "refunded") != api.OrderRefunded || orderStatus("shipped", "paid") != "shipped" {
		t.Fatal("order status")
	}
}
