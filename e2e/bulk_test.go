package e2e

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"frontdesk/bulk"
	"frontdesk/sandbox/sandboxtest"
)

// bulkCSV writes n good rows over the first customers active customers
// with points, each note carrying marker; it returns the CSV and the
// points each customer gets.
func bulkCSV(t *testing.T, env *sandboxtest.Env, n, customers int, marker string) ([]byte, map[string]int64) {
	t.Helper()
	rows, err := env.DB.Query(`SELECT c.id, c.email FROM customers c WHERE c.status = 'active'
		AND c.email NOT LIKE 'hostile-%' ORDER BY c.id LIMIT ?`, customers)
	if err != nil {
		t.Fatal(err)
	}
	var ids, emails []string
	for rows.Next() {
		var id, email string
		if err := rows.Scan(&id, &email); err != nil {
			t.Fatal(err)
		}
		ids, emails = append(ids, id), append(emails, email)
	}
	rows.Close()
	if len(ids) < customers {
		t.Fatalf("the seed has %d active customers; the test needs %d", len(ids), customers)
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"customer", "points", "reason", "note"})
	add := map[string]int64{}
	for i := range n {
		k := i % customers
		who := ids[k]
		if i%2 == 1 {
			who = emails[k]
		}
		p := int64(i%90 + 1)
		w.Write([]string{who, fmt.Sprint(p), "missing_earn", fmt.Sprintf("%s row %d", marker, i)})
		add[ids[k]] += p
	}
	w.Flush()
	return b.Bytes(), add
}

func bulkMarked(t *testing.T, env *sandboxtest.Env, marker string) int {
	t.Helper()
	var n int
	if err := env.DB.QueryRow(`SELECT count(*) FROM loyalty_ledger WHERE note LIKE ?`, marker+"%").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// bulkBalances checks each customer's balance: before + add, and equal
// to its ledger's sum.
func bulkBalances(t *testing.T, env *sandboxtest.Env, before, add map[string]int64) {
	t.Helper()
	for id, p := range add {
		var bal, sum int64
		if err := env.DB.QueryRow(`SELECT points_balance, (SELECT sum(points) FROM loyalty_ledger l WHERE l.customer_id = a.customer_id)
			FROM loyalty_accounts a WHERE customer_id = ?`, id).Scan(&bal, &sum); err != nil {
			t.Fatal(err)
		}
		if bal != before[id]+p || sum != bal {
			t.Errorf("customer %s: balance %d, ledger sum %d, want %d", id, bal, sum, before[id]+p)
		}
	}
}

func bulkBefore(t *testing.T, env *sandboxtest.Env, add map[string]int64) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for id := range add {
		var bal int64
		if err := env.DB.QueryRow(`SELECT COALESCE((SELECT points_balance FROM loyalty_accounts WHERE customer_id = ?), 0)`, id).Scan(&bal); err != nil {
			t.Fatal(err)
		}
		out[id] = bal
	}
	return out
}

// TestBulkApplyKilled: the real binary applying a 1,000-row plan is
// stopped with ctrl-c (SIGINT) at 200 rows, run again and killed
// (SIGKILL, no chance to clean up) at 500; run again, every row is in the
// ledger once, and the result has a row per input row. The
// store answers through a proxy that adds a little latency, so the kill
// lands half-way.
func TestBulkApplyKilled(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 60, RateLimit: -1})
	proxy := sandboxtest.NewProxy(t, env.URL)
	bin := buildFrontdesk(t)
	dir := t.TempDir()
	marker := fmt.Sprintf("killed%d", time.Now().UnixNano())
	data, add := bulkCSV(t, env, 1000, 25, marker)
	before := bulkBefore(t, env, add)
	csvPath, planPath, resultPath := filepath.Join(dir, "fixes.csv"), filepath.Join(dir, "fixes.plan"), filepath.Join(dir, "result.csv")
	if err := os.WriteFile(csvPath, data, 0o600); err != nil {
		t.Fatal(err)
	}
	k := env.Keys["supervisor"]
	run := func(args ...string) *exec.Cmd {
		cmd := exec.Command(bin, args...)
		cmd.Env = []string{"HOME=" + dir, "XDG_CONFIG_HOME=" + filepath.Join(dir, "cfg"), "PATH=" + os.Getenv("PATH"),
			"FRONTDESK_API_URL=" + proxy.URL, "FRONTDESK_API_KEY=" + k.KeyID, "FRONTDESK_API_SECRET=" + k.Secret}
		return cmd
	}
	if out, err := run("loyalty", "bulk", "plan", csvPath, "--out", planPath).CombinedOutput(); err != nil {
		t.Fatalf("plan: %v\n%s", err, out)
	}

	proxy.SetDelay(func() time.Duration { return 3 * time.Millisecond })
	start := func() (*exec.Cmd, *bytes.Buffer, chan error) {
		apply := run("loyalty", "bulk", "apply", planPath, "--out", resultPath, "--concurrency", "3")
		var stderr bytes.Buffer
		apply.Stderr = &stderr
		if err := apply.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- apply.Wait() }()
		return apply, &stderr, exited
	}
	readResult := func() [][]string {
		t.Helper()
		res, err := os.ReadFile(resultPath)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(bytes.NewReader(res)).ReadAll()
		if err != nil || len(recs) != 1001 {
			t.Fatalf("result: %d records, %v", len(recs), err)
		}
		return recs
	}

	// ctrl-c at 200 rows: it stops by itself, says so, and writes the
	// result with the rows it did not send as pending.
	apply, stderr, exited := start()
	gwPoll(t, 60*time.Second, func() bool { return bulkMarked(t, env, marker) >= 200 },
		func() string { return "apply did not reach 200 rows: " + stderr.String() })
	apply.Process.Signal(os.Interrupt)
	select {
	case err := <-exited:
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(stderr.String(), "stopping") {
			t.Fatalf("apply after ctrl-c: %v\n%s", err, stderr.String())
		}
	case <-time.After(60 * time.Second):
		apply.Process.Kill()
		t.Fatalf("apply did not stop within 60 s of ctrl-c:\n%s", stderr.String())
	}
	pending := 0
	for _, r := range readResult()[1:] {
		if r[5] == bulk.ResultPending {
			pending++
		}
	}
	if stopped := bulkMarked(t, env, marker); pending == 0 || stopped+pending != 1000 {
		t.Fatalf("after ctrl-c: %d rows in the ledger, %d pending in the result", stopped, pending)
	}
	os.Remove(resultPath)

	// Then killed (no chance to clean up) at 500.
	apply, stderr, exited = start()
	gwPoll(t, 60*time.Second, func() bool { return bulkMarked(t, env, marker) >= 500 },
		func() string { return "apply did not reach 500 rows: " + stderr.String() })
	apply.Process.Kill() // our own child, by its pid
	<-exited
	killedAt := bulkMarked(t, env, marker)
	if killedAt >= 1000 {
		t.Fatalf("apply finished (%d rows) before the kill; the test proved nothing", killedAt)
	}
	if _, err := os.Stat(resultPath); err == nil {
		t.Fatalf("a killed apply left a result file")
	}

	proxy.SetDelay(nil)
	out, err := run("loyalty", "bulk", "apply", planPath, "--out", resultPath).CombinedOutput()
	if err != nil {
		t.Fatalf("apply again: %v\n%s", err, out)
	}
	if n := bulkMarked(t, env, marker); n != 1000 {
		t.Fatalf("the ledger has %d of the plan's rows after the re-run, want 1000 (killed at %d)", n, killedAt)
	}
	bulkBalances(t, env, before, add)
	recs := readResult()
	replayed := 0
	for _, r := range recs[1:] {
		switch r[5] {
		case bulk.ResultReplayed:
			replayed++
		case bulk.ResultApplied:
		default:
			t.Errorf("result row %v", r)
		}
	}
	// Every row the killed run got into the ledger is a replay now (a row
	// whose answer the kill lost as well).
	if replayed < killedAt {
		t.Errorf("%d rows replayed, but %d were in the ledger when the first run was killed", replayed, killedAt)
	}
	if !strings.Contains(string(out), "0 failed") {
		t.Errorf("summary: %s", out)
	}
}

