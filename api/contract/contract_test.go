package contract_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"frontdesk/api"

	"github.com/getkin/kin-openapi/openapi3"
)

func loadDoc(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(api.Spec)
	if err != nil {
		t.Fatalf("parse api/openapi.yaml: %v", err)
	}
	return doc
}

func TestSpecIsValidOpenAPI(t *testing.T) {
	doc := loadDoc(t)
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("api/openapi.yaml: %v", err)
	}
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != api.Base {
		t.Errorf("servers = %v, want one with url %s", doc.Servers, api.Base)
	}
	basic := doc.Components.SecuritySchemes["basicAuth"]
	if basic == nil || basic.Value.Type != "http" || basic.Value.Scheme != "basic" {
		t.Errorf("components.securitySchemes.basicAuth is not HTTP Basic: %+v", basic)
	}

	// Every endpoint of DESIGN.md's table in this scope, and no
	// other: a new endpoint must be added here on purpose.
	want := []string{
		"GET /me",
		"GET /customers", "POST /customers", "GET /customers/export",
		"GET /customers/{id}", "PATCH /customers/{id}",
		"GET /customers/{id}/orders", "GET /customers/{id}/orders/{order_id}", "GET /orders",
		"GET /customers/{id}/loyalty", "GET /customers/{id}/loyalty/ledger",
		"POST /customers/{id}/loyalty/adjustments",
		"POST /customers/{id}/merge/preview", "POST /customers/{id}/merge",
		"GET /customers/{id}/notes", "POST /customers/{id}/notes",
		"POST /customers/{id}/agent-sessions", "GET /agent-sessions",
		"POST /agent-sessions/{sid}/refresh", "DELETE /agent-sessions/{sid}",
		"GET /customers/{id}/coupons", "POST /customers/{id}/password-reset",
		"POST /customers/{id}/reveal",
		"GET /audit",
		"GET /customers/{id}/data-export", "POST /customers/{id}/erase",
		"POST /gateway-sessions", "PUT /gateway-sessions/{lid}", "DELETE /gateway-sessions/{lid}",
		"GET /customers/{id}/presence", "PUT /customers/{id}/presence", "DELETE /customers/{id}/presence",
	}
	var got []string
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			got = append(got, method+" "+path)
			if op.Summary == "" || op.Description == "" || op.OperationID == "" {
				t.Errorf("%s %s: needs operationId, summary and description", method, path)
			}
			for code, resp := range op.Responses.Map() {
				if resp.Value.Headers["X-Request-Id"] == nil {
					t.Errorf("%s %s → %s: no X-Request-Id header documented", method, path, code)
				}
			}
			for _, code := range []string{"401", "403", "429", "500"} {
				if op.Responses.Value(code) == nil {
					t.Errorf("%s %s: no %s response documented", method, path, code)
				}
			}
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("operations:\n got %v\nwant %v", got, want)
	}
}

// seedExamples are seed 004's three example responses ("[...]" written as
// "[]"), checked in so the test runs without ../shared.
var seedExamples = []struct{ file, path string }{
	{"seed004_list_customers.json", "/api/v1/customers?page=1&limit=20"},
	{"seed004_get_customer.json", "/api/v1/customers/42"},
	{"seed004_get_loyalty.json", "/api/v1/customers/42/loyalty"},
}

func TestSeed004ExamplesConform(t *testing.T) {
	v := newValidator(t)
	for _, ex := range seedExamples {
		body, err := os.ReadFile(filepath.Join("testdata", ex.file))
		if err != nil {
			t.Fatal(err)
		}
		if err := v.ValidateResponse("GET", ex.path, 200, hdr("ETag", `"1"`), body); err != nil {
			t.Errorf("seed 004 example %s: %v", ex.file, err)
		}
	}
}

