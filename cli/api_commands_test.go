package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"frontdesk/api"
	"frontdesk/cli"
	"frontdesk/config"
	"frontdesk/sandbox/sandboxtest"
	"frontdesk/sandbox/seed"
)

// apiRun is one run of the binary's command tree, in-process.
type apiRun struct {
	code           int
	stdout, stderr string
}

// apiEnv is an isolated environment whose credentials are a sandbox key
// given through FRONTDESK_API_*.
func apiEnv(t *testing.T, env *sandboxtest.Env, role string) map[string]string {
	t.Helper()
	home := t.TempDir()
	k := env.Keys[role]
	return map[string]string{
		"HOME":                 home,
		"XDG_CONFIG_HOME":      filepath.Join(home, "cfg"),
		"XDG_STATE_HOME":       filepath.Join(home, "state"),
		"FRONTDESK_API_URL":    env.URL,
		"FRONTDESK_API_KEY":    k.KeyID,
		"FRONTDESK_API_SECRET": k.Secret,
	}
}

func runCLI(t *testing.T, vars map[string]string, args ...string) apiRun {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Run(context.Background(), cli.Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return vars[k] },
	}, args)
	r := apiRun{code: code, stdout: out.String(), stderr: errb.String()}
	// Output to a buffer is not a terminal: never any escape sequence,
	// whatever the data held.
	if strings.ContainsAny(r.stdout, "\x1b\x07\u009b") || strings.ContainsAny(r.stderr, "\x1b\x07\u009b") {
		t.Errorf("%v: output carries control characters:\nstdout %q\nstderr %q", args, r.stdout, r.stderr)
	}
	return r
}

func (r apiRun) want(t *testing.T, code int, args ...string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("%v: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", args, r.code, code, r.stdout, r.stderr)
	}
}

func ledgerCount(t *testing.T, env *sandboxtest.Env, id string) (rows int, balance int64) {
	t.Helper()
	if err := env.DB.QueryRow(`SELECT COUNT(*) FROM loyalty_ledger WHERE customer_id = ?`, id).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if err := env.DB.QueryRow(`SELECT COALESCE((SELECT points_balance FROM loyalty_accounts WHERE customer_id = ?), 0)`, id).Scan(&balance); err != nil {
		t.Fatal(err)
	}
	return rows, balance
}

