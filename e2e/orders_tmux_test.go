package e2e

import (
	"database/sql"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/server"
	"frontdesk/store/postgres"
	"frontdesk/store/postgres/pgtest"
)

// quotedOrder is an order as a customer quotes it and who placed it.
type quotedOrder struct {
	number string // FD-00001584
	quoted string // what the agent pastes
	name   string // the customer's name
	email  string
}

// pasteOrderNumber pastes o.quoted into the search box (a real
// bracketed paste through tmux's buffer) and checks that the order shows
// on top with its customer, that enter lands on the customer's Orders tab
// with the order marked, and that :order opens the order itself.
func pasteOrderNumber(t *testing.T, x *consoleTmux, o quotedOrder) {
	t.Helper()
	x.tmux("set-buffer", "--", o.quoted)
	x.tmux("paste-buffer", "-p", "-d", "-t", "fd")
	x.waitFor(10*time.Second, "Order #"+o.number+" · "+o.name, "order #"+o.number)
	x.keys("Enter")
	s := x.waitFor(10*time.Second, "▸#"+o.number, "2 Orders", o.email)
	if !strings.Contains(s, o.name) {
		t.Fatalf("landed on another customer than %s:\n%s", o.name, s)
	}
	x.typeText(":order " + o.quoted)
	x.keys("Enter")
	x.waitFor(10*time.Second, "Order #"+o.number, "Items")
	x.keys("C-c")
	x.waitFor(10*time.Second, "EXIT:0")
}

// An agent pastes an order number from a customer's message into the
// search box and lands on the right customer and order, in tmux, on each
// engine the desk server has.
func TestConsoleFindsOrderByNumber(t *testing.T) {
	consoleNeedTmux(t)
	bin := buildFrontdesk(t)

	t.Run("sqlite", func(t *testing.T) {
		x := newConsoleTmux(t, bin, 160, 48)
		dbPath := filepath.Join(x.dir, "demo.db")
		x.run("frontdesk demo --customers 300 --db " + dbPath + `; echo "EXIT:$?"`)
		x.waitFor(30*time.Second, "page 1 of 6 · 300 customers")
		db, err := sql.Open("sqlite", "file:"+dbPath+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var o quotedOrder
		// An order from the middle of the store, of a customer whose name
		// and email are plain text (not one of the hostile records).
		if err := db.QueryRow(`SELECT o.number, c.first_name || ' ' || c.last_name, c.email FROM orders o JOIN customers c ON c.id = o.customer_id
			WHERE c.email NOT LIKE 'hostile-%' AND c.first_name GLOB '[A-Za-z]*' AND c.first_name NOT GLOB '*[^A-Za-z]*'
			AND c.last_name NOT GLOB '*[^A-Za-z]*' AND o.id >= (SELECT max(id) / 2 FROM orders) ORDER BY o.id LIMIT 1`).Scan(&o.number, &o.name, &o.email); err != nil {
			t.Fatal(err)
		}
		o.quoted = "  " + o.number + " " // as copied from an email, spaces and all
		pasteOrderNumber(t, x, o)
	})

	t.Run("postgres", func(t *testing.T) {
		dsn := pgtest.DSN(t)
		srv := serve(t, bin, []string{"server", "--db", dsn, "--addr", "127.0.0.1:" + freePort(t), "--rate-limit", "-1"}, "key", "secret")
		boot := server.Key{KeyID: srv.Lines["key"], Secret: srv.Lines["secret"]}
		// Two customers through the API; their orders straight into the
		// database (the API never writes orders).
		var ids []api.ID
		for i, name := range [][2]string{{"Amina", "Odhiambo"}, {"Baraka", "Mwangi"}} {
			var out api.CustomerEnvelope
			if code := postJSON(t, srv.URL(), boot, "/customers", api.CustomerCreate{
				Email: fmt.Sprintf("order-e2e-%d@example.co.ke", i), FirstName: name[0], LastName: name[1],
			}, nil, &out); code != http.StatusCreated {
				t.Fatalf("create customer %s: %d", name[0], code)
			}
			ids = append(ids, out.Customer.ID)
		}
		st, err := postgres.Open(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		at := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
		var orders []api.Order
		for i, n := range []int{4241, 4242, 4243} {
			orders = append(orders, api.Order{Number: fmt.Sprintf("FD-%08d", n), CustomerID: ids[(i+1)%2], Status: api.OrderShipped,
				PaymentStatus: "paid", FulfillmentStatus: "shipped", Currency: "KES", Subtotal: 1500_00, Total: 1500_00, ItemCount: 1,
				CreatedAt: at.Add(time.Duration(i) * time.Hour), Items: []api.OrderItem{{SKU: "KIK-1", Name: "Kikoi", Quantity: 1, UnitPrice: 1500_00, Total: 1500_00}}})
		}
		if _, err := st.PutOrders(t.Context(), orders); err != nil {
			t.Fatal(err)
		}

		// The CLI on the same server: found, and exit 3 for an unknown number.
		cli := func(args ...string) (string, int) {
			cmd := exec.Command(bin, args...)
			home := t.TempDir()
			cmd.Env = []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, "cfg"), "XDG_STATE_HOME=" + filepath.Join(home, "state"),
				"FRONTDESK_API_URL=" + srv.URL(), "FRONTDESK_API_KEY=" + boot.KeyID, "FRONTDESK_API_SECRET=" + boot.Secret, "PATH=/usr/bin:/bin"}
			out, _ := cmd.CombinedOutput()
			return string(out), cmd.ProcessState.ExitCode()
		}
		if out, code := cli("orders", "find", "#4242"); code != 0 || !strings.Contains(out, "Order FD-00004242") || !strings.Contains(out, "Amina Odhiambo") {
			t.Fatalf("orders find #4242: exit %d\n%s", code, out)
		}
		if out, code := cli("orders", "find", "FD-99999999"); code != 3 {
			t.Fatalf("orders find of an unknown number: exit %d, want 3\n%s", code, out)
		}

		x := newConsoleTmux(t, bin, 160, 48)
		x.run("FRONTDESK_API_URL=" + srv.URL() + " FRONTDESK_API_KEY=" + boot.KeyID + " FRONTDESK_API_SECRET=" + boot.Secret + ` frontdesk; echo "EXIT:$?"`)
		x.waitFor(20*time.Second, "2 customers")
		pasteOrderNumber(t, x, quotedOrder{number: "FD-00004242", quoted: "#4242", name: "Amina Odhiambo", email: "order-e2e-0@example.co.ke"})
	})
}