// TestSeed004TestdataIsTheSeed re-extracts the examples from the seed
// document when it is beside the repository (as in CI), so the checked-in
// copies cannot quietly drift from it.
func TestSeed004TestdataIsTheSeed(t *testing.T) {
	matches, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "seeds", "004_*.txt"))
	if len(matches) == 0 {
		t.Skip("../shared/seeds/004_*.txt is not beside the repository")
	}
	text, err := os.ReadFile(matches[0])
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	rest := string(text)
	for {
		i := strings.Index(rest, "Example Response (200):")
		if i < 0 {
			break
		}
		rest = rest[i:]
		start := strings.IndexByte(rest, '{')
		depth, end := 0, -1
		for j := start; j < len(rest) && end < 0; j++ {
			switch rest[j] {
			case '{':
				depth++
			case '}':
				if depth--; depth == 0 {
					end = j + 1
				}
			}
		}
		found = append(found, strings.ReplaceAll(rest[start:end], "[...]", "[]"))
		rest = rest[end:]
	}
	if len(found) != len(seedExamples) {
		t.Fatalf("found %d example responses in %s, want %d", len(found), matches[0], len(seedExamples))
	}
	for i, ex := range seedExamples {
		checked, err := os.ReadFile(filepath.Join("testdata", ex.file))
		if err != nil {
			t.Fatal(err)
		}
		var a, b any
		if err := json.Unmarshal([]byte(found[i]), &a); err != nil {
			t.Fatalf("seed example %d: %v", i, err)
		}
		if err := json.Unmarshal(checked, &b); err != nil {
			t.Fatalf("%s: %v", ex.file, err)
		}
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Errorf("testdata/%s differs from the seed's example %d", ex.file, i+1)
		}
	}
}

type respCase struct {
	name   string
	method string
	path   string
	status int
	header http.Header
	body   []byte
}

