package e2e

import (
	"database/sql"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"frontdesk/client/openapi"
)

// openapiServe runs `frontdesk sandbox serve --dialect openapi` on a
// seeded SQLite file and returns what it printed: the url, the key (the
// profile's label), the secret (the Core API key) and the site. It is
// stopped (SIGTERM) when the test ends.
func openapiServe(t *testing.T, bin, dbPath, customers string) map[string]string {
	t.Helper()
	return dialectServe(t, bin, "openapi", dbPath, customers, "key", "secret", "site")
}

// TestConsoleOnOpenAPIPlatform drives the console in tmux on the
// openapi (Pelcro) platform against `sandbox serve --dialect openapi`.
// Pelcro has no customer search: the console starts on the id box with
// Pelcro's sentence, opens the customer whose id is typed (Core API),
// and saves an edit of the first name; a change made behind the
// console's back since it read the customer is reported as a conflict,
// not overwritten. What Pelcro cannot do — orders, loyalty, acting on
// behalf — is absent or refused with the driver's sentence.
func TestConsoleOnOpenAPIPlatform(t *testing.T) {
	consoleNeedTmux(t)
	bin := buildFrontdesk(t)
	x := newConsoleTmux(t, bin, 160, 48)
	dbPath := filepath.Join(x.dir, "pelcro.db")
	cr := openapiServe(t, bin, dbPath, "300")
	if !strings.HasPrefix(cr["secret"], "pelcro_sandbox_") || cr["site"] != "1" {
		t.Fatalf("credentials: key %q, site %q, secret prefix wrong", cr["key"], cr["site"])
	}

	x.run("FRONTDESK_PLATFORM=openapi FRONTDESK_API_OPTIONS=site=" + cr["site"] + " FRONTDESK_API_URL=" + cr["url"] +
		" FRONTDESK_API_KEY=" + cr["key"] + " FRONTDESK_API_SECRET=" + cr["secret"] + ` frontdesk; echo "EXIT:$?"`)
	x.waitFor(20*time.Second, "Customer id:", "No customer search: "+openapi.ReasonNoSearch, "Pelcro API key for site 1")

	// An id that is not there, then one that is.
	x.typeText("999999")
	x.keys("Enter")
	x.waitFor(10*time.Second, "No customer 999999.")
	x.keys("Escape")
	x.waitUntil(10*time.Second, "back on the id box", func(s string) bool {
		return strings.Contains(s, "Customer id:") && !strings.Contains(s, "No customer 999999.")
	})
	x.keys("Escape")
	x.waitUntil(10*time.Second, "the box left", func(s string) bool { return !strings.Contains(s, "esc leave the box") })
	x.keys("/")
	for range len("999999") {
		x.keys("BSpace")
	}
	cust := consolePickCustomer(t, dbPath)
	id := strconv.FormatInt(cust.id, 10)
	x.typeText(id)
	x.keys("Enter")
	tabs := x.waitFor(10*time.Second, "1 Overview", cust.email, "id "+id)
	if strings.Contains(tabs, "Orders") || strings.Contains(tabs, "Loyalty") || strings.Contains(tabs, "Notes") {
		t.Fatalf("Pelcro's profile has no orders, loyalty or notes:\n%s", tabs)
	}

	// a and o: refused with the driver's sentences.
	x.keys("a")
	x.waitFor(10*time.Second, "adjust points: "+openapi.ReasonNoLoyalty)
	x.keys("o")
	x.waitFor(10*time.Second, "act on behalf: "+openapi.ReasonNoOnBehalf[:60])

	// e: change the first name and save; the profile comes back with
	// it (its title line, which the form does not show), and the store
	// has it.
	var last string
	if err := openRO(t, dbPath).QueryRow(`SELECT last_name FROM customers WHERE id = ?`, cust.id).Scan(&last); err != nil {
		t.Fatal(err)
	}
	x.keys("e")
	x.waitFor(10*time.Second, "› Edit profile", "First name", "version ")
	x.keys("C-u")
	x.typeText("Wanjiru")
	x.keys("C-s")
	x.waitUntil(10*time.Second, "the profile with the new name", func(s string) bool {
		return strings.Contains(s, "Wanjiru "+last+" · "+cust.email) && !strings.Contains(s, "Edit profile")
	})
	x.waitUntil(10*time.Second, "the first name stored", func(string) bool {
		var first string
		openRO(t, dbPath).QueryRow(`SELECT first_name FROM customers WHERE id = ?`, cust.id).Scan(&first)
		return first == "Wanjiru"
	})

	// Someone else changes the last name (straight in the store) after
	// the console read the customer: saving an edit made on the old
	// version is a conflict, and the other change is not overwritten.
	x.keys("e")
	x.waitFor(10*time.Second, "› Edit profile", "First name")
	rw := openRW(t, dbPath)
	if _, err := rw.Exec(`UPDATE customers SET last_name = 'Behind-The-Back' WHERE id = ?`, cust.id); err != nil {
		t.Fatal(err)
	}
	x.keys("C-u")
	x.typeText("Njeri")
	x.keys("C-s")
	x.waitFor(10*time.Second, "Someone else saved this customer", "Behind-The-Back", "Re-apply my changes")
	var first string
	openRO(t, dbPath).QueryRow(`SELECT first_name, last_name FROM customers WHERE id = ?`, cust.id).Scan(&first, &last)
	if first != "Wanjiru" || last != "Behind-The-Back" {
		t.Fatalf("after the conflict the store has %q %q", first, last)
	}
	// Re-applying sends the first name alone, on the new version.
	x.keys("Enter")
	x.waitUntil(10*time.Second, "the profile after re-applying", func(s string) bool {
		return strings.Contains(s, "Njeri Behind-The-Back · "+cust.email) && !strings.Contains(s, "Edit profile")
	})
	openRO(t, dbPath).QueryRow(`SELECT first_name, last_name FROM customers WHERE id = ?`, cust.id).Scan(&first, &last)
	if first != "Njeri" || last != "Behind-The-Back" {
		t.Fatalf("after re-applying the store has %q %q", first, last)
	}
	x.keys("q")
	x.waitFor(10*time.Second, "Customer id:")
	// esc leaves the box (waited for: an esc followed at once by q
	// reads as alt+q), then q quits.
	x.keys("Escape")
	x.waitUntil(10*time.Second, "the box left", func(s string) bool { return !strings.Contains(s, "esc leave the box") })
	x.keys("q")
	x.waitFor(15*time.Second, "EXIT:0")
}

