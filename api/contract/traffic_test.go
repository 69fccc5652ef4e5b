package contract_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"frontdesk/api"
)

// validRequests gives a request the contract accepts for each operation,
// with bodies marshalled from the Go request types the client sends.
func validRequests(t *testing.T) map[string]struct {
	body   any
	header []string
} {
	str := func(s string) *string { return &s }
	addrs := []api.Address{minimalAddress()}
	return map[string]struct {
		body   any
		header []string
	}{
		"POST /api/v1/customers":                        {api.CustomerCreate{Email: "otieno@example.com", FirstName: "Otieno", LastName: "Odhiambo", Phone: "0712 345 678", Addresses: []api.Address{address()}}, nil},
		"PATCH /api/v1/customers/42":                    {api.CustomerPatch{Phone: str("+254712345678"), Status: str(api.StatusActive), Addresses: &addrs}, []string{"If-Match", `"3"`}},
		"POST /api/v1/customers/42/loyalty/adjustments": {api.AdjustmentRequest{Points: -1_000_000, Reason: api.ReasonFraudReversal, Note: "chargeback on ORD-1001"}, []string{"Idempotency-Key", "6f1c2a9e-4a55-4bb0-9a53-0c3c1f7d2b11"}},
		"POST /api/v1/customers/42/notes":               {api.NoteCreate{Body: "Called about order ORD-1001; refund promised."}, nil},
		"POST /api/v1/gateway-sessions":                 {api.GatewaySessionCreate{Gateway: "gw-nairobi-1"}, []string{api.HeaderAgent, "ag_1"}},
	}
}

// send makes one request through client to base and returns the response
// with its body read.
func send(t *testing.T, client *http.Client, base, method, path string, body []byte, header ...string) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.SetBasicAuth("ck_test", "cs_test")
	req.Header.Set(api.HeaderVia, "api")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// replay answers with a fixed response.
func replay(status int, header http.Header, body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		for k, v := range header {
			w.Header()[k] = v
		}
		w.WriteHeader(status)
		w.Write(body)
	}
}

// TestConformingTrafficIsQuiet sends a valid request of every operation
// through both Handler (server side) and Transport (client side) and
// answers it conformingly: nothing may be reported.
func TestConformingTrafficIsQuiet(t *testing.T) {
	v := newValidator(t)
	reqs := validRequests(t)
	for _, c := range append(conformingResponses(t), errorCases(t)...) {
		var body []byte
		var header []string
		if r, ok := reqs[c.method+" "+strings.SplitN(c.path, "?", 2)[0]]; ok && c.status < 300 {
			body, _ = json.Marshal(r.body)
			header = r.header
		} else if c.method == "POST" || c.method == "PATCH" {
			body = []byte(`{}`) // a refused request: its body does not matter
		}
		var server, client collector
		srv := httptest.NewServer(v.Handler(replay(c.status, c.header, c.body), server.report))
		hc := &http.Client{Transport: v.Transport(srv.Client().Transport, client.report)}
		resp, got := send(t, hc, srv.URL, c.method, c.path, body, header...)
		srv.Close()
		if resp.StatusCode != c.status || !bytes.Equal(got, c.body) {
			t.Errorf("%s: the validators changed the response: %d %s", c.name, resp.StatusCode, got)
		}
		if errs := server.take(); len(errs) != 0 {
			t.Errorf("%s: Handler reported %v", c.name, errs)
		}
		if errs := client.take(); len(errs) != 0 {
			t.Errorf("%s: Transport reported %v", c.name, errs)
		}
	}
}