// TestBulkOverSSH: the gateway takes the CSV and the plan on stdin and
// answers on stdout; a path names a file on the gateway, so it is
// refused.
func TestBulkOverSSH(t *testing.T) {
	gwNeed(t, "ssh", "ssh-keygen")
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 30, RateLimit: -1})
	bin := buildFrontdesk(t)
	dir := t.TempDir()
	keys := map[string]string{"supervisor": gwKey(t, dir, "supervisor")}
	agents := filepath.Join(dir, "agents.toml")
	gwAgents(t, agents, env, keys, "supervisor")
	s := gwStart(t, bin, dir, agents, env)
	marker := fmt.Sprintf("ssh%d", time.Now().UnixNano())
	data, add := bulkCSV(t, env, 40, 8, marker)
	before := bulkBefore(t, env, add)

	ssh := func(remote string, stdin []byte) gwResult {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), gwWait)
		defer cancel()
		cmd := exec.CommandContext(ctx, "ssh", append(s.sshArgs(keys["supervisor"]), "127.0.0.1", remote)...)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
		cmd.Stdin = bytes.NewReader(stdin)
		var out, errOut strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		r := gwResult{stdout: out.String(), stderr: errOut.String()}
		if ee, ok := err.(*exec.ExitError); ok {
			r.exit = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("ssh %s: %v", remote, err)
		}
		return r
	}

	if r := ssh("loyalty bulk plan fixes.csv", nil); r.exit != 2 || !strings.Contains(r.stderr, "comes on stdin") {
		t.Fatalf("a path over ssh: %+v", r)
	}
	if r := ssh("loyalty bulk plan - --out /tmp/plan", data); r.exit != 2 || !strings.Contains(r.stderr, "--out is not available over ssh") {
		t.Fatalf("--out over ssh: %+v", r)
	}
	plan := ssh("loyalty bulk plan -", data)
	if plan.exit != 0 || !strings.Contains(plan.stderr, "40 ok, 0 refused") {
		t.Fatalf("plan over ssh: %+v", plan)
	}
	p, err := bulk.ReadPlan(strings.NewReader(plan.stdout))
	if err != nil || p.AgentID != env.Agents["supervisor"] || len(p.Rows) != 40 {
		t.Fatalf("plan over ssh: %v %+v", err, p)
	}
	if n := bulkMarked(t, env, marker); n != 0 {
		t.Fatalf("plan changed the ledger: %d rows", n)
	}
	for range 2 { // the second run replays
		r := ssh("loyalty bulk apply -", []byte(plan.stdout))
		if r.exit != 0 {
			t.Fatalf("apply over ssh: %+v", r)
		}
		recs, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
		if err != nil || len(recs) != 41 {
			t.Fatalf("result over ssh: %d records, %v\n%s", len(recs), err, r.stdout)
		}
	}
	if n := bulkMarked(t, env, marker); n != 40 {
		t.Fatalf("the ledger has %d of the plan's rows, want 40", n)
	}
	bulkBalances(t, env, before, add)
	s.waitLog(t, `command="loyalty bulk apply"`)
}
