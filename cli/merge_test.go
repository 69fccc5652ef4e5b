package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"frontdesk/api"
	"frontdesk/sandbox/sandboxtest"
)

// ledgerSum is the sum of a customer's ledger and its balance, read from
// the sandbox's database.
func ledgerSum(t *testing.T, env *sandboxtest.Env, id string) (sum, balance int64) {
	t.Helper()
	if err := env.DB.QueryRow(`SELECT COALESCE(SUM(points), 0) FROM loyalty_ledger WHERE customer_id = ?`, id).Scan(&sum); err != nil {
		t.Fatal(err)
	}
	_, balance = ledgerCount(t, env, id)
	return sum, balance
}

func TestCustomersMerge(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 30})
	sup, agent := apiEnv(t, env, "supervisor"), apiEnv(t, env, "agent")
	var keep, drop string
	rows, err := env.DB.Query(`SELECT c.id FROM customers c JOIN loyalty_accounts a ON a.customer_id = c.id
		WHERE c.status = 'active' AND a.points_balance > 0 AND c.email NOT LIKE 'hostile-%' ORDER BY c.id LIMIT 2`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		if keep == "" {
			keep = id
		} else {
			drop = id
		}
	}
	rows.Close()
	if drop == "" {
		t.Fatal("no two active seeded customers with points")
	}
	_, kb := ledgerSum(t, env, keep)
	_, db := ledgerSum(t, env, drop)

	// Refusals that change nothing.
	runCLI(t, agent, "customers", "merge", keep, drop, "--yes").want(t, 4)
	r := runCLI(t, sup, "customers", "merge", keep, drop)
	r.want(t, 2)
	if !strings.Contains(r.stderr, "--yes") {
		t.Errorf("without a terminal or --yes: %q does not say to pass --yes", r.stderr)
	}
	runCLI(t, sup, "customers", "merge", keep, keep, "--yes").want(t, 2)
	runCLI(t, sup, "customers", "merge", "99999999", drop, "--yes").want(t, 3)
	if _, b := ledgerSum(t, env, drop); b != db {
		t.Fatalf("a refused merge moved points: %d → %d", db, b)
	}

	// The preview, as text and as JSON.
	r = runCLI(t, sup, "customers", "merge", keep, drop, "--dry-run")
	r.want(t, 0)
	if !strings.Contains(r.stdout, "Points") || !strings.Contains(r.stdout, "Orders") {
		t.Errorf("preview:\n%s", r.stdout)
	}
	r = runCLI(t, sup, "customers", "merge", keep, drop, "--dry-run", "--json")
	r.want(t, 0)
	var p api.MergePreview
	if err := json.Unmarshal([]byte(r.stdout), &p); err != nil || p.PointsBalance != kb+db || string(p.Drop.ID) != drop {
		t.Fatalf("preview --json (%v): %s", err, r.stdout)
	}

	args := []string{"customers", "merge", keep, drop, "--yes", "--json", "--idempotency-key", "cli-merge-1"}
	r = runCLI(t, sup, args...)
	r.want(t, 0, args...)
	var res api.MergeResult
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || res.PointsBalance != kb+db {
		t.Fatalf("merge --json (%v): %s", err, r.stdout)
	}
	check := func(when string) {
		t.Helper()
		ks, kbal := ledgerSum(t, env, keep)
		ds, dbal := ledgerSum(t, env, drop)
		if kbal != kb+db || ks != kbal || dbal != 0 || ds != 0 {
			t.Fatalf("%s: keep balance %d ledger %d, drop balance %d ledger %d; want %d+%d on keep, 0 on drop", when, kbal, ks, dbal, ds, kb, db)
		}
	}
	check("after the merge")

	// The same key replays; a new key is a conflict naming where it went.
	r = runCLI(t, sup, args...)
	r.want(t, 0, args...)
	if !strings.Contains(r.stderr, "replayed") {
		t.Errorf("replay: stderr %q does not say so", r.stderr)
	}
	r = runCLI(t, sup, "customers", "merge", keep, drop, "--yes")
	r.want(t, 5)
	if !strings.Contains(r.stderr, "merged into "+keep) {
		t.Errorf("second merge: %q does not say where it went", r.stderr)
	}
	check("after the replay and the second merge")

	// The dropped customer says where it went.
	r = runCLI(t, sup, "customers", "show", drop)
	r.want(t, 0)
	if !strings.Contains(r.stdout, "Merged into "+keep) {
		t.Errorf("show %s:\n%s", drop, r.stdout)
	}
}
