package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"

	"frontdesk/api"
	"frontdesk/sandbox/sandboxtest"
)

// exportLines reads an export stream's body: the customers, and the
// trailer (nil when the stream has none).
func exportLines(t *testing.T, body []byte) ([]api.Customer, *api.ExportTrailer) {
	t.Helper()
	var out []api.Customer
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(nil, 4<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if bytes.HasPrefix(line, []byte(api.ExportEndPrefix)) || bytes.HasPrefix(line, []byte(api.ExportErrorPrefix)) {
			var tr api.ExportTrailer
			if err := json.Unmarshal(line, &tr); err != nil {
				t.Fatalf("trailer %s: %v", line, err)
			}
			if sc.Scan() {
				t.Fatalf("a line after the trailer: %s", sc.Bytes())
			}
			return out, &tr
		}
		var c api.Customer
		if err := json.Unmarshal(line, &c); err != nil {
			t.Fatalf("line %d: %v: %s", len(out)+1, err, line)
		}
		out = append(out, c)
	}
	return out, nil
}

// listedAll is every customer GET /customers answers role with params,
// paged with the next cursor.
func listedAll(t *testing.T, env *sandboxtest.Env, role string, params url.Values) []api.Customer {
	t.Helper()
	var out []api.Customer
	params.Set("limit", "100")
	for {
		var list api.CustomerList
		env.Do(t, role, "GET", "/customers?"+params.Encode(), nil).Data(t, &list)
		out = append(out, list.Customers...)
		if list.Next == "" {
			return out
		}
		params.Set("after", list.Next)
	}
}

// TestExportStreamIsTheList: GET /customers/export streams exactly the
// customers the cursor pages of GET /customers list, in their order and
// shape (a viewer's masked the same way), across several internal reads,
// with a search, field filters and each sort, on both engines.
func TestExportStreamIsTheList(t *testing.T) {
	onEngines(t, sandboxtest.Options{Customers: 1150, RateLimit: -1}, func(t *testing.T, env *sandboxtest.Env) {
		cases := []url.Values{
			{},
			{"sort": {api.SortName}},
			{"sort": {api.SortTopSpenders}, "search": {"mail"}},
			{"search": {"a"}, "orders": {">1"}, "status": {"active"}},
		}
		for _, params := range cases {
			for _, role := range []string{"viewer", "agent"} {
				r := env.Do(t, role, "GET", "/customers/export?"+params.Encode(), nil)
				if r.Status != http.StatusOK {
					t.Fatalf("%s %v: %d %s", role, params, r.Status, r.Body)
				}
				if ct := r.Header.Get("Content-Type"); ct != api.ContentTypeNDJSON {
					t.Fatalf("Content-Type %q", ct)
				}
				got, tr := exportLines(t, r.Body)
				if tr == nil || tr.End == nil || tr.End.Count != len(got) {
					t.Fatalf("%s %v: %d customers, trailer %+v", role, params, len(got), tr)
				}
				want := listedAll(t, env, role, url.Values(maps(params)))
				if len(want) == 0 || !reflect.DeepEqual(got, want) {
					t.Fatalf("%s %v: the stream has %d customers, the list %d, or they differ", role, params, len(got), len(want))
				}
				seen := map[api.ID]bool{}
				for _, c := range got {
					if seen[c.ID] {
						t.Fatalf("customer %s twice", c.ID)
					}
					seen[c.ID] = true
				}
				if len(params) == 0 && len(got) != 1150 {
					t.Fatalf("everyone: %d customers, seeded 1150", len(got))
				}
			}
		}
		// The viewer's lines are masked, the agent's not.
		viewer, _ := exportLines(t, env.Do(t, "viewer", "GET", "/customers/export", nil).Body)
		agent, _ := exportLines(t, env.Do(t, "agent", "GET", "/customers/export", nil).Body)
		for i := range agent {
			if agent[i].Email == viewer[i].Email || !strings.Contains(viewer[i].Email, "•") {
				t.Fatalf("customer %s: agent sees %q, viewer %q", agent[i].ID, agent[i].Email, viewer[i].Email)
			}
			masked := agent[i]
			api.MaskCustomer(&masked)
			if !reflect.DeepEqual(masked, viewer[i]) {
				t.Fatalf("customer %s: the viewer's line is not the agent's masked", agent[i].ID)
			}
		}
	})
}

func maps(v url.Values) map[string][]string {
	out := map[string][]string{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// TestExportStreamRefusals: bad parameters are a 400 naming them before
// the stream starts; no key is a 401.
func TestExportStreamRefusals(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 5})
	for q, field := range map[string]string{
		"page=2":          "page",
		"limit=10":        "limit",
		"after=abc":       "after",
		"sort=oldest":     "sort",
		"orders=lots":     "orders",
		"search=orders:x": "search",
	} {
		e := wantError(t, env.Do(t, "viewer", "GET", "/customers/export?"+q, nil), http.StatusBadRequest, api.CodeValidation)
		if e.Fields[field] == "" {
			t.Errorf("%s: fields %v, want %s named", q, e.Fields, field)
		}
	}
	wantError(t, env.Do(t, "", "GET", "/customers/export", nil), http.StatusUnauthorized, api.CodeUnauthorized)
}

// goneWriter is a client that goes away after the first bytes of the
// answer: the request's context is cancelled, writes still succeed (the
// server has not noticed the closed connection yet).
type goneWriter struct {
	header http.Header
	cancel context.CancelFunc
	mu     sync.Mutex
	body   bytes.Buffer
	status int
}

func (w *goneWriter) Header() http.Header  { return w.header }
func (w *goneWriter) WriteHeader(code int) { w.status = code }
func (w *goneWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.cancel()
	return w.body.Write(b)
}

// TestExportStreamStopsWhenCancelled: a request whose context ends
// mid-stream stops reading the store: fewer customers than match, and no
// end line, so nothing reads it as complete.
func TestExportStreamStopsWhenCancelled(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 2500, RateLimit: -1})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req := httptest.NewRequestWithContext(ctx, "GET", api.Base+"/customers/export", nil)
	k := env.Keys["agent"]
	req.SetBasicAuth(k.KeyID, k.Secret)
	w := &goneWriter{header: http.Header{}, cancel: cancel}
	env.Server.ServeHTTP(w, req) // returns: the stream stopped
	if w.status != http.StatusOK {
		t.Fatalf("status %d: %s", w.status, w.body.Bytes())
	}
	got, tr := exportLines(t, w.body.Bytes())
	if tr != nil || len(got) == 0 || len(got) >= 2500 {
		t.Fatalf("cancelled export: %d customers, trailer %+v", len(got), tr)
	}
}
