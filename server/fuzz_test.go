package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/sandbox/sandboxtest"
	"frontdesk/server"
)

// FuzzRequests sends arbitrary bodies and query strings to every writing
// and listing endpoint as a supervisor: the server never answers 500 and
// always answers in the envelope, so nothing a client sends can make it
// fail or answer something the clients cannot read.
func FuzzRequests(f *testing.F) {
	env := sandboxtest.New(f, sandboxtest.Options{Customers: 20, RateLimit: -1})
	k := env.Keys["supervisor"]
	// A server of its own on the sandbox's store: the sandbox's logs to the
	// F, which a fuzz target may not use.
	srv := server.New(env.Store, server.Options{RateLimit: -1})
	targets := []struct{ method, path string }{
		{"GET", "/customers"},
		{"POST", "/customers"},
		{"PATCH", "/customers/3"},
		{"GET", "/customers/3/orders"},
		{"GET", "/customers/3/loyalty/ledger"},
		{"POST", "/customers/3/loyalty/adjustments"},
		{"POST", "/customers/3/notes"},
		{"POST", "/customers/3/agent-sessions"},
		{"GET", "/audit"},
	}
	f.Add(uint8(0), "search=wan&sort=name&limit=5", "")
	f.Add(uint8(1), "", `{"email":"fuzz@example.co.ke","first_name":"F","last_name":"Z"}`)
	f.Add(uint8(2), "", `{"first_name":"\u0000\u001b[2J","phone":"+2547"}`)
	f.Add(uint8(3), "status=delivered&from=2026-01-01&until=2025-01-01", "")
	f.Add(uint8(5), "", `{"points":1e309,"reason":"goodwill","note":"x"}`)
	f.Add(uint8(6), "", `{"body":"`+strings.Repeat("n", 3000)+`"}`)
	f.Add(uint8(7), "", `{"reason":"ok reason","ticket":["x"]}`)
	f.Add(uint8(8), "customer_id=cstmr_1&action=loyalty.adjust&after=%00", "")
	f.Add(uint8(0), "after=eyJ9&page=2", "")
	f.Fuzz(func(t *testing.T, which uint8, query, body string) {
		tg := targets[int(which)%len(targets)]
		req := httptest.NewRequest(tg.method, api.Base+tg.path, bytes.NewBufferString(body))
		req.URL.RawQuery = query // as a client sent it, spaces and all
		req.SetBasicAuth(k.KeyID, k.Secret)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(api.HeaderIdempotencyKey, "fuzz-key")
		req.Header.Set(api.HeaderIfMatch, `"1"`)
		w := httptest.NewRecorder()
		hung := time.AfterFunc(10*time.Second, func() {
			panic(fmt.Sprintf("the server took 10 s over %s %s?%q %q", tg.method, tg.path, query, body))
		})
		srv.ServeHTTP(w, req)
		hung.Stop()
		if w.Code >= 500 {
			t.Fatalf("%s %s?%q %q: %d %s", tg.method, tg.path, query, body, w.Code, w.Body)
		}
		var e api.Envelope
		if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || (e.Status != api.EnvelopeSuccess && e.Status != api.EnvelopeError) {
			if w.Code != http.StatusNoContent {
				t.Fatalf("%s %s?%q %q: %d answered outside the envelope: %s", tg.method, tg.path, query, body, w.Code, w.Body)
			}
		}
	})
}
