package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/sandbox/sandboxtest"
	"frontdesk/server"
	"frontdesk/store/sqlite"
)

func TestMe(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1})
	for _, role := range []string{"viewer", "agent", "supervisor", "admin"} {
		r := env.Do(t, role, "GET", "/me", nil)
		wantStatus(t, r, 200)
		var me api.Me
		r.Data(t, &me)
		if me.AgentID != env.Agents[role] || me.Role != role || me.KeyID != env.Keys[role].KeyID || me.Gateway || me.Name == "" {
			t.Errorf("%s: /me = %+v", role, me)
		}
		if role == "agent" && me.LoyaltyLimit != sandboxtest.LoyaltyLimit {
			t.Errorf("agent loyalty limit = %d, want %d", me.LoyaltyLimit, sandboxtest.LoyaltyLimit)
		}
	}
}

func TestAuth(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1})
	good := env.Keys["viewer"]
	cases := []struct {
		name      string
		user, pwd string
		basic     bool
	}{
		{"no credentials", "", "", false},
		{"wrong secret", good.KeyID, "cs_wrong", true},
		{"unknown key", "ck_nope", good.Secret, true},
		{"secret as key", good.Secret, good.KeyID, true},
		{"empty", "", "", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", env.URL+api.Base+"/me", nil)
			if tc.basic {
				req.SetBasicAuth(tc.user, tc.pwd)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var env api.Envelope
			json.Unmarshal(body, &env)
			if resp.StatusCode != 401 || env.Error == nil || env.Error.Code != api.CodeUnauthorized {
				t.Fatalf("got %d %s, want 401 unauthorized", resp.StatusCode, body)
			}
			if !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Basic ") {
				t.Errorf("WWW-Authenticate = %q", resp.Header.Get("WWW-Authenticate"))
			}
			if strings.Contains(string(body), good.Secret) {
				t.Errorf("the error echoes the secret: %s", body)
			}
		})
	}
	t.Run("revoked", func(t *testing.T) {
		if _, err := env.DB.Exec(`UPDATE api_keys SET revoked_at = 'x' WHERE key_id = ?`, env.Keys["admin"].KeyID); err != nil {
			t.Fatal(err)
		}
		wantError(t, env.Do(t, "admin", "GET", "/me", nil), 401, api.CodeUnauthorized)
	})
	t.Run("stored hashed", func(t *testing.T) {
		var n int
		env.DB.QueryRow(`SELECT count(*) FROM api_keys WHERE secret_hash = ?`, good.Secret).Scan(&n)
		if n != 0 {
			t.Fatal("a secret is stored in clear")
		}
	})
}

func TestRoles(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1})
	c := newCustomer(t, env, "roles@example.co.ke")
	id := c.ID.String()
	create := api.CustomerCreate{Email: "new@example.co.ke", FirstName: "A", LastName: "B"}
	note := api.NoteCreate{Body: "called about a refund"}
	patch := map[string]string{"first_name": "Z"}
	forbidden := []struct {
		role, method, path string
		body               any
		hdr                []string
	}{
		{"viewer", "PATCH", "/customers/" + id, patch, []string{"If-Match", `"1"`}},
		{"viewer", "POST", "/customers/" + id + "/notes", note, nil},
		{"viewer", "POST", "/customers/" + id + "/loyalty/adjustments", api.AdjustmentRequest{Points: 1, Reason: "goodwill", Note: "abc"}, []string{api.HeaderIdempotencyKey, "k1"}},
		{"viewer", "POST", "/customers", create, nil},
		{"agent", "POST", "/customers", create, nil},
	}
	for _, f := range forbidden {
		e := wantError(t, env.Do(t, f.role, f.method, f.path, f.body, f.hdr...), 403, api.CodeForbidden)
		if !strings.Contains(e.Message, f.role) {
			t.Errorf("%s %s as %s: message %q does not say the role", f.method, f.path, f.role, e.Message)
		}
	}
	// Nothing changed.
	var n int
	env.DB.QueryRow(`SELECT (SELECT count(*) FROM notes) + (SELECT count(*) FROM loyalty_ledger) + (SELECT count(*) FROM customers WHERE email = 'new@example.co.ke')`).Scan(&n)
	if n != 0 {
		t.Fatalf("forbidden calls wrote %d rows", n)
	}
	wantStatus(t, env.Do(t, "agent", "POST", "/customers/"+id+"/notes", note), 201)
	wantStatus(t, env.Do(t, "admin", "POST", "/customers", create), 201)
	for _, role := range []string{"viewer", "agent", "supervisor", "admin"} {
		wantStatus(t, env.Do(t, role, "GET", "/customers/"+id, nil), 200)
	}
}