// conformingResponses is one or more realistic answer of every
// operation, built from the Go wire types the sandbox marshals.
func conformingResponses(t *testing.T) []respCase {
	etag := hdr("ETag", `"3"`)
	return []respCase{
		{"me", "GET", "/api/v1/me", 200, hdr(), success(t, me())},
		{"me gateway", "GET", "/api/v1/me", 200, hdr(), success(t, api.Me{AgentID: "ssh-gw", Name: "Gateway", Role: api.RoleViewer, KeyID: "ck_gw", Gateway: true})},
		{"list", "GET", "/api/v1/customers?search=jane&sort=name&page=2&limit=2", 200, hdr(),
			success(t, api.CustomerList{Customers: []api.Customer{bareCustomer(), {ID: "43", Email: "a@b.co", FirstName: "A", LastName: "B", Addresses: []api.Address{address()}, Status: api.StatusActive, Currency: "KES", CreatedAt: t0, UpdatedAt: t0, Version: 1}}, Total: 12345, TotalIsEstimate: true, Page: 2, Limit: 2})},
		{"list empty", "GET", "/api/v1/customers?search=zzzz", 200, hdr(),
			success(t, api.CustomerList{Customers: []api.Customer{}, Total: 0, Page: 1, Limit: 20})},
		{"get full", "GET", "/api/v1/customers/42", 200, etag, success(t, api.CustomerEnvelope{Customer: fullCustomer()})},
		{"get bare", "GET", "/api/v1/customers/cus_01HZY3", 200, etag, success(t, api.CustomerEnvelope{Customer: bareCustomer()})},
		{"get never ordered", "GET", "/api/v1/customers/cus_01HZY3", 200, etag, success(t, api.CustomerEnvelope{Customer: neverOrdered()})},
		{"get fields", "GET", "/api/v1/customers/42?fields=email,store_metrics.total_spent", 200, etag,
			success(t, map[string]any{"customer": map[string]any{"id": 42, "email": "x@y.co", "store_metrics": map[string]any{"total_spent": 100}}})},
		{"create", "POST", "/api/v1/customers", 201, etag, success(t, api.CustomerEnvelope{Customer: bareCustomer()})},
		{"patch", "PATCH", "/api/v1/customers/42", 200, etag, success(t, api.CustomerEnvelope{Customer: fullCustomer()})},
		{"orders", "GET", "/api/v1/customers/42/orders?status=delivered&from=2025-01-01T00:00:00Z&until=2026-02-01T00:00:00Z", 200, hdr(),
			success(t, api.OrderList{Orders: []api.Order{orderSummary()}, Total: 1, Page: 1, Limit: 20})},
		{"orders empty", "GET", "/api/v1/customers/42/orders", 200, hdr(), success(t, api.OrderList{Orders: []api.Order{}, Page: 1, Limit: 20})},
		{"order", "GET", "/api/v1/customers/42/orders/1001", 200, hdr(), success(t, api.OrderEnvelope{Order: orderDetail()})},
		{"order by number", "GET", "/api/v1/orders?number=FD-00001001", 200, hdr(), success(t, api.OrderMatch{Order: orderDetail(), Customer: bareCustomer()})},
		{"order no addresses", "GET", "/api/v1/customers/42/orders/1001", 200, hdr(), success(t, api.OrderEnvelope{Order: func() api.Order {
			o := orderDetail()
			o.ShippingAddress, o.BillingAddress = nil, nil
			return o
		}()})},
		{"loyalty", "GET", "/api/v1/customers/42/loyalty", 200, hdr(), success(t, api.Loyalty{CustomerID: "42", PointsBalance: 370, LifetimeEarned: 500, Ledger: []api.LedgerEntry{adjustEntry(), earnEntry(), expireEntry()}})},
		{"loyalty empty", "GET", "/api/v1/customers/42/loyalty", 200, hdr(), success(t, api.Loyalty{CustomerID: "42", Ledger: []api.LedgerEntry{}})},
		{"ledger", "GET", "/api/v1/customers/42/loyalty/ledger?page=1&limit=100", 200, hdr(), success(t, api.LedgerPage{Ledger: []api.LedgerEntry{adjustEntry(), earnEntry()}, Total: 2, Page: 1, Limit: 100})},
		{"adjust", "POST", "/api/v1/customers/42/loyalty/adjustments", 201, hdr(), success(t, api.AdjustmentResult{Entry: adjustEntry(), PointsBalance: 370})},
		{"adjust replayed", "POST", "/api/v1/customers/42/loyalty/adjustments", 201, hdr(api.HeaderReplayed, "true"), success(t, api.AdjustmentResult{Entry: adjustEntry(), PointsBalance: 370})},
		{"notes", "GET", "/api/v1/customers/42/notes", 200, hdr(), success(t, api.NoteList{Notes: []api.Note{note()}, Total: 1, Page: 1, Limit: 20})},
		{"notes empty", "GET", "/api/v1/customers/42/notes?page=3", 200, hdr(), success(t, api.NoteList{Notes: []api.Note{}, Total: 0, Page: 3, Limit: 20})},
		{"note", "POST", "/api/v1/customers/42/notes", 201, hdr(), success(t, api.NoteEnvelope{Note: note()})},
		{"gateway lease", "POST", "/api/v1/gateway-sessions", 201, hdr(), success(t, gatewayLease())},
		{"gateway heartbeat", "PUT", "/api/v1/gateway-sessions/gwl_1", 200, hdr(), success(t, gatewayLease())},
	}
}

func TestGoWireTypesConform(t *testing.T) {
	v := newValidator(t)
	seen := map[string]bool{}
	for _, c := range conformingResponses(t) {
		if err := v.ValidateResponse(c.method, c.path, c.status, c.header, c.body); err != nil {
			t.Errorf("%s: %v\nbody: %s", c.name, err, c.body)
		}
		seen[c.method+" "+strings.SplitN(c.path, "?", 2)[0]] = true
	}
	if len(seen) < 12 {
		t.Errorf("the cases cover %d operations' paths, want all 12: %v", len(seen), seen)
	}
}