// TestBadRequestsCountOnlyWhenAccepted: a request the contract forbids is
// fine when the server refuses it and drift when the server accepts it.
func TestBadRequestsCountOnlyWhenAccepted(t *testing.T) {
	v := newValidator(t)
	bad := []struct {
		name, method, path, body string
		header                   []string
		okStatus                 int
		okBody                   []byte
		refused                  int
		want                     string
	}{
		{"limit too big", "GET", "/api/v1/customers?limit=500", "", nil, 200, success(t, api.CustomerList{Customers: []api.Customer{}, Page: 1, Limit: 100}), 400, "limit"},
		{"page zero", "GET", "/api/v1/customers/42/notes?page=0", "", nil, 200, success(t, api.NoteList{Notes: []api.Note{}, Page: 1, Limit: 20}), 400, "page"},
		{"unknown sort", "GET", "/api/v1/customers?sort=oldest", "", nil, 200, success(t, api.CustomerList{Customers: []api.Customer{}, Page: 1, Limit: 20}), 400, "sort"},
		{"search too long", "GET", "/api/v1/customers?search=" + strings.Repeat("a", 201), "", nil, 200, success(t, api.CustomerList{Customers: []api.Customer{}, Page: 1, Limit: 20}), 400, "search"},
		{"unknown order status", "GET", "/api/v1/customers/42/orders?status=lost", "", nil, 200, success(t, api.OrderList{Orders: []api.Order{}, Page: 1, Limit: 20}), 400, "status"},
		{"bad from", "GET", "/api/v1/customers/42/orders?from=yesterday", "", nil, 200, success(t, api.OrderList{Orders: []api.Order{}, Page: 1, Limit: 20}), 400, "from"},
		{"bad via", "GET", "/api/v1/me", "", []string{api.HeaderVia, "web"}, 200, success(t, me()), 400, "X-Frontdesk-Via"},
		{"no If-Match", "PATCH", "/api/v1/customers/42", `{"first_name":"Jane"}`, nil, 200, success(t, api.CustomerEnvelope{Customer: fullCustomer()}), 428, "If-Match"},
		{"empty patch", "PATCH", "/api/v1/customers/42", `{}`, []string{"If-Match", `"3"`}, 200, success(t, api.CustomerEnvelope{Customer: fullCustomer()}), 400, "properties"},
		{"no Idempotency-Key", "POST", "/api/v1/customers/42/loyalty/adjustments", `{"points":5,"reason":"goodwill","note":"late"}`, nil, 201, success(t, api.AdjustmentResult{Entry: adjustEntry(), PointsBalance: 5}), 400, "Idempotency-Key"},
		{"zero points", "POST", "/api/v1/customers/42/loyalty/adjustments", `{"points":0,"reason":"goodwill","note":"late"}`, []string{"Idempotency-Key", "k"}, 201, success(t, api.AdjustmentResult{Entry: adjustEntry(), PointsBalance: 5}), 400, "points"},
		{"too many points", "POST", "/api/v1/customers/42/loyalty/adjustments", `{"points":1000001,"reason":"goodwill","note":"late"}`, []string{"Idempotency-Key", "k"}, 201, success(t, api.AdjustmentResult{Entry: adjustEntry(), PointsBalance: 5}), 400, "points"},
		{"unknown reason", "POST", "/api/v1/customers/42/loyalty/adjustments", `{"points":5,"reason":"birthday","note":"late"}`, []string{"Idempotency-Key", "k"}, 201, success(t, api.AdjustmentResult{Entry: adjustEntry(), PointsBalance: 5}), 400, "reason"},
		{"short note", "POST", "/api/v1/customers/42/loyalty/adjustments", `{"points":5,"reason":"goodwill","note":"ok"}`, []string{"Idempotency-Key", "k"}, 201, success(t, api.AdjustmentResult{Entry: adjustEntry(), PointsBalance: 5}), 400, "note"},
		{"unknown field", "POST", "/api/v1/customers", `{"email":"a@b.co","first_name":"A","last_name":"B","nickname":"x"}`, nil, 201, success(t, api.CustomerEnvelope{Customer: bareCustomer()}), 400, "nickname"},
		{"missing last name", "POST", "/api/v1/customers", `{"email":"a@b.co","first_name":"A"}`, nil, 201, success(t, api.CustomerEnvelope{Customer: bareCustomer()}), 400, "last_name"},
		{"no body", "POST", "/api/v1/customers/42/notes", "", nil, 201, success(t, api.NoteEnvelope{Note: note()}), 400, "body"},
		{"not JSON", "POST", "/api/v1/customers/42/notes", `body=hello`, nil, 201, success(t, api.NoteEnvelope{Note: note()}), 400, "body"},
	}
	for _, c := range bad {
		for _, accepted := range []bool{false, true} {
			status, body := c.refused, failure(t, api.ErrorBody{Code: api.CodeBadRequest, Message: "no"})
			header := hdr()
			switch {
			case accepted:
				status, body = c.okStatus, c.okBody
				header.Set("ETag", `"3"`)
			case status == 428:
				body = failure(t, api.ErrorBody{Code: api.CodeIfMatchRequired, Message: "send If-Match"})
			}
			var server, client collector
			srv := httptest.NewServer(v.Handler(replay(status, header, body), server.report))
			hc := &http.Client{Transport: v.Transport(srv.Client().Transport, client.report)}
			var reqBody []byte
			if c.body != "" {
				reqBody = []byte(c.body)
			}
			send(t, hc, srv.URL, c.method, c.path, reqBody, c.header...)
			srv.Close()
			for side, errs := range map[string][]error{"Handler": server.take(), "Transport": client.take()} {
				if !accepted {
					if len(errs) != 0 {
						t.Errorf("%s refused with %d: %s reported %v", c.name, status, side, errs)
					}
					continue
				}
				if len(errs) != 1 {
					t.Errorf("%s accepted with %d: %s made %d reports, want 1: %v", c.name, status, side, len(errs), errs)
					continue
				}
				msg := errs[0].Error()
				if !strings.Contains(msg, "server accepted it") || !strings.Contains(msg, c.want) {
					t.Errorf("%s accepted: %s report should say the server accepted a bad request and name %q:\n%s", c.name, side, c.want, msg)
				}
			}
		}
	}
}