func TestGatewayHeader(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1})
	r := env.Do(t, "gateway", "GET", "/me", nil, api.HeaderAgent, env.Agents["agent"], api.HeaderVia, "ssh")
	wantStatus(t, r, 200)
	var me api.Me
	r.Data(t, &me)
	if me.AgentID != env.Agents["agent"] || me.Role != api.RoleAgent || me.LoyaltyLimit != sandboxtest.LoyaltyLimit || !me.Gateway || me.KeyID != env.Keys["gateway"].KeyID {
		t.Fatalf("gateway acting as agent: /me = %+v", me)
	}
	// Without the header, the gateway is its own (viewer) agent.
	r = env.Do(t, "gateway", "GET", "/me", nil)
	r.Data(t, &me)
	if me.AgentID != env.Agents["gateway"] || me.Role != api.RoleViewer {
		t.Fatalf("gateway as itself: /me = %+v", me)
	}
	// Acting as the agent gives the agent's powers, and its limit.
	c := newCustomer(t, env, "gw@example.co.ke")
	wantStatus(t, env.Do(t, "gateway", "POST", "/customers/"+c.ID.String()+"/notes", api.NoteCreate{Body: "via ssh"}, api.HeaderAgent, env.Agents["agent"]), 201)
	wantError(t, env.Do(t, "gateway", "POST", "/customers/"+c.ID.String()+"/notes", api.NoteCreate{Body: "via ssh"}), 403, api.CodeForbidden)
	r = env.Do(t, "gateway", "POST", "/customers/"+c.ID.String()+"/loyalty/adjustments",
		api.AdjustmentRequest{Points: sandboxtest.LoyaltyLimit + 1, Reason: "goodwill", Note: "too much"},
		api.HeaderAgent, env.Agents["agent"], api.HeaderIdempotencyKey, "gw-1")
	wantError(t, r, 403, api.CodeOverLimit)

	wantError(t, env.Do(t, "gateway", "GET", "/me", nil, api.HeaderAgent, "nobody"), 403, api.CodeUnknownAgent)
	for _, role := range []string{"viewer", "agent", "supervisor", "admin"} {
		wantError(t, env.Do(t, role, "GET", "/me", nil, api.HeaderAgent, env.Agents["admin"]), 403, api.CodeAgentHeaderForbidden)
	}
	// Via is an enum: a value outside it is refused, from any key.
	for _, role := range []string{"agent", "gateway"} {
		wantError(t, env.Do(t, role, "GET", "/me", nil, api.HeaderVia, "web"), 400, api.CodeBadRequest)
	}
	wantStatus(t, env.Do(t, "agent", "GET", "/me", nil, api.HeaderVia, "api"), 200)
	// The note written through the gateway names the agent.
	var author string
	env.DB.QueryRow(`SELECT agent_id FROM notes WHERE customer_id = ?`, c.ID.String()).Scan(&author)
	if author != env.Agents["agent"] {
		t.Fatalf("note author = %q, want %q", author, env.Agents["agent"])
	}
}

func TestNotFoundAndMethods(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1})
	for _, p := range []string{"/nope", "/customers/999999", "/customers/abc", "/customers/-1", "/customers/999999/orders",
		"/customers/999999/orders/1", "/customers/999999/loyalty", "/customers/999999/loyalty/ledger", "/customers/999999/notes"} {
		wantError(t, env.Do(t, "viewer", "GET", p, nil), 404, api.CodeNotFound)
	}
	c := newCustomer(t, env, "nf@example.co.ke")
	wantError(t, env.Do(t, "viewer", "GET", "/customers/"+c.ID.String()+"/orders/999999", nil), 404, api.CodeNotFound)
	wantError(t, env.Do(t, "agent", "PATCH", "/customers/999999", map[string]string{"first_name": "X"}, "If-Match", `"1"`), 404, api.CodeNotFound)
	wantError(t, adjust(t, env, "agent", "999999", "nf-1", 5), 404, api.CodeNotFound)

	r := env.Do(t, "admin", "DELETE", "/customers/"+c.ID.String(), nil)
	wantError(t, r, 405, api.CodeMethodNotAllowed)
	if allow := r.Header.Get("Allow"); !strings.Contains(allow, "GET") || !strings.Contains(allow, "PATCH") {
		t.Errorf("Allow = %q", allow)
	}
	wantError(t, env.Do(t, "admin", "PUT", "/me", nil), 405, api.CodeMethodNotAllowed)

	// Outside /api/v1, and without credentials: still the envelope.
	resp, err := http.Get(env.URL + "/elsewhere")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 404 || !strings.Contains(string(body), `"not_found"`) {
		t.Fatalf("GET /elsewhere: %d %s", resp.StatusCode, body)
	}
}

