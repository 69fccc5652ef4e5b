package chec_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"frontdesk/api"
	checdialect "frontdesk/dialect/chec"
	"frontdesk/dialect/dialecttest"
	"frontdesk/sandbox/sandboxtest"
)

type dialect struct {
	url    string
	pk, sk string
	sb     *sandboxtest.Env
}

func newDialect(t *testing.T) dialect {
	t.Helper()
	sb := sandboxtest.New(t, sandboxtest.Options{})
	srv := httptest.NewServer(checdialect.New(sb.Store, nil))
	t.Cleanup(srv.Close)
	k := sb.Keys["viewer"]
	pk, sk := checdialect.Keys(k.KeyID, k.Secret)
	return dialect{url: srv.URL, pk: pk, sk: sk, sb: sb}
}

func (d dialect) do(t *testing.T, method, path, key, body string) (int, http.Header, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, d.url+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("X-Authorization", key)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s %s: Content-Type %q", method, path, ct)
	}
	return resp.StatusCode, resp.Header, b
}

func example(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "client", "chec", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sameShape(t *testing.T, what, file string, got []byte, nullable ...string) {
	t.Helper()
	diff, err := dialecttest.SameShape(example(t, file), got, nullable...)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if diff != "" {
		t.Errorf("%s differs from %s:\n%s\n%s", what, file, diff, got)
	}
}

// customerWithOrders is the sandbox id (encoded) of a customer with more
// than one order, and how many.
func (d dialect) customerWithOrders(t *testing.T) (string, int) {
	t.Helper()
	var id int64
	var n int
	if err := d.sb.DB.QueryRow(`SELECT customer_id, COUNT(*) n FROM orders GROUP BY customer_id HAVING n > 1 ORDER BY customer_id LIMIT 1`).Scan(&id, &n); err != nil {
		t.Fatal(err)
	}
	return checdialect.EncodeID(checdialect.PrefixCustomer, api.ID(strconv.FormatInt(id, 10))), n
}

// Every answer has the keys and JSON types of the recorded examples.
func TestAnswersHaveTheExamplesShapes(t *testing.T) {
	d := newDialect(t)
	// external_id is always null here (the sandbox keeps none); phone is
	// null for a customer without one.
	nullCustomer := []string{"external_id", "phone"}

	status, _, b := d.do(t, "GET", "/v1/customers?limit=1", d.sk, "")
	if status != 200 {
		t.Fatalf("list: %d %s", status, b)
	}
	sameShape(t, "customer list", "customers.json", b, "data[].external_id", "data[].phone")

	id, n := d.customerWithOrders(t)
	status, _, b = d.do(t, "GET", "/v1/customers/"+id, d.sk, "")
	if status != 200 {
		t.Fatalf("customer: %d %s", status, b)
	}
	sameShape(t, "customer", "customer.json", b, nullCustomer...)

	status, _, b = d.do(t, "GET", "/v1/customers/"+id+"/orders?limit=1", d.sk, "")
	if status != 200 {
		t.Fatalf("orders: %d %s", status, b)
	}
	sameShape(t, "order list", "orders.json", b, "data[].customer.phone")
	if !bytes.Contains(b, []byte(`"total":`+strconv.Itoa(n)+`,`)) {
		t.Errorf("order list total is not %d: %s", n, b)
	}

	var num int64
	oid, _ := checdialect.DecodeID(checdialect.PrefixCustomer, id)
	if err := d.sb.DB.QueryRow(`SELECT id FROM orders WHERE customer_id = ? ORDER BY id LIMIT 1`, string(oid)).Scan(&num); err != nil {
		t.Fatal(err)
	}
	ord := checdialect.EncodeID(checdialect.PrefixOrder, api.ID(strconv.FormatInt(num, 10)))
	status, _, b = d.do(t, "GET", "/v1/customers/"+id+"/orders/"+ord, d.sk, "")
	if status != 200 {
		t.Fatalf("order: %d %s", status, b)
	}
	sameShape(t, "order", "order.json", b, "customer.phone")

	status, _, b = d.do(t, "GET", "/v1/customers/cstmr_K1YDR2qy29Qem6", d.sk, "")
	if status != 404 {
		t.Fatalf("unknown customer: %d %s", status, b)
	}
	sameShape(t, "404", "error_404.json", b)

	// Another customer's email is taken: 422 validation naming email.
	var other string
	if err := d.sb.DB.QueryRow(`SELECT email FROM customers WHERE id <> ? ORDER BY id LIMIT 1`, string(oid)).Scan(&other); err != nil {
		t.Fatal(err)
	}
	status, _, b = d.do(t, "PUT", "/v1/customers/"+id, d.sk, `{"email":"`+other+`"}`)
	if status != 422 {
		t.Fatalf("duplicate email: %d %s", status, b)
	}
	sameShape(t, "422", "error_422.json", b)
}

// PUT changes what it is given and nothing else, with no version; an
// external id is refused rather than dropped.
func TestPut(t *testing.T) {
	d := newDialect(t)
	id, _ := d.customerWithOrders(t)
	status, _, b := d.do(t, "PUT", "/v1/customers/"+id, d.sk, `{"firstname":"Leslie","phone":"+254 700 000 002"}`)
	if status != 200 || !bytes.Contains(b, []byte(`"firstname":"Leslie"`)) || !bytes.Contains(b, []byte(`"phone":"+254700000002"`)) {
		t.Fatalf("put: %d %s", status, b)
	}
	sid, _ := checdialect.DecodeID(checdialect.PrefixCustomer, id)
	var first string
	if err := d.sb.DB.QueryRow(`SELECT first_name FROM customers WHERE id = ?`, string(sid)).Scan(&first); err != nil || first != "Leslie" {
		t.Fatalf("stored first name %q %v", first, err)
	}
	status, _, b = d.do(t, "PUT", "/v1/customers/"+id, d.sk, `{"external_id":"MY_CRM_USER_123"}`)
	if status != 422 || !bytes.Contains(b, []byte(`"external_id"`)) {
		t.Fatalf("external id: %d %s", status, b)
	}
	status, _, b = d.do(t, "PUT", "/v1/customers/"+id, d.sk, `{"email":"nope"}`)
	if status != 422 || !bytes.Contains(b, []byte(`"type":"validation"`)) {
		t.Fatalf("bad email: %d %s", status, b)
	}
	status, _, b = d.do(t, "PUT", "/v1/customers/"+id, d.sk, `[`)
	if status != 400 {
		t.Fatalf("bad body: %d %s", status, b)
	}
}

// Only the secret key reads customers; paths and methods Chec does not
// have here are refused in Chec's error envelope.
func TestAuthAndRoutes(t *testing.T) {
	d := newDialect(t)
	for _, tc := range []struct {
		method, path, key string
		status            int
		typ               string
	}{
		{"GET", "/v1/customers", "", 401, "authentication_error"},
		{"GET", "/v1/customers", d.pk, 403, "forbidden"},
		{"GET", "/v1/customers", d.sk[:len(d.sk)-1] + "0", 401, "authentication_error"},
		{"GET", "/v1/customers", "sk_test_nounderscore", 401, "authentication_error"},
		{"GET", "/v1/customers", d.sk, 200, ""},
		{"POST", "/v1/customers", d.sk, 405, "method_not_allowed"},
		{"DELETE", "/v1/customers/cstmr_K1YDR2qy29Qem6", d.sk, 405, "method_not_allowed"},
		{"GET", "/v1/customers/42", d.sk, 404, "not_found"},
		{"GET", "/v1/products", d.sk, 404, "not_found"},
		{"GET", "/v1/customers?limit=1000", d.sk, 422, "validation"},
		{"GET", "/v1/customers?page=0", d.sk, 422, "validation"},
	} {
		status, _, b := d.do(t, tc.method, tc.path, tc.key, "")
		if status != tc.status || (tc.typ != "" && !bytes.Contains(b, []byte(`"type":"`+tc.typ+`"`))) {
			t.Errorf("%s %s with %q: %d %s, want %d %s", tc.method, tc.path, tc.key, status, b, tc.status, tc.typ)
		}
	}
	// Paging: meta.pagination and links walk the list.
	status, _, b := d.do(t, "GET", "/v1/customers?limit=20&page=2", d.sk, "")
	if status != 200 || !bytes.Contains(b, []byte(`"total":50,"count":20,"per_page":20,"current_page":2,"total_pages":3`)) ||
		!bytes.Contains(b, []byte(`"next":"`)) || !bytes.Contains(b, []byte(`"previous":"`)) {
		t.Fatalf("page 2: %d %s", status, b)
	}
}

func TestIDs(t *testing.T) {
	seen := map[string]bool{}
	for _, n := range []string{"1", "2", "42", "999999", "18446744073709551615"} {
		id := checdialect.EncodeID(checdialect.PrefixCustomer, api.ID(n))
		if !strings.HasPrefix(id, "cstmr_") || len(id) != len("cstmr_K1YDR2qy29Qem6") || seen[id] {
			t.Fatalf("%s → %s", n, id)
		}
		seen[id] = true
		back, ok := checdialect.DecodeID(checdialect.PrefixCustomer, id)
		if !ok || string(back) != n {
			t.Fatalf("%s → %s → %s %v", n, id, back, ok)
		}
		if _, ok := checdialect.DecodeID(checdialect.PrefixOrder, id); ok {
			t.Fatalf("%s decoded as an order id", id)
		}
		mangled := id[:len(id)-1] + string("01"[0+boolInt(id[len(id)-1] == '0')])
		if _, ok := checdialect.DecodeID(checdialect.PrefixCustomer, mangled); ok {
			t.Fatalf("mangled %s decoded", mangled)
		}
	}
	for _, bad := range []string{"", "cstmr_", "cstmr_K1YDR2qy29Qem6", "cstmr_!!!!!!!!!!!!!!", "ord_Kvg9l6zvnl1bB7"} {
		if _, ok := checdialect.DecodeID(checdialect.PrefixCustomer, bad); ok {
			t.Errorf("%q decoded", bad)
		}
	}
}

func TestPrices(t *testing.T) {
	for _, tc := range []struct {
		minor int64
		cur   string
		want  string
	}{
		{0, "KES", "0.00"}, {5, "USD", "0.05"}, {125000, "KES", "1,250.00"}, {123456789, "USD", "1,234,567.89"},
		{-4850, "USD", "-48.50"}, {1250, "JPY", "1,250"}, {1250, "KWD", "1.250"},
	} {
		if got := checdialect.FormatPrice(tc.minor, tc.cur); got != tc.want {
			t.Errorf("%d %s: %q, want %q", tc.minor, tc.cur, got, tc.want)
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
