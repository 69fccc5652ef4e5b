package store_test

import (
	"path/filepath"
	"testing"

	"frontdesk/store"
	"frontdesk/store/postgres"
	"frontdesk/store/postgres/pgtest"
	"frontdesk/store/sqlite"
	"frontdesk/store/storetest"
)

// engines are the storage engines the conformance suite runs on. A new
// engine joins by adding its constructor here (one that skips with a
// clear message where its server is missing).
var engines = []struct {
	name string
	open storetest.Open
}{
	{"sqlite", openSQLite},
	{"postgres", openPostgres},
}

func openSQLite(t *testing.T) store.Store {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "store.db"))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// openPostgres opens the engine on a schema of the test's own in
// FRONTDESK_TEST_POSTGRES (skipped without it; see pgtest).
func openPostgres(t *testing.T) store.Store {
	t.Helper()
	st, err := postgres.Open(t.Context(), pgtest.DSN(t))
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestConformance(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			storetest.Run(t, e.open)
		})
	}
}