func TestListCustomers(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 30})
	r := env.Do(t, "viewer", "GET", "/customers?limit=7&page=2", nil)
	wantStatus(t, r, 200)
	var list api.CustomerList
	r.Data(t, &list)
	if list.Total != 30 || list.Page != 2 || list.Limit != 7 || len(list.Customers) != 7 || list.TotalIsEstimate {
		t.Fatalf("page 2: total %d page %d limit %d len %d", list.Total, list.Page, list.Limit, len(list.Customers))
	}
	for i := 1; i < len(list.Customers); i++ {
		if list.Customers[i].CreatedAt.After(list.Customers[i-1].CreatedAt) {
			t.Fatalf("default sort is not newest first at %d", i)
		}
	}
	// An agent's list: a viewer's carries the emails masked, and the
	// search below needs a fragment of one.
	r = env.Do(t, "agent", "GET", "/customers?sort=-total_spent&limit=100", nil)
	r.Data(t, &list)
	if len(list.Customers) != 30 {
		t.Fatalf("limit 100: %d customers", len(list.Customers))
	}
	for i := 1; i < len(list.Customers); i++ {
		if list.Customers[i].TotalSpent > list.Customers[i-1].TotalSpent {
			t.Fatalf("-total_spent not descending at %d", i)
		}
	}
	// Search by a part of one customer's email finds it.
	want := list.Customers[3]
	frag := want.Email[1:6]
	r = env.Do(t, "viewer", "GET", "/customers?search="+frag, nil)
	r.Data(t, &list)
	if !slices.ContainsFunc(list.Customers, func(c api.Customer) bool { return c.ID == want.ID }) {
		t.Fatalf("search %q did not find %s", frag, want.Email)
	}
	for _, bad := range []string{"page=0", "page=x", "limit=0", "limit=101", "sort=email", "search=" + strings.Repeat("a", api.MaxSearchQueryLen+1)} {
		e := wantError(t, env.Do(t, "viewer", "GET", "/customers?"+bad, nil), 400, api.CodeValidation)
		field, _, _ := strings.Cut(bad, "=")
		if e.Fields[field] == "" {
			t.Errorf("%s: fields = %v, want %q", bad, e.Fields, field)
		}
	}
}

func TestCreateCustomer(t *testing.T) {
	clk := newClock()
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1, Now: clk.Now})
	r := env.Do(t, "supervisor", "POST", "/customers", api.CustomerCreate{
		Email: "Jane.Doe@Example.co.ke", FirstName: "Jane", LastName: "Doe", Phone: "0712345678",
		Addresses: []api.Address{{Type: "billing", Address1: "Kenyatta Ave 1", City: "Nairobi", Country: "Kenya"}},
	})
	wantStatus(t, r, 201)
	var out api.CustomerEnvelope
	r.Data(t, &out)
	c := out.Customer
	if c.Phone != "+254712345678" || c.Version != 1 || c.Status != api.StatusActive || len(c.Addresses) != 1 ||
		!c.CreatedAt.Equal(clk.Now()) || c.Currency != "KES" || c.StoreMetrics == nil {
		t.Fatalf("created %+v", c)
	}
	if r.Header.Get("ETag") != `"1"` || r.Header.Get("Location") != api.Base+"/customers/"+c.ID.String() {
		t.Fatalf("ETag %q Location %q", r.Header.Get("ETag"), r.Header.Get("Location"))
	}
	e := wantError(t, env.Do(t, "supervisor", "POST", "/customers", api.CustomerCreate{Email: "jane.doe@example.CO.KE", FirstName: "J", LastName: "D"}), 409, api.CodeDuplicateEmail)
	if e.Fields["email"] == "" {
		t.Errorf("duplicate email: fields %v", e.Fields)
	}
	e = wantError(t, env.Do(t, "supervisor", "POST", "/customers", api.CustomerCreate{Email: "nope", FirstName: "", LastName: "D", Phone: "12"}), 400, api.CodeValidation)
	for _, f := range []string{"email", "first_name", "phone"} {
		if e.Fields[f] == "" {
			t.Errorf("validation: no message for %s in %v", f, e.Fields)
		}
	}
	bad := []struct{ name, body string }{
		{"unknown field", `{"email":"a@b.co","first_name":"A","last_name":"B","vip":true}`},
		{"not json", `{"email":`},
		{"wrong type", `{"email":5,"first_name":"A","last_name":"B"}`},
		{"two objects", `{"email":"a@b.co","first_name":"A","last_name":"B"}{}`},
		{"empty", ``},
		{"array", `[]`},
		{"too big", `{"email":"a@b.co","first_name":"` + strings.Repeat("x", server.MaxBodyBytes) + `","last_name":"B"}`},
	}
	for _, b := range bad {
		e := wantError(t, env.Do(t, "supervisor", "POST", "/customers", []byte(b.body)), 400, api.CodeBadRequest)
		t.Logf("%s: %s", b.name, e.Message)
	}
	var n int
	env.DB.QueryRow(`SELECT count(*) FROM customers`).Scan(&n)
	if n != 1 {
		t.Fatalf("%d customers after one good and many bad creates", n)
	}
}

