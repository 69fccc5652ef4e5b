package openapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/dialect/dialecttest"
	pelcro "frontdesk/dialect/openapi"
	"frontdesk/sandbox/sandboxtest"
)

type dialect struct {
	t      *testing.T
	sb     *sandboxtest.Env
	h      *pelcro.Handler
	url    string
	apiKey string
}

func newDialect(t *testing.T) dialect {
	t.Helper()
	sb := sandboxtest.New(t, sandboxtest.Options{})
	h := pelcro.New(sb.Store, nil)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	k := sb.Keys["agent"]
	return dialect{t: t, sb: sb, h: h, url: srv.URL, apiKey: pelcro.APIKey(k.KeyID, k.Secret)}
}

// do sends one request; bearer "" sends no Authorization.
func (d dialect) do(method, pathAndQuery, bearer string, body string) (int, []byte) {
	d.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = bytes.NewBufferString(body)
	}
	req, err := http.NewRequest(method, d.url+pathAndQuery, rd)
	if err != nil {
		d.t.Fatal(err)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		d.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		d.t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		d.t.Fatalf("%s %s: Content-Type %q", method, pathAndQuery, ct)
	}
	return resp.StatusCode, b
}

func (d dialect) ok(method, pathAndQuery, bearer, body string) []byte {
	d.t.Helper()
	status, b := d.do(method, pathAndQuery, bearer, body)
	if status != http.StatusOK {
		d.t.Fatalf("%s %s: %d %s", method, pathAndQuery, status, b)
	}
	return b
}

