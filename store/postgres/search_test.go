package postgres

import (
	"testing"

	"frontdesk/store/postgres/pgtest"
	"frontdesk/store/searchq"
)

func TestTooManyPrefixes(t *testing.T) {
	for q, want := range map[string]bool{
		"a b c d":         false, // one letter per column
		"a b c d e":       true,
		"a b c d e f g h": true,
		"k ka j m w":      false, // k and ka fit one column
		"k ka j m w x":    true,
		"A a b c d":       false,
		"a b c d wan":     false, // a long word is a substring anywhere
		"1 2 3 4 5":       false, // short digits also match the phone's +254 form
	} {
		tokens, _ := searchq.Parse(q)
		if got := tooManyPrefixes(tokens); got != want {
			t.Errorf("tooManyPrefixes(%q) = %v, want %v", q, got, want)
		}
	}
}

// TestInitialsFollowWrites checks that customer_initials counts what the
// customers table holds after inserts, updates of every searched column
// (and of others) and deletes.
func TestInitialsFollowWrites(t *testing.T) {
	ctx := t.Context()
	st, err := Open(ctx, pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	exec := func(sql string) {
		t.Helper()
		if _, err := st.pool.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec(`INSERT INTO customers (email, first_name, last_name, phone, created_at, updated_at)
		SELECT chr(97 + i % 26) || i || '@x.test', chr(65 + i % 7) || 'ane', CASE WHEN i % 11 = 0 THEN '' ELSE chr(75 + i % 5) || 'amau' END,
			CASE WHEN i % 3 = 0 THEN '' ELSE '+2547' || i END, now(), now()
		FROM generate_series(1, 500) AS i`)
	exec(`INSERT INTO customers (email, first_name, last_name, phone, created_at, updated_at)
		VALUES ('élan@x.test', 'Émile', 'ÉCOLE', '', now(), now()), ('😀@x.test', 'Zo', '王', '0712', now(), now())`)
	exec(`UPDATE customers SET first_name = 'J' || first_name WHERE id % 4 = 0`)
	exec(`UPDATE customers SET email = 'k' || email, last_name = 'Otieno' WHERE id % 5 = 0`)
	exec(`UPDATE customers SET phone = 'x' WHERE id % 6 = 0`)
	exec(`UPDATE customers SET total_spent = 5 WHERE id % 2 = 0`)
	exec(`DELETE FROM customers WHERE id % 7 = 0`)
	var diff int
	if err := st.pool.QueryRow(ctx, `SELECT count(*) FROM (
			(SELECT last_initial, initials, n FROM customer_initials WHERE n > 0
			 EXCEPT SELECT left(lower(last_name), 1), customer_initials_of(email, first_name, last_name, phone), count(*) FROM customers GROUP BY 1, 2)
			UNION ALL
			(SELECT left(lower(last_name), 1), customer_initials_of(email, first_name, last_name, phone), count(*) FROM customers GROUP BY 1, 2
			 EXCEPT SELECT last_initial, initials, n FROM customer_initials WHERE n > 0)) d`).Scan(&diff); err != nil {
		t.Fatal(err)
	}
	if diff != 0 {
		t.Fatalf("customer_initials differs from the customers in %d rows", diff)
	}
}
