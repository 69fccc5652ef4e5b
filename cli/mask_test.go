package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"frontdesk/api"
	"frontdesk/config"
	"frontdesk/sandbox/sandboxtest"
)

// realValues are every email and phone of the sandbox's customers, from
// the database itself: what a masked run's output must never hold.
func realValues(t *testing.T, env *sandboxtest.Env) (emails, phones []string) {
	t.Helper()
	rows, err := env.DB.Query(`SELECT email, coalesce(phone, '') FROM customers`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var e, p string
		if err := rows.Scan(&e, &p); err != nil {
			t.Fatal(err)
		}
		emails = append(emails, e)
		if p != "" {
			phones = append(phones, p)
		}
	}
	if len(emails) < 10 || len(phones) < 10 {
		t.Fatalf("the sandbox has %d emails and %d phones", len(emails), len(phones))
	}
	return emails, phones
}

func wantMasked(t *testing.T, what, out string, emails, phones []string) {
	t.Helper()
	for _, s := range append(append([]string{}, emails...), phones...) {
		if strings.Contains(out, s) {
			t.Errorf("%s shows %q unmasked:\n%.800s", what, s, out)
			return
		}
	}
	if !strings.Contains(out, "•••") {
		t.Errorf("%s shows no mask at all:\n%.800s", what, out)
	}
}

// maskedProfile lends mask_pii to the supervisor key given through the
// environment (a profile with the same key id).
func maskedProfile(t *testing.T, env *sandboxtest.Env) map[string]string {
	t.Helper()
	vars := apiEnv(t, env, "supervisor")
	c := &config.Config{Path: filepath.Join(vars["XDG_CONFIG_HOME"], "frontdesk", "config.toml")}
	if err := c.SetProfile("shared-screen", config.Profile{URL: env.URL, KeyID: env.Keys["supervisor"].KeyID, MaskPII: true}); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	return vars
}

// A viewer's CLI output and --json, and a supervisor's on a mask_pii
// profile, never show an email or phone: search, show, export, orders
// and the audit trail. The supervisor without the mark sees them.
func TestMaskedCLIOutput(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 40})
	emails, phones := realValues(t, env)
	var id string
	if err := env.DB.QueryRow(`SELECT customer_id FROM orders GROUP BY customer_id ORDER BY count(*) DESC LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	var number string
	if err := env.DB.QueryRow(`SELECT number FROM orders WHERE customer_id = ? LIMIT 1`, id).Scan(&number); err != nil {
		t.Fatal(err)
	}
	cmds := [][]string{
		{"customers", "search", "254", "--limit", "100"},
		{"customers", "search", "254", "--limit", "100", "--json"},
		{"customers", "show", id},
		{"customers", "show", id, "--json"},
		{"orders", "find", number, "--json"},
	}
	for name, vars := range map[string]map[string]string{
		"viewer":              apiEnv(t, env, "viewer"),
		"supervisor+mask_pii": maskedProfile(t, env),
	} {
		for _, args := range cmds {
			r := runCLI(t, vars, args...)
			r.want(t, 0, args...)
			wantMasked(t, name+" "+strings.Join(args, " "), r.stdout, emails, phones)
		}
		// An export goes to a file: the hostile records' bytes are the
		// data, not for a terminal.
		for _, format := range []string{"csv", "jsonl"} {
			out := filepath.Join(t.TempDir(), "export."+format)
			runCLI(t, vars, "customers", "export", "--format", format, "--out", out).want(t, 0)
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			wantMasked(t, name+" export "+format, string(b), emails, phones)
		}
	}
	plain := runCLI(t, apiEnv(t, env, "supervisor"), "customers", "show", id, "--json")
	plain.want(t, 0)
	var c api.CustomerEnvelope
	if err := json.Unmarshal([]byte(plain.stdout), &c); err != nil || !strings.Contains(c.Customer.Email, "@") || api.IsMasked(c.Customer.Email) {
		t.Fatalf("the supervisor without mask_pii sees %q (%v)", c.Customer.Email, err)
	}
}

// customers reveal shows the one field and the reveal is a row in
// `audit list`; without a reason it is a usage error and sends nothing.
func TestRevealCommand(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 20})
	viewer := apiEnv(t, env, "viewer")
	var id, email, phone string
	if err := env.DB.QueryRow(`SELECT id, email, phone FROM customers WHERE phone <> '' ORDER BY id LIMIT 1`).Scan(&id, &email, &phone); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, viewer, "customers", "reveal", id, "email")
	r.want(t, 2)
	if !strings.Contains(r.stderr, "reason") {
		t.Errorf("stderr %q, want the reason asked for", r.stderr)
	}
	runCLI(t, viewer, "customers", "reveal", id, "first_name", "--reason", "why not").want(t, 2)

	r = runCLI(t, viewer, "customers", "reveal", id, "email", "--reason", "caller verification")
	r.want(t, 0)
	if !strings.Contains(r.stdout, email) {
		t.Errorf("reveal email printed %q, want %q", r.stdout, email)
	}
	r = runCLI(t, viewer, "customers", "reveal", id, "phone", "--reason", "call back", "--json")
	r.want(t, 0)
	var res api.RevealResult
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || res.Value != phone || res.Field != "phone" {
		t.Errorf("reveal --json = %q (%v), want phone %q", r.stdout, err, phone)
	}

	// The supervisor on a mask_pii profile reveals too.
	r = runCLI(t, maskedProfile(t, env), "customers", "reveal", id, "email", "--reason", "shared screen check")
	r.want(t, 0)

	r = runCLI(t, viewer, "audit", "list", "--customer", id, "--json")
	r.want(t, 0)
	if n := strings.Count(r.stdout, api.ActionCustomerReveal); n != 3 {
		t.Errorf("audit list shows %d reveals, want 3:\n%s", n, r.stdout)
	}
	for _, want := range []string{"caller verification", "call back", "shared screen check"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("audit list lacks the reason %q", want)
		}
	}
	if strings.Contains(r.stdout, email) || strings.Contains(r.stdout, phone) {
		t.Errorf("audit list records a revealed value:\n%s", r.stdout)
	}
	r = runCLI(t, viewer, "audit", "list", "--customer", id)
	r.want(t, 0)
	if !strings.Contains(r.stdout, api.ActionCustomerReveal) {
		t.Errorf("audit list (table) lacks the reveal:\n%s", r.stdout)
	}
}
