package contract_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"frontdesk/api"
	"frontdesk/api/contract"
)

// collector gathers reports from many goroutines.
type collector struct {
	mu   sync.Mutex
	errs []error
}

func (c *collector) report(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.errs = append(c.errs, err)
}

func (c *collector) take() []error {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.errs
	c.errs = nil
	return out
}

func newValidator(t *testing.T) *contract.Validator {
	t.Helper()
	v, err := contract.New()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// writeEnvelope answers like the sandbox does.
func writeEnvelope(w http.ResponseWriter, status int, data any, eb *api.ErrorBody) {
	env := api.Envelope{Status: api.EnvelopeSuccess}
	if eb != nil {
		env = api.Envelope{Status: api.EnvelopeError, Error: eb}
	} else {
		raw, _ := json.Marshal(data)
		env.Data = raw
	}
	b, _ := json.Marshal(env)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set(api.HeaderRequestID, "req_test")
	w.WriteHeader(status)
	w.Write(b)
}

// fakeAPI is a tiny server whose answers each test picks, so the
// validator can be shown both conforming and drifting traffic.
type fakeAPI struct {
	mu     sync.Mutex
	answer func(w http.ResponseWriter, r *http.Request)
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	a := f.answer
	f.mu.Unlock()
	io.ReadAll(r.Body) // the handler must still see the whole body
	a(w, r)
}

func (f *fakeAPI) set(a func(w http.ResponseWriter, r *http.Request)) {
	f.mu.Lock()
	f.answer = a
	f.mu.Unlock()
}

func me() api.Me {
	return api.Me{AgentID: "ag_1", Name: "Wanjiru Kamau", Role: api.RoleAgent, LoyaltyLimit: 500, KeyID: "ck_abc", Gateway: false}
}

func TestHandlerReportsDriftOnly(t *testing.T) {
	v := newValidator(t)
	fake := &fakeAPI{}
	var c collector
	srv := httptest.NewServer(v.Handler(fake, c.report))
	defer srv.Close()

	do := func(method, path, body string, hdr ...string) *http.Response {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp
	}

	// Conforming answer: no report.
	fake.set(func(w http.ResponseWriter, r *http.Request) { writeEnvelope(w, 200, me(), nil) })
	do("GET", "/api/v1/me", "")
	if errs := c.take(); len(errs) != 0 {
		t.Fatalf("conforming GET /me reported: %v", errs)
	}

	// Bad request refused by the server: no report.
	fake.set(func(w http.ResponseWriter, r *http.Request) {
		writeEnvelope(w, 400, nil, &api.ErrorBody{Code: api.CodeValidation, Message: "bad", Fields: map[string]string{"points": "must not be zero"}})
	})
	do("POST", "/api/v1/customers/42/loyalty/adjustments", `{"points":0,"reason":"goodwill","note":"late"}`, "Idempotency-Key", "k1")
	if errs := c.take(); len(errs) != 0 {
		t.Fatalf("refused bad request reported: %v", errs)
	}

	// Bad request accepted by the server: reported, naming the field.
	fake.set(func(w http.ResponseWriter, r *http.Request) {
		writeEnvelope(w, 201, api.AdjustmentResult{Entry: adjustEntry(), PointsBalance: 10}, nil)
	})
	do("POST", "/api/v1/customers/42/loyalty/adjustments", `{"points":0,"reason":"goodwill","note":"late"}`, "Idempotency-Key", "k1")
	errs := c.take()
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "request") || !strings.Contains(errs[0].Error(), "points") {
		t.Fatalf("accepted bad request: got %v, want one request violation naming points", errs)
	}

	// Drifting response: reported with method, path, status and field.
	fake.set(func(w http.ResponseWriter, r *http.Request) {
		writeEnvelope(w, 200, map[string]any{"agent_id": "ag_1", "name": "x", "role": "agent", "loyalty_limit": 1, "key_id": "ck_1", "gateway": false, "extra": 1}, nil)
	})
	do("GET", "/api/v1/me", "")
	errs = c.take()
	if len(errs) != 1 {
		t.Fatalf("drifting GET /me: got %d reports %v, want 1", len(errs), errs)
	}
	for _, want := range []string{"GET", "/api/v1/me", "200", "extra"} {
		if !strings.Contains(errs[0].Error(), want) {
			t.Errorf("report %q lacks %q", errs[0], want)
		}
	}

	// The handler saw the whole request body although the validator read it.
	var got []byte
	fake.set(func(w http.ResponseWriter, r *http.Request) {
		writeEnvelope(w, 201, api.NoteEnvelope{Note: note()}, nil)
	})
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = io.ReadAll(r.Body)
		writeEnvelope(w, 201, api.NoteEnvelope{Note: note()}, nil)
	})
	rec := httptest.NewRecorder()
	body := `{"body":"Called about order ORD-1001"}`
	req := httptest.NewRequest("POST", "/api/v1/customers/42/notes", bytes.NewBufferString(body))
	req.Header.Set("Content-Type", "application/json")
	v.Handler(inner, c.report).ServeHTTP(rec, req)
	if string(got) != body {
		t.Errorf("inner handler read %q, want %q", got, body)
	}
	if errs := c.take(); len(errs) != 0 {
		t.Errorf("conforming POST notes reported: %v", errs)
	}
}
