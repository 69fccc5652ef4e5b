package server_test

import (
	"net/url"
	"strings"
	"testing"

	"frontdesk/api"
	"frontdesk/sandbox/sandboxtest"
)

// TestFindOrderByNumber asks GET /orders?number= over HTTP with each form a
// customer quotes, for orders taken from the seeded store.
func TestFindOrderByNumber(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 30})
	rows, err := env.DB.Query(`SELECT o.id, o.number, o.customer_id, o.total, c.email, (SELECT count(*) FROM json_each(o.items))
		FROM orders o JOIN customers c ON c.id = o.customer_id ORDER BY o.id DESC LIMIT 3`)
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		id, number, customer, email string
		total                       int64
		items                       int
	}
	var orders []want
	for rows.Next() {
		var w want
		var id, cid int64
		if err := rows.Scan(&id, &w.number, &cid, &w.total, &w.email, &w.items); err != nil {
			t.Fatal(err)
		}
		w.id, w.customer = api.IDFromInt(id).String(), api.IDFromInt(cid).String()
		orders = append(orders, w)
	}
	if err := rows.Err(); err != nil || len(orders) != 3 {
		t.Fatalf("seeded orders: %d, %v", len(orders), err)
	}
	for _, w := range orders {
		digits := strings.TrimLeft(strings.TrimPrefix(w.number, api.OrderNumberPrefix), "0")
		for _, quoted := range []string{w.number, strings.ToLower(w.number), "FD-" + digits, "#" + digits, digits, " # " + digits + ". "} {
			r := env.Do(t, "viewer", "GET", "/orders?number="+url.QueryEscape(quoted), nil)
			wantStatus(t, r, 200)
			var m api.OrderMatch
			r.Data(t, &m)
			if m.Order.ID.String() != w.id || m.Order.Number != w.number || m.Order.CustomerID.String() != w.customer ||
				m.Order.Total != w.total || len(m.Order.Items) != w.items || w.items == 0 {
				t.Fatalf("%q: order %+v, want %+v", quoted, m.Order, w)
			}
			// A viewer's answer carries the email masked.
			if m.Customer.ID.String() != w.customer || m.Customer.Email != api.MaskEmail(w.email) {
				t.Fatalf("%q: customer %s %s, want %s %s", quoted, m.Customer.ID, m.Customer.Email, w.customer, api.MaskEmail(w.email))
			}
		}
	}
	var last int64
	if err := env.DB.QueryRow(`SELECT max(id) FROM orders`).Scan(&last); err != nil {
		t.Fatal(err)
	}
	unknown := api.IDFromInt(last + 1).String()
	for _, q := range []string{"FD-" + unknown, "#" + unknown, "FD-00000000", "mary", "00000356-101"} {
		wantError(t, env.Do(t, "viewer", "GET", "/orders?number="+url.QueryEscape(q), nil), 404, api.CodeNotFound)
	}
	for _, q := range []string{"", "%20%20", url.QueryEscape(strings.Repeat("1", 65)), url.QueryEscape("FD-1\x1b[2J")} {
		e := wantError(t, env.Do(t, "viewer", "GET", "/orders?number="+q, nil), 400, api.CodeValidation)
		if e.Fields["number"] == "" {
			t.Fatalf("number %q: no field error: %+v", q, e)
		}
	}
	wantError(t, env.Do(t, "viewer", "GET", "/orders", nil), 400, api.CodeValidation)
}
