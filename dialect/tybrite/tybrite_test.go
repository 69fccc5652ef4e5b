package tybrite_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"frontdesk/api"
	"frontdesk/dialect/dialecttest"
	tybrite "frontdesk/dialect/tybrite"
	"frontdesk/sandbox/sandboxtest"
)

const testdata = "../../client/tybrite/testdata"

// components loads the schema's component schemas (the testdata extract).
func components(t *testing.T) openapi3.Schemas {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromFile(filepath.Join(testdata, "schema_components.json"))
	if err != nil {
		t.Fatal(err)
	}
	return doc.Components.Schemas
}

// The extract is the vendor's schema, unchanged.
func TestTheExtractIsTheSchema(t *testing.T) {
	full := "../../../shared/vendor-schemas/tybrite-galactic-core.openapi.yaml"
	if _, err := os.Stat(full); err != nil {
		t.Skipf("the vendor schema is not here (%v): the extract is not checked against it", err)
	}
	doc, err := openapi3.NewLoader().LoadFromFile(full)
	if err != nil {
		t.Fatal(err)
	}
	ex := components(t)
	if len(ex) < 7 {
		t.Fatalf("the extract has %d schemas", len(ex))
	}
	for name, s := range ex {
		v, ok := doc.Components.Schemas[name]
		a, _ := json.Marshal(v)
		b, _ := json.Marshal(s)
		if !ok || string(a) != string(b) {
			t.Errorf("schema %s differs from the vendor's", name)
		}
	}
}

// validate checks v against the named component schema.
func validate(t *testing.T, s openapi3.Schemas, name string, v []byte) {
	t.Helper()
	var x any
	if err := json.Unmarshal(v, &x); err != nil {
		t.Fatal(err)
	}
	if err := s[name].Value.VisitJSON(x); err != nil {
		t.Errorf("%s does not validate: %v\n%s", name, err, v)
	}
}

// hasExampleKeys checks that got carries every key of the example, with
// its JSON type (dialecttest.SameShape on got cut to the example's keys);
// the schema validation covers the keys beyond the examples.
func hasExampleKeys(t *testing.T, file string, got []byte, nullable ...string) {
	t.Helper()
	ex, err := os.ReadFile(filepath.Join(testdata, file))
	if err != nil {
		t.Fatal(err)
	}
	var e, g any
	if err := json.Unmarshal(ex, &e); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatal(err)
	}
	cut, _ := json.Marshal(prune(e, g))
	diff, err := dialecttest.SameShape(ex, cut, nullable...)
	if err != nil || diff != "" {
		t.Errorf("%s: %v\n%s\nanswer: %s", file, err, diff, got)
	}
}

// prune keeps of g the object keys e has (every array item like e's
// first).
func prune(e, g any) any {
	switch ev := e.(type) {
	case map[string]any:
		gv, ok := g.(map[string]any)
		if !ok {
			return g
		}
		out := map[string]any{}
		for k := range ev {
			if v, ok := gv[k]; ok {
				out[k] = prune(ev[k], v)
			}
		}
		return out
	case []any:
		gv, ok := g.([]any)
		if !ok || len(ev) == 0 {
			return g
		}
		out := make([]any, len(gv))
		for i := range gv {
			out[i] = prune(ev[0], gv[i])
		}
		return out
	}
	return g
}

type env struct {
	t   *testing.T
	sb  *sandboxtest.Env
	h   *tybrite.Handler
	srv *httptest.Server
	key string
}

func newEnv(t *testing.T) *env {
	sb := sandboxtest.New(t, sandboxtest.Options{})
	h := tybrite.New(sb.Store, nil)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	k := sb.Keys["agent"]
	return &env{t: t, sb: sb, h: h, srv: srv, key: tybrite.SecretKey(k.KeyID, k.Secret)}
}

