package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/stdlib"

	"frontdesk/api"
	"frontdesk/store"
	"frontdesk/store/audit"
	"frontdesk/store/postgres"
	"frontdesk/store/postgres/pgtest"
	"frontdesk/store/postgres/schema"
)

// open opens a Store on dsn, closed when t ends.
func open(t *testing.T, dsn string) *postgres.Store {
	t.Helper()
	st, err := postgres.Open(t.Context(), dsn)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestTwoStoresSerialiseWrites: a Write through one Store holds back a
// Write through another on the same database until it commits, as two
// server processes would be.
func TestTwoStoresSerialiseWrites(t *testing.T) {
	dsn := pgtest.DSN(t)
	a, b := open(t, dsn), open(t, dsn)
	ctx := t.Context()
	inA, releaseA := make(chan struct{}), make(chan struct{})
	errA := make(chan error, 1)
	go func() {
		errA <- a.Write(ctx, func(tx store.Tx) error {
			close(inA)
			<-releaseA
			_, err := tx.AddNote(ctx, store.NewNote{CustomerID: "c1", Body: "first", AgentID: "a", AgentName: "A", At: time.Now()})
			return err
		})
	}()
	<-inA
	inB := make(chan struct{})
	errB := make(chan error, 1)
	go func() {
		errB <- b.Write(ctx, func(tx store.Tx) error {
			close(inB)
			// B runs after A committed, so it sees A's note.
			n, err := tx.CountNotes(ctx, "c1")
			if err != nil {
				return err
			}
			if n != 1 {
				return fmt.Errorf("B sees %d notes, want A's one", n)
			}
			return nil
		})
	}()
	select {
	case <-inB:
		t.Fatal("a Write through the second Store ran while the first's was open")
	case <-time.After(300 * time.Millisecond):
	}
	close(releaseA)
	if err := <-errA; err != nil {
		t.Fatal(err)
	}
	if err := <-errB; err != nil {
		t.Fatal(err)
	}
}

// TestReplicasAdjustOnce is the replicas' contract at the storage level:
// clients retry idempotent adjustments through two Stores on one database
// at once (each request claims its key, applies the adjustment, appends
// the audit row and stores the answer in one Write, as the server does).
// Every key applies once, every balance equals its ledger, the audit is
// one verified chain with a row per applied adjustment.
func TestReplicasAdjustOnce(t *testing.T) {
	dsn := pgtest.DSN(t)
	replicas := []*postgres.Store{open(t, dsn), open(t, dsn)}
	ctx := t.Context()
	t0 := time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

	var customers []api.ID
	if err := replicas[0].Write(ctx, func(tx store.Tx) error {
		for i := range 4 {
			id, err := tx.CreateCustomer(ctx, api.CustomerCreate{Email: fmt.Sprintf("r%d@example.co.ke", i), FirstName: "R", LastName: "Eplica"}, t0)
			if err != nil {
				return err
			}
			customers = append(customers, id)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	const (
		clients  = 8
		requests = 40 // per client
	)
	// adjust is one request: the key names what is applied.
	adjust := func(st store.Store, agent, key string, cust api.ID, points int64) (applied bool, err error) {
		err = st.Write(ctx, func(tx store.Tx) error {
			err := tx.ClaimIdempotencyKey(ctx, store.IdempotencyKey{AgentID: agent, Key: key, CustomerID: cust, RequestHash: key, CreatedAt: t0})
			if errors.Is(err, store.ErrDuplicate) {
				k, err := tx.IdempotencyKey(ctx, agent, key)
				if err != nil {
					return err
				}
				if k.State != store.KeyDone {
					return fmt.Errorf("key %s is %s: a committed claim is always done here", key, k.State)
				}
				return nil // a replay
			}
			if err != nil {
				return err
			}
			balance, _, err := tx.LoyaltyAccount(ctx, cust)
			if err != nil {
				return err
			}
			e, err := tx.AppendAdjustment(ctx, store.Adjustment{CustomerID: cust, Points: points, Reason: api.ReasonGoodwill, Note: key, AgentID: "", At: t0})
			if errors.Is(err, store.ErrInsufficientPoints) {
				// The refusal is the answer, stored like any other.
				return tx.FinishIdempotencyKey(ctx, agent, key, 409, []byte(`{"error":"insufficient"}`))
			}
			if err != nil {
				return err
			}
			if _, err := tx.AppendAudit(ctx, audit.Record{At: t0, AgentID: agent, AgentName: agent, KeyID: "ck", Via: "api",
				Action: api.ActionLoyaltyAdjust, CustomerID: string(cust), RequestID: key,
				Before: fmt.Appendf(nil, `{"points_balance":%d}`, balance), After: fmt.Appendf(nil, `{"points_balance":%d}`, e.BalanceAfter)}); err != nil {
				return err
			}
			applied = true
			return tx.FinishIdempotencyKey(ctx, agent, key, 201, []byte(e.ID))
		})
		return applied, err
	}

	var (
		mu      sync.Mutex
		applied = map[string]int{}
		wg      sync.WaitGroup
		errs    = make(chan error, clients)
	)
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			agent := fmt.Sprintf("agent-%d", (c/2)%2)
			for r := range requests {
				// Clients c and c^1 send the same keys (the same agent),
				// each key once through each replica: a retry that lands
				// elsewhere.
				key := fmt.Sprintf("k-%d-%d", c/2, r)
				cust := customers[(c/2+r)%len(customers)]
				points := int64(10)
				if r%3 == 2 {
					points = -25 // refused when the balance is short
				}
				ok, err := adjust(replicas[(c+r)%2], agent, key, cust, points)
				if err != nil {
					errs <- fmt.Errorf("client %d request %s: %w", c, key, err)
					return
				}
				if ok {
					mu.Lock()
					applied[agent+"/"+key]++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	appliedRows := 0
	for k, n := range applied {
		if n != 1 {
			t.Errorf("key %s applied %d times", k, n)
		}
		appliedRows++
	}
	if err := replicas[1].Read(ctx, func(tx store.Tx) error {
		// Every key sent has its answer stored.
		for c := 0; c < clients; c += 2 {
			for r := range requests {
				k, err := tx.IdempotencyKey(ctx, fmt.Sprintf("agent-%d", (c/2)%2), fmt.Sprintf("k-%d-%d", c/2, r))
				if err != nil {
					return err
				}
				if k.State != store.KeyDone {
					return fmt.Errorf("key %+v not done", k)
				}
			}
		}
		var ledgerRows int
		for _, c := range customers {
			balance, _, err := tx.LoyaltyAccount(ctx, c)
			if err != nil {
				return err
			}
			n, err := tx.CountLedger(ctx, c)
			if err != nil {
				return err
			}
			entries, err := tx.LedgerOf(ctx, c, n+1, 0)
			if err != nil {
				return err
			}
			var sum int64
			for _, e := range entries {
				sum += e.Points
			}
			if sum != balance {
				t.Errorf("customer %s: balance %d, ledger sums to %d", c, balance, sum)
			}
			ledgerRows += n
		}
		if ledgerRows != appliedRows {
			t.Errorf("%d ledger rows, %d adjustments applied", ledgerRows, appliedRows)
		}
		n, err := tx.CountAudit(ctx, store.AuditFilter{})
		if err != nil {
			return err
		}
		if n != appliedRows {
			t.Errorf("%d audit rows, %d adjustments applied", n, appliedRows)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, st := range replicas {
		res, err := st.VerifyAudit(ctx)
		if err != nil || res.Rows != int64(appliedRows) {
			t.Fatalf("VerifyAudit = %+v, %v; want %d rows", res, err, appliedRows)
		}
	}
	if appliedRows == 0 {
		t.Fatal("nothing applied")
	}
	t.Logf("%d adjustments applied once each through 2 replicas", appliedRows)
}

// TestOpenReadOnly: the checker's Store verifies the chain as it is and
// cannot write.
func TestOpenReadOnly(t *testing.T) {
	dsn := pgtest.DSN(t)
	rw := open(t, dsn)
	ctx := t.Context()
	if err := rw.Write(ctx, func(tx store.Tx) error {
		_, err := tx.AppendAudit(ctx, audit.Record{At: time.Now(), AgentID: "a", AgentName: "A", KeyID: "k", Via: "api",
			Action: api.ActionNoteCreate, CustomerID: "7", RequestID: "r"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	ro, err := postgres.OpenReadOnly(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if res, err := ro.VerifyAudit(ctx); err != nil || res.Rows != 1 {
		t.Fatalf("VerifyAudit = %+v, %v", res, err)
	}
	if err := ro.Write(ctx, func(tx store.Tx) error {
		_, err := tx.AddNote(ctx, store.NewNote{CustomerID: "7", Body: "x", AgentID: "a", AgentName: "A", At: time.Now()})
		return err
	}); err == nil {
		t.Fatal("a write through OpenReadOnly succeeded")
	}
	if !postgres.IsDSN(dsn) || postgres.IsDSN("sandbox.db") {
		t.Fatal("IsDSN")
	}
}

// TestServersStartTogether: servers that start at once on a new database
// migrate it once between them (goose under an advisory lock), and a
// later start finds nothing to do.
func TestServersStartTogether(t *testing.T) {
	dsn := pgtest.DSN(t)
	ctx := t.Context()
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, err := postgres.Open(ctx, dsn)
			if err == nil {
				st.Close()
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	st := open(t, dsn)
	db := stdlib.OpenDBFromPool(st.Pool())
	defer db.Close()
	p, err := schema.Provider(db, "")
	if err != nil {
		t.Fatal(err)
	}
	want := len(p.ListSources())
	var applied, distinct int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*), count(DISTINCT version_id) FROM goose_db_version WHERE version_id > 0`).Scan(&applied, &distinct); err != nil {
		t.Fatal(err)
	}
	if applied != want || distinct != want {
		t.Fatalf("%d migrations recorded (%d distinct), want each of the %d once", applied, distinct, want)
	}
}

// TestCancelledContext: a cancelled request stops with context.Canceled.
func TestCancelledContext(t *testing.T) {
	st := open(t, pgtest.DSN(t))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for _, q := range []string{"", "a", "wanjiru"} {
		err := st.Read(ctx, func(tx store.Tx) error {
			_, err := tx.SearchCustomers(ctx, store.SearchParams{Query: q})
			return err
		})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%q with a cancelled context: err = %v, want context.Canceled", q, err)
		}
	}
	if err := st.Write(ctx, func(store.Tx) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("Write with a cancelled context: err = %v, want context.Canceled", err)
	}
}