func TestAPICommands(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 30})
	sup := apiEnv(t, env, "supervisor")

	var id, email, first string
	if err := env.DB.QueryRow(`SELECT c.id, c.email, c.first_name FROM customers c
		WHERE c.status = 'active' AND c.email NOT LIKE 'hostile-%'
		AND (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id) > 0 ORDER BY c.id LIMIT 1`).Scan(&id, &email, &first); err != nil {
		t.Fatal(err)
	}
	part := strings.SplitN(email, "@", 2)[0]
	part = part[len(part)/3:]

	t.Run("search", func(t *testing.T) {
		args := []string{"customers", "search", part}
		r := runCLI(t, sup, args...)
		r.want(t, 0, args...)
		for _, want := range []string{email, "NAME", "TOTAL SPENT", "KES ", "page 1 of"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("search output lacks %q:\n%s", want, r.stdout)
			}
		}
		args = []string{"customers", "search", part, "--json", "--limit", "100", "--sort", "name"}
		r = runCLI(t, sup, args...)
		r.want(t, 0, args...)
		var list api.CustomerList
		if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
			t.Fatalf("--json: %v\n%s", err, r.stdout)
		}
		found := false
		for _, c := range list.Customers {
			found = found || c.ID.String() == id
		}
		if !found || list.Limit != 100 {
			t.Fatalf("--json list lacks customer %s: %+v", id, list)
		}
		r = runCLI(t, sup, "customers", "search", "zzqqxxnomatch")
		r.want(t, 0)
		if !strings.Contains(r.stdout, "No customers match") {
			t.Errorf("empty search says %q", r.stdout)
		}
	})

	t.Run("show", func(t *testing.T) {
		r := runCLI(t, sup, "customers", "show", id)
		r.want(t, 0)
		for _, want := range []string{email, first, "#" + id, "Version", "Orders"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("show lacks %q:\n%s", want, r.stdout)
			}
		}
		r = runCLI(t, sup, "customers", "show", id, "--json")
		r.want(t, 0)
		var data api.CustomerEnvelope
		if err := json.Unmarshal([]byte(r.stdout), &data); err != nil || data.Customer.ID.String() != id || data.Customer.Version < 1 {
			t.Fatalf("--json: %+v, %v\n%s", data, err, r.stdout)
		}
		// The shape is the API's data object: {"customer": {...}}.
		var raw map[string]json.RawMessage
		json.Unmarshal([]byte(r.stdout), &raw)
		if len(raw) != 1 || raw["customer"] == nil {
			t.Fatalf("--json keys: %v", raw)
		}
	})

	t.Run("orders", func(t *testing.T) {
		var number string
		if err := env.DB.QueryRow(`SELECT number FROM orders WHERE customer_id = ? ORDER BY created_at DESC, id DESC LIMIT 1`, id).Scan(&number); err != nil {
			t.Fatal(err)
		}
		r := runCLI(t, sup, "orders", "list", id)
		r.want(t, 0)
		if !strings.Contains(r.stdout, number) || !strings.Contains(r.stdout, "STATUS") {
			t.Errorf("orders list lacks %s:\n%s", number, r.stdout)
		}
		r = runCLI(t, sup, "orders", "list", id, "--json", "--page", "1")
		r.want(t, 0)
		var list api.OrderList
		if err := json.Unmarshal([]byte(r.stdout), &list); err != nil || len(list.Orders) == 0 || list.Orders[0].Number != number {
			t.Fatalf("--json: %+v, %v", list, err)
		}
		r = runCLI(t, sup, "orders", "list", id, "--status", "bogus")
		r.want(t, 2)
	})

	t.Run("orders find", func(t *testing.T) {
		var number, sku string
		if err := env.DB.QueryRow(`SELECT number, json_extract(items, '$[0].sku') FROM orders WHERE customer_id = ? ORDER BY id LIMIT 1`, id).Scan(&number, &sku); err != nil {
			t.Fatal(err)
		}
		digits := strings.TrimLeft(strings.TrimPrefix(number, api.OrderNumberPrefix), "0")
		// As quoted, and "FD 1584" unquoted (two arguments).
		for _, args := range [][]string{{number}, {"#" + digits}, {digits}, {"FD", digits}} {
			r := runCLI(t, sup, append([]string{"orders", "find"}, args...)...)
			r.want(t, 0, args...)
			for _, want := range []string{"Order " + number, email, "#" + id, sku, "Total"} {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("orders find %v lacks %q:\n%s", args, want, r.stdout)
				}
			}
		}
		r := runCLI(t, apiEnv(t, env, "viewer"), "orders", "find", number, "--json")
		r.want(t, 0)
		var m api.OrderMatch
		if err := json.Unmarshal([]byte(r.stdout), &m); err != nil || m.Order.Number != number || m.Customer.ID.String() != id || len(m.Order.Items) == 0 {
			t.Fatalf("--json: %+v, %v\n%s", m, err, r.stdout)
		}
		var raw map[string]json.RawMessage
		json.Unmarshal([]byte(r.stdout), &raw)
		if len(raw) != 2 || raw["order"] == nil || raw["customer"] == nil {
			t.Fatalf("--json keys: %v", raw)
		}
		r = runCLI(t, sup, "orders", "find", "FD-99999999")
		r.want(t, 3)
		if !strings.Contains(r.stderr, "FD-99999999") {
			t.Errorf("not found says %q", r.stderr)
		}
		runCLI(t, sup, "orders", "find").want(t, 2)
		runCLI(t, sup, "orders", "find", " ").want(t, 2)
	})

	t.Run("loyalty show", func(t *testing.T) {
		_, bal := ledgerCount(t, env, id)
		r := runCLI(t, sup, "loyalty", "show", id)
		r.want(t, 0)
		if !strings.Contains(r.stdout, "balance") {
			t.Errorf("loyalty show:\n%s", r.stdout)
		}
		r = runCLI(t, sup, "loyalty", "show", id, "--json")
		r.want(t, 0)
		var l api.Loyalty
		if err := json.Unmarshal([]byte(r.stdout), &l); err != nil || l.PointsBalance != bal {
			t.Fatalf("--json: %+v, %v (balance %d)", l, err, bal)
		}
	})

	t.Run("adjust once with a key", func(t *testing.T) {
		rows0, bal0 := ledgerCount(t, env, id)
		args := []string{"loyalty", "adjust", id, "--points", "50", "--reason", "goodwill", "--note", "late delivery", "--idempotency-key", "cli-test-key-1"}
		r := runCLI(t, sup, args...)
		r.want(t, 0, args...)
		if !strings.Contains(r.stdout, "+50") || !strings.Contains(r.stdout, strconv.FormatInt(bal0+50, 10)) {
			t.Errorf("adjust output:\n%s", r.stdout)
		}
		r = runCLI(t, sup, args...)
		r.want(t, 0, args...)
		if !strings.Contains(strings.ToLower(r.stdout), "replayed") {
			t.Errorf("second run does not say replayed:\n%s", r.stdout)
		}
		rows, bal := ledgerCount(t, env, id)
		if rows != rows0+1 || bal != bal0+50 {
			t.Fatalf("ledger rows %d→%d, balance %d→%d; want one entry of +50", rows0, rows, bal0, bal)
		}

		args = []string{"loyalty", "adjust", id, "--points", "-20", "--reason", "correction", "--note", "double earn", "--json"}
		r = runCLI(t, sup, args...)
		r.want(t, 0, args...)
		var res api.AdjustmentResult
		if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || res.Entry.Points != -20 || res.PointsBalance != bal-20 {
			t.Fatalf("--json: %+v, %v\n%s", res, err, r.stdout)
		}
	})

	t.Run("bad input changes nothing", func(t *testing.T) {
		rows0, bal0 := ledgerCount(t, env, id)
		noKey := map[string]string{}
		for k, v := range sup {
			noKey[k] = v
		}
		delete(noKey, "FRONTDESK_API_KEY")
		ok := []string{"--points", "10", "--reason", "goodwill", "--note", "fine note"}
		for _, tc := range []struct {
			name string
			vars map[string]string
			args []string
			say  string
		}{
			{"zero points", sup, []string{"loyalty", "adjust", id, "--points", "0", "--reason", "goodwill", "--note", "fine note"}, "points must not be zero"},
			{"bad reason", sup, []string{"loyalty", "adjust", id, "--points", "10", "--reason", "because", "--note", "fine note"}, "reason must be one of"},
			{"short note", sup, []string{"loyalty", "adjust", id, "--points", "10", "--reason", "goodwill", "--note", "ok"}, "note must be"},
			{"no points", sup, []string{"loyalty", "adjust", id, "--reason", "goodwill", "--note", "fine note"}, "--points is required"},
			{"too many points", sup, []string{"loyalty", "adjust", id, "--points", "1000001", "--reason", "goodwill", "--note", "fine note"}, "points must be between"},
			{"points not a number", sup, []string{"loyalty", "adjust", id, "--points", "ten", "--reason", "goodwill", "--note", "fine note"}, "points"},
			{"bad key", sup, append([]string{"loyalty", "adjust", id, "--idempotency-key", "has space"}, ok...), "idempotency-key"},
			{"missing env var", noKey, append([]string{"loyalty", "adjust", id}, ok...), "FRONTDESK_API_KEY"},
			{"no customer id", sup, append([]string{"loyalty", "adjust"}, ok...), "CUSTOMER_ID"},
			{"non-numeric page", sup, []string{"customers", "search", "a", "--page", "two"}, "page"},
			{"page zero", sup, []string{"customers", "search", "a", "--page", "0"}, "--page"},
			{"limit too big", sup, []string{"orders", "list", id, "--limit", "1000"}, "--limit"},
			{"bad sort", sup, []string{"customers", "search", "a", "--sort", "oldest"}, "--sort"},
		} {
			r := runCLI(t, tc.vars, tc.args...)
			if r.code != 2 {
				t.Errorf("%s: exit %d, want 2\nstdout %s\nstderr %s", tc.name, r.code, r.stdout, r.stderr)
				continue
			}
			if !strings.Contains(r.stderr, tc.say) {
				t.Errorf("%s: stderr %q does not say %q", tc.name, r.stderr, tc.say)
			}
		}
		// All three problems at once are all reported.
		r := runCLI(t, sup, "loyalty", "adjust", id, "--points", "0", "--reason", "x", "--note", "")
		r.want(t, 2)
		for _, want := range []string{"--points", "--reason", "--note"} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("combined error lacks %s: %s", want, r.stderr)
			}
		}
		if rows, bal := ledgerCount(t, env, id); rows != rows0 || bal != bal0 {
			t.Fatalf("bad input changed the ledger: rows %d→%d balance %d→%d", rows0, rows, bal0, bal)
		}
	})

	t.Run("exit codes from the API", func(t *testing.T) {
		r := runCLI(t, sup, "customers", "show", "99999999")
		r.want(t, 3)
		if !strings.Contains(r.stderr, "not found") {
			t.Errorf("404 says %q", r.stderr)
		}
		runCLI(t, sup, "loyalty", "adjust", "99999999", "--points", "5", "--reason", "goodwill", "--note", "nobody").want(t, 3)

		rows0, bal0 := ledgerCount(t, env, id)
		viewer := apiEnv(t, env, "viewer")
		r = runCLI(t, viewer, "loyalty", "adjust", id, "--points", "5", "--reason", "goodwill", "--note", "viewer tries")
		r.want(t, 4)

		agent := apiEnv(t, env, "agent")
		r = runCLI(t, agent, "loyalty", "adjust", id, "--points", strconv.Itoa(sandboxtest.LoyaltyLimit+1), "--reason", "goodwill", "--note", "too generous")
		r.want(t, 4)

		r = runCLI(t, sup, "loyalty", "adjust", id, "--points", strconv.FormatInt(-(bal0+1), 10), "--reason", "correction", "--note", "take too much")
		r.want(t, 5)
		if !strings.Contains(r.stderr, "insufficient_points") {
			t.Errorf("422 says %q", r.stderr)
		}
		// Same key, another body: 422 key reused.
		r = runCLI(t, sup, "loyalty", "adjust", id, "--points", "7", "--reason", "goodwill", "--note", "late delivery", "--idempotency-key", "cli-test-key-1")
		r.want(t, 5)

		bad := apiEnv(t, env, "supervisor")
		bad["FRONTDESK_API_SECRET"] = "cs_wrong"
		runCLI(t, bad, "loyalty", "show", id).want(t, 4)

		if rows, bal := ledgerCount(t, env, id); rows != rows0 || bal != bal0 {
			t.Fatalf("refused adjustments changed the ledger: rows %d→%d balance %d→%d", rows0, rows, bal0, bal)
		}

		down := apiEnv(t, env, "supervisor")
		down["FRONTDESK_API_URL"] = "http://127.0.0.1:1"
		r = runCLI(t, down, "loyalty", "adjust", id, "--points", "5", "--reason", "goodwill", "--note", "store is down", "--idempotency-key", "k-down")
		r.want(t, 1)
		if !strings.Contains(r.stderr, "cannot reach the store") || !strings.Contains(r.stderr, "--idempotency-key k-down") {
			t.Errorf("transport error says %q", r.stderr)
		}
	})
}

