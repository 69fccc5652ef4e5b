package e2e

import (
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"frontdesk/api"
	checdialect "frontdesk/dialect/chec"
)

// checServe runs `frontdesk sandbox serve --dialect chec` on a seeded
// SQLite file and returns the url, key (public key) and secret (secret
// key) it printed. It is stopped (SIGTERM) when the test ends.
func checServe(t *testing.T, bin, dbPath string, customers string) (url, key, secret string) {
	t.Helper()
	l := dialectServe(t, bin, "chec", dbPath, customers, "key", "secret")
	return l["url"], l["key"], l["secret"]
}

// TestConsoleOnChecPlatform drives the console in tmux on the chec
// platform, against `sandbox serve --dialect chec` (Commerce.js REST v1):
// search by a fragment of an email, open the profile, read the orders
// and one order, edit the first name; then someone else changes the
// customer while the agent edits, and the driver's re-read before its PUT
// shows the conflict as a 412 would. What Chec lacks has no tab (Loyalty,
// Notes) or says Chec's sentence (acting on behalf).
func TestConsoleOnChecPlatform(t *testing.T) {
	consoleNeedTmux(t)
	bin := buildFrontdesk(t)
	x := newConsoleTmux(t, bin, 160, 48)
	dbPath := filepath.Join(x.dir, "shop.db")
	url, key, secret := checServe(t, bin, dbPath, "300")

	x.run("FRONTDESK_PLATFORM=chec FRONTDESK_API_URL=" + url + " FRONTDESK_API_KEY=" + key + " FRONTDESK_API_SECRET=" + secret +
		` frontdesk; echo "EXIT:$?"`)
	x.waitFor(20*time.Second, "300 customers", "Chec store "+key)

	cust := consolePickCustomer(t, dbPath)
	cid := checdialect.EncodeID(checdialect.PrefixCustomer, api.ID(strconv.FormatInt(cust.id, 10)))
	var orders int
	var newest string
	db := openRO(t, dbPath)
	if err := db.QueryRow(`SELECT COUNT(*), (SELECT number FROM orders WHERE customer_id = ?1 ORDER BY created_at DESC, id DESC LIMIT 1)
		FROM orders WHERE customer_id = ?1`, cust.id).Scan(&orders, &newest); err != nil || orders == 0 {
		t.Fatalf("orders of %d: %d %q %v", cust.id, orders, newest, err)
	}

	x.typeText(cust.fragment)
	x.waitFor(10*time.Second, `1 customer matching "`+cust.fragment+`"`, cust.email)
	x.keys("Enter")
	tabs := x.waitFor(10*time.Second, "1 Overview", cust.email, "id "+cid)
	if !strings.Contains(tabs, "1 Overview  2 Orders  3 Activity") || strings.Contains(tabs, "Loyalty") || strings.Contains(tabs, "Notes") {
		t.Fatalf("a Chec profile should have Overview, Orders and Activity only:\n%s", tabs)
	}

	// Orders, newest first, and the newest one opened.
	x.keys("2")
	x.waitFor(10*time.Second, strconv.Itoa(orders)+" order", "#"+newest)
	x.keys("Enter")
	x.waitFor(10*time.Second, "Order #"+newest, "Items", "Subtotal", "Shipping")
	x.keys("Escape")
	x.waitFor(10*time.Second, "enter open order", "#"+newest)

	// Acting on behalf is refused with Chec's sentence.
	x.keys("o")
	x.waitFor(10*time.Second, "act on behalf: Commerce.js has no way for a merchant to act as a customer")

	// Edit the first name: PUT /v1/customers/{id}, stored.
	x.keys("1")
	x.waitFor(10*time.Second, "Contact")
	x.keys("e")
	x.waitFor(10*time.Second, "Edit ", "ctrl+s save")
	x.keys("C-u")
	x.typeText("Wairimu")
	x.keys("C-s")
	x.waitFor(10*time.Second, "Saved Wairimu")
	var first, last string
	if err := db.QueryRow(`SELECT first_name, last_name FROM customers WHERE id = ?`, cust.id).Scan(&first, &last); err != nil || first != "Wairimu" {
		t.Fatalf("stored first name %q (%v)", first, err)
	}

	// Someone else changes the last name while the agent edits: Chec's PUT
	// has no version, the driver's re-read catches it and the console
	// shows both sides; re-applying sends only the agent's change.
	x.keys("e")
	x.waitFor(10*time.Second, "Edit ", "ctrl+s save")
	req, err := http.NewRequest("PUT", url+"/v1/customers/"+cid, strings.NewReader(`{"lastname":"Otieno-Kamau"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Authorization", secret)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("the other PUT: %d", resp.StatusCode)
	}
	x.keys("C-u")
	x.typeText("Njeri")
	x.keys("C-s")
	x.waitFor(10*time.Second, "Someone else saved this customer", "Otieno-Kamau", "Re-apply my changes")
	if err := db.QueryRow(`SELECT first_name FROM customers WHERE id = ?`, cust.id).Scan(&first); err != nil || first != "Wairimu" {
		t.Fatalf("the stale edit was written: first name %q (%v)", first, err)
	}
	x.keys("Enter")
	x.waitFor(10*time.Second, "Saved Njeri Otieno-Kamau")
	if err := db.QueryRow(`SELECT first_name, last_name FROM customers WHERE id = ?`, cust.id).Scan(&first, &last); err != nil ||
		first != "Njeri" || last != "Otieno-Kamau" {
		t.Fatalf("after re-applying: %q %q (%v)", first, last, err)
	}
	x.keys("q", "q")
	x.waitFor(10*time.Second, "EXIT:0")
}
