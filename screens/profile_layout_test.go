package screens

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"frontdesk/api"
	"frontdesk/sandbox/seed"
	"frontdesk/tui/sanitize"
)

// Counts read "1 note", "1 order", "1 entry", "1 point", never "1 notes".
func TestProfilePlurals(t *testing.T) {
	env := newSandbox(t, 40)
	var created api.CustomerEnvelope
	env.Do(t, "supervisor", "POST", "/customers", api.CustomerCreate{
		Email: "one.of.each@example.co.ke", FirstName: "Amani", LastName: "Otieno", Phone: "0712 000 111",
	}).Data(t, &created)
	id := created.Customer.ID
	env.Do(t, "supervisor", "POST", "/customers/"+string(id)+"/notes", api.NoteCreate{Body: "called about a delivery"})
	env.Do(t, "supervisor", "POST", "/customers/"+string(id)+"/loyalty/adjustments",
		api.AdjustmentRequest{Points: 1, Reason: api.ReasonGoodwill, Note: "one point"}, api.HeaderIdempotencyKey, "plurals-1")

	for _, size := range [][2]int{{80, 20}, {160, 41}} {
		w, h := size[0], size[1]
		p := newTestProfile(t, env, api.RoleAgent, env.URL, id, w, h)
		for _, tc := range []struct{ tab, want, wrong string }{
			{"1", "1 point ·", "1 points"},
			{"3", "balance 1 point", "1 points"},
			{"3", "1 entry", "1 entries"},
			{"4", "1 note,", "1 notes"},
		} {
			press(t, p, tc.tab)
			v := p.View()
			checkView(t, v, w, h)
			if !strings.Contains(v, tc.want) || strings.Contains(v, tc.wrong) {
				t.Errorf("%dx%d tab %s: want %q:\n%s", w, h, tc.tab, tc.want, v)
			}
		}
	}

	var one int64
	if err := env.DB.QueryRow(`SELECT customer_id FROM orders GROUP BY customer_id HAVING count(*) = 1 LIMIT 1`).Scan(&one); err != nil {
		t.Skip("no seeded customer with exactly one order")
	}
	p := newTestProfile(t, env, api.RoleAgent, env.URL, api.IDFromInt(one), 100, 30)
	press(t, p, "2")
	if v := p.View(); !strings.Contains(v, "1 order ") && !strings.Contains(v, "1 order\n") || strings.Contains(v, "1 orders") {
		t.Errorf("orders tab with one order:\n%s", v)
	}
}

// The overview's order count and the Orders tab's agree, or say why not:
// the store metrics leave out cancelled and refunded orders.
func TestProfileOrderCountsExplained(t *testing.T) {
	env := newSandbox(t, 60)
	var id int64
	var counted, all int
	err := env.DB.QueryRow(`SELECT c.id, c.total_orders, count(o.id) FROM customers c JOIN orders o ON o.customer_id = c.id
		WHERE c.email NOT LIKE 'hostile-%' GROUP BY c.id HAVING count(o.id) > c.total_orders LIMIT 1`).Scan(&id, &counted, &all)
	if err != nil {
		t.Fatalf("no seeded customer with a cancelled or refunded order: %v", err)
	}
	for _, size := range [][2]int{{80, 20}, {160, 41}} {
		w, h := size[0], size[1]
		p := newTestProfile(t, env, api.RoleAgent, env.URL, api.IDFromInt(id), w, h)
		v := p.View()
		if !strings.Contains(v, "cancelled and refunded orders not counted") {
			t.Errorf("%dx%d: the overview does not say what its order count leaves out:\n%s", w, h, v)
		}
		press(t, p, "2")
		v = p.View()
		checkView(t, v, w, h)
		want := itoa(all) + " orders · " + itoa(all-counted) + " cancelled or refunded (the overview counts " + itoa(counted) + ")"
		if !strings.Contains(v, want) {
			t.Errorf("%dx%d: the orders tab does not say %q:\n%s", w, h, want, v)
		}
		press(t, p, "1")
		if v := p.View(); !strings.Contains(v, itoa(counted)+" of "+itoa(all)) {
			t.Errorf("%dx%d: the overview does not say %d of %d:\n%s", w, h, counted, all, v)
		}
	}
}

// At narrow sizes the overview's metrics fit without running into each
// other, and the spend chart keeps its month labels in view.
func TestProfileOverviewFitsNarrowSizes(t *testing.T) {
	env := newSandbox(t, 40)
	cust, _ := pickCustomer(t, env.DB)
	want := apiData[api.CustomerEnvelope](t, env, "/customers/"+string(cust.id)).Customer
	months := want.StoreMetrics.MonthlySpend
	// Content sizes of 60x20, 80x24 and 160x45 terminals (header and
	// footer take four lines).
	for _, size := range [][2]int{{60, 16}, {80, 20}, {160, 41}} {
		w, h := size[0], size[1]
		p := newTestProfile(t, env, api.RoleAgent, env.URL, cust.id, w, h)
		press(t, p, "G") // scrolled to the end, the chart is whole
		for _, v := range []string{p.View()} {
			checkView(t, v, w, h)
			for _, l := range strings.Split(v, "\n") {
				for _, label := range []string{"Average order", "LTV percentile", "Last order"} {
					if i := strings.Index(l, label); i > 0 && !strings.HasPrefix(l[max(0, i-2):], "  ") {
						t.Errorf("%dx%d: %q runs into the value before it: %q", w, h, label, l)
					}
				}
			}
			if !strings.Contains(v, "Spend, last 12 months") || !monthLabelsShown(v, months) {
				t.Errorf("%dx%d: the spend chart lost its month labels:\n%s", w, h, v)
			}
		}
	}
	// An 80x24 terminal shows the whole overview of a customer with one
	// address without scrolling.
	p := newTestProfile(t, env, api.RoleAgent, env.URL, cust.id, 80, 20)
	if len(want.Addresses) == 1 {
		if v := p.View(); !strings.Contains(v, "Spend, last 12 months") || !monthLabelsShown(v, months) {
			t.Errorf("80x24: the chart or its labels are off the screen:\n%s", v)
		}
	}
}

// monthLabelsShown reports whether one line of v names every month.
func monthLabelsShown(v string, months []api.MonthSpend) bool {
	for _, l := range strings.Split(v, "\n") {
		all := true
		for _, m := range months {
			all = all && strings.Contains(l, monthName(m.Month, false))
		}
		if all {
			return true
		}
	}
	return false
}

// A name of emoji sequences does not push the id off the customer's line,
// even in a terminal that draws each emoji of a sequence on its own.
func TestProfileWideNameKeepsID(t *testing.T) {
	env := newSandbox(t, 40)
	var id int64
	if err := env.DB.QueryRow(`SELECT id FROM customers WHERE email = ?`, seed.HostileEmail("emoji")).Scan(&id); err != nil {
		t.Fatal(err)
	}
	for _, size := range [][2]int{{60, 16}, {80, 20}, {160, 41}} {
		w, h := size[0], size[1]
		p := newTestProfile(t, env, api.RoleAgent, env.URL, api.IDFromInt(id), w, h)
		v := p.View()
		checkView(t, v, w, h)
		head := ansi.Strip(strings.Split(v, "\n")[0])
		if !strings.HasSuffix(strings.TrimRight(head, " "), "id "+itoa(int(id))) {
			t.Errorf("%dx%d: the id is not on the customer's line: %q", w, h, head)
		}
		if got := sanitize.PerCodePoint.StringWidth(head); got > w {
			t.Errorf("%dx%d: the customer's line is %d cells where emoji sequences are not joined: %q", w, h, got, head)
		}
	}
}