func example(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "client", "openapi", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sameShape(t *testing.T, what string, ex, got []byte, nullable ...string) {
	t.Helper()
	diff, err := dialecttest.SameShape(ex, got, nullable...)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if diff != "" {
		t.Errorf("%s differs from the documented example:\n%s\nanswer: %s", what, diff, got)
	}
}

func pickCustomer(t *testing.T, sb *sandboxtest.Env) string {
	t.Helper()
	var id string
	if err := sb.DB.QueryRow(`SELECT c.id FROM customers c WHERE email NOT LIKE 'hostile-%'
		AND EXISTS (SELECT 1 FROM addresses a WHERE a.customer_id = c.id) ORDER BY c.id LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

const site = "?site_id=" + pelcro.SiteID

// Every answer has the keys and JSON types of Pelcro's documented
// examples (client/openapi/testdata).
func TestAnswersHaveTheDocumentedShape(t *testing.T) {
	d := newDialect(t)
	id := pickCustomer(t, d.sb)
	tok, err := d.h.IssueToken(api.ID(id))
	if err != nil {
		t.Fatal(err)
	}
	sameShape(t, "GET /core/account", example(t, "core_account.json"), d.ok("GET", "/api/v1/core/account"+site, d.apiKey, ""))
	sameShape(t, "GET /core/customers/{id}", example(t, "core_customer.json"), d.ok("GET", "/api/v1/core/customers/"+id+site, d.apiKey, ""))
	sameShape(t, "PUT /core/customers/{id}", example(t, "core_customer.json"),
		d.ok("PUT", "/api/v1/core/customers/"+id+site, d.apiKey, `{"last_name":"Otieno"}`))
	sdk := example(t, "sdk_customer.json")
	sameShape(t, "POST /sdk/customer", sdk, d.ok("POST", "/api/v1/sdk/customer"+site, tok, ""))
	sameShape(t, "PUT /sdk/customer", sdk, d.ok("PUT", "/api/v1/sdk/customer"+site, tok, `{"first_name":"Achieng"}`))
	sameShape(t, "POST /sdk/customer/refresh", sdk, d.ok("POST", "/api/v1/sdk/customer/refresh"+site, tok, ""))
	sameShape(t, "GET /sdk/customer/email/verify", sdk, d.ok("GET", "/api/v1/sdk/customer/email/verify"+site, tok, ""))

	// Coupons, for a customer who has some.
	rows, err := d.sb.DB.Query(`SELECT id FROM customers WHERE email NOT LIKE 'hostile-%' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		ids = append(ids, s)
	}
	rows.Close()
	found := false
	for _, cid := range ids {
		ct, _ := d.h.IssueToken(api.ID(cid))
		b := d.ok("GET", "/api/v1/sdk/customer/coupons"+site, ct, "")
		if bytes.Equal(bytes.TrimSpace(b), []byte(`{"data":[]}`)) {
			continue
		}
		// Pelcro's coupons are a percentage or an amount off: each item
		// is compared with the documented item of its kind (free
		// shipping, neither, with the percentage's).
		var ex, got struct {
			Data []json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(example(t, "sdk_coupons.json"), &ex); err != nil || len(ex.Data) != 2 {
			t.Fatalf("example: %v", err)
		}
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		for _, item := range got.Data {
			var kind struct {
				AmountOff *int64 `json:"amount_off"`
			}
			json.Unmarshal(item, &kind)
			want := ex.Data[0]
			if kind.AmountOff != nil {
				want = ex.Data[1]
			}
			sameShape(t, "GET /sdk/customer/coupons item", want, item, "percent_off")
		}
		found = true
		break
	}
	if !found {
		t.Fatal("no customer has a coupon: the coupons shape is untested")
	}
	for _, p := range []string{"/plans", "/product_sku"} {
		if b := d.ok("GET", "/api/v1/sdk/customer"+p+site, tok, ""); string(bytes.TrimSpace(b)) != `{"data":[]}` {
			t.Fatalf("%s: %s", p, b)
		}
	}
}

// Errors come in Pelcro's shapes with Pelcro's statuses.
func TestErrorsHaveTheDocumentedShape(t *testing.T) {
	d := newDialect(t)
	id := pickCustomer(t, d.sb)
	tok, _ := d.h.IssueToken(api.ID(id))
	e401 := example(t, "sdk_error_401.json")
	validation := example(t, "core_error_validation.json")

	for _, tc := range []struct {
		name, method, path, bearer, body string
		status                           int
		example                          []byte
	}{
		{"no token", "POST", "/api/v1/sdk/customer" + site, "", "", 401, e401},
		{"no key", "GET", "/api/v1/core/customers/" + id + site, "", "", 401, e401},
		{"a customer token as the key", "GET", "/api/v1/core/customers/" + id + site, tok, "", 401, e401},
		{"the key as a customer token", "POST", "/api/v1/sdk/customer" + site, d.apiKey, "", 403, e401},
		{"no site", "POST", "/api/v1/sdk/customer", tok, "", 400, []byte(`{"errors":{"site_id":["x"]}}`)},
		{"another site", "POST", "/api/v1/sdk/customer?site_id=2", tok, "", 404, e401},
		{"no such customer", "GET", "/api/v1/core/customers/999999" + site, d.apiKey, "", 404, e401},
		{"not an id", "GET", "/api/v1/core/customers/abc" + site, d.apiKey, "", 404, e401},
		{"bad email", "PUT", "/api/v1/core/customers/" + id + site, d.apiKey, `{"email":"nope"}`, 400, validation},
		{"bad email as the customer", "PUT", "/api/v1/sdk/customer" + site, tok, `{"email":"nope"}`, 400, validation},
		{"no such path", "GET", "/api/v1/sdk/nothing" + site, tok, "", 404, e401},
		{"wrong method", "DELETE", "/api/v1/sdk/customer/refresh" + site, tok, "", 405, e401},
	} {
		status, b := d.do(tc.method, tc.path, tc.bearer, tc.body)
		if status != tc.status {
			t.Errorf("%s: %d %s, want %d", tc.name, status, b, tc.status)
			continue
		}
		sameShape(t, tc.name, tc.example, b)
	}

	// A viewer's key reads but does not write.
	vk := d.sb.Keys["viewer"]
	viewer := pelcro.APIKey(vk.KeyID, vk.Secret)
	d.ok("GET", "/api/v1/core/customers/"+id+site, viewer, "")
	if status, b := d.do("PUT", "/api/v1/core/customers/"+id+site, viewer, `{"first_name":"X"}`); status != 403 {
		t.Fatalf("viewer PUT: %d %s", status, b)
	}
}

// An expired token is refused with 403 (Open API "Errors"), and a
// refresh needs a live one.
func TestExpiredToken(t *testing.T) {
	d := newDialect(t)
	id := pickCustomer(t, d.sb)
	now := time.Now()
	d.h.Now = func() time.Time { return now }
	tok, _ := d.h.IssueToken(api.ID(id))
	d.ok("POST", "/api/v1/sdk/customer"+site, tok, "")
	now = now.Add(pelcro.TokenTTL)
	if status, b := d.do("POST", "/api/v1/sdk/customer/refresh"+site, tok, ""); status != 403 {
		t.Fatalf("expired: %d %s", status, b)
	}
}
