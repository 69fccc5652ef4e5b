package frontdesk

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/client"
)

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDecodeSeed004 decodes seed 004's example responses (copied into
// testdata, "[...]" placeholders replaced by "[]") through the client's own
// envelope decoding into its models.
func TestDecodeSeed004(t *testing.T) {
	h := http.Header{"Content-Type": {"application/json"}}
	created := time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)

	var list api.CustomerList
	if err := decodeSuccess(200, h, readTestdata(t, "seed004_customers.json"), "test", &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Customers) != 1 || list.Total != 100 || list.Page != 1 || list.Limit != 20 {
		t.Fatalf("list = %+v", list)
	}
	c := list.Customers[0]
	if c.ID != "42" || c.Email != "customer@example.com" || c.Name() != "Jane Doe" || c.Phone != "+254712345678" ||
		c.TotalOrders != 5 || c.TotalSpent != 12500 || !c.CreatedAt.Equal(created) {
		t.Fatalf("customer = %+v", c)
	}
	if len(c.Addresses) != 1 || c.Addresses[0].ID != "1" || c.Addresses[0].City != "Nairobi" || c.Addresses[0].Type != "shipping" {
		t.Fatalf("addresses = %+v", c.Addresses)
	}

	var one api.CustomerEnvelope
	if err := decodeSuccess(200, h, readTestdata(t, "seed004_customer.json"), "test", &one); err != nil {
		t.Fatal(err)
	}
	if one.Customer.ID != "42" || one.Customer.LastName != "Doe" || !one.Customer.CreatedAt.Equal(created) {
		t.Fatalf("customer = %+v", one.Customer)
	}

	var loy api.Loyalty
	if err := decodeSuccess(200, h, readTestdata(t, "seed004_loyalty.json"), "test", &loy); err != nil {
		t.Fatal(err)
	}
	if loy.PointsBalance != 320 || loy.LifetimeEarned != 500 || len(loy.Ledger) != 1 {
		t.Fatalf("loyalty = %+v", loy)
	}
	e := loy.Ledger[0]
	if e.ID != "1" || e.Type != api.LedgerEarn || e.Points != 50 || e.OrderID == nil || *e.OrderID != "101" || e.Note != "Earned on order ORD-..." {
		t.Fatalf("ledger entry = %+v", e)
	}
}

// TestSeed004TestdataMatchesSeed checks the testdata copies against the
// seed itself when the shared folder sits beside the repository.
func TestSeed004TestdataMatchesSeed(t *testing.T) {
	seeds, _ := filepath.Glob("../../shared/seeds/004_*.txt")
	if len(seeds) == 0 {
		t.Skip("../shared/seeds not beside the repository")
	}
	raw, err := os.ReadFile(seeds[0])
	if err != nil {
		t.Fatal(err)
	}
	var blocks []string
	s := string(raw)
	for {
		i := strings.Index(s, "Example Response (200):")
		if i < 0 {
			break
		}
		s = s[i:]
		start := strings.IndexByte(s, '{')
		depth, end := 0, -1
		for j := start; j < len(s) && end < 0; j++ {
			switch s[j] {
			case '{':
				depth++
			case '}':
				if depth--; depth == 0 {
					end = j
				}
			}
		}
		blocks = append(blocks, strings.ReplaceAll(s[start:end+1], "[...]", "[]"))
		s = s[end:]
	}
	names := []string{"seed004_customers.json", "seed004_customer.json", "seed004_loyalty.json"}
	if len(blocks) != len(names) {
		t.Fatalf("seed has %d example responses, want %d", len(blocks), len(names))
	}
	for i, n := range names {
		var a, b any
		if err := json.Unmarshal([]byte(blocks[i]), &a); err != nil {
			t.Fatalf("seed block %d: %v", i, err)
		}
		if err := json.Unmarshal(readTestdata(t, n), &b); err != nil {
			t.Fatal(err)
		}
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Errorf("testdata/%s differs from the seed's example", n)
		}
	}
}

func TestDecodeIDs(t *testing.T) {
	var c api.Customer
	if err := json.Unmarshal([]byte(`{"id":"cus_9","addresses":[{"id":77}]}`), &c); err != nil {
		t.Fatal(err)
	}
	if c.ID != "cus_9" || c.Addresses[0].ID != "77" {
		t.Fatalf("ids = %q, %q", c.ID, c.Addresses[0].ID)
	}
}