func TestGetCustomer(t *testing.T) {
	clk := newClock()
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 40, Now: clk.Now})
	id := customerWithOrders(t, env, 2)
	for i := range 7 {
		wantStatus(t, env.Do(t, "agent", "POST", fmt.Sprintf("/customers/%d/notes", id), api.NoteCreate{Body: fmt.Sprintf("note number %d", i)}), 201)
	}
	r := env.Do(t, "viewer", "GET", fmt.Sprintf("/customers/%d", id), nil)
	wantStatus(t, r, 200)
	var out api.CustomerEnvelope
	r.Data(t, &out)
	c := out.Customer
	if r.Header.Get("ETag") != `"`+strconv.FormatInt(c.Version, 10)+`"` {
		t.Fatalf("ETag %q for version %d", r.Header.Get("ETag"), c.Version)
	}
	m := c.StoreMetrics
	if m == nil || m.TotalOrders != c.TotalOrders || m.TotalSpent != c.TotalSpent || m.FirstOrderAt == nil || m.LastOrderAt == nil ||
		m.FirstOrderAt.After(*m.LastOrderAt) || len(m.MonthlySpend) != 12 || m.LTVPercentile < 0 || m.LTVPercentile > 100 {
		t.Fatalf("store_metrics = %+v", m)
	}
	if m.TotalOrders > 0 && m.AverageOrderValue != m.TotalSpent/int64(m.TotalOrders) {
		t.Errorf("average_order_value %d", m.AverageOrderValue)
	}
	if m.MonthlySpend[11].Month != clk.Now().Format("2006-01") || m.MonthlySpend[0].Month != clk.Now().AddDate(0, -11, 0).Format("2006-01") {
		t.Errorf("monthly_spend months: %s … %s", m.MonthlySpend[0].Month, m.MonthlySpend[11].Month)
	}
	var wantSpend int64
	env.DB.QueryRow(`SELECT coalesce(sum(total), 0) FROM orders WHERE customer_id = ? AND created_at >= ? AND status NOT IN ('cancelled', 'refunded')`,
		id, time.Date(clk.Now().Year(), clk.Now().Month()-11, 1, 0, 0, 0, 0, time.UTC).Format("2006-01-02T15:04:05.000Z")).Scan(&wantSpend)
	var gotSpend int64
	for _, ms := range m.MonthlySpend {
		gotSpend += ms.Amount
	}
	if gotSpend != wantSpend {
		t.Errorf("monthly spend sums to %d, orders say %d", gotSpend, wantSpend)
	}
	if len(c.Notes) != 5 || c.Notes[0].Body != "note number 6" {
		t.Errorf("recent notes: %d, first %+v", len(c.Notes), c.Notes)
	}
	if len(c.Orders) == 0 || len(c.Orders) > 5 || c.Orders[0].Items != nil {
		t.Errorf("recent orders: %+v", c.Orders)
	}
	for i := 1; i < len(c.Orders); i++ {
		if c.Orders[i].CreatedAt.After(c.Orders[i-1].CreatedAt) {
			t.Errorf("recent orders not newest first")
		}
	}

	// The top spender is near the top percentile, a zero spender at 0.
	var top, zero int64
	env.DB.QueryRow(`SELECT id FROM customers ORDER BY total_spent DESC LIMIT 1`).Scan(&top)
	newC := newCustomer(t, env, "zero@example.co.ke")
	zero, _ = newC.ID.Int64()
	for _, tc := range []struct {
		id       int64
		lo, high int
	}{{top, 90, 100}, {zero, 0, 0}} {
		r := env.Do(t, "viewer", "GET", fmt.Sprintf("/customers/%d?fields=store_metrics.ltv_percentile", tc.id), nil)
		var sel struct {
			Customer map[string]json.RawMessage `json:"customer"`
		}
		r.Data(t, &sel)
		var sm struct {
			LTV *int `json:"ltv_percentile"`
		}
		json.Unmarshal(sel.Customer["store_metrics"], &sm)
		if sm.LTV == nil || *sm.LTV < tc.lo || *sm.LTV > tc.high {
			t.Errorf("customer %d: ltv_percentile %s, want %d–%d", tc.id, sel.Customer["store_metrics"], tc.lo, tc.high)
		}
	}
}

func TestFieldsSelection(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 5})
	r := env.Do(t, "viewer", "GET", "/customers/1?fields=name,email,store_metrics.total_spent", nil)
	wantStatus(t, r, 200)
	var sel struct {
		Customer map[string]json.RawMessage `json:"customer"`
	}
	r.Data(t, &sel)
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range sel.Customer {
			if !yield(k) {
				return
			}
		}
	})
	if !slices.Equal(keys, []string{"email", "first_name", "id", "last_name", "store_metrics"}) {
		t.Fatalf("fields selection gave %v", keys)
	}
	if string(sel.Customer["store_metrics"]) == "" || strings.Contains(string(sel.Customer["store_metrics"]), "monthly") {
		t.Fatalf("store_metrics selection = %s", sel.Customer["store_metrics"])
	}
	if r.Header.Get("ETag") == "" {
		t.Error("no ETag on a fields selection")
	}
	e := wantError(t, env.Do(t, "viewer", "GET", "/customers/1?fields=email,password", nil), 400, api.CodeValidation)
	if !strings.Contains(e.Message, "password") {
		t.Errorf("message %q does not name the unknown field", e.Message)
	}
}

