package store_test

import (
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"frontdesk/api"
	"frontdesk/dialect/dialecttest"
	storedialect "frontdesk/dialect/store"
	"frontdesk/sandbox/sandboxtest"
)

// dialect is the store dialect over a seeded sandbox store, and one of
// the sandbox's key pairs.
type dialect struct {
	url         string
	key, secret string
	db          *sql.DB
	desk        *sandboxtest.Env // the desk's own API on the same store
}

func newDialect(t *testing.T) dialect {
	t.Helper()
	sb := sandboxtest.New(t, sandboxtest.Options{})
	srv := httptest.NewServer(storedialect.New(sb.Store, nil))
	t.Cleanup(srv.Close)
	k := sb.Keys["viewer"]
	return dialect{url: srv.URL, key: k.KeyID, secret: k.Secret, db: sb.DB, desk: sb}
}

// get sends a request with the dialect's key (none when key is "").
func (d dialect) do(t *testing.T, method, path, key, secret string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, d.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.SetBasicAuth(key, secret)
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
	return resp.StatusCode, b
}

func (d dialect) get(t *testing.T, path string) []byte {
	t.Helper()
	status, b := d.do(t, http.MethodGet, path, d.key, d.secret)
	if status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, status, b)
	}
	return b
}

func example(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "client", "store", "testdata", name))
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
		t.Errorf("%s differs from the seed's example:\n%s\n%s", what, diff, got)
	}
}

// id of a seeded customer with addresses, an earn entry on an order and
// an adjustment (whose order_id is null).
func pickCustomer(t *testing.T, db *sql.DB) string {
	t.Helper()
	var id string
	err := db.QueryRow(`SELECT c.id FROM customers c
		WHERE EXISTS (SELECT 1 FROM addresses a WHERE a.customer_id = c.id)
		  AND EXISTS (SELECT 1 FROM loyalty_ledger l WHERE l.customer_id = c.id AND l.type = 'earn' AND l.order_id IS NOT NULL)
		  AND c.email NOT LIKE 'hostile-%' ORDER BY c.id LIMIT 1`).Scan(&id)
	if err != nil {
		t.Fatalf("pick a customer: %v", err)
	}
	return id
}

// Every answer has the keys and JSON types of the seed's examples.
func TestAnswersHaveTheSeedsShape(t *testing.T) {
	d := newDialect(t)
	id := pickCustomer(t, d.db)
	sameShape(t, "GET /customers", example(t, "seed004_customers.json"), d.get(t, "/api/v1/customers?page=1&limit=20"))
	sameShape(t, "GET /customers?search=", example(t, "seed004_customers.json"), d.get(t, "/api/v1/customers?search=a&limit=5&page=2"))
	sameShape(t, "GET /customers/:id", example(t, "seed004_customer.json"), d.get(t, "/api/v1/customers/"+id))
	loy := d.get(t, "/api/v1/customers/"+id+"/loyalty")
	// order_id is null on entries of no order (adjustments): the example
	// is an earn on an order.
	sameShape(t, "GET /customers/:id/loyalty", example(t, "seed004_loyalty.json"), loy, "data.ledger[].order_id")
	var l struct {
		Data struct {
			Ledger []struct {
				Type    string  `json:"type"`
				OrderID *api.ID `json:"order_id"`
			} `json:"ledger"`
		} `json:"data"`
	}
	if err := json.Unmarshal(loy, &l); err != nil || len(l.Data.Ledger) == 0 || len(l.Data.Ledger) > 50 {
		t.Fatalf("ledger: %v %s", err, loy)
	}
	// The list answer carries customers (the check above proves nothing on
	// an empty list).
	var list struct {
		Data struct {
			Customers []json.RawMessage `json:"customers"`
			Total     int               `json:"total"`
			Page      int               `json:"page"`
			Limit     int               `json:"limit"`
		} `json:"data"`
	}
	if err := json.Unmarshal(d.get(t, "/api/v1/customers?limit=7&page=2"), &list); err != nil ||
		len(list.Data.Customers) != 7 || list.Data.Total != 50 || list.Data.Page != 2 || list.Data.Limit != 7 {
		t.Fatalf("page 2 of 7: %d customers, total %d, page %d, limit %d (%v)", len(list.Data.Customers), list.Data.Total, list.Data.Page, list.Data.Limit, err)
	}

	// Errors: the envelope, with a code and a message.
	errShape := []byte(`{"status":"error","error":{"code":"not_found","message":"…"}}`)
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{http.MethodGet, "/api/v1/customers/999999", http.StatusNotFound},
		{http.MethodGet, "/api/v1/customers/999999/loyalty", http.StatusNotFound},
		{http.MethodGet, "/api/v1/me", http.StatusNotFound},
		{http.MethodGet, "/api/v1/customers/" + id + "/orders", http.StatusNotFound},
		{http.MethodPatch, "/api/v1/customers/" + id, http.StatusNotFound},
		{http.MethodPost, "/api/v1/customers", http.StatusNotFound},
		{http.MethodPost, "/api/v1/customers/" + id + "/loyalty/adjustments", http.StatusNotFound},
		{http.MethodGet, "/", http.StatusNotFound},
	} {
		status, b := d.do(t, tc.method, tc.path, d.key, d.secret)
		if status != tc.status {
			t.Errorf("%s %s: %d %s", tc.method, tc.path, status, b)
		}
		sameShape(t, tc.method+" "+tc.path, errShape, b)
	}
	status, b := d.do(t, http.MethodGet, "/api/v1/customers", d.key, "cs_wrong")
	if status != http.StatusUnauthorized || !strings.Contains(string(b), `"unauthorized"`) {
		t.Errorf("wrong secret: %d %s", status, b)
	}
	sameShape(t, "401", errShape, b)
	if status, b := d.do(t, http.MethodGet, "/api/v1/customers", "", ""); status != http.StatusUnauthorized {
		t.Errorf("no credentials: %d %s", status, b)
	}
	status, b = d.do(t, http.MethodGet, "/api/v1/customers?limit=0", d.key, d.secret)
	if status != http.StatusBadRequest || !strings.Contains(string(b), `"limit"`) {
		t.Errorf("limit=0: %d %s", status, b)
	}
	sameShape(t, "400", []byte(`{"status":"error","error":{"code":"validation_error","message":"…","fields":{"limit":"…"}}}`), b)
}