func TestDecodeError(t *testing.T) {
	h := http.Header{"X-Request-Id": {"req_1"}, "Content-Type": {"application/json"}}
	body := `{"status":"error","error":{"code":"not_found","message":"customer 42 not found"}}`
	ae := decodeError(404, h, []byte(body), "http://x/api/v1/customers/42")
	if ae.Status != 404 || ae.Code != api.CodeNotFound || ae.RequestID != "req_1" {
		t.Fatalf("ae = %+v", ae)
	}
	if got, want := ae.Error(), "customer 42 not found (404 not_found, request req_1)"; got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
	var err error = ae
	if !client.IsNotFound(err) || client.IsPermission(err) || client.IsConflict(err) || !client.IsCode(err, api.CodeNotFound) {
		t.Fatal("helpers disagree with a 404")
	}

	body = `{"status":"error","error":{"code":"validation_error","message":"invalid adjustment","fields":{"points":"must not be zero","note":"too short"}}}`
	ae = decodeError(400, h, []byte(body), "u")
	if got, want := ae.Error(), "invalid adjustment: note: too short; points: must not be zero (400 validation_error, request req_1)"; got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}

	body = `{"status":"error","error":{"code":"version_mismatch","message":"stale","current_version":9}}`
	ae = decodeError(412, h, []byte(body), "u")
	if ae.CurrentVersion != "9" || !client.IsConflict(ae) {
		t.Fatalf("412: %+v", ae)
	}

	h2 := http.Header{"Retry-After": {"2"}}
	ae = decodeError(429, h2, []byte(`{"status":"error","error":{"code":"rate_limited","message":"slow down"}}`), "u")
	if ae.RetryAfter != 2*time.Second {
		t.Fatalf("RetryAfter = %v", ae.RetryAfter)
	}

	for _, st := range []int{401, 403} {
		if !client.IsPermission(&client.APIError{Status: st}) {
			t.Errorf("client.IsPermission(%d) = false", st)
		}
	}
	for _, st := range []int{409, 412, 422} {
		if !client.IsConflict(&client.APIError{Status: st}) {
			t.Errorf("client.IsConflict(%d) = false", st)
		}
	}
	wrapped := errors.Join(errors.New("ctx"), &client.APIError{Status: 404})
	if !client.IsNotFound(wrapped) {
		t.Error("IsNotFound misses a wrapped APIError")
	}
	if client.IsNotFound(errors.New("404")) || client.IsCode(nil, "x") {
		t.Error("helpers match a non-API error")
	}
}

func TestDecodeErrorNonEnvelope(t *testing.T) {
	html := "<html><head><title>502 Bad Gateway</title></head>\x1b]52;c;SGk=\x07<body>nginx</body></html>"
	h := http.Header{"Content-Type": {"text/html; charset=utf-8"}}
	ae := decodeError(502, h, []byte(html), "http://x/api/v1/customers")
	if ae.Status != 502 || ae.Code != client.CodeBadResponse {
		t.Fatalf("ae = %+v", ae)
	}
	msg := ae.Error()
	for _, want := range []string{"502", "text/html", "not the API's JSON envelope", "Bad Gateway"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if strings.ContainsAny(msg, "\x1b\x07") {
		t.Errorf("message carries control bytes from the body: %q", msg)
	}
	// An error envelope missing its code is not trusted either.
	if ae := decodeError(500, nil, []byte(`{"status":"error"}`), "u"); ae.Code != client.CodeBadResponse {
		t.Errorf("code = %q", ae.Code)
	}
}

func TestDecodeSuccessRejectsBadBodies(t *testing.T) {
	var out api.Customer
	for name, body := range map[string]string{
		"html":         "<html>hi</html>",
		"error status": `{"status":"error","data":{}}`,
		"no data":      `{"status":"success"}`,
		"wrong shape":  `{"status":"success","data":{"customer":{"id":true}}}`,
		"empty":        ``,
	} {
		dst := any(&out)
		if name == "wrong shape" {
			dst = &api.CustomerEnvelope{}
		}
		err := decodeSuccess(200, http.Header{}, []byte(body), "u", dst)
		if !client.IsCode(err, client.CodeBadResponse) {
			t.Errorf("%s: err = %v, want a bad_response APIError", name, err)
		}
	}
	if err := decodeSuccess(204, nil, nil, "u", &out); err != nil {
		t.Errorf("204: %v", err)
	}
}

func TestTransportErrorMessage(t *testing.T) {
	re := regexp.MustCompile(`^cannot reach the store at http://127\.0\.0\.1:1/api/v1: connection refused \(after 4 attempts\) — is the API running`)
	c, err := New(Config{BaseURL: "http://127.0.0.1:1", KeyID: "ck_a", Secret: "cs_b", RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Me(t.Context())
	if !client.IsTransport(err) || !re.MatchString(strings.TrimPrefix(err.Error(), "who am I: ")) {
		t.Fatalf("err = %v", err)
	}
}