func TestPatchCustomer(t *testing.T) {
	clk := newClock()
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1, Now: clk.Now})
	c := newCustomer(t, env, "patch@example.co.ke")
	other := newCustomer(t, env, "taken@example.co.ke")
	path := "/customers/" + c.ID.String()

	wantError(t, env.Do(t, "agent", "PATCH", path, map[string]string{"first_name": "Neema"}), 428, api.CodeIfMatchRequired)
	e := wantError(t, env.Do(t, "agent", "PATCH", path, map[string]string{"first_name": "Neema"}, "If-Match", `"7"`), 412, api.CodeVersionMismatch)
	if e.CurrentVersion == nil || *e.CurrentVersion != 1 {
		t.Fatalf("412 current_version = %v, want 1", e.CurrentVersion)
	}
	wantError(t, env.Do(t, "agent", "PATCH", path, map[string]string{"first_name": "Neema"}, "If-Match", `"abc"`), 400, api.CodeBadRequest)
	wantError(t, env.Do(t, "agent", "PATCH", path, map[string]string{"email": strings.ToUpper(other.Email)}, "If-Match", `"1"`), 409, api.CodeDuplicateEmail)
	e = wantError(t, env.Do(t, "agent", "PATCH", path, map[string]any{"email": "bad", "status": "gone", "last_name": ""}, "If-Match", `"1"`), 400, api.CodeValidation)
	if len(e.Fields) != 3 {
		t.Errorf("validation fields = %v", e.Fields)
	}
	wantError(t, env.Do(t, "agent", "PATCH", path, map[string]any{"first_name": "A", "loyalty": 5}, "If-Match", `"1"`), 400, api.CodeBadRequest)
	wantError(t, env.Do(t, "agent", "PATCH", path, map[string]any{}, "If-Match", `"1"`), 400, api.CodeBadRequest)

	clk.Advance(time.Hour)
	r := env.Do(t, "agent", "PATCH", path, map[string]string{"first_name": "Neema", "email": "neema@example.co.ke"}, "If-Match", `"1"`)
	wantStatus(t, r, 200)
	var out api.CustomerEnvelope
	r.Data(t, &out)
	got := out.Customer
	if got.Version != 2 || got.FirstName != "Neema" || got.LastName != c.LastName || got.Phone != c.Phone ||
		got.Email != "neema@example.co.ke" || got.EmailConfirmed || !got.UpdatedAt.Equal(clk.Now()) ||
		!got.CreatedAt.Equal(c.CreatedAt) || len(got.Addresses) != 1 || r.Header.Get("ETag") != `"2"` {
		t.Fatalf("after patch: %+v (ETag %s)", got, r.Header.Get("ETag"))
	}
	// Addresses are replaced as a whole; W/ and bare versions work.
	r = env.Do(t, "agent", "PATCH", path, map[string]any{"addresses": []api.Address{}, "phone": "+254733000111"}, "If-Match", `W/"2"`)
	r.Data(t, &out)
	if len(out.Customer.Addresses) != 0 || out.Customer.Phone != "+254733000111" || out.Customer.Version != 3 {
		t.Fatalf("after address patch: %+v", out.Customer)
	}
	// Nothing the failures sent got in.
	var email string
	env.DB.QueryRow(`SELECT email FROM customers WHERE id = ?`, c.ID.String()).Scan(&email)
	if email != "neema@example.co.ke" {
		t.Fatalf("email %q", email)
	}
}

func TestConcurrentPatchOneWins(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1})
	for round := range 5 {
		c := newCustomer(t, env, fmt.Sprintf("race%d@example.co.ke", round))
		path := "/customers/" + c.ID.String()
		statuses := make([]int, 2)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range 2 {
			wg.Go(func() {
				<-start
				r := env.Do(t, "agent", "PATCH", path, map[string]string{"last_name": fmt.Sprintf("Racer%d", i)}, "If-Match", `"1"`)
				statuses[i] = r.Status
			})
		}
		close(start)
		wg.Wait()
		slices.Sort(statuses)
		if statuses[0] != 200 || statuses[1] != 412 {
			t.Fatalf("round %d: statuses %v, want one 200 and one 412", round, statuses)
		}
		var v int
		env.DB.QueryRow(`SELECT version FROM customers WHERE id = ?`, c.ID.String()).Scan(&v)
		if v != 2 {
			t.Fatalf("round %d: version %d, want 2", round, v)
		}
	}
}

