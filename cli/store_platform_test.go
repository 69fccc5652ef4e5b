package cli

import (
	"database/sql"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"frontdesk/api"
	storedriver "frontdesk/client/store"
)

// storeProfile serves a seeded store in the store dialect, logs in to it
// with `auth login --platform store` as profile "shop", and returns the
// environment and the first page of customers as the CLI prints them.
func storeProfile(t *testing.T) (*credEnv, string, api.CustomerList) {
	t.Helper()
	dbPath := filepath.Join(t.TempDir(), "shop.db")
	out, url, _ := startServe(t, "--db", dbPath, "--seed", "40", "--dialect", "store")
	key, secret := keyLine.FindStringSubmatch(out.String()), secretLine.FindStringSubmatch(out.String())
	if key == nil || secret == nil {
		t.Fatalf("serve --dialect store printed no key pair:\n%s", out)
	}
	e := newCredEnv(t)
	r := e.run(secret[1]+"\n", "--profile", "shop", "auth", "login", "--platform", "store", "--url", url, "--key", key[1])
	if r.code != ExitOK || !strings.Contains(r.stdout, "(platform store)") || !strings.Contains(r.stdout, "API key "+key[1]) {
		t.Fatalf("login: %+v", r)
	}
	if p := e.loadConfig().Profiles["shop"]; p.Platform != "store" || p.URL != url {
		t.Fatalf("profile after login: %+v", p)
	}
	// The commonest email domain: a query with several matches.
	db, err := sql.Open("sqlite", "file:"+dbPath+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var domain string
	if err := db.QueryRow(`SELECT substr(email, instr(email, '@') + 1) AS d FROM customers
		WHERE email NOT LIKE 'hostile-%' GROUP BY d ORDER BY count(*) DESC, d LIMIT 1`).Scan(&domain); err != nil {
		t.Fatal(err)
	}
	r = e.run("", "customers", "search", domain, "--limit", "3", "--json")
	if r.code != ExitOK {
		t.Fatalf("customers search: %+v", r)
	}
	var list api.CustomerList
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil || len(list.Customers) == 0 {
		t.Fatalf("customers search --json: %v\n%s", err, r.stdout)
	}
	return e, domain, list
}

// `sandbox serve --dialect store` serves the seed-004 API; the CLI logs in
// to it with the store platform, searches, shows, pages and reads loyalty,
// printing frontdesk's own JSON shapes.
func TestStorePlatformCommands(t *testing.T) {
	e, domain, list := storeProfile(t)
	if list.Total < 4 || list.Page != 1 || list.Limit != 3 || len(list.Customers) != 3 {
		t.Fatalf("first page: total %d, page %d, limit %d, %d customers", list.Total, list.Page, list.Limit, len(list.Customers))
	}
	var c api.Customer
	for _, x := range list.Customers {
		if !strings.HasPrefix(x.Email, "hostile-") {
			c = x
			break
		}
	}
	local, _, _ := strings.Cut(c.Email, "@")
	r := e.run("", "customers", "search", local)
	if r.code != ExitOK || !strings.Contains(r.stdout, c.Email) {
		t.Fatalf("search %q: %+v", local, r)
	}
	r = e.run("", "customers", "show", c.ID.String(), "--json")
	var one api.CustomerEnvelope
	if r.code != ExitOK || json.Unmarshal([]byte(r.stdout), &one) != nil || one.Customer.ID != c.ID || one.Customer.Email != c.Email {
		t.Fatalf("show %s: %+v", c.ID, r)
	}
	r = e.run("", "loyalty", "show", c.ID.String(), "--json")
	var loy api.Loyalty
	if r.code != ExitOK || json.Unmarshal([]byte(r.stdout), &loy) != nil || loy.CustomerID != c.ID {
		t.Fatalf("loyalty show %s: %+v", c.ID, r)
	}
	r = e.run("", "customers", "search", domain, "--limit", "3", "--page", "2", "--json")
	var p2 api.CustomerList
	if r.code != ExitOK || json.Unmarshal([]byte(r.stdout), &p2) != nil || p2.Page != 2 || p2.Total != list.Total || len(p2.Customers) == 0 || p2.Customers[0].ID == list.Customers[0].ID {
		t.Fatalf("--page 2: %+v", r)
	}
	r = e.run("", "auth", "status", "--json")
	var st StatusJSON
	if r.code != ExitOK || json.Unmarshal([]byte(r.stdout), &st) != nil || st.Platform != "store" || !st.API.Verified {
		t.Fatalf("auth status: %+v", r)
	}
	if r := e.run("", "customers", "show", "999999"); r.code != ExitNotFound {
		t.Fatalf("show a missing customer: %+v", r)
	}
}

// The sandbox serves only the dialects it has; the demo only platforms
// it can serve.
func TestUnknownDialect(t *testing.T) {
	e := newCredEnv(t)
	r := e.run("", "sandbox", "serve", "--db", filepath.Join(t.TempDir(), "x.db"), "--dialect", "magento")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "frontdesk, store, chec") {
		t.Fatalf("serve --dialect magento: %+v", r)
	}
	if r := e.run("", "--platform", "magento", "demo"); r.code != ExitUsage || !strings.Contains(r.stderr, "unknown platform") {
		t.Fatalf("demo --platform magento: %+v", r)
	}
}

// What the store cannot do exits 6 with the driver's sentence, the one
// `frontdesk info` and the console show, and nothing reaches the store.
func TestStorePlatformUnsupportedExitsSix(t *testing.T) {
	e, _, list := storeProfile(t)
	id := list.Customers[0].ID.String()
	before := e.run("", "loyalty", "show", id, "--json")
	for _, tc := range []struct {
		args []string
		why  string
	}{
		{[]string{"loyalty", "adjust", id, "--points", "50", "--reason", "goodwill", "--note", "sorry for the delay"}, storedriver.ReasonReadOnly},
		{[]string{"loyalty", "adjust", id, "--points", "-5", "--reason", "correction", "--note", "double earn", "--json"}, storedriver.ReasonReadOnly},
		{[]string{"orders", "list", id}, storedriver.ReasonNoOrders},
		{[]string{"session", "start", id, "--reason", "customer asked on the phone"}, storedriver.ReasonNoOnBehalf},
		{[]string{"session", "list"}, storedriver.ReasonNoOnBehalf},
		{[]string{"audit", "list", "--customer", id}, storedriver.ReasonNoAudit},
	} {
		r := e.run("", tc.args...)
		if r.code != ExitUnsupported || !strings.Contains(r.stderr, tc.why) || r.stdout != "" {
			t.Errorf("%v: exit %d, want %d with %q\nstdout: %s\nstderr: %s", tc.args, r.code, ExitUnsupported, tc.why, r.stdout, r.stderr)
		}
	}
	if after := e.run("", "loyalty", "show", id, "--json"); after.stdout != before.stdout || before.code != ExitOK {
		t.Errorf("the balance changed:\n%s\n%s", before.stdout, after.stdout)
	}
}
