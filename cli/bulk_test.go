package cli_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"frontdesk/bulk"
	"frontdesk/cli"
	"frontdesk/sandbox/sandboxtest"
)

// bulkCustomer is a seeded customer the bulk test adjusts.
type bulkCustomer struct {
	id, email string
	balance   int64
}

// bulkFixture is a 1,000-row CSV with 20 bad rows of different kinds,
// and what a plan of it must say.
type bulkFixture struct {
	csv []byte
	// bad maps each bad row's line to the refusal code it must get.
	bad map[int]string
	// want is each good customer's balance after every good row, and
	// rows the number of good rows it has.
	want map[string]int64
	rows map[string]int
	// start is every customer's balance before.
	start map[string]int64
	// marker is in every note, to count the rows in the ledger.
	marker string
}

func bulkCustomers(t *testing.T, env *sandboxtest.Env, where string) []bulkCustomer {
	t.Helper()
	rows, err := env.DB.Query(`SELECT c.id, c.email, COALESCE(a.points_balance, 0) FROM customers c
		LEFT JOIN loyalty_accounts a ON a.customer_id = c.id
		WHERE c.email NOT LIKE 'hostile-%' AND ` + where + ` ORDER BY c.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []bulkCustomer
	for rows.Next() {
		var c bulkCustomer
		if err := rows.Scan(&c.id, &c.email, &c.balance); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

func newBulkFixture(t *testing.T, env *sandboxtest.Env) bulkFixture {
	t.Helper()
	// Two customers disabled for the test (the seed disables few).
	if _, err := env.DB.Exec(`UPDATE customers SET status = 'disabled' WHERE id IN
		(SELECT id FROM customers WHERE status = 'active' AND email NOT LIKE 'hostile-%' ORDER BY id DESC LIMIT 2)`); err != nil {
		t.Fatal(err)
	}
	active := bulkCustomers(t, env, "c.status = 'active'")
	disabled := bulkCustomers(t, env, "c.status = 'disabled'")
	// Customers kept apart for the negative rows: a small balance that
	// one in-limit row can take below zero, and no other row.
	var low, good []bulkCustomer
	for _, c := range active {
		if c.balance < sandboxtest.LoyaltyLimit && len(low) < 3 {
			low = append(low, c)
		} else {
			good = append(good, c)
		}
	}
	if len(low) < 3 || len(disabled) < 2 || len(good) < 20 {
		t.Fatalf("the seed has %d low-balance, %d disabled and %d other active customers; the test needs 3, 2 and 20", len(low), len(disabled), len(good))
	}
	good = good[:20]

	f := bulkFixture{bad: map[int]string{}, want: map[string]int64{}, rows: map[string]int{}, start: map[string]int64{}, marker: fmt.Sprintf("bulk%d", time.Now().UnixNano())}
	for _, c := range slices.Concat(active, disabled) {
		f.start[c.id] = c.balance
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"customer", "points", "reason", "note"})
	line := 1
	add := func(rec ...string) int {
		line++
		w.Write(rec)
		return line
	}
	bad := func(code string, rec ...string) { f.bad[add(rec...)] = code }
	note := func(i int) string { return fmt.Sprintf("%s row %d, late delivery", f.marker, i) }
	balance := map[string]int64{}
	for _, c := range good {
		balance[c.id] = c.balance
	}
	badAt := map[int]func(){}
	kinds := []func(){
		func() { bad(bulk.RefuseUnknownCustomer, "99999901", "50", "goodwill", note(0)) },
		func() { bad(bulk.RefuseUnknownCustomer, "nobody-at-all@example.invalid", "50", "goodwill", note(0)) },
		func() { bad(bulk.RefuseUnknownCustomer, "99999902", "-5", "correction", note(0)) },
		func() { bad(bulk.RefuseUnknownCustomer, "ghost@example.invalid", "5", "other", note(0)) },
		func() {
			bad(bulk.RefuseNegative, low[0].id, strconv.FormatInt(-low[0].balance-1, 10), "correction", note(0))
		},
		func() {
			bad(bulk.RefuseNegative, low[1].email, strconv.FormatInt(-low[1].balance-7, 10), "fraud_reversal", note(0))
		},
		func() {
			bad(bulk.RefuseNegative, low[2].id, strconv.FormatInt(-low[2].balance-300, 10), "correction", note(0))
		},
		func() { bad(bulk.RefuseOverLimit, good[0].id, "501", "goodwill", note(0)) },
		func() { bad(bulk.RefuseOverLimit, good[1].email, "-600", "correction", note(0)) },
		func() { bad(bulk.RefuseOverLimit, good[2].id, "+1000000", "goodwill", note(0)) },
		func() { bad(bulk.RefuseDisabled, disabled[0].id, "10", "goodwill", note(0)) },
		func() { bad(bulk.RefuseDisabled, disabled[1].email, "10", "goodwill", note(0)) },
		func() { bad(bulk.RefuseInvalid, good[3].id, "0", "goodwill", note(0)) },
		func() { bad(bulk.RefuseInvalid, good[3].id, "ten", "goodwill", note(0)) },
		func() { bad(bulk.RefuseInvalid, good[4].id, "1.5", "goodwill", note(0)) },
		func() { bad(bulk.RefuseInvalid, good[4].id, "10", "birthday", note(0)) },
		func() { bad(bulk.RefuseInvalid, good[5].id, "10", "", note(0)) },
		func() { bad(bulk.RefuseInvalid, good[5].id, "10", "goodwill", "ok") },
		func() { bad(bulk.RefuseInvalid, good[6].id, "10", "goodwill", "clear \x1b[2J screen") },
		func() { bad(bulk.RefuseInvalid, "", "10", "goodwill", note(0)) },
	}
	for k, fn := range kinds {
		badAt[25+k*49] = fn // spread through the file
	}
	for i := 1; len(f.bad)+sumRows(f.rows) < 1000; i++ {
		if fn, ok := badAt[i]; ok {
			fn()
			continue
		}
		c := good[(i*7)%len(good)]
		points := int64((i*37)%400 + 1)
		if i%4 == 0 && balance[c.id] >= 60 {
			points = -int64(i%50 + 1)
		}
		who := c.id
		if i%3 == 0 {
			who = strings.ToUpper(c.email) // emails match whatever their case
		}
		add(who, strconv.FormatInt(points, 10), "correction", note(i))
		balance[c.id] += points
		f.rows[c.id]++
	}
	w.Flush()
	if len(f.bad) != 20 || line != 1001 {
		t.Fatalf("fixture: %d bad rows, %d lines", len(f.bad), line)
	}
	f.want = balance
	f.csv = b.Bytes()
	return f
}

func sumRows(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// readResult reads a result CSV into rows keyed by line.
func readResult(t *testing.T, data []byte) map[int]map[string]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("result CSV: %v\n%s", err, data)
	}
	if !slices.Equal(recs[0], bulk.ResultColumns) {
		t.Fatalf("result header %v", recs[0])
	}
	out := map[int]map[string]string{}
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, c := range bulk.ResultColumns {
			m[c] = rec[i]
		}
		n, _ := strconv.Atoi(m["line"])
		if _, dup := out[n]; dup {
			t.Fatalf("line %d twice in the result", n)
		}
		out[n] = m
	}
	return out
}

func runCLICtx(ctx context.Context, vars map[string]string, stdin []byte, args ...string) apiRun {
	var out, errb bytes.Buffer
	code := cli.Run(ctx, cli.Env{
		Stdin: bytes.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return vars[k] },
	}, args)
	return apiRun{code: code, stdout: out.String(), stderr: errb.String()}
}

func countMarked(t *testing.T, env *sandboxtest.Env, marker string) int {
	t.Helper()
	var n int
	if err := env.DB.QueryRow(`SELECT COUNT(*) FROM loyalty_ledger WHERE note LIKE ?`, marker+"%").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestBulkPlanApply: a 1,000-row CSV with 20 bad rows is planned (the
// plan refuses exactly those 20, each for its reason), applied, stopped
// half-way, and applied again: every good row is in the ledger once,
// every balance is its ledger's sum, and the result has a row per input
// row.
func TestBulkPlanApply(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 80, RateLimit: -1})
	agent := apiEnv(t, env, "agent")
	f := newBulkFixture(t, env)
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "fixes.csv")
	if err := os.WriteFile(csvPath, f.csv, 0o600); err != nil {
		t.Fatal(err)
	}
	planPath := filepath.Join(dir, "fixes.plan")

	r := runCLI(t, agent, "loyalty", "bulk", "plan", csvPath, "--out", planPath)
	r.want(t, 0, "plan")
	data, err := os.ReadFile(planPath)
	if err != nil {
		t.Fatal(err)
	}
	var plan bulk.Plan
	if err := json.Unmarshal(data, &plan); err != nil {
		t.Fatal(err)
	}
	if len(plan.Rows) != 1000 || plan.AgentID != env.Agents["agent"] || plan.Store != env.URL {
		t.Fatalf("plan: %d rows, agent %q, store %q", len(plan.Rows), plan.AgentID, plan.Store)
	}
	refused := map[int]string{}
	running := map[string]int64{}
	for _, row := range plan.Rows {
		if row.Status != bulk.StatusOK {
			refused[row.Line] = row.RefusalCode
			if row.Refusal == "" {
				t.Errorf("line %d refused without a reason", row.Line)
			}
			if !strings.Contains(r.stdout, row.Refusal) && !strings.Contains(r.stdout, row.Refusal[:min(len(row.Refusal), 30)]) {
				t.Errorf("the summary does not show line %d's reason %q:\n%s", row.Line, row.Refusal, r.stdout)
			}
			continue
		}
		if row.IdempotencyKey != bulk.Key(plan.ID, row.Line) {
			t.Fatalf("line %d key %q", row.Line, row.IdempotencyKey)
		}
		id := row.CustomerID.String()
		if _, ok := running[id]; !ok {
			running[id] = f.start[id]
		}
		if row.CurrentBalance == nil || *row.CurrentBalance != running[id] {
			t.Fatalf("line %d: current balance %v, want %d", row.Line, row.CurrentBalance, running[id])
		}
		running[id] += row.Points
		if *row.ResultingBalance != running[id] {
			t.Fatalf("line %d: resulting balance %d, want %d", row.Line, *row.ResultingBalance, running[id])
		}
	}
	if len(refused) != 20 {
		t.Errorf("the plan refuses %d rows, want the 20 bad ones: %v", len(refused), refused)
	}
	for line, code := range f.bad {
		if refused[line] != code {
			t.Errorf("line %d: refused %q, want %q", line, refused[line], code)
		}
	}
	if !strings.Contains(r.stdout, "980 ok, 20 refused") {
		t.Errorf("summary:\n%s", r.stdout)
	}
	if n := countMarked(t, env, f.marker); n != 0 {
		t.Fatalf("plan changed the ledger: %d rows", n)
	}

	// Apply, stopped once some rows are in the ledger (as ctrl-c does).
	ctx, cancel := context.WithCancel(context.Background())
	var stopped apiRun
	var wg sync.WaitGroup
	wg.Go(func() {
		stopped = runCLICtx(ctx, agent, nil, "loyalty", "bulk", "apply", planPath, "--concurrency", "2")
	})
	deadline := time.Now().Add(60 * time.Second)
	for countMarked(t, env, f.marker) < 300 {
		if time.Now().After(deadline) {
			cancel()
			wg.Wait()
			t.Fatalf("apply did not reach 300 rows in 60 s: %+v", stopped)
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	wg.Wait()
	if stopped.code != cli.ExitError || !strings.Contains(stopped.stderr, "run `frontdesk loyalty bulk apply") {
		t.Fatalf("stopped apply: exit %d\n%s", stopped.code, stopped.stderr)
	}
	first := readResult(t, []byte(stopped.stdout))
	if len(first) != 1000 {
		t.Fatalf("stopped apply's result has %d rows, want 1000", len(first))
	}
	var pending, applied int
	for _, row := range first {
		switch row["status"] {
		case bulk.ResultPending:
			pending++
		case bulk.ResultApplied:
			applied++
		}
	}
	inLedger := countMarked(t, env, f.marker)
	if pending == 0 || applied != inLedger || inLedger >= 980 {
		t.Fatalf("stopped apply: %d applied (ledger has %d), %d pending", applied, inLedger, pending)
	}

	// Again, to the end.
	outPath := filepath.Join(dir, "result.csv")
	r = runCLI(t, agent, "loyalty", "bulk", "apply", planPath, "--out", outPath)
	r.want(t, 0, "apply again")
	data, err = os.ReadFile(outPath)
	if err != nil {
		t.Fatal(err)
	}
	second := readResult(t, data)
	if len(second) != 1000 {
		t.Fatalf("result has %d rows, want 1000", len(second))
	}
	for line := 2; line <= 1001; line++ {
		row, ok := second[line]
		if !ok {
			t.Fatalf("no result for line %d", line)
		}
		_, isBad := f.bad[line]
		switch want := first[line]["status"]; {
		case isBad:
			if row["status"] != bulk.ResultRefused {
				t.Errorf("line %d: %s, want refused", line, row["status"])
			}
		case want == bulk.ResultApplied && row["status"] != bulk.ResultReplayed:
			t.Errorf("line %d was applied before; now %s, want replayed", line, row["status"])
		case want != bulk.ResultApplied && row["status"] != bulk.ResultApplied && row["status"] != bulk.ResultReplayed:
			t.Errorf("line %d: %s (%s)", line, row["status"], row["error"])
		case !isBad && row["balance_differs"] != "false":
			t.Errorf("line %d: balance %s, planned %s", line, row["balance"], row["planned_balance"])
		}
	}
	if !strings.Contains(r.stderr, "0 failed") {
		t.Errorf("summary: %s", r.stderr)
	}
	if n := countMarked(t, env, f.marker); n != 980 {
		t.Fatalf("the ledger has %d of the plan's rows, want 980 (each good row once)", n)
	}
	for id, want := range f.want {
		rows, bal := ledgerCount(t, env, id)
		var sum int64
		if err := env.DB.QueryRow(`SELECT COALESCE(SUM(points), 0) FROM loyalty_ledger WHERE customer_id = ?`, id).Scan(&sum); err != nil {
			t.Fatal(err)
		}
		var marked int
		if err := env.DB.QueryRow(`SELECT COUNT(*) FROM loyalty_ledger WHERE customer_id = ? AND note LIKE ?`, id, f.marker+"%").Scan(&marked); err != nil {
			t.Fatal(err)
		}
		if bal != want || sum != bal || marked != f.rows[id] || rows == 0 {
			t.Errorf("customer %s: balance %d, ledger sum %d, want %d; %d rows of the plan, want %d", id, bal, sum, want, marked, f.rows[id])
		}
	}

	// A third run changes nothing: every good row is a replay.
	r = runCLI(t, agent, "loyalty", "bulk", "apply", planPath)
	r.want(t, 0, "apply a third time")
	if !strings.Contains(r.stderr, "0 applied, 980 replayed, 20 refused") {
		t.Errorf("third run: %s", r.stderr)
	}
	if n := countMarked(t, env, f.marker); n != 980 {
		t.Fatalf("a third run changed the ledger: %d rows", n)
	}
}