// errorCases pairs every error code with an operation that may send it.
func errorCases(t *testing.T) []respCase {
	cv := int64(4)
	e := func(status int, method, path string, eb api.ErrorBody, kv ...string) respCase {
		return respCase{eb.Code, method, path, status, hdr(kv...), failure(t, eb)}
	}
	return []respCase{
		e(400, "POST", "/api/v1/customers", api.ErrorBody{Code: api.CodeValidation, Message: "invalid input: email: required", Fields: map[string]string{"email": "email is required"}}),
		e(400, "GET", "/api/v1/customers?limit=500", api.ErrorBody{Code: api.CodeBadRequest, Message: "limit must be 1 to 100"}),
		e(401, "GET", "/api/v1/me", api.ErrorBody{Code: api.CodeUnauthorized, Message: "bad key"}),
		e(403, "PATCH", "/api/v1/customers/42", api.ErrorBody{Code: api.CodeForbidden, Message: "viewer cannot edit"}),
		e(403, "GET", "/api/v1/me", api.ErrorBody{Code: api.CodeAgentHeaderForbidden, Message: "not a gateway key"}),
		e(403, "GET", "/api/v1/customers", api.ErrorBody{Code: api.CodeUnknownAgent, Message: "no agent x"}),
		e(403, "POST", "/api/v1/customers/42/loyalty/adjustments", api.ErrorBody{Code: api.CodeOverLimit, Message: "over 500"}),
		e(404, "GET", "/api/v1/customers/999", api.ErrorBody{Code: api.CodeNotFound, Message: "customer 999 not found"}),
		e(404, "GET", "/api/v1/customers/42/orders/5", api.ErrorBody{Code: api.CodeNotFound, Message: "order 5 not found"}),
		e(405, "DELETE", "/api/v1/customers/42", api.ErrorBody{Code: api.CodeMethodNotAllowed, Message: "DELETE not allowed"}),
		e(415, "POST", "/api/v1/customers/42/notes", api.ErrorBody{Code: api.CodeUnsupportedMediaType, Message: "send Content-Type: application/json"}),
		e(404, "GET", "/api/v1/nowhere", api.ErrorBody{Code: api.CodeNotFound, Message: "no such endpoint"}),
		e(404, "GET", "/status", api.ErrorBody{Code: api.CodeNotFound, Message: "the API lives under /api/v1"}),
		e(401, "GET", "/api/v1/nowhere", api.ErrorBody{Code: api.CodeUnauthorized, Message: "auth comes before routing"}),
		e(409, "POST", "/api/v1/customers", api.ErrorBody{Code: api.CodeDuplicateEmail, Message: "taken"}),
		e(409, "PATCH", "/api/v1/customers/42", api.ErrorBody{Code: api.CodeDuplicateEmail, Message: "taken"}),
		e(409, "POST", "/api/v1/customers/42/loyalty/adjustments", api.ErrorBody{Code: api.CodeIdempotencyInFlight, Message: "in flight"}),
		e(412, "PATCH", "/api/v1/customers/42", api.ErrorBody{Code: api.CodeVersionMismatch, Message: "stale", CurrentVersion: &cv}),
		e(422, "POST", "/api/v1/customers/42/loyalty/adjustments", api.ErrorBody{Code: api.CodeInsufficientPoints, Message: "balance 10"}),
		e(422, "POST", "/api/v1/customers/42/loyalty/adjustments", api.ErrorBody{Code: api.CodeIdempotencyReused, Message: "other body"}),
		e(422, "POST", "/api/v1/customers/42/loyalty/adjustments", api.ErrorBody{Code: api.CodeCustomerDisabled, Message: "disabled"}, api.HeaderReplayed, "true"),
		e(428, "PATCH", "/api/v1/customers/42", api.ErrorBody{Code: api.CodeIfMatchRequired, Message: "send If-Match"}),
		e(429, "GET", "/api/v1/customers", api.ErrorBody{Code: api.CodeRateLimited, Message: "slow down"}, api.HeaderRetryAfter, "2"),
		e(500, "GET", "/api/v1/customers/42/loyalty", api.ErrorBody{Code: api.CodeInternal, Message: "see log req_1"}),
		e(501, "GET", "/api/v1/customers/cstmr_1/loyalty", api.ErrorBody{Code: api.CodeUnsupported, Message: "Commerce.js stores have no loyalty points"}),
		e(501, "GET", "/api/v1/customers?search=wan", api.ErrorBody{Code: api.CodeUnsupported, Message: "no customer search"}),
		e(502, "PATCH", "/api/v1/customers/cstmr_1", api.ErrorBody{Code: api.CodeUpstream, Message: "the store behind the desk failed: 503"}),
		e(401, "GET", "/api/v1/customers/42/coupons", api.ErrorBody{Code: api.CodeSessionRequired, Message: "send X-Customer-Token"}),
		e(401, "GET", "/api/v1/customers/42", api.ErrorBody{Code: api.CodeSessionInvalid, Message: "unknown token"}),
		e(401, "PATCH", "/api/v1/customers/42", api.ErrorBody{Code: api.CodeSessionExpired, Message: "expired"}),
		e(401, "POST", "/api/v1/customers/42/password-reset", api.ErrorBody{Code: api.CodeSessionRevoked, Message: "ended"}),
		e(403, "GET", "/api/v1/customers/43", api.ErrorBody{Code: api.CodeTokenCustomerMismatch, Message: "another customer"}),
		e(422, "POST", "/api/v1/agent-sessions/ses_1/refresh", api.ErrorBody{Code: api.CodeSessionCapReached, Message: "8 h"}),
		e(422, "POST", "/api/v1/agent-sessions/ses_1/refresh", api.ErrorBody{Code: api.CodeSessionEnded, Message: "ended"}),
		e(409, "POST", "/api/v1/customers/42/merge", api.ErrorBody{Code: api.CodeAlreadyMerged, Message: "customer 43 was already merged into 42"}),
		e(422, "POST", "/api/v1/customers/42/merge", api.ErrorBody{Code: api.CodeMergeInvalid, Message: "not into itself"}),
		e(409, "POST", "/api/v1/gateway-sessions", api.ErrorBody{Code: api.CodeGatewaySessionsFull, Message: "all 200 in use"}),
		e(409, "POST", "/api/v1/gateway-sessions", api.ErrorBody{Code: api.CodeAgentSessionsFull, Message: "you have 10 open"}),
		e(404, "PUT", "/api/v1/gateway-sessions/gwl_1", api.ErrorBody{Code: api.CodeNotFound, Message: "expired"}),
		e(403, "POST", "/api/v1/gateway-sessions", api.ErrorBody{Code: api.CodeForbidden, Message: "gateway keys only"}),
	}
}

