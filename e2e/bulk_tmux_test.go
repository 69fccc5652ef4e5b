package e2e

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestConsoleBulk drives :bulk in the demo console in tmux: the plan
// shows the refused row and why, enter asks, y applies, the screen shows
// each row's result, and the store has the points.
func TestConsoleBulk(t *testing.T) {
	consoleNeedTmux(t)
	bin := buildFrontdesk(t)
	x := newConsoleTmux(t, bin, 160, 40)
	dbPath := filepath.Join(x.dir, "demo.db")
	x.run("frontdesk demo --customers 200 --db " + dbPath + `; echo "EXIT:$?"`)
	x.waitFor(20*time.Second, "frontdesk · demo", "200 customers")

	cust := consolePickCustomer(t, dbPath)
	file := filepath.Join(x.dir, "fixes.csv")
	csv := fmt.Sprintf("customer,points,reason,note\n%d,40,goodwill,late delivery\n99999991,5,goodwill,late delivery\n%s,-15,correction,double earn\n",
		cust.id, cust.email)
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	// Out of the search box first (the sort key shows), so ":" opens the
	// palette and the next key is not glued to the ESC.
	x.keys("Escape")
	x.waitFor(10*time.Second, "sort: newest (s)")
	x.typeText(":bulk " + file)
	x.keys("Enter")
	x.waitFor(20*time.Second, "3 rows: 2 ok for 1 customer", "no customer with this id", "Nothing is changed yet")
	x.keys("Enter")
	x.waitFor(10*time.Second, "Apply 2 adjustments to 1 customer now?")
	x.keys("y")
	x.waitFor(20*time.Second, "Done: 2 applied, 0 replayed, 1 refused")

	db, err := sql.Open("sqlite", "file:"+dbPath+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var bal int64
	if err := db.QueryRow(`SELECT points_balance FROM loyalty_accounts WHERE customer_id = ?`, cust.id).Scan(&bal); err != nil {
		t.Fatal(err)
	}
	if bal != cust.balance+25 {
		t.Fatalf("balance %d, want %d", bal, cust.balance+25)
	}

	x.keys("Escape")
	x.waitUntil(10*time.Second, "the bulk screen to close", func(s string) bool {
		return !strings.Contains(s, "Bulk corrections")
	})
	x.keys("C-c")
	x.waitFor(10*time.Second, "EXIT:0")
}