// do sends a request with the env's key and the headers given as
// name, value pairs.
func (e *env) do(method, path, body string, headers ...string) (int, http.Header, []byte) {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+e.key)
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i] == "Authorization" {
			req.Header.Set(headers[i], headers[i+1])
			continue
		}
		req.Header.Add(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

// customerWithOrders is a sandbox customer with at least two orders.
func (e *env) customerWithOrders() (id api.ID, uuid string) {
	e.t.Helper()
	var n string
	if err := e.sb.DB.QueryRow(`SELECT customer_id FROM orders GROUP BY customer_id HAVING count(*) >= 2 ORDER BY customer_id LIMIT 1`).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	u, ok := tybrite.CustomerUUID(api.ID(n))
	if !ok {
		e.t.Fatal("no uuid for", n)
	}
	return api.ID(n), u
}

// Every answer has the documented examples' keys and types and validates
// against the schema's component schemas.
func TestAnswersLikeTheSchema(t *testing.T) {
	e := newEnv(t)
	s := components(t)
	_, u := e.customerWithOrders()
	tok, err := e.h.CustomerToken(u, 0)
	if err != nil {
		t.Fatal(err)
	}
	nullable := []string{"address", "external_id", "last_purchase", "store_metrics", "customer.address", "customer.external_id"}

	status, h, b := e.do("GET", "/v1/customers/"+u, "", "x-auth-token", tok)
	if status != 200 || h.Get("Tybrite-Environment") != "sandbox" {
		t.Fatalf("get: %d %s", status, b)
	}
	hasExampleKeys(t, "getCustomer_200.json", b, nullable...)
	hasExampleKeys(t, "updateCustomer_200.json", []byte(`{"customer":`+string(b)+`}`), nullable...)
	validate(t, s, "Customer", b)
	var c map[string]any
	_ = json.Unmarshal(b, &c)
	if m, ok := c["store_metrics"].(map[string]any); !ok || m["total_purchases"].(float64) < 1 {
		t.Fatalf("store_metrics: %s", b)
	}

	status, _, b = e.do("PATCH", "/v1/customers/"+u, `{"phone":"+254700000001","address":"350 Fifth Avenue, New York"}`, "x-auth-token", tok)
	if status != 200 {
		t.Fatalf("patch: %d %s", status, b)
	}
	hasExampleKeys(t, "updateCustomer_200.json", b, nullable...)
	var env struct{ Customer json.RawMessage }
	_ = json.Unmarshal(b, &env)
	validate(t, s, "Customer", env.Customer)
	if !strings.Contains(string(b), `"address":"350 Fifth Avenue, New York"`) || !strings.Contains(string(b), `"phone":"+254700000001"`) {
		t.Fatalf("patched: %s", b)
	}

	status, _, b = e.do("POST", "/v1/customers", `{"email":"john.doe@example.com","name":"John Doe","phone":"+13105550123"}`)
	if status != 201 {
		t.Fatalf("create: %d %s", status, b)
	}
	hasExampleKeys(t, "createCustomer_201.json", b, nullable...)
	_ = json.Unmarshal(b, &env)
	validate(t, s, "Customer", env.Customer)

	status, _, b = e.do("GET", "/v1/orders?customer_id="+u+"&limit=1", "")
	if status != 200 {
		t.Fatalf("orders: %d %s", status, b)
	}
	// The example is a last page (next_cursor null): so is the whole list.
	if status, _, whole := e.do("GET", "/v1/orders?customer_id="+u+"&limit=200", ""); status != 200 {
		t.Fatalf("orders: %d %s", status, whole)
	} else {
		hasExampleKeys(t, "listOrders_200.json", whole)
	}
	var list struct {
		Orders     []json.RawMessage
		Pagination struct {
			NextCursor *string `json:"next_cursor"`
			HasMore    bool    `json:"has_more"`
		}
	}
	_ = json.Unmarshal(b, &list)
	if len(list.Orders) != 1 || !list.Pagination.HasMore || list.Pagination.NextCursor == nil {
		t.Fatalf("first page of one: %s", b)
	}
	validate(t, s, "Order", list.Orders[0])
	var head struct{ ID string }
	_ = json.Unmarshal(list.Orders[0], &head)

	status, _, b = e.do("GET", "/v1/orders/"+head.ID, "")
	if status != 200 {
		t.Fatalf("order: %d %s", status, b)
	}
	hasExampleKeys(t, "getOrder_200.json", b)
	validate(t, s, "Order", b)

	status, _, b = e.do("GET", "/v1/connect/sessions", "")
	if status != 200 || strings.TrimSpace(string(b)) != `{"sessions":[]}` {
		t.Fatalf("connect sessions: %d %s", status, b)
	}

	// Errors are the documented envelope.
	for _, tc := range []struct {
		method, path, body string
		headers            []string
		status             int
		code               string
	}{
		{"GET", "/v1/customers/" + u, "", nil, 401, "unauthorized"},
		{"GET", "/v1/customers/" + u, "", []string{"x-auth-token", tok, "x-idp-token", "abc"}, 400, "invalid_request"},
		{"GET", "/v1/customers/" + u, "", []string{"x-external-auth", "abc.def"}, 401, "unauthorized"},
		{"GET", "/v1/customers/" + u, "", []string{"x-idp-token", "abc"}, 401, "unauthorized"},
		{"GET", "/v1/customers/" + u + "?fields=password", "", []string{"x-auth-token", tok}, 400, "invalid_request"},
		{"GET", "/v1/customers/00000000-0000-4000-8000-0000000f4240", "", []string{"x-auth-token", tok}, 403, "forbidden"},
		{"GET", "/v1/customers/42", "", []string{"x-auth-token", tok}, 400, "invalid_request"},
		{"POST", "/v1/customers", `{"name":"No Email"}`, nil, 400, "invalid_request"},
		{"POST", "/v1/customers", `{"email":"john.doe@example.com"}`, nil, 409, "conflict"},
		{"PATCH", "/v1/customers/" + u, `{"store_id":"x"}`, []string{"x-auth-token", tok}, 400, "invalid_request"},
		{"GET", "/v1/orders", "", nil, 400, "invalid_request"},
		{"GET", "/v1/orders?customer_id=" + u + "&limit=201", "", nil, 400, "invalid_request"},
		{"GET", "/v1/orders?customer_id=" + u + "&cursor=nope", "", nil, 400, "invalid_request"},
		{"GET", "/v1/orders/0000002a-0000-4000-9000-00000000ffff", "", nil, 404, "not_found"},
		{"GET", "/v1/customers", "", nil, 404, "not_found"},
		{"GET", "/v1/customers/" + u, "", []string{"Authorization", "Bearer tybrite_pk_test_abc"}, 403, "forbidden"},
		{"GET", "/v1/orders?customer_id=" + u, "", []string{"Authorization", "Bearer tybrite_sk_test_ck_x_cs_y"}, 401, "unauthorized"},
		{"GET", "/v1/orders?customer_id=" + u, "", []string{"Authorization", "Basic abc"}, 401, "unauthorized"},
	} {
		status, _, b := e.do(tc.method, tc.path, tc.body, tc.headers...)
		if status != tc.status {
			t.Errorf("%s %s %v: %d %s, want %d", tc.method, tc.path, tc.headers, status, b, tc.status)
			continue
		}
		validate(t, s, "Error", b)
		var er struct {
			Error struct{ Code, Message string }
		}
		if json.Unmarshal(b, &er) != nil || er.Error.Code != tc.code || er.Error.Message == "" {
			t.Errorf("%s %s: %s, want code %s", tc.method, tc.path, b, tc.code)
		}
		file := map[int]string{400: "error_400.json", 401: "error_401.json", 403: "error_403.json", 404: "error_404.json", 409: "error_409.json"}[tc.status]
		hasExampleKeys(t, file, b)
	}
	// The publishable key's refusal is the documented one, hint and all.
	_, _, b = e.do("GET", "/v1/orders", "", "Authorization", "Bearer tybrite_pk_live_abc")
	ex, _ := os.ReadFile(filepath.Join(testdata, "error_403_publishable.json"))
	var x, y any
	_ = json.Unmarshal(ex, &x)
	_ = json.Unmarshal(b, &y)
	if !reflect.DeepEqual(x, y) {
		t.Fatalf("publishable key: %s", b)
	}
}

// The schema check can fail: a wrong type is caught.
func TestValidationCatchesAWrongType(t *testing.T) {
	s := components(t)
	var x any
	_ = json.Unmarshal([]byte(`{"id":"de11e44b-78e5-4940-ad54-cac237d5d30d","total_purchases":"three"}`), &x)
	if err := s["Customer"].Value.VisitJSON(x); err == nil {
		t.Fatal("a string total_purchases validated")
	}
	_ = json.Unmarshal([]byte(`{"error":{"message":"no code"}}`), &x)
	if err := s["Error"].Value.VisitJSON(x); err == nil {
		t.Fatal("an error without a code validated")
	}
}

// `fields` selects what comes back, with dot notation into
// store_metrics.
func TestFields(t *testing.T) {
	e := newEnv(t)
	_, u := e.customerWithOrders()
	tok, _ := e.h.CustomerToken(u, 0)
	status, _, b := e.do("GET", "/v1/customers/"+u+"?fields=name,email,store_metrics.total_spent", "", "x-auth-token", tok)
	if status != 200 {
		t.Fatalf("%d %s", status, b)
	}
	var got map[string]any
	_ = json.Unmarshal(b, &got)
	keys := make([]string, 0, len(got))
	for k := range got {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	m, _ := got["store_metrics"].(map[string]any)
	if strings.Join(keys, ",") != "email,name,store_metrics" || len(m) != 1 || m["total_spent"] == nil {
		t.Fatalf("fields: %s", b)
	}
}

// Ids map to uuids and back; a customer's and an order's never mix.
func TestIDs(t *testing.T) {
	u, ok := tybrite.CustomerUUID("42")
	if !ok || u != "00000000-0000-4000-8000-00000000002a" {
		t.Fatal(u)
	}
	if id, ok := tybrite.CustomerID(strings.ToUpper(u)); !ok || id != "42" {
		t.Fatal(id)
	}
	o, ok := tybrite.OrderUUID("42", "7")
	if !ok || o != "0000002a-0000-4000-9000-000000000007" {
		t.Fatal(o)
	}
	if c, oid, ok := tybrite.OrderID(o); !ok || c != "42" || oid != "7" {
		t.Fatal(c, oid)
	}
	if _, ok := tybrite.CustomerID(o); ok {
		t.Fatal("an order uuid read as a customer's")
	}
	if _, _, ok := tybrite.OrderID(u); ok {
		t.Fatal("a customer uuid read as an order's")
	}
	if _, ok := tybrite.CustomerUUID("cstmr_x"); ok {
		t.Fatal("letters mapped")
	}
}

// A token is good for its customer only, and only until it expires.
func TestTokens(t *testing.T) {
	e := newEnv(t)
	_, u := e.customerWithOrders()
	short, _ := e.h.CustomerToken(u, -1) // the default hour
	if status, _, b := e.do("GET", "/v1/customers/"+u, "", "x-auth-token", short); status != 200 {
		t.Fatalf("%d %s", status, b)
	}
	if _, err := e.h.CustomerToken("cstmr_x", 0); err == nil {
		t.Fatal("a token for an id the sandbox cannot have")
	}
	forged := tybrite.New(e.sb.Store, nil) // another handler signs with another key
	tok, _ := forged.CustomerToken(u, 0)
	if status, _, _ := e.do("GET", "/v1/customers/"+u, "", "x-auth-token", tok); status != 401 {
		t.Fatalf("a token signed elsewhere: %d", status)
	}
}