// openRW opens the sandbox's database for a write behind the server's
// back (WAL lets both hold it).
func openRW(t *testing.T, dbPath string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+dbPath+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestCLIOnOpenAPIPlatform: the CLI on the openapi platform prints
// frontdesk's own shapes for a customer shown by id, and exits 6 with the
// driver's sentence for what Pelcro cannot do (search, orders).
func TestCLIOnOpenAPIPlatform(t *testing.T) {
	bin := buildFrontdesk(t)
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "pelcro.db")
	cr := openapiServe(t, bin, dbPath, "50")
	cust := consolePickCustomer(t, dbPath)
	id := strconv.FormatInt(cust.id, 10)
	run := func(args ...string) (string, string, int) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = []string{"HOME=" + dir, "XDG_CONFIG_HOME=" + filepath.Join(dir, "cfg"), "XDG_STATE_HOME=" + filepath.Join(dir, "state"),
			"PATH=/usr/bin:/bin", "FRONTDESK_PLATFORM=openapi", "FRONTDESK_API_OPTIONS=site=" + cr["site"],
			"FRONTDESK_API_URL=" + cr["url"], "FRONTDESK_API_KEY=" + cr["key"], "FRONTDESK_API_SECRET=" + cr["secret"]}
		var out, errOut strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(out.String()+errOut.String(), cr["secret"]) {
			t.Fatalf("frontdesk %s printed the API key", strings.Join(args, " "))
		}
		return out.String(), errOut.String(), code
	}

	out, errOut, code := run("customers", "show", id, "--json")
	var got struct {
		Customer struct {
			ID             json.Number `json:"id"`
			Email          string      `json:"email"`
			EmailConfirmed *bool       `json:"email_confirmed"`
		} `json:"customer"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &got) != nil || got.Customer.ID.String() != id || got.Customer.Email != cust.email ||
		got.Customer.EmailConfirmed == nil {
		t.Fatalf("customers show: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"customers", "search", "wan"}, openapi.ReasonNoSearch},
		{[]string{"orders", "list", id}, openapi.ReasonNoOrders},
	} {
		out, errOut, code := run(tc.args...)
		if code != 6 || !strings.Contains(errOut, tc.says) {
			t.Errorf("frontdesk %s: exit %d, want 6 with %q\n%s%s", strings.Join(tc.args, " "), code, tc.says, out, errOut)
		}
	}
}
