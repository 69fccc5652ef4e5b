package e2e

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"frontdesk/money"
)

// storeServe runs `frontdesk sandbox serve --dialect store` on a seeded
// SQLite file and returns the url, key and secret it printed. It is
// stopped (SIGTERM) when the test ends.
func storeServe(t *testing.T, bin, dbPath string, customers string) (url, key, secret string) {
	t.Helper()
	l := dialectServe(t, bin, "store", dbPath, customers, "key", "secret")
	return l["url"], l["key"], l["secret"]
}

// TestConsoleOnStorePlatform drives the console in tmux on the store
// platform, against `sandbox serve --dialect store` (the seed-004 API):
// search by a fragment of an email, open the profile, read the loyalty
// balance; the tabs the store cannot fill say the store's sentence, and
// an edit is refused with it.
//
// The console builds its tabs from the driver's Capabilities: no Orders
// or Notes tab, the Loyalty tab without adjusting, and every change
// refused with the store's sentence before anything is sent.
func TestConsoleOnStorePlatform(t *testing.T) {
	consoleNeedTmux(t)
	bin := buildFrontdesk(t)
	x := newConsoleTmux(t, bin, 160, 48)
	dbPath := filepath.Join(x.dir, "shop.db")
	url, key, secret := storeServe(t, bin, dbPath, "300")

	x.run("FRONTDESK_PLATFORM=store FRONTDESK_API_URL=" + url + " FRONTDESK_API_KEY=" + key + " FRONTDESK_API_SECRET=" + secret +
		` frontdesk; echo "EXIT:$?"`)
	x.waitFor(20*time.Second, "300 customers", "API key "+key)

	cust := consolePickCustomer(t, dbPath)
	x.typeText(cust.fragment)
	x.waitFor(10*time.Second, `1 customer matching "`+cust.fragment+`"`, cust.email)
	x.keys("Enter")
	tabs := x.waitFor(10*time.Second, "1 Overview", cust.email)
	if !strings.Contains(tabs, "1 Overview  2 Loyalty  3 Activity") || strings.Contains(tabs, "Orders") || strings.Contains(tabs, "Notes") {
		t.Fatalf("the store's profile should have Overview, Loyalty and Activity only:\n%s", tabs)
	}
	x.keys("2")
	x.waitFor(10*time.Second, "balance "+money.Int(cust.balance)+" points")

	// a and e: refused with the store's sentence; nothing opens, nothing
	// is sent.
	x.keys("a")
	x.waitFor(10*time.Second, "adjust points: this store's API is read-only")
	x.keys("1")
	x.waitFor(10*time.Second, cust.email)
	x.keys("e")
	s := x.waitFor(10*time.Second, "edit profile: this store's API is read-only")
	if strings.Contains(s, "ctrl+s") {
		t.Errorf("e opened the edit form on a read-only store:\n%s", s)
	}
	var first string
	if err := openRO(t, dbPath).QueryRow(`SELECT first_name FROM customers WHERE id = ?`, cust.id).Scan(&first); err != nil || first == "" {
		t.Fatalf("first name %q (%v)", first, err)
	}
	x.keys("q", "q")
	x.waitFor(10*time.Second, "EXIT:0")
}

func openRO(t *testing.T, dbPath string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+dbPath+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