func TestOrders(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 40})
	id := customerWithOrders(t, env, 3)
	base := fmt.Sprintf("/customers/%d/orders", id)
	r := env.Do(t, "viewer", "GET", base+"?limit=100", nil)
	wantStatus(t, r, 200)
	var all api.OrderList
	r.Data(t, &all)
	var n int
	env.DB.QueryRow(`SELECT count(*) FROM orders WHERE customer_id = ?`, id).Scan(&n)
	if all.Total != n || len(all.Orders) != n {
		t.Fatalf("orders: total %d len %d, db has %d", all.Total, len(all.Orders), n)
	}
	for i := 1; i < n; i++ {
		if all.Orders[i].CreatedAt.After(all.Orders[i-1].CreatedAt) {
			t.Fatalf("orders not newest first at %d", i)
		}
	}
	// Paging walks the same list.
	var page api.OrderList
	env.Do(t, "viewer", "GET", base+"?limit=2&page=2", nil).Data(t, &page)
	if page.Total != n || len(page.Orders) != min(2, n-2) || page.Orders[0].ID != all.Orders[2].ID {
		t.Fatalf("page 2 of 2: %+v", page)
	}
	// from/until bound the range, from inclusive and until exclusive:
	// from the second-oldest up to (not including) the second-newest.
	from, until := all.Orders[n-2].CreatedAt, all.Orders[1].CreatedAt
	var ranged api.OrderList
	env.Do(t, "viewer", "GET", base+"?limit=100&from="+from.Format(time.RFC3339Nano)+"&until="+until.Format(time.RFC3339Nano), nil).Data(t, &ranged)
	want := 0
	for _, o := range all.Orders {
		if !o.CreatedAt.Before(from) && o.CreatedAt.Before(until) {
			want++
		}
	}
	if ranged.Total != want {
		t.Fatalf("from %s until %s: %d orders, want %d", from, until, ranged.Total, want)
	}
	st := all.Orders[0].Status
	var byStatus api.OrderList
	env.Do(t, "viewer", "GET", base+"?limit=100&status="+st, nil).Data(t, &byStatus)
	if byStatus.Total == 0 || slices.ContainsFunc(byStatus.Orders, func(o api.Order) bool { return o.Status != st }) {
		t.Fatalf("status=%s: %+v", st, byStatus)
	}
	for _, bad := range []string{"status=lost", "from=yesterday", "until=2026-13-01", "limit=500", "page=-1", "from=2026-02-01&until=2026-01-01"} {
		wantError(t, env.Do(t, "viewer", "GET", base+"?"+bad, nil), 400, api.CodeValidation)
	}

	r = env.Do(t, "viewer", "GET", fmt.Sprintf("%s/%s", base, all.Orders[0].ID), nil)
	wantStatus(t, r, 200)
	var one api.OrderEnvelope
	r.Data(t, &one)
	o := one.Order
	if o.ID != all.Orders[0].ID || len(o.Items) == 0 || o.ShippingAddress == nil || o.Number == "" || o.PaymentStatus == "" || o.FulfillmentStatus == "" {
		t.Fatalf("order detail: %+v", o)
	}
	// Another customer's order is not reachable under this one.
	var otherOrder int64
	env.DB.QueryRow(`SELECT id FROM orders WHERE customer_id <> ? LIMIT 1`, id).Scan(&otherOrder)
	wantError(t, env.Do(t, "viewer", "GET", fmt.Sprintf("%s/%d", base, otherOrder), nil), 404, api.CodeNotFound)
}

func TestLoyaltyRead(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 40})
	var id int64
	env.DB.QueryRow(`SELECT customer_id FROM loyalty_ledger GROUP BY customer_id ORDER BY count(*) DESC LIMIT 1`).Scan(&id)
	r := env.Do(t, "viewer", "GET", fmt.Sprintf("/customers/%d/loyalty", id), nil)
	wantStatus(t, r, 200)
	var l api.Loyalty
	r.Data(t, &l)
	sum, balance := ledgerSum(t, env, api.IDFromInt(id))
	if l.PointsBalance != balance || balance != sum || len(l.Ledger) == 0 || len(l.Ledger) > 50 || l.CustomerID != api.IDFromInt(id) {
		t.Fatalf("loyalty: balance %d (db %d, ledger sum %d), %d entries", l.PointsBalance, balance, sum, len(l.Ledger))
	}
	if l.Ledger[0].BalanceAfter != l.PointsBalance {
		t.Errorf("newest entry's balance_after %d != balance %d", l.Ledger[0].BalanceAfter, l.PointsBalance)
	}
	var total int
	env.DB.QueryRow(`SELECT count(*) FROM loyalty_ledger WHERE customer_id = ?`, id).Scan(&total)
	var pg api.LedgerPage
	env.Do(t, "viewer", "GET", fmt.Sprintf("/customers/%d/loyalty/ledger?limit=1&page=%d", id, total), nil).Data(t, &pg)
	if pg.Total != total || len(pg.Ledger) != 1 || pg.Page != total {
		t.Fatalf("last ledger page: %+v", pg)
	}
	wantError(t, env.Do(t, "viewer", "GET", fmt.Sprintf("/customers/%d/loyalty/ledger?limit=1000", id), nil), 400, api.CodeValidation)
}

func TestNotes(t *testing.T) {
	clk := newClock()
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1, Now: clk.Now})
	c := newCustomer(t, env, "notes@example.co.ke")
	path := "/customers/" + c.ID.String() + "/notes"
	r := env.Do(t, "agent", "POST", path, api.NoteCreate{Body: "Customer called about order ORD-1"})
	wantStatus(t, r, 201)
	var n api.NoteEnvelope
	r.Data(t, &n)
	if n.Note.AgentID != env.Agents["agent"] || n.Note.AgentName != "Amani Agent" || n.Note.CustomerID != c.ID || !n.Note.CreatedAt.Equal(clk.Now()) {
		t.Fatalf("note: %+v", n.Note)
	}
	clk.Advance(time.Minute)
	wantStatus(t, env.Do(t, "supervisor", "POST", path, api.NoteCreate{Body: "Refund approved"}), 201)
	e := wantError(t, env.Do(t, "agent", "POST", path, api.NoteCreate{Body: " x "}), 400, api.CodeValidation)
	if e.Fields["body"] == "" {
		t.Errorf("fields %v", e.Fields)
	}
	var list api.NoteList
	env.Do(t, "viewer", "GET", path, nil).Data(t, &list)
	if list.Total != 2 || len(list.Notes) != 2 || list.Notes[0].Body != "Refund approved" {
		t.Fatalf("notes: %+v", list)
	}
}

