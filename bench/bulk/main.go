// Command bulk measures `frontdesk loyalty bulk`: a plan and an apply of
// a 1,000-row CSV against a local sandbox over HTTP (the one `frontdesk
// sandbox serve` runs, on a temporary SQLite file), in rows per second,
// at a few --concurrency values; with the sandbox's default rate limit
// (100 requests per second per key, bursts of 200) and without one.
//
//	go run ./bench/bulk [--rows 1000] [--customers 200] [--rate-limit default|off|both]
//
// It prints a markdown table. Each apply runs a fresh plan (new keys), so
// every row is applied, not replayed; a second apply of the same plan
// (every row a replay) is measured too.
package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"frontdesk/cli"
	"frontdesk/sandbox"
)

func main() {
	rows := flag.Int("rows", 1000, "rows in the CSV")
	customers := flag.Int("customers", 200, "customers the rows spread over")
	limits := flag.String("rate-limit", "both", "the sandbox's rate limit: default, off, or both")
	flag.Parse()
	if err := run(*rows, *customers, *limits); err != nil {
		fmt.Fprintln(os.Stderr, "bulk:", err)
		os.Exit(1)
	}
}

func run(rows, customers int, limits string) error {
	var setups []float64
	switch limits {
	case "default":
		setups = []float64{0}
	case "off":
		setups = []float64{-1}
	case "both":
		setups = []float64{0, -1}
	default:
		return fmt.Errorf("--rate-limit %q: use default, off or both", limits)
	}
	fmt.Printf("%d rows over %d customers (half by id, half by email); rows per second of the whole command\n\n", rows, customers)
	fmt.Println("| sandbox rate limit | --concurrency | plan | apply | apply again (replays) |")
	fmt.Println("|---|---|---|---|---|")
	for _, limit := range setups {
		if err := measure(limit, rows, customers); err != nil {
			return err
		}
	}
	return nil
}

func measure(limit float64, rows, customers int) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "frontdesk-bench-bulk-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	sb, err := sandbox.Start(ctx, sandbox.StartOptions{Addr: "127.0.0.1:0", Customers: max(customers*2, 500), Seed: 1, RateLimit: limit})
	if err != nil {
		return err
	}
	defer sb.Close(ctx)
	q, err := sb.DB.Query(`SELECT id, email FROM customers WHERE status = 'active' AND email NOT LIKE 'hostile-%' ORDER BY id LIMIT ?`, customers)
	if err != nil {
		return err
	}
	var ids, emails []string
	for q.Next() {
		var id, email string
		if err := q.Scan(&id, &email); err != nil {
			return err
		}
		ids, emails = append(ids, id), append(emails, email)
	}
	q.Close()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"customer", "points", "reason", "note"})
	for i := range rows {
		who := ids[i%len(ids)]
		if i%2 == 1 {
			who = emails[i%len(ids)]
		}
		w.Write([]string{who, fmt.Sprint(i%90 + 1), "missing_earn", fmt.Sprintf("bench row %d", i)})
	}
	w.Flush()
	csvPath := filepath.Join(dir, "fixes.csv")
	if err := os.WriteFile(csvPath, b.Bytes(), 0o600); err != nil {
		return err
	}
	vars := map[string]string{
		"HOME": dir, "XDG_CONFIG_HOME": filepath.Join(dir, "cfg"), "XDG_STATE_HOME": filepath.Join(dir, "state"),
		"FRONTDESK_API_URL": sb.URL, "FRONTDESK_API_KEY": sb.Key.KeyID, "FRONTDESK_API_SECRET": sb.Key.Secret,
	}
	cmd := func(args ...string) (time.Duration, error) {
		var out, errb bytes.Buffer
		t0 := time.Now()
		code := cli.Run(ctx, cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return vars[k] }}, args)
		d := time.Since(t0)
		if code != 0 {
			return d, fmt.Errorf("%v: exit %d: %s", args, code, errb.String())
		}
		return d, nil
	}
	name := "default (100/s per key)"
	if limit < 0 {
		name = "off"
	}
	rate := func(d time.Duration) string {
		return fmt.Sprintf("%.0f rows/s (%.2f s)", float64(rows)/d.Seconds(), d.Seconds())
	}
	for _, c := range []string{"1", "4", "8"} {
		plan := filepath.Join(dir, "plan-"+c)
		tp, err := cmd("loyalty", "bulk", "plan", csvPath, "--out", plan, "--concurrency", c)
		if err != nil {
			return err
		}
		ta, err := cmd("loyalty", "bulk", "apply", plan, "--out", plan+".result.csv", "--concurrency", c)
		if err != nil {
			return err
		}
		tr, err := cmd("loyalty", "bulk", "apply", plan, "--out", plan+".again.csv", "--concurrency", c)
		if err != nil {
			return err
		}
		fmt.Printf("| %s | %s | %s | %s | %s |\n", name, c, rate(tp), rate(ta), rate(tr))
	}
	return nil
}
