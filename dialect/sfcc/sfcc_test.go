package sfcc_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"

	"frontdesk/api"
	"frontdesk/dialect/dialecttest"
	sfccdialect "frontdesk/dialect/sfcc"
	"frontdesk/sandbox/sandboxtest"
)

const testdata = "../../client/sfcc/testdata"

// loadSwagger reads a Swagger 2.0 file as OpenAPI 3 and drops the demo
// instance's enums (vendor-schemas/README.md).
func loadSwagger(t *testing.T, path string) *openapi3.T {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var d2 openapi2.T
	if err := json.Unmarshal(b, &d2); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	d3, err := openapi2conv.ToV3(&d2)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	for _, name := range []string{"customer_address", "order_address"} {
		if s := d3.Components.Schemas[name]; s != nil && s.Value.Properties["country_code"] != nil {
			s.Value.Properties["country_code"].Value.Enum = nil
		}
	}
	return d3
}

var (
	schemasOnce sync.Once
	shop, data  *openapi3.T
)

func schemas(t *testing.T) (*openapi3.T, *openapi3.T) {
	schemasOnce.Do(func() {
		shop = loadSwagger(t, filepath.Join("..", "..", "..", "shared", "vendor-schemas", "ocapi-shop-20_4.swagger.json"))
		data = loadSwagger(t, filepath.Join(testdata, "data-api-20_4.customer_search.swagger.json"))
	})
	return shop, data
}

// conforms checks an answer against a definition of a schema: the
// definition's types and enums (kin-openapi), and no key the definition
// does not have (besides OCAPI's _v and _type), at every level.
func conforms(t *testing.T, doc *openapi3.T, def string, body []byte) {
	t.Helper()
	ref := doc.Components.Schemas[def]
	if ref == nil {
		t.Fatalf("no definition %s", def)
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("%s: not JSON: %v", def, err)
	}
	if err := ref.Value.VisitJSON(v, openapi3.MultiErrors()); err != nil {
		t.Errorf("%s: the answer does not conform:\n%v\n%s", def, err, body)
	}
	var extra []string
	onlyKnownKeys(ref.Value, v, def, &extra)
	if len(extra) > 0 {
		sort.Strings(extra)
		t.Errorf("%s: keys the schema does not define: %s", def, strings.Join(extra, ", "))
	}
}

func onlyKnownKeys(s *openapi3.Schema, v any, at string, extra *[]string) {
	switch x := v.(type) {
	case map[string]any:
		if len(s.Properties) == 0 {
			return // a free-form object (query)
		}
		for k, val := range x {
			if k == "_v" || k == "_type" {
				continue
			}
			p := s.Properties[k]
			if p == nil {
				*extra = append(*extra, at+"."+k)
				continue
			}
			onlyKnownKeys(p.Value, val, at+"."+k, extra)
		}
	case []any:
		if s.Items == nil {
			return
		}
		for _, it := range x {
			onlyKnownKeys(s.Items.Value, it, at+"[]", extra)
		}
	}
}

type env struct {
	url, key, secret string
	sb               *sandboxtest.Env
	h                *sfccdialect.Handler
	now              time.Time
	mu               sync.Mutex
}

func newEnv(t *testing.T) *env {
	sb := sandboxtest.New(t, sandboxtest.Options{})
	h := sfccdialect.New(sb.Store, nil)
	e := &env{sb: sb, h: h, now: time.Now(), key: sb.Keys["viewer"].KeyID, secret: sb.Keys["viewer"].Secret}
	h.SetClock(func() time.Time { e.mu.Lock(); defer e.mu.Unlock(); return e.now })
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	e.url = srv.URL
	return e
}

func (e *env) advance(d time.Duration) { e.mu.Lock(); e.now = e.now.Add(d); e.mu.Unlock() }

type answer struct {
	status int
	header http.Header
	body   []byte
}

func (e *env) do(t *testing.T, method, path, bearer string, body any, headers ...string) answer {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.url+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusNoContent && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Errorf("%s %s: Content-Type %q", method, path, resp.Header.Get("Content-Type"))
	}
	return answer{resp.StatusCode, resp.Header, b}
}