func TestEveryErrorCodeConforms(t *testing.T) {
	v := newValidator(t)
	codes := map[string]bool{}
	for _, c := range errorCases(t) {
		if err := v.ValidateResponse(c.method, c.path, c.status, c.header, c.body); err != nil {
			t.Errorf("%d %s on %s %s: %v", c.status, c.name, c.method, c.path, err)
		}
		codes[c.name] = true
	}
	for _, code := range documentedCodes(t) {
		if !codes[code.value] {
			t.Errorf("no case sends %s (%q)", code.name, code.value)
		}
	}
}

// TestCatchesDrift proves the validator is not a rubber stamp: each case
// is one realistic way the sandbox could drift from the contract.
func TestCatchesDrift(t *testing.T) {
	v := newValidator(t)
	raw := func(s string) []byte { return []byte(s) }
	meJSON := `{"agent_id":"ag_1","name":"A","role":"agent","loyalty_limit":500,"key_id":"ck_1","gateway":false`
	// A loyalty answer whose one ledger entry has order_id set to v.
	loyaltyWithOrderID := func(v any) []byte {
		b, _ := json.Marshal(earnEntry())
		var m map[string]any
		json.Unmarshal(b, &m)
		m["order_id"] = v
		return success(t, map[string]any{"customer_id": 42, "points_balance": 320, "lifetime_earned": 320, "ledger": []any{m}})
	}
	customer := func(mut func(m map[string]any)) []byte {
		b, _ := json.Marshal(fullCustomer())
		var m map[string]any
		json.Unmarshal(b, &m)
		mut(m)
		return success(t, map[string]any{"customer": m})
	}
	cases := []struct {
		respCase
		want string // a fragment the report must contain
	}{
		{respCase{"extra field", "GET", "/api/v1/me", 200, hdr(), raw(`{"status":"success","data":` + meJSON + `,"secret":"x"}}`)}, `"secret" is unsupported`},
		{respCase{"extra nested field", "GET", "/api/v1/customers/42", 200, hdr("ETag", `"3"`), customer(func(m map[string]any) { m["addresses"].([]any)[0].(map[string]any)["geo"] = "x" })}, `/data/customer/addresses/0`},
		{respCase{"missing field", "GET", "/api/v1/me", 200, hdr(), raw(`{"status":"success","data":{"agent_id":"ag_1","name":"A","role":"agent","loyalty_limit":500,"key_id":"ck_1"}}`)}, `"gateway" is missing`},
		{respCase{"missing field of full customer", "GET", "/api/v1/customers/42", 200, hdr("ETag", `"3"`), customer(func(m map[string]any) { delete(m, "email") })}, `"email" is missing`},
		{respCase{"wrong type", "GET", "/api/v1/customers/42/loyalty", 200, hdr(), success(t, map[string]any{"points_balance": "370", "lifetime_earned": 500, "ledger": []any{}})}, `/data/points_balance`},
		{respCase{"wrong time format", "GET", "/api/v1/customers/42", 200, hdr("ETag", `"3"`), customer(func(m map[string]any) { m["created_at"] = "15/01/2026" })}, `/data/customer/created_at`},
		{respCase{"null list", "GET", "/api/v1/customers", 200, hdr(), raw(`{"status":"success","data":{"customers":null,"total":0,"total_is_estimate":false,"page":1,"limit":20}}`)}, `/data/customers`},
		{respCase{"unknown enum value", "GET", "/api/v1/customers/42/orders/1001", 200, hdr(), success(t, api.OrderEnvelope{Order: func() api.Order { o := orderDetail(); o.Status = "lost"; return o }()})}, `/data/order/status`},
		{respCase{"order detail without items", "GET", "/api/v1/customers/42/orders/1001", 200, hdr(), success(t, api.OrderEnvelope{Order: orderSummary()})}, `"items" is missing`},
		{respCase{"negative balance", "GET", "/api/v1/customers/42/loyalty", 200, hdr(), success(t, api.Loyalty{CustomerID: "42", PointsBalance: -5, Ledger: []api.LedgerEntry{}})}, `/data/points_balance`},
		{respCase{"adjustment entry of wrong type", "POST", "/api/v1/customers/42/loyalty/adjustments", 201, hdr(), success(t, api.AdjustmentResult{Entry: earnEntry(), PointsBalance: 1})}, `/data/entry`},
		{respCase{"wrong error code", "GET", "/api/v1/customers/999", 404, hdr(), failure(t, api.ErrorBody{Code: "customer_not_found", Message: "no"})}, `customer_not_found`},
		{respCase{"code of another status", "POST", "/api/v1/customers/42/loyalty/adjustments", 403, hdr(), failure(t, api.ErrorBody{Code: api.CodeInsufficientPoints, Message: "no"})}, `insufficient_points`},
		{respCase{"over_limit outside adjustments", "GET", "/api/v1/me", 403, hdr(), failure(t, api.ErrorBody{Code: api.CodeOverLimit, Message: "no"})}, `over_limit`},
		{respCase{"validation_error without fields", "POST", "/api/v1/customers", 400, hdr(), failure(t, api.ErrorBody{Code: api.CodeValidation, Message: "bad"})}, `"fields" is missing`},
		{respCase{"412 without current_version", "PATCH", "/api/v1/customers/42", 412, hdr(), failure(t, api.ErrorBody{Code: api.CodeVersionMismatch, Message: "stale"})}, `"current_version" is missing`},
		{respCase{"error without message", "GET", "/api/v1/me", 401, hdr(), raw(`{"status":"error","error":{"code":"unauthorized"}}`)}, `"message" is missing`},
		{respCase{"success status on error", "GET", "/api/v1/me", 401, hdr(), raw(`{"status":"success","error":{"code":"unauthorized","message":"x"}}`)}, `/status`},
		{respCase{"undocumented status", "GET", "/api/v1/me", 404, hdr(), failure(t, api.ErrorBody{Code: api.CodeNotFound, Message: "no"})}, `documents no 404 answer for GET /me`},
		{respCase{"422 on notes", "POST", "/api/v1/customers/42/notes", 422, hdr(), failure(t, api.ErrorBody{Code: api.CodeCustomerDisabled, Message: "no"})}, `documents no 422`},
		{respCase{"415 on a GET", "GET", "/api/v1/me", 415, hdr(), failure(t, api.ErrorBody{Code: api.CodeUnsupportedMediaType, Message: "no"})}, `documents no 415`},
		{respCase{"no request id", "GET", "/api/v1/me", 200, http.Header{"Content-Type": {"application/json"}}, success(t, me())}, `X-Request-Id`},
		{respCase{"no ETag", "GET", "/api/v1/customers/42", 200, hdr(), success(t, api.CustomerEnvelope{Customer: fullCustomer()})}, `ETag`},
		{respCase{"unquoted ETag", "PATCH", "/api/v1/customers/42", 200, hdr("ETag", "3"), success(t, api.CustomerEnvelope{Customer: fullCustomer()})}, `ETag`},
		{respCase{"429 without Retry-After", "GET", "/api/v1/customers", 429, hdr(), failure(t, api.ErrorBody{Code: api.CodeRateLimited, Message: "slow"})}, `Retry-After`},
		{respCase{"bad replay header", "POST", "/api/v1/customers/42/loyalty/adjustments", 201, hdr(api.HeaderReplayed, "yes"), success(t, api.AdjustmentResult{Entry: adjustEntry(), PointsBalance: 370})}, `Idempotent-Replayed`},
		{respCase{"plain text body", "GET", "/api/v1/me", 200, http.Header{"Content-Type": {"text/plain"}, "X-Request-Id": {"r"}}, raw(`ok`)}, `text/plain`},
		{respCase{"order_id of the wrong type", "GET", "/api/v1/customers/42/loyalty", 200, hdr(), loyaltyWithOrderID(true)}, `/data/ledger/0/order_id`},
		{respCase{"order_id an object", "GET", "/api/v1/customers/42/loyalty", 200, hdr(), loyaltyWithOrderID(map[string]any{"id": 1001})}, `/data/ledger/0/order_id`},
		{respCase{"order_id empty", "GET", "/api/v1/customers/42/loyalty", 200, hdr(), loyaltyWithOrderID("")}, `/data/ledger/0/order_id`},
		{respCase{"order_id a fraction", "GET", "/api/v1/customers/42/loyalty", 200, hdr(), loyaltyWithOrderID(1001.5)}, `/data/ledger/0/order_id`},
		{respCase{"too many ledger entries", "GET", "/api/v1/customers/42/loyalty", 200, hdr(), success(t, api.Loyalty{CustomerID: "42", Ledger: slices.Repeat([]api.LedgerEntry{expireEntry()}, 51)})}, `/data/ledger`},
		{respCase{"undocumented path answered", "GET", "/api/v1/customers/42/wishlist", 200, hdr(), success(t, map[string]any{})}, `no path /api/v1/customers/42/wishlist`},
		{respCase{"undocumented method answered", "DELETE", "/api/v1/customers/42", 204, hdr(), nil}, `documents no DELETE`},
		{respCase{"404 for a known path", "PUT", "/api/v1/customers/42", 404, hdr(), failure(t, api.ErrorBody{Code: api.CodeNotFound, Message: "no"})}, `should be 405`},
		{respCase{"405 with wrong code", "DELETE", "/api/v1/customers/42", 405, hdr(), failure(t, api.ErrorBody{Code: api.CodeBadRequest, Message: "no"})}, `method_not_allowed`},
		{respCase{"current_version zero", "PATCH", "/api/v1/customers/42", 412, hdr(), failure(t, api.ErrorBody{Code: api.CodeVersionMismatch, Message: "stale", CurrentVersion: new(int64)})}, `current_version`},
	}
	for _, c := range cases {
		err := v.ValidateResponse(c.method, c.path, c.status, c.header, c.body)
		if err == nil {
			t.Errorf("%s: not reported\nbody: %s", c.name, c.body)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, c.want) {
			t.Errorf("%s: report does not mention %q:\n%s", c.name, c.want, msg)
		}
		prefix := c.method + " " + c.path + " → "
		if !strings.Contains(msg, prefix) {
			t.Errorf("%s: report does not name the request (%q):\n%s", c.name, prefix, msg)
		}
		if !regexp.MustCompile(`→ \d{3} `).MatchString(msg) {
			t.Errorf("%s: report does not name the status:\n%s", c.name, msg)
		}
	}
}