func TestRateLimit(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1, RateLimit: 0.5, RateBurst: 2})
	wantStatus(t, env.Do(t, "viewer", "GET", "/me", nil), 200)
	wantStatus(t, env.Do(t, "viewer", "GET", "/me", nil), 200)
	r := env.Do(t, "viewer", "GET", "/me", nil)
	wantError(t, r, 429, api.CodeRateLimited)
	if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 || s > 2 {
		t.Fatalf("Retry-After = %q", r.Header.Get("Retry-After"))
	}
	// Buckets are per key: another key is not limited.
	wantStatus(t, env.Do(t, "agent", "GET", "/me", nil), 200)
}

// Retry-After is the limiter's wait rounded up to whole seconds: it
// shrinks as the limiter's clock moves, is never 0, and is never early
// (a client that waits as long as it says is let in).
func TestRateLimitRetryAfterFollowsTheClock(t *testing.T) {
	clk := newClock()
	// 0.3 tokens a second: a token takes 3⅓ s, so rounding down or a
	// fixed answer would both show.
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1, RateLimit: 0.3, RateBurst: 1, RateNow: clk.Now})
	wantStatus(t, env.Do(t, "viewer", "GET", "/me", nil), 200)
	for _, step := range []struct {
		advance time.Duration
		want    string
	}{
		{0, "4"},                       // 3.33 s to go
		{1300 * time.Millisecond, "3"}, // 2.03 s
		{1100 * time.Millisecond, "1"}, // 0.93 s
		{900 * time.Millisecond, "1"},  // 0.03 s: still at least 1
	} {
		clk.Advance(step.advance)
		r := env.Do(t, "viewer", "GET", "/me", nil)
		wantError(t, r, 429, api.CodeRateLimited)
		if got := r.Header.Get("Retry-After"); got != step.want {
			t.Fatalf("after %v more: Retry-After = %q, want %q", step.advance, got, step.want)
		}
		if !strings.Contains(r.Envelope.Error.Message, "retry after "+step.want+" seconds") {
			t.Fatalf("message %q does not say the same wait", r.Envelope.Error.Message)
		}
	}
	// The refusals cost nothing: the token is due 3⅓ s after the first
	// call, however many 429s came in between.
	clk.Advance(40 * time.Millisecond)
	wantStatus(t, env.Do(t, "viewer", "GET", "/me", nil), 200)
	wantError(t, env.Do(t, "viewer", "GET", "/me", nil), 429, api.CodeRateLimited)
}