// TestReadOnlyProfileRefusesAdjust: a profile marked read_only lends that
// mark to the same key given through the environment; adjust then
// refuses with exit 4 before any request.
func TestReadOnlyProfileRefusesAdjust(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 20})
	vars := apiEnv(t, env, "supervisor")
	c := &config.Config{Path: filepath.Join(vars["XDG_CONFIG_HOME"], "frontdesk", "config.toml")}
	if err := c.SetProfile("ro", config.Profile{URL: env.URL, KeyID: env.Keys["supervisor"].KeyID, ReadOnly: true}); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	var id string
	env.DB.QueryRow(`SELECT id FROM customers WHERE status = 'active' ORDER BY id LIMIT 1`).Scan(&id)
	rows0, bal0 := ledgerCount(t, env, id)
	r := runCLI(t, vars, "loyalty", "adjust", id, "--points", "5", "--reason", "goodwill", "--note", "read only")
	r.want(t, 4)
	if !strings.Contains(r.stderr, "read-only") {
		t.Errorf("stderr %q", r.stderr)
	}
	if rows, bal := ledgerCount(t, env, id); rows != rows0 || bal != bal0 {
		t.Fatalf("read-only profile changed the ledger")
	}
	runCLI(t, vars, "loyalty", "show", id).want(t, 0)
}

