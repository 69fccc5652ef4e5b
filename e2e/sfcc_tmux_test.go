package e2e

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"
)

// sfccServe runs `frontdesk sandbox serve --dialect sfcc` on a seeded
// SQLite file and returns the lines it printed (url, key, secret, site,
// list, auth-url). It is stopped (SIGTERM) when the test ends.
func sfccServe(t *testing.T, bin, dbPath, customers string) map[string]string {
	t.Helper()
	return dialectServe(t, bin, "sfcc", dbPath, customers, "key", "secret", "site", "list", "auth-url")
}

// sfccCustomer is a seeded customer with orders that one word of its
// email finds alone (OCAPI's text_query matches whole words).
type sfccCustomer struct {
	id, email, word, first string
	orderNo, item          string
}

func sfccPickCustomer(t *testing.T, dbPath string) sfccCustomer {
	t.Helper()
	db := openRO(t, dbPath)
	words := func(s string) []string {
		return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	}
	rows, err := db.Query(`SELECT id, email, first_name, last_name, (SELECT count(*) FROM orders o WHERE o.customer_id = c.id) FROM customers c ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		id, email, first, last string
		orders                 int
	}
	var all []row
	count := map[string]int{}
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.email, &r.first, &r.last, &r.orders); err != nil {
			t.Fatal(err)
		}
		all = append(all, r)
		seen := map[string]bool{}
		for _, w := range append(append(words(r.email), words(r.first)...), words(r.last)...) {
			if !seen[w] {
				count[w]++
				seen[w] = true
			}
		}
	}
	rows.Close()
	for _, r := range all[len(all)/3:] {
		w := words(r.email)
		if strings.HasPrefix(r.email, "hostile-") || r.orders < 2 || len(w) == 0 || len(w[0]) < 6 || count[w[0]] != 1 {
			continue
		}
		c := sfccCustomer{id: r.id, email: r.email, word: w[0], first: r.first}
		var oid int64
		var items string
		if err := db.QueryRow(`SELECT id, items FROM orders WHERE customer_id = ? ORDER BY created_at DESC, id DESC LIMIT 1`, r.id).Scan(&oid, &items); err != nil {
			t.Fatal(err)
		}
		var cid int64
		fmt.Sscan(r.id, &cid)
		c.orderNo = fmt.Sprintf("%08d-%d", oid, cid)
		var its []struct {
			Name string `json:"name"`
		}
		if json.Unmarshal([]byte(items), &its) != nil || len(its) == 0 {
			continue
		}
		c.item = its[0].Name
		return c
	}
	t.Fatal("no seeded customer with orders that one word of its email finds alone")
	return sfccCustomer{}
}

// TestConsoleOnSFCCPlatform drives the console in tmux on the sfcc
// platform, against `sandbox serve --dialect sfcc` (OCAPI 20.4): search
// by a word of an email (the Data API's customer_search), open the
// profile, read the orders and one order (Shop API), edit the first
// name (PATCH with If-Match); loyalty and notes are absent, and their
// keys say OCAPI's sentence.
func TestConsoleOnSFCCPlatform(t *testing.T) {
	consoleNeedTmux(t)
	bin := buildFrontdesk(t)
	x := newConsoleTmux(t, bin, 160, 48)
	dbPath := filepath.Join(x.dir, "sfcc.db")
	creds := sfccServe(t, bin, dbPath, "300")

	x.run("FRONTDESK_PLATFORM=sfcc FRONTDESK_API_URL=" + creds["url"] + " FRONTDESK_API_KEY=" + creds["key"] +
		" FRONTDESK_API_SECRET=" + creds["secret"] + " FRONTDESK_API_OPTIONS=site=" + creds["site"] + ",list=" + creds["list"] +
		",auth-url=" + creds["auth-url"] + ` frontdesk; echo "EXIT:$?"`)
	x.waitFor(20*time.Second, "300 customers", "SFCC API client "+creds["key"])

	cust := sfccPickCustomer(t, dbPath)
	x.typeText(cust.word)
	x.waitFor(10*time.Second, `1 customer matching "`+cust.word+`"`, cust.email)
	x.keys("Enter")
	tabs := x.waitFor(10*time.Second, "1 Overview", cust.email)
	if !strings.Contains(tabs, "1 Overview  2 Orders  3 Activity") || strings.Contains(tabs, "Loyalty") || strings.Contains(tabs, "Notes") {
		t.Fatalf("the SFCC profile should have Overview, Orders and Activity only:\n%s", tabs)
	}

	// Orders, newest first, and the newest one opened.
	x.keys("2")
	x.waitFor(10*time.Second, cust.orderNo)
	x.keys("Enter")
	x.waitFor(10*time.Second, cust.orderNo, cust.item)
	x.keys("Escape")
	x.waitFor(10*time.Second, "1 Overview")

	// What OCAPI has not: the keys say so, nothing opens.
	x.keys("1")
	x.waitFor(10*time.Second, cust.email)
	x.keys("a")
	x.waitFor(10*time.Second, "adjust points: Salesforce B2C Commerce (OCAPI) has no loyalty points")
	x.keys("N")
	x.waitFor(10*time.Second, "add note: Salesforce B2C Commerce (OCAPI) keeps no internal support notes")

	// Edit the first name: the store has it after ctrl+s.
	x.keys("e")
	x.waitFor(10*time.Second, "Edit "+cust.first, "First name")
	x.keys("C-u")
	x.typeText("Wairimu")
	x.keys("C-s")
	x.waitFor(10*time.Second, "Wairimu", cust.email)
	deadline := time.Now().Add(10 * time.Second)
	for {
		var first string
		if err := openRO(t, dbPath).QueryRow(`SELECT first_name FROM customers WHERE id = ?`, cust.id).Scan(&first); err != nil {
			t.Fatal(err)
		}
		if first == "Wairimu" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the store's first name is %q after the edit", first)
		}
		time.Sleep(50 * time.Millisecond)
	}
	x.keys("q", "q")
	x.waitFor(10*time.Second, "EXIT:0")
}
