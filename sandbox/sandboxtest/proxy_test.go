package sandboxtest_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/sandbox/sandboxtest"
)

func TestProxy(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 3})
	p := sandboxtest.NewProxy(t, env.URL)
	via := *env
	via.URL = p.URL

	if r := via.Do(t, "viewer", "GET", "/customers", nil); r.Status != 200 || p.Searches() != 1 || p.MaxInFlight() != 1 || p.InFlight() != 0 {
		t.Fatalf("search: %d, searches %d, max in flight %d", r.Status, p.Searches(), p.MaxInFlight())
	}

	p.RateLimit(7)
	r := via.Do(t, "viewer", "GET", "/me", nil)
	if r.Status != 429 || r.Header.Get(api.HeaderRetryAfter) != "7" || r.Code() != api.CodeRateLimited || p.Limited() != 1 {
		t.Fatalf("rate limited: %d %q %s, limited %d", r.Status, r.Header.Get(api.HeaderRetryAfter), r.Body, p.Limited())
	}
	p.RateLimit(0)

	p.SetDelay(func() time.Duration { return 50 * time.Millisecond })
	start := time.Now()
	via.Do(t, "viewer", "GET", "/me", nil)
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Fatalf("delayed answer came after %s", d)
	}
	p.SetDelay(nil)

	p.Down(true)
	if _, err := http.Get(p.URL + api.Base + "/me"); err == nil {
		t.Fatal("a dead proxy answered")
	}
	p.Down(false)

	p.DropAnswer(func(method, path string, n int) bool {
		return method == "POST" && strings.HasSuffix(path, "/notes") && n == 1
	})
	var c api.Customer
	r = env.Do(t, "viewer", "GET", "/customers?limit=1", nil)
	var page api.CustomerList
	r.Data(t, &page)
	c = page.Customers[0]
	notes := "/customers/" + string(c.ID) + "/notes"
	var before api.NoteList
	env.Do(t, "agent", "GET", notes, nil).Data(t, &before)
	req, _ := http.NewRequest("POST", p.URL+api.Base+notes, strings.NewReader(`{"body":"one"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(api.HeaderIdempotencyKey, "k1")
	k := env.Keys["agent"]
	req.SetBasicAuth(k.KeyID, k.Secret)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("a dropped answer arrived: %d", resp.StatusCode)
	}
	if r := via.Do(t, "agent", "POST", notes, `{"body":"two"}`); r.Status != 201 {
		t.Fatalf("second note: %d %s", r.Status, r.Body)
	}
	var list api.NoteList
	env.Do(t, "agent", "GET", notes, nil).Data(t, &list)
	if list.Total != before.Total+2 {
		t.Fatalf("the store has %d notes, want %d: both were applied", list.Total, before.Total+2)
	}
	ch := p.Changes()
	if len(ch) != 2 || ch[0].String() != "POST "+api.Base+notes+` {"body":"one"}` || ch[0].IdempotencyKey != "k1" || ch[1].Body != `{"body":"two"}` {
		t.Fatalf("changes: %+v", ch)
	}
}

func TestContractTransport(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 3})
	cl := &http.Client{Transport: sandboxtest.ContractTransport(t)}
	k := env.Keys["viewer"]
	req, _ := http.NewRequest("GET", env.URL+api.Base+"/me", nil)
	req.SetBasicAuth(k.KeyID, k.Secret)
	resp, err := cl.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}