// token is a client-credentials grant with the sandbox key.
func (e *env) token(t *testing.T) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.url+sfccdialect.TokenPath, strings.NewReader(url.Values{"grant_type": {"client_credentials"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(e.key, e.secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&out) != nil || out.AccessToken == "" || out.TokenType != "Bearer" || out.ExpiresIn != 1799 {
		t.Fatalf("token: %d %+v", resp.StatusCode, out)
	}
	return out.AccessToken
}

func fault(t *testing.T, a answer, status int, typ string) {
	t.Helper()
	var f struct {
		V     string `json:"_v"`
		Fault struct {
			Type    string `json:"type"`
			Message string `json:"message"`
		} `json:"fault"`
	}
	if a.status != status || json.Unmarshal(a.body, &f) != nil || f.Fault.Type != typ || f.Fault.Message == "" || f.V != sfccdialect.DocVersion {
		t.Fatalf("want %d %s, got %d %s", status, typ, a.status, a.body)
	}
	// The fault has the documented example's keys and types; the
	// dialect adds "_v", as OCAPI's documents carry.
	ex, _ := os.ReadFile(filepath.Join(testdata, "fault.json"))
	var m map[string]any
	json.Unmarshal(a.body, &m)
	delete(m, "_v")
	got, _ := json.Marshal(m)
	nullable := []string{}
	if !bytes.Contains(a.body, []byte(`"arguments"`)) { // arguments are optional
		var exm map[string]map[string]any
		json.Unmarshal(ex, &exm)
		delete(exm["fault"], "arguments")
		ex, _ = json.Marshal(exm)
	}
	if diff, err := dialecttest.SameShape(ex, got, nullable...); err != nil || diff != "" {
		if !strings.Contains(diff, "fault.arguments") { // the example's arguments are one case of a free map
			t.Errorf("fault shape: %s %v", diff, err)
		}
	}
}

const (
	shopBase = "/s/" + sfccdialect.Site + "/dw/shop/" + sfccdialect.PathVersion
	dataBase = "/s/-/dw/data/" + sfccdialect.PathVersion
)

// Every answer conforms to the OCAPI 20.4 definitions, and the driver's
// documented calls behave as OCAPI documents them.
func TestAnswersConformToTheSchemas(t *testing.T) {
	e := newEnv(t)
	shop, data := schemas(t)
	tok := e.token(t)

	var sid string
	e.sb.DB.QueryRow(`SELECT c.id FROM customers c WHERE c.email NOT LIKE 'hostile-%' AND (SELECT count(*) FROM orders o WHERE o.customer_id = c.id) >= 2 ORDER BY c.id LIMIT 1`).Scan(&sid)
	cid := sfccdialect.CustomerID(api.ID(sid))

	search := e.do(t, http.MethodPost, dataBase+"/customer_lists/"+sfccdialect.List+"/customer_search", tok,
		map[string]any{"query": map[string]any{"match_all_query": map[string]any{}}, "select": "(**)", "start": 10, "count": 5})
	if search.status != 200 {
		t.Fatalf("search: %d %s", search.status, search.body)
	}
	conforms(t, data, "customer_search_result", search.body)
	var sr struct {
		Count, Start, Total int
		Next                map[string]any
	}
	json.Unmarshal(search.body, &sr)
	if sr.Count != 5 || sr.Start != 10 || sr.Total != 50 || sr.Next["start"] != float64(15) {
		t.Fatalf("search paging: %+v", sr)
	}

	cust := e.do(t, http.MethodGet, shopBase+"/customers/"+cid, tok, nil)
	if cust.status != 200 || cust.header.Get("ETag") == "" {
		t.Fatalf("customer: %d %s", cust.status, cust.body)
	}
	conforms(t, shop, "customer", cust.body)
	addrs := e.do(t, http.MethodGet, shopBase+"/customers/"+cid+"/addresses", tok, nil)
	conforms(t, shop, "customer_address_result", addrs.body)
	orders := e.do(t, http.MethodGet, shopBase+"/customers/"+cid+"/orders?start=0&count=1", tok, nil)
	conforms(t, shop, "customer_order_result", orders.body)
	var or struct {
		Data []struct {
			OrderNo string `json:"order_no"`
		}
		Next  string
		Total int
	}
	json.Unmarshal(orders.body, &or)
	if len(or.Data) != 1 || or.Total < 2 || !strings.Contains(or.Next, "start=1") {
		t.Fatalf("orders: %s", orders.body)
	}
	one := e.do(t, http.MethodGet, shopBase+"/orders/"+or.Data[0].OrderNo, tok, nil)
	if one.status != 200 {
		t.Fatalf("order: %d %s", one.status, one.body)
	}
	conforms(t, shop, "order", one.body)

	// Faults.
	fault(t, e.do(t, http.MethodGet, shopBase+"/incognito", tok, nil), 404, "NotFoundException")
	fault(t, e.do(t, http.MethodGet, shopBase+"/customers/"+cid, "", nil), 401, "UnauthorizedException")
	fault(t, e.do(t, http.MethodGet, shopBase+"/customers/"+cid, "nope", nil), 401, "InvalidAccessTokenException")
	fault(t, e.do(t, http.MethodGet, shopBase+"/customers/ab0000000000000000000zzzzz", tok, nil), 404, "CustomerNotFoundException")
	fault(t, e.do(t, http.MethodGet, shopBase+"/customers/"+cid+"/orders?status=shipped", tok, nil), 400, "InvalidOrderStatusException")
	fault(t, e.do(t, http.MethodGet, shopBase+"/customers/"+cid+"/orders?count=500", tok, nil), 400, "MalformedParameterException")
	fault(t, e.do(t, http.MethodGet, "/s/Other/dw/shop/"+sfccdialect.PathVersion+"/customers/"+cid, tok, nil), 404, "SiteNotFoundException")
	fault(t, e.do(t, http.MethodGet, "/s/"+sfccdialect.Site+"/dw/shop/v99_1/customers/"+cid, tok, nil), 400, "InvalidVersionException")
	fault(t, e.do(t, http.MethodPost, dataBase+"/customer_lists/"+sfccdialect.List+"/customer_search", tok,
		map[string]any{"query": map[string]any{"text_query": map[string]any{"fields": []string{"password"}, "search_phrase": "x"}}}), 400, "InvalidSearchFieldException")

	// ETag and If-Match on PATCH: a stale tag is 412, the current one
	// changes the customer and moves the tag.
	etag := cust.header.Get("ETag")
	name := "Njeri"
	p := e.do(t, http.MethodPatch, shopBase+"/customers/"+cid, tok, map[string]any{"first_name": name}, "If-Match", etag)
	if p.status != 200 || p.header.Get("ETag") == etag {
		t.Fatalf("patch: %d %s", p.status, p.body)
	}
	conforms(t, shop, "customer", p.body)
	fault(t, e.do(t, http.MethodPatch, shopBase+"/customers/"+cid, tok, map[string]any{"first_name": "X"}, "If-Match", etag), 412, "InvalidIfMatchException")
	fault(t, e.do(t, http.MethodPatch, shopBase+"/customers/"+cid, tok, map[string]any{"phone_mobile": "1"}), 400, "InvalidPropertyException")
	var first string
	e.sb.DB.QueryRow(`SELECT first_name FROM customers WHERE id = ?`, sid).Scan(&first)
	if first != name {
		t.Fatalf("the store has %q", first)
	}

	// On behalf: the JWT in the Authorization header; scoped to its
	// customer; a password reset needs it; DELETE /customers/auth
	// invalidates it; it expires after 30 minutes.
	ob := e.do(t, http.MethodPost, shopBase+"/customers/"+cid+"/auth", tok, nil)
	jwt := strings.TrimPrefix(ob.header.Get("Authorization"), "Bearer ")
	if ob.status != 200 || strings.Count(jwt, ".") != 2 {
		t.Fatalf("on behalf: %d %s", ob.status, ob.body)
	}
	conforms(t, shop, "customer", ob.body)
	if a := e.do(t, http.MethodGet, shopBase+"/customers/"+cid, jwt, nil); a.status != 200 {
		t.Fatalf("as the customer: %d %s", a.status, a.body)
	}
	fault(t, e.do(t, http.MethodGet, shopBase+"/customers/"+sfccdialect.CustomerID("1"), jwt, nil), 400, "CustomerIdMismatchException")
	fault(t, e.do(t, http.MethodPost, shopBase+"/customers/"+cid+"/password_reset", tok, nil), 403, "ForbiddenException")
	if a := e.do(t, http.MethodPost, shopBase+"/customers/"+cid+"/password_reset", jwt, nil); a.status != 204 {
		t.Fatalf("password reset: %d %s", a.status, a.body)
	}
	fault(t, e.do(t, http.MethodPost, shopBase+"/customers/"+cid+"/auth", jwt, nil), 401, "InvalidAccessTokenException")
	if a := e.do(t, http.MethodDelete, shopBase+"/customers/auth", jwt, nil); a.status != 204 {
		t.Fatalf("logout: %d %s", a.status, a.body)
	}
	fault(t, e.do(t, http.MethodGet, shopBase+"/customers/"+cid, jwt, nil), 401, "InvalidAccessTokenException")
	jwt2 := strings.TrimPrefix(e.do(t, http.MethodPost, shopBase+"/customers/"+cid+"/auth", tok, nil).header.Get("Authorization"), "Bearer ")
	e.advance(30 * time.Minute)
	fault(t, e.do(t, http.MethodGet, shopBase+"/customers/"+cid, jwt2, nil), 401, "ExpiredTokenException")
	fault(t, e.do(t, http.MethodGet, shopBase+"/customers/"+cid, tok, nil), 401, "ExpiredTokenException")
}

// The token endpoint answers OAuth's error body for a wrong client.
func TestToken(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct{ key, secret, grant string }{
		{e.key, "cs_wrong", "client_credentials"},
		{"ck_nobody", e.secret, "client_credentials"},
		{e.key, e.secret, "password"},
	} {
		req, _ := http.NewRequest(http.MethodPost, e.url+sfccdialect.TokenPath, strings.NewReader("grant_type="+c.grant))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(c.key, c.secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body struct{ Error, ErrorDescription string }
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode < 400 || body.Error == "" {
			t.Errorf("%+v: %d %+v", c, resp.StatusCode, body)
		}
	}
}

// The credentials printed for `sandbox serve --dialect sfcc`.
func TestCredentials(t *testing.T) {
	got := map[string]string{}
	for _, c := range sfccdialect.Credentials("http://127.0.0.1:9/", "ck_1", "cs_2") {
		got[c.Name] = c.Value
	}
	want := map[string]string{"key": "ck_1", "secret": "cs_2", "site": sfccdialect.Site, "list": sfccdialect.List,
		"auth-url": "http://127.0.0.1:9" + sfccdialect.TokenPath}
	if len(got) != len(want) {
		t.Fatalf("%v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
}
