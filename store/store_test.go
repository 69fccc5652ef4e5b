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
	// pair opens two Stores on one fresh database (two servers).
	pair func(t *testing.T) (store.Store, store.Store)
}{
	{"sqlite", openSQLite, pairSQLite},
	{"postgres", openPostgres, pairPostgres},
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

func pairSQLite(t *testing.T) (store.Store, store.Store) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "store.db")
	var out [2]store.Store
	for i := range out {
		st, err := sqlite.Open(t.Context(), path)
		if err != nil {
			t.Fatalf("open sqlite: %v", err)
		}
		t.Cleanup(func() { st.Close() })
		out[i] = st
	}
	return out[0], out[1]
}

func pairPostgres(t *testing.T) (store.Store, store.Store) {
	t.Helper()
	dsn := pgtest.DSN(t)
	var out [2]store.Store
	for i := range out {
		st, err := postgres.Open(t.Context(), dsn)
		if err != nil {
			t.Fatalf("open postgres: %v", err)
		}
		t.Cleanup(func() { st.Close() })
		out[i] = st
	}
	return out[0], out[1]
}

// TestGatewayLeasesAcrossStores: the gateway session caps hold when two
// Stores (two servers) on one database acquire at once.
func TestGatewayLeasesAcrossStores(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			a, b := e.pair(t)
			storetest.GatewayLeasesAcrossStores(t, a, b)
		})
	}
}

func TestConformance(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			storetest.Run(t, e.open)
		})
	}
}