func TestHostileRecordsPrintInert(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 30})
	sup := apiEnv(t, env, "supervisor")
	r := runCLI(t, sup, "customers", "search", "hostile-", "--limit", "100")
	r.want(t, 0)
	for _, kind := range seed.HostileKinds() {
		email := seed.HostileEmail(kind)
		if !strings.Contains(r.stdout, email) {
			t.Errorf("search lacks %s", email)
		}
		var id int64
		if err := env.DB.QueryRow(`SELECT id FROM customers WHERE email = ?`, email).Scan(&id); err != nil {
			t.Fatal(err)
		}
		sid := strconv.FormatInt(id, 10)
		for _, args := range [][]string{
			{"customers", "show", sid}, {"orders", "list", sid}, {"loyalty", "show", sid},
			{"customers", "show", sid, "--json"},
		} {
			r := runCLI(t, sup, args...) // runCLI fails the test on any ESC, BEL or C1 byte
			r.want(t, 0, args...)
		}
	}
	// --json escapes C1 controls but still decodes to the stored value.
	var c1ID int64
	var c1First string
	env.DB.QueryRow(`SELECT id, first_name FROM customers WHERE email = ?`, seed.HostileEmail("c1")).Scan(&c1ID, &c1First)
	r = runCLI(t, sup, "customers", "show", fmt.Sprint(c1ID), "--json")
	var data api.CustomerEnvelope
	if err := json.Unmarshal([]byte(r.stdout), &data); err != nil || data.Customer.FirstName != c1First || !strings.Contains(r.stdout, `\u009b`) {
		t.Errorf("c1 --json: first name %q, want %q (%v)", data.Customer.FirstName, c1First, err)
	}

	// The ESC of the osc52 record is shown as a visible picture.
	var id int64
	env.DB.QueryRow(`SELECT id FROM customers WHERE email = ?`, seed.HostileEmail("osc52")).Scan(&id)
	r = runCLI(t, sup, "customers", "show", fmt.Sprint(id))
	if !strings.Contains(r.stdout, "␛]52;c;") {
		t.Errorf("osc52 name not shown inert:\n%s", r.stdout)
	}
}