// order_id is read by every OpenAPI 3.0 tool: each form the contract
// allows passes (an integer, a string, null, left out), so the drift
// cases above fail for their type and not because the field is
// unreadable.
func TestLedgerOrderIDForms(t *testing.T) {
	v := newValidator(t)
	for _, id := range []any{1001, "ORD-1001", nil, "(absent)"} {
		b, _ := json.Marshal(earnEntry())
		var m map[string]any
		json.Unmarshal(b, &m)
		m["order_id"] = id
		if id == "(absent)" {
			delete(m, "order_id")
		}
		body := success(t, map[string]any{"customer_id": 42, "points_balance": 320, "lifetime_earned": 320, "ledger": []any{m}})
		if err := v.ValidateResponse("GET", "/api/v1/customers/42/loyalty", 200, hdr(), body); err != nil {
			t.Errorf("order_id %#v: %v", id, err)
		}
	}
}

// TestNullableHasAType holds the contract to OpenAPI 3.0.3's rule that
// nullable only takes effect beside a type in the same schema object
// (§4.7.24, "nullable"). A nullable schema with no type of its own is
// read correctly only when what it wraps says the type (allOf: [$ref]
// to a typed schema); one over an untyped schema, as order_id over ID
// was, is skipped or misread by validators that follow the rule.
func TestNullableHasAType(t *testing.T) {
	doc := loadDoc(t)
	seen := map[*openapi3.Schema]bool{}
	var walk func(where string, ref *openapi3.SchemaRef)
	walk = func(where string, ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		s := ref.Value
		seen[s] = true
		if s.Nullable && s.Type == nil {
			typed := len(s.AllOf) == 1 && s.AllOf[0].Value != nil && s.AllOf[0].Value.Type != nil
			if !typed {
				t.Errorf("%s: nullable without a type (nor a single typed allOf): OpenAPI 3.0 tools ignore or misread it", where)
			}
		}
		for name, p := range s.Properties {
			walk(where+"."+name, p)
		}
		for i, list := range [][]*openapi3.SchemaRef{s.AllOf, s.AnyOf, s.OneOf} {
			for j, sub := range list {
				walk(fmt.Sprintf("%s.%s[%d]", where, []string{"allOf", "anyOf", "oneOf"}[i], j), sub)
			}
		}
		if s.Items != nil {
			walk(where+"[]", s.Items)
		}
	}
	for name, ref := range doc.Components.Schemas {
		walk(name, ref)
	}
}