// TestBulkEdges: a CSV refused whole, a plan on stdin and stdout, a
// balance changed since the plan (still corrected, marked; a row that
// would now go negative refused by the store, exit 1), a plan applied by
// another agent, edited, or too old, and a viewer.
func TestBulkEdges(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 30, RateLimit: -1})
	agent := apiEnv(t, env, "agent")
	sup := apiEnv(t, env, "supervisor")
	cs := bulkCustomers(t, env, "c.status = 'active' AND (SELECT points_balance FROM loyalty_accounts a WHERE a.customer_id = c.id) > 10")
	if len(cs) < 2 {
		t.Fatalf("the seed has %d active customers with points; the test needs 2", len(cs))
	}
	x, y := cs[0], cs[1]

	t.Run("bad csv", func(t *testing.T) {
		in := "customer,points,reason,note\n" + x.id + ",5,goodwill,late delivery\n" + x.id + ",5,goodwill\n"
		r := runCLICtx(context.Background(), agent, []byte(in), "loyalty", "bulk", "plan", "-")
		if r.code != cli.ExitUsage || !strings.Contains(r.stderr, "stdin: line 3: 3 fields, want 4") || r.stdout != "" {
			t.Fatalf("bad CSV: %+v", r)
		}
		r = runCLI(t, agent, "loyalty", "bulk", "plan", filepath.Join(t.TempDir(), "missing.csv"))
		if r.code != cli.ExitUsage || !strings.Contains(r.stderr, "cannot open the CSV") {
			t.Fatalf("missing file: %+v", r)
		}
	})

	t.Run("viewer", func(t *testing.T) {
		in := "customer,points,reason,note\n" + x.id + ",5,goodwill,late delivery\n"
		r := runCLICtx(context.Background(), apiEnv(t, env, "viewer"), []byte(in), "loyalty", "bulk", "plan", "-")
		if r.code != cli.ExitPermission || !strings.Contains(r.stderr, "cannot adjust loyalty") {
			t.Fatalf("viewer: %+v", r)
		}
	})

	in := "customer,points,reason,note\n" +
		x.id + ",10,goodwill,late delivery\n" +
		y.email + "," + strconv.FormatInt(-y.balance, 10) + ",correction,double earn\n"
	r := runCLICtx(context.Background(), agent, []byte(in), "loyalty", "bulk", "plan", "-")
	r.want(t, 0, "plan -")
	if !strings.Contains(r.stderr, "2 ok, 0 refused") {
		t.Errorf("summary on stderr: %q", r.stderr)
	}
	planJSON := []byte(r.stdout)
	p, err := bulk.ReadPlan(bytes.NewReader(planJSON))
	if err != nil {
		t.Fatalf("stdout is not a plan: %v\n%s", err, r.stdout)
	}
	if p.Source != "stdin" || p.Rows[1].CustomerID.String() != y.id || *p.Rows[1].ResultingBalance != 0 {
		t.Fatalf("plan: %+v", p)
	}

	t.Run("another agent", func(t *testing.T) {
		r := runCLICtx(context.Background(), sup, planJSON, "loyalty", "bulk", "apply", "-")
		if r.code != cli.ExitPermission || !strings.Contains(r.stderr, "same agent") {
			t.Fatalf("apply by another agent: %+v", r)
		}
	})
	t.Run("edited", func(t *testing.T) {
		edited := bytes.Replace(planJSON, []byte(p.Rows[0].IdempotencyKey), []byte("bulk-mine-1"), 1)
		r := runCLICtx(context.Background(), agent, edited, "loyalty", "bulk", "apply", "-")
		if r.code != cli.ExitUsage || !strings.Contains(r.stderr, "not the plan's") {
			t.Fatalf("edited plan: %+v", r)
		}
		old := *p
		old.CreatedAt = time.Now().Add(-25 * time.Hour)
		var b bytes.Buffer
		bulk.WritePlan(&b, &old)
		r = runCLICtx(context.Background(), agent, b.Bytes(), "loyalty", "bulk", "apply", "-")
		if r.code != cli.ExitUsage || !strings.Contains(r.stderr, "Plan again") {
			t.Fatalf("old plan: %+v", r)
		}
	})

	// Someone else moves both balances after the plan.
	runCLI(t, sup, "loyalty", "adjust", x.id, "--points", "5", "--reason", "goodwill", "--note", "meanwhile").want(t, 0)
	runCLI(t, sup, "loyalty", "adjust", y.id, "--points", "-1", "--reason", "correction", "--note", "meanwhile").want(t, 0)
	r = runCLICtx(context.Background(), agent, planJSON, "loyalty", "bulk", "apply", "-")
	if r.code != cli.ExitError || !strings.Contains(r.stderr, "1 were refused by the store") {
		t.Fatalf("apply after changes: %+v", r)
	}
	res := readResult(t, []byte(r.stdout))
	if got := res[2]; got["status"] != bulk.ResultApplied || got["balance_differs"] != "true" ||
		got["balance"] != strconv.FormatInt(x.balance+15, 10) || got["planned_balance"] != strconv.FormatInt(x.balance+10, 10) {
		t.Errorf("line 2: %v", got)
	}
	if got := res[3]; got["status"] != bulk.ResultRefused || !strings.Contains(got["error"], "refused by the store") {
		t.Errorf("line 3: %v", got)
	}
	if _, bal := ledgerCount(t, env, y.id); bal != y.balance-1 {
		t.Errorf("customer %s: balance %d, want %d (the refused row changed nothing)", y.id, bal, y.balance-1)
	}
}
