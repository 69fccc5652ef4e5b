package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"frontdesk/api"
	"frontdesk/sandbox/sandboxtest"
)

// TestSearchFiltersCLI: `customers search` takes filters in QUERY:
// orders:>5 lists exactly the customers the database holds with more
// than five orders; a bad filter exits with the store's words.
func TestSearchFiltersCLI(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 40})
	sup := apiEnv(t, env, "supervisor")
	var want int
	if err := env.DB.QueryRow(`SELECT COUNT(*) FROM customers WHERE total_orders > 5`).Scan(&want); err != nil {
		t.Fatal(err)
	}
	if want == 0 {
		t.Fatal("no seeded customer has more than five orders")
	}
	args := []string{"customers", "search", "orders:>5", "--json", "--limit", "100"}
	r := runCLI(t, sup, args...)
	r.want(t, 0, args...)
	var list api.CustomerList
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
		t.Fatalf("--json: %v\n%s", err, r.stdout)
	}
	if list.Total != want || len(list.Customers) != want {
		t.Fatalf("orders:>5: %d customers (total %d), the database has %d", len(list.Customers), list.Total, want)
	}
	for _, c := range list.Customers {
		if c.TotalOrders <= 5 {
			t.Errorf("orders:>5 lists %s with %d orders", c.ID, c.TotalOrders)
		}
	}
	r = runCLI(t, sup, "customers", "search", "mary orders:>x")
	if r.code == 0 || !strings.Contains(r.stderr, `orders: "x" is not a whole number, e.g. orders:>5`) {
		t.Fatalf("a bad filter: exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
}