// The store searches email, first name and last name, not phones (seed
// 004): a phone number that the desk's own search finds, this one does
// not; a part of an email it does.
func TestSearchLeavesPhonesOut(t *testing.T) {
	d := newDialect(t)
	id := pickCustomer(t, d.db)
	var email, phone, first string
	if err := d.db.QueryRow(`SELECT email, phone, first_name FROM customers WHERE id = ?`, id).Scan(&email, &phone, &first); err != nil {
		t.Fatal(err)
	}
	search := func(q string) (ids []string, total int) {
		var out struct {
			Data struct {
				Customers []struct {
					ID api.ID `json:"id"`
				} `json:"customers"`
				Total int `json:"total"`
			} `json:"data"`
		}
		if err := json.Unmarshal(d.get(t, "/api/v1/customers?limit=100&search="+urlQuery(q)), &out); err != nil {
			t.Fatal(err)
		}
		for _, c := range out.Data.Customers {
			ids = append(ids, string(c.ID))
		}
		return ids, out.Data.Total
	}
	local, _, _ := strings.Cut(email, "@")
	if ids, total := search(local); !contains(ids, id) || total != len(ids) {
		t.Errorf("search %q: %v (total %d), want %s among them", local, ids, total, id)
	}
	if ids, _ := search(strings.ToUpper(first)); !contains(ids, id) {
		t.Errorf("search %q (first name, upper case): %v", first, ids)
	}
	digits := phone[len(phone)-7:]
	var desk api.CustomerList
	d.desk.Do(t, "viewer", http.MethodGet, "/customers?limit=100&search="+digits, nil).Data(t, &desk)
	found := false
	for _, c := range desk.Customers {
		found = found || string(c.ID) == id
	}
	if !found {
		t.Fatalf("the desk's own search does not find %s by %q either: the check below would prove nothing", id, digits)
	}
	if ids, total := search(digits); contains(ids, id) || total != len(ids) {
		t.Errorf("search %q (part of the phone %s) found %v (total %d): the seed's store does not search phones", digits, phone, ids, total)
	}
	if ids, _ := search(phone); len(ids) != 0 {
		t.Errorf("search for a whole phone found %v", ids)
	}
}

func contains(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func urlQuery(s string) string {
	r := strings.NewReplacer("+", "%2B", " ", "+", "@", "%40")
	return r.Replace(s)
}