// TestRequestIDAndLog drives a server with a captured log: every request
// gets one line with its id, and no secret ever reaches the log.
func TestRequestIDAndLog(t *testing.T) {
	var buf syncBuffer
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1})
	srv := httptest.NewServer(server.New(env.Store, server.Options{Logger: slog.New(slog.NewJSONHandler(&buf, nil))}))
	defer srv.Close()
	key := env.Keys["agent"]
	send := func(rid string) *http.Response {
		req, _ := http.NewRequest("GET", srv.URL+api.Base+"/me", nil)
		req.SetBasicAuth(key.KeyID, key.Secret)
		if rid != "" {
			req.Header.Set(api.HeaderRequestID, rid)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	if got := send("abc-123").Header.Get(api.HeaderRequestID); got != "abc-123" {
		t.Fatalf("sane request id not echoed: %q", got)
	}
	for _, insane := range []string{"", "bad id; rm -rf", "<script>", strings.Repeat("x", 200)} {
		got := send(insane).Header.Get(api.HeaderRequestID)
		if got == "" || got == insane || !strings.HasPrefix(got, "req_") {
			t.Fatalf("request id for %q: %q", insane, got)
		}
	}
	srv.Close()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d log lines for 5 requests:\n%s", len(lines), buf.String())
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]any{"method": "GET", "path": "/api/v1/me", "status": float64(200), "agent": env.Agents["agent"], "request_id": "abc-123"} {
		if rec[k] != want {
			t.Errorf("log %s = %v, want %v", k, rec[k], want)
		}
	}
	if _, ok := rec["duration"]; !ok {
		t.Error("log line has no duration")
	}
	if strings.Contains(buf.String(), key.Secret) || strings.Contains(buf.String(), "Basic ") {
		t.Fatal("the log carries credentials")
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestSeed004Shapes checks the field names of seed 004's examples are all
// in our responses.
func TestSeed004Shapes(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 20})
	id := customerWithOrders(t, env, 1)
	wantKeys := func(what string, raw []byte, path []string, keys ...string) {
		t.Helper()
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatal(err)
		}
		for _, p := range path {
			switch x := v.(type) {
			case map[string]any:
				v = x[p]
			case []any:
				if len(x) == 0 {
					t.Fatalf("%s: %s is empty", what, p)
				}
				v = x[0]
			}
		}
		obj, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%s: %v is not an object", what, path)
		}
		for _, k := range keys {
			if _, ok := obj[k]; !ok {
				t.Errorf("%s: no %q in %v", what, k, slices.Collect(func(yield func(string) bool) {
					for k := range obj {
						yield(k)
					}
				}))
			}
		}
	}
	top := []string{"status", "data"}
	cust := []string{"id", "email", "first_name", "last_name", "phone", "total_orders", "total_spent", "addresses", "created_at"}
	list := env.Do(t, "viewer", "GET", "/customers?page=1&limit=20", nil).Body
	wantKeys("list", list, nil, top...)
	wantKeys("list", list, []string{"data"}, "customers", "total", "page", "limit")
	wantKeys("list", list, []string{"data", "customers", "0"}, cust...)
	// Optional address members (state, zip) are left out when empty: look
	// for each across all addresses of the page.
	var page struct {
		Data struct {
			Customers []struct {
				Addresses []map[string]any `json:"addresses"`
			} `json:"customers"`
		} `json:"data"`
	}
	json.Unmarshal(list, &page)
	members := map[string]bool{}
	for _, c := range page.Data.Customers {
		for _, a := range c.Addresses {
			for k := range a {
				members[k] = true
			}
		}
	}
	for _, k := range []string{"id", "type", "address1", "city", "state", "zip", "country"} {
		if !members[k] {
			t.Errorf("list: no address has %q", k)
		}
	}
	one := env.Do(t, "viewer", "GET", fmt.Sprintf("/customers/%d", id), nil).Body
	wantKeys("single", one, []string{"data", "customer"}, append(cust, "orders")...)
	wantStatus(t, env.Do(t, "agent", "POST", fmt.Sprintf("/customers/%d/notes", id), api.NoteCreate{Body: "hello there"}), 201)
	one = env.Do(t, "viewer", "GET", fmt.Sprintf("/customers/%d", id), nil).Body
	wantKeys("single", one, []string{"data", "customer"}, "notes")
	var lid int64
	env.DB.QueryRow(`SELECT customer_id FROM loyalty_ledger WHERE order_id IS NOT NULL LIMIT 1`).Scan(&lid)
	// note is optional on an entry (earn entries may have none): make sure
	// one entry carries it, then look for each member across the entries.
	wantStatus(t, adjust(t, env, "agent", api.IDFromInt(lid), "shape", 5), 201)
	loy := env.Do(t, "viewer", "GET", fmt.Sprintf("/customers/%d/loyalty", lid), nil).Body
	wantKeys("loyalty", loy, []string{"data"}, "points_balance", "lifetime_earned", "ledger")
	var ledger struct {
		Data struct {
			Ledger []map[string]any `json:"ledger"`
		} `json:"data"`
	}
	json.Unmarshal(loy, &ledger)
	entryMembers := map[string]bool{}
	for _, e := range ledger.Data.Ledger {
		for k := range e {
			entryMembers[k] = true
		}
	}
	for _, k := range []string{"id", "type", "points", "order_id", "note"} {
		if !entryMembers[k] {
			t.Errorf("loyalty: no ledger entry has %q", k)
		}
	}
}

func TestKeysAndBootstrap(t *testing.T) {
	ctx := t.Context()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "k.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	k, created, err := server.BootstrapKey(ctx, st)
	if err != nil || !created || !strings.HasPrefix(k.KeyID, "ck_") || !strings.HasPrefix(k.Secret, "cs_") {
		t.Fatalf("bootstrap: %+v %v %v", k, created, err)
	}
	if k2, created, err := server.BootstrapKey(ctx, st); err != nil || created || k2 != (server.Key{}) {
		t.Fatalf("second bootstrap: %+v %v %v", k2, created, err)
	}
	for _, bad := range []server.KeySpec{
		{AgentID: "", Name: "A", Role: "agent"},
		{AgentID: "a b", Name: "A", Role: "agent"},
		{AgentID: "a", Name: "", Role: "agent"},
		{AgentID: "a", Name: "A", Role: "root"},
		{AgentID: "a", Name: "A", Role: "agent", LoyaltyLimit: -1},
	} {
		if _, err := server.MintKey(ctx, st, bad); err == nil {
			t.Errorf("CreateKey(%+v) succeeded", bad)
		}
	}
	k1, err := server.MintKey(ctx, st, server.KeySpec{AgentID: "amina", Name: "Amina", Role: "agent", LoyaltyLimit: 10})
	if err != nil {
		t.Fatal(err)
	}
	// A second key for an existing agent updates the agent.
	k2, err := server.MintKey(ctx, st, server.KeySpec{AgentID: "amina", Name: "Amina W.", Role: "supervisor"})
	if err != nil || k1 == k2 {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(st, server.Options{}))
	defer srv.Close()
	for _, k := range []server.Key{k1, k2} {
		req, _ := http.NewRequest("GET", srv.URL+api.Base+"/me", nil)
		req.SetBasicAuth(k.KeyID, k.Secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var me struct{ Data api.Me }
		json.NewDecoder(resp.Body).Decode(&me)
		resp.Body.Close()
		if me.Data.Role != "supervisor" || me.Data.Name != "Amina W." || me.Data.KeyID != k.KeyID {
			t.Fatalf("/me for %s: %+v", k.KeyID, me.Data)
		}
	}
}
