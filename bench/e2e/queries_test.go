package main

import (
	"context"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"frontdesk/sandbox/seed"
	"frontdesk/store/sqlite/schema"
)

// smallStore seeds 400 customers into a temporary SQLite file and opens
// it read-only, as the benchmark does.
func smallStore(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "store.db")
	db, err := schema.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Run(ctx, db, seed.Options{Customers: 400, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestPickQueries(t *testing.T) {
	ctx := context.Background()
	db, err := openStore(smallStore(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n, err := countCustomers(ctx, db); err != nil || n != 400 {
		t.Fatalf("countCustomers = %d, %v; want 400", n, err)
	}
	want := map[string]*regexp.Regexp{
		"email":    regexp.MustCompile(`^[^@\s]+@[^@\s]+$`),
		"email12":  regexp.MustCompile(`^\S{12}$`),
		"phone":    regexp.MustCompile(`^[0-9]{7}$`),
		"surname":  regexp.MustCompile(`^[A-Za-z]{3,}$`),
		"initials": regexp.MustCompile(`^[a-z] [a-z]$`),
		"fragment": regexp.MustCompile(`^[a-z]{3}$`),
	}
	const n = 12
	for _, sh := range allShapes() {
		qs, err := pickQueries(ctx, db, sh, n, 200, 7)
		if err != nil {
			t.Fatalf("%s: %v", sh.name, err)
		}
		if len(qs) != n {
			t.Fatalf("%s: picked %d queries, want %d", sh.name, len(qs), n)
		}
		seen := map[string]bool{}
		for _, q := range qs {
			if !want[sh.name].MatchString(q.text) {
				t.Errorf("%s: %q is not of the shape", sh.name, q.text)
			}
			if seen[q.text] {
				t.Errorf("%s: %q picked twice", sh.name, q.text)
			}
			seen[q.text] = true
			if strings.HasPrefix(q.from.email, "hostile-") {
				t.Errorf("%s: picked hostile record %s", sh.name, q.from.email)
			}
			// Each query comes from its customer's row as stored.
			c := q.from
			var ok bool
			switch sh.name {
			case "email":
				ok = q.text == c.email
			case "email12":
				ok = strings.HasPrefix(c.email, q.text)
			case "phone":
				ok = strings.Contains(c.phone, q.text)
			case "surname":
				ok = q.text == c.last
			case "initials":
				ok = q.text == strings.ToLower(c.first[:1]+" "+c.last[:1])
			case "fragment":
				ok = strings.Contains(strings.ToLower(c.last), q.text)
			}
			if !ok {
				t.Errorf("%s: %q does not come from customer %d (%s, %s %s, %s)", sh.name, q.text, c.id, c.email, c.first, c.last, c.phone)
			}
			var email string
			if err := db.QueryRowContext(ctx, `SELECT email FROM customers WHERE id = ?`, c.id).Scan(&email); err != nil || email != c.email {
				t.Errorf("%s: customer %d is %q in the store (%v), picker says %q", sh.name, c.id, email, err, c.email)
			}
		}
		again, err := pickQueries(ctx, db, sh, n, 200, 7)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(texts(qs), texts(again)) {
			t.Errorf("%s: the same seed picked %v, then %v", sh.name, texts(qs), texts(again))
		}
		other, err := pickQueries(ctx, db, sh, n, 200, 8)
		if err != nil {
			t.Fatal(err)
		}
		if slices.Equal(texts(qs), texts(other)) {
			t.Errorf("%s: seeds 7 and 8 picked the same queries %v", sh.name, texts(qs))
		}
	}
}

func TestPickQueriesMaxLen(t *testing.T) {
	db, err := openStore(smallStore(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	qs, err := pickQueries(context.Background(), db, allShapes()[0], 10, 18, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) == 0 {
		t.Fatal("no email of 18 bytes or less in 400 customers")
	}
	for _, q := range qs {
		if len(q.text) > 18 {
			t.Errorf("picked %q, longer than 18", q.text)
		}
	}
}

func TestShapesNamed(t *testing.T) {
	got, err := shapesNamed("surname, email")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].name != "surname" || got[1].name != "email" {
		t.Errorf("shapesNamed picked %v", got)
	}
	if all, err := shapesNamed(""); err != nil || len(all) != len(allShapes()) {
		t.Errorf(`shapesNamed("") = %d shapes, %v`, len(all), err)
	}
	if _, err := shapesNamed("email,nope"); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("an unknown shape gave %v", err)
	}
}

func texts(qs []query) []string {
	out := make([]string, len(qs))
	for i, q := range qs {
		out[i] = q.text
	}
	return out
}