func TestTransportPassesEverythingThrough(t *testing.T) {
	v := newValidator(t)
	var gotBody []byte
	var gotHeader http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotBody, _ = io.ReadAll(r.Body)
		gotHeader = r.Header.Clone()
		for k, vs := range hdr() {
			w.Header()[k] = vs
		}
		w.WriteHeader(201)
		w.Write(success(t, api.NoteEnvelope{Note: note()}))
	}))
	defer srv.Close()
	var c collector
	hc := &http.Client{Transport: v.Transport(srv.Client().Transport, c.report)}

	body := `{"body":"Called about order ORD-1001"}`
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/customers/42/notes", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(api.HeaderRequestID, "req_abc")
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	respBody, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(gotBody) != body || gotHeader.Get(api.HeaderRequestID) != "req_abc" {
		t.Errorf("server got body %q, request id %q", gotBody, gotHeader.Get(api.HeaderRequestID))
	}
	if !bytes.Equal(respBody, success(t, api.NoteEnvelope{Note: note()})) || resp.StatusCode != 201 {
		t.Errorf("caller got %d %s", resp.StatusCode, respBody)
	}
	if errs := c.take(); len(errs) != 0 {
		t.Errorf("reported %v", errs)
	}

	// A transport error is the caller's, not a violation.
	srv.Close()
	if _, err := hc.Get(srv.URL + "/api/v1/me"); err == nil {
		t.Error("request to a closed server succeeded")
	}
	if errs := c.take(); len(errs) != 0 {
		t.Errorf("transport error reported as violation: %v", errs)
	}
}

// TestConcurrentUse runs many requests at once through one Validator
// (run with -race): every drifting answer is reported exactly once and no
// conforming one is.
func TestConcurrentUse(t *testing.T) {
	v := newValidator(t)
	good := success(t, api.CustomerEnvelope{Customer: fullCustomer()})
	drift := bytes.Replace(good, []byte(`"email_confirmed"`), []byte(`"email_verified"`), 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, vs := range hdr("ETag", `"3"`) {
			w.Header()[k] = vs
		}
		if strings.HasSuffix(r.URL.Path, "/7") {
			w.Write(drift)
			return
		}
		w.Write(good)
	}))
	defer srv.Close()
	var c collector
	var server collector
	front := httptest.NewServer(v.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resp, err := srv.Client().Get(srv.URL + r.URL.Path)
		if err != nil {
			http.Error(w, err.Error(), 502)
			return
		}
		defer resp.Body.Close()
		for k, vs := range resp.Header {
			w.Header()[k] = vs
		}
		io.Copy(w, resp.Body)
	}), server.report))
	defer front.Close()
	hc := &http.Client{Transport: v.Transport(front.Client().Transport, c.report)}

	const workers, each = 8, 40
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				resp, err := hc.Get(fmt.Sprintf("%s/api/v1/customers/%d", front.URL, (w*each+i)%10))
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	front.Close()
	want := workers * each / 10
	for side, errs := range map[string][]error{"Transport": c.take(), "Handler": server.take()} {
		if len(errs) != want {
			t.Errorf("%s: %d reports, want %d (one per drifting answer)", side, len(errs), want)
		}
		for _, err := range errs {
			if !strings.Contains(err.Error(), `"email_verified" is unsupported`) || !strings.Contains(err.Error(), "/customers/7") {
				t.Errorf("%s: unexpected report %v", side, err)
				break
			}
		}
	}
}
