package e2e

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"frontdesk/api"
	tybritedialect "frontdesk/dialect/tybrite"
)

// tybriteServe runs `frontdesk sandbox serve --dialect tybrite` on a
// seeded SQLite file and returns what it printed after starting: url,
// key, secret and currency. It is stopped (SIGTERM) when the test ends.
func tybriteServe(t *testing.T, bin, dbPath, customers string) map[string]string {
	t.Helper()
	return dialectServe(t, bin, "tybrite", dbPath, customers, "key", "secret", "currency")
}

// TestConsoleOnTybritePlatform drives the console in tmux on the tybrite
// platform, against `sandbox serve --dialect tybrite` (Galactic Core's
// wire format and keys): there is no search, so the console starts on the
// id box with Tybrite's reason; the customer opened by their uuid shows
// why the profile cannot be read, and their orders and one order in
// full; edit, loyalty and acting on behalf are greyed with the platform's
// sentences; a new customer is created with the secret key.
func TestConsoleOnTybritePlatform(t *testing.T) {
	consoleNeedTmux(t)
	bin := buildFrontdesk(t)
	x := newConsoleTmux(t, bin, 160, 48)
	dbPath := filepath.Join(x.dir, "shop.db")
	cr := tybriteServe(t, bin, dbPath, "300")
	if !strings.HasPrefix(cr["secret"], "tybrite_sk_test_"+cr["key"]+"_cs_") || cr["currency"] != "KES" {
		t.Fatalf("credentials: %v", cr)
	}

	// A customer with a few orders, the newest with items.
	db := openRO(t, dbPath)
	var id, number, items string
	var count int
	if err := db.QueryRow(`SELECT o.customer_id, o.number, o.items, (SELECT count(*) FROM orders x WHERE x.customer_id = o.customer_id)
		FROM orders o WHERE (SELECT count(*) FROM orders x WHERE x.customer_id = o.customer_id) BETWEEN 2 AND 15
		ORDER BY o.customer_id, o.created_at DESC, o.id DESC LIMIT 1`).Scan(&id, &number, &items, &count); err != nil {
		t.Fatal(err)
	}
	var lines []api.OrderItem
	if err := json.Unmarshal([]byte(items), &lines); err != nil || len(lines) == 0 {
		t.Fatalf("items of order %s: %s (%v)", number, items, err)
	}
	uuid, ok := tybritedialect.CustomerUUID(api.ID(id))
	if !ok {
		t.Fatal("no uuid for customer", id)
	}

	x.run("FRONTDESK_PLATFORM=tybrite FRONTDESK_API_URL=" + cr["url"] + " FRONTDESK_API_KEY=" + cr["key"] + " FRONTDESK_API_SECRET=" + cr["secret"] +
		" FRONTDESK_API_OPTIONS=currency=" + cr["currency"] + ` frontdesk; echo "EXIT:$?"`)
	x.waitFor(20*time.Second, "Customer id:", "No customer search: Tybrite has no customer list or search", "Tybrite key tybrite_sk_test_…")

	// Open by the uuid typed: the profile says why it is empty; the
	// orders are there.
	x.typeText(uuid)
	x.keys("Enter")
	x.waitFor(10*time.Second, "Customer "+uuid, "shows and changes a customer's profile only to the customer", "2 Orders")
	x.keys("2")
	list := x.waitFor(10*time.Second, "#"+number, "KES ")
	if strings.Contains(list, "Loyalty") || strings.Contains(list, "Notes") {
		t.Errorf("a tybrite profile has no Loyalty or Notes tab:\n%s", list)
	}
	if !strings.Contains(list, itoa(count)+" orders") {
		t.Errorf("want %d orders:\n%s", count, list)
	}
	x.keys("Enter")
	x.waitFor(10*time.Second, "Order #"+number, lines[0].SKU, "Total")
	x.keys("Escape")
	x.waitFor(10*time.Second, itoa(count)+" orders")

	// What Tybrite does not allow is greyed with its sentence.
	x.keys("e")
	x.waitFor(10*time.Second, "edit profile: Tybrite shows and changes a customer's profile only to the customer")
	x.keys("?")
	help := x.waitFor(10*time.Second, "act on behalf", "adjust points")
	for _, want := range []string{"Tybrite cannot give an agent a session as a customer", "Tybrite has no loyalty points API", "Tybrite has no internal notes"} {
		if !strings.Contains(strings.Join(strings.Fields(help), " "), want) {
			t.Errorf("? should say %q:\n%s", want, help)
		}
	}
	// (Each escape waits for its effect: an escape followed at once by a
	// key reaches the console as alt+key.)
	x.keys("Escape")
	x.waitUntil(10*time.Second, "the help to close", func(s string) bool { return !strings.Contains(s, "Keys —") })

	// A new customer, with the secret key.
	x.keys("q")
	x.waitFor(10*time.Second, "Customer id:")
	x.keys("Escape")
	x.waitFor(10*time.Second, "type an id")
	x.keys("n")
	x.waitFor(10*time.Second, "New customer", "Email")
	x.typeText("wanjiku.e2e@example.net")
	x.keys("Tab")
	x.typeText("Wanjiku")
	x.keys("Tab")
	x.typeText("Kamau Njoroge")
	x.keys("C-s")
	x.waitFor(10*time.Second, "Created Wanjiku Kamau Njoroge (customer 00000000-0000-4000-8000-")
	var first, last string
	if err := db.QueryRow(`SELECT first_name, last_name FROM customers WHERE email = 'wanjiku.e2e@example.net'`).Scan(&first, &last); err != nil ||
		first != "Wanjiku" || last != "Kamau Njoroge" {
		t.Fatalf("created: %q %q (%v)", first, last, err)
	}
	x.keys("Escape")
	x.waitFor(10*time.Second, "type an id")
	x.keys("q")
	x.waitFor(10*time.Second, "EXIT:0")
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
