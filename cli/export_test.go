package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/sandbox/sandboxtest"
	"frontdesk/sshd"
	"frontdesk/store"
)

// storeOrder is every customer matching query in sort's order, read
// from the database through the search index's reference scan's
// numbered pages.
func storeOrder(t *testing.T, env *sandboxtest.Env, query, sort string) []string {
	t.Helper()
	ix := env.Store.SearchIndex()
	if err := ix.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for pg := 1; ; pg++ {
		r, err := ix.Naive(store.SearchParams{Query: query, Sort: sort, Page: pg, Limit: api.MaxPageLimit})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range r.IDs {
			ids = append(ids, id.String())
		}
		if len(r.IDs) < api.MaxPageLimit {
			return ids
		}
	}
}

// TestExportRoundTrip exports a seeded sandbox as CSV and as JSON lines
// and reads back what the store holds, in the store's order.
func TestExportRoundTrip(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 330, RateLimit: -1})
	home := t.TempDir()
	// An agent's export: a viewer's carries email, phone and addresses
	// masked (TestMaskedCLIOutput), and this compares values.
	k := env.Keys["agent"]
	vars := map[string]string{
		"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, "cfg"), "XDG_STATE_HOME": filepath.Join(home, "state"),
		EnvAPIURL: env.URL, EnvAPIKey: k.KeyID, EnvAPISecret: k.Secret,
	}
	run := func(args ...string) (code int, stdout, stderr string) {
		t.Helper()
		var out, errb bytes.Buffer
		code = Run(context.Background(), Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
			Getenv: func(k string) string { return vars[k] }}, args)
		return code, out.String(), errb.String()
	}

	t.Run("csv", func(t *testing.T) {
		code, out, errOut := run("customers", "export")
		if code != ExitOK || errOut != "" {
			t.Fatalf("export: exit %d\n%s", code, errOut)
		}
		rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(rows[0], exportCSVHeader) {
			t.Fatalf("header %v", rows[0])
		}
		rows = rows[1:]
		want := storeOrder(t, env, "", api.SortNewest)
		if len(rows) != len(want) || len(want) < 330 {
			t.Fatalf("exported %d customers, the store has %d", len(rows), len(want))
		}
		for i, row := range rows {
			if row[0] != want[i] {
				t.Fatalf("row %d is customer %s, the store's order has %s", i, row[0], want[i])
			}
			var email, first, last, phone, status, currency, created string
			var orders int
			var spent int64
			if err := env.DB.QueryRow(`SELECT email, first_name, last_name, phone, status, total_orders, total_spent, currency, created_at
				FROM customers WHERE id = ?`, row[0]).Scan(&email, &first, &last, &phone, &status, &orders, &spent, &currency, &created); err != nil {
				t.Fatal(err)
			}
			at, err := time.Parse(time.RFC3339Nano, row[10])
			if err != nil {
				t.Fatal(err)
			}
			stored, err := time.Parse(time.RFC3339Nano, created)
			if err != nil {
				t.Fatal(err)
			}
			got := []string{row[1], row[3], row[4], row[5], row[6], row[7], row[8], row[9]}
			wantRow := []string{email, first, last, phone, status, itoa(orders), itoa(int(spent)), currency}
			if !slices.Equal(got, wantRow) || !at.Equal(stored) {
				t.Fatalf("customer %s exported as %v %s, stored %v %s", row[0], got, at, wantRow, stored)
			}
		}
	})

	t.Run("jsonl to a file", func(t *testing.T) {
		for _, sort := range api.Sorts {
			file := filepath.Join(t.TempDir(), "out.jsonl")
			code, out, errOut := run("customers", "export", "mail", "--format", "jsonl", "--sort", sort, "--out", file)
			if code != ExitOK || out != "" || errOut != "" {
				t.Fatalf("export: exit %d\nstdout %q\nstderr %s", code, out, errOut)
			}
			f, err := os.Open(file)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			sc := bufio.NewScanner(f)
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				var c api.Customer
				if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
					t.Fatalf("line %d: %v", len(got)+1, err)
				}
				if c.Email == "" || c.CreatedAt.IsZero() {
					t.Fatalf("line %d: %s", len(got)+1, sc.Bytes())
				}
				got = append(got, c.ID.String())
			}
			f.Close()
			if want := storeOrder(t, env, "mail", sort); !slices.Equal(got, want) || len(want) <= api.MaxPageLimit {
				t.Fatalf("sort %s: exported %d customers, the store matches %d (or too few to page)", sort, len(got), len(want))
			}
			if left, _ := filepath.Glob(filepath.Join(filepath.Dir(file), ".*part")); len(left) > 0 {
				t.Fatalf("temporary files left: %v", left)
			}
		}
	})

	t.Run("refusals", func(t *testing.T) {
		for _, args := range [][]string{
			{"customers", "export", "--format", "xml"},
			{"customers", "export", "--sort", "oldest"},
			{"customers", "export", "a", "b"},
		} {
			if code, out, _ := run(args...); code != ExitUsage || out != "" {
				t.Errorf("%v: exit %d, stdout %q", args, code, out)
			}
		}
		// A failed export leaves no file.
		file := filepath.Join(t.TempDir(), "x.csv")
		vars[EnvAPISecret] = "wrong"
		code, _, _ := run("customers", "export", "--out", file)
		vars[EnvAPISecret] = k.Secret
		if _, err := os.Stat(file); code == ExitOK || !os.IsNotExist(err) {
			t.Fatalf("failed export: exit %d, file %v", code, err)
		}
	})

	t.Run("search --after", func(t *testing.T) {
		list := func(args ...string) api.CustomerList {
			t.Helper()
			code, out, errOut := run(append([]string{"customers", "search", "mail", "--json", "--limit", "50"}, args...)...)
			if code != ExitOK {
				t.Fatalf("%v: exit %d\n%s", args, code, errOut)
			}
			var l api.CustomerList
			if err := json.Unmarshal([]byte(out), &l); err != nil {
				t.Fatal(err)
			}
			return l
		}
		first := list()
		if first.Next == "" {
			t.Fatal("--json prints no next cursor on a full first page")
		}
		second, numbered := list("--after", first.Next), list("--page", "2")
		if second.Page != 2 || len(second.Customers) != 50 || len(numbered.Customers) != 50 {
			t.Fatalf("--after: page %d with %d customers; numbered page 2 has %d", second.Page, len(second.Customers), len(numbered.Customers))
		}
		for i := range second.Customers {
			if second.Customers[i].ID != numbered.Customers[i].ID {
				t.Fatalf("--after's page differs from page 2 at %d", i)
			}
		}
		if code, _, errOut := run("customers", "search", "mail", "--after", first.Next, "--page", "2"); code != ExitUsage || !strings.Contains(errOut, "--after") {
			t.Fatalf("--after with --page: exit %d %s", code, errOut)
		}
	})

	t.Run("over ssh", func(t *testing.T) {
		viewer := &sshd.Agent{ID: env.Agents["viewer"], Name: "Vera", Role: api.RoleViewer}
		code, name, out, errOut := remoteRun(t, env, viewer, true, "customers", "export", "--format", "jsonl")
		if code != ExitOK || name != "customers export" || errOut != "" {
			t.Fatalf("export over ssh: exit %d %q\n%s", code, name, errOut)
		}
		if n := strings.Count(out, "\n"); n != len(storeOrder(t, env, "", api.SortNewest)) {
			t.Fatalf("export over ssh wrote %d lines", n)
		}
		code, _, out, errOut = remoteRun(t, env, viewer, true, "customers", "export", "--out", "/tmp/x.csv")
		if code != ExitUsage || out != "" || !strings.Contains(errOut, "--out is not available over ssh") {
			t.Fatalf("--out over ssh: exit %d\nstdout %q\nstderr %q", code, out, errOut)
		}
	})
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestExportProgressLine(t *testing.T) {
	var b bytes.Buffer
	p := &progress{w: &b, start: time.Now()}
	p.update(500, 1000, false)
	p.update(600, 1000, false) // within 200 ms of the last: not drawn
	p.end(1000, true)
	out := b.String()
	if !strings.Contains(out, "exported 500 of 1000 (50%) customers") || strings.Contains(out, "600") ||
		!strings.Contains(out, "exported 1000 customers in") || !strings.HasSuffix(out, "\n") {
		t.Fatalf("progress line %q", out)
	}
	b.Reset()
	p = &progress{w: &b, start: time.Now()}
	p.update(20000, api.TotalExactCap, true)
	p.end(20000, false)
	if out := b.String(); !strings.Contains(out, "of more than 10000") || !strings.Contains(out, "stopped after 20000") {
		t.Fatalf("progress line %q", out)
	}
	var none progress // not a terminal: nothing, and no panic
	none.update(1, 2, false)
	none.end(2, true)
}
