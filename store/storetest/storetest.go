// Package storetest is the conformance suite of store.Store: what every
// storage engine must do, checked through the interface alone. An engine
// runs it by passing a constructor to Run; store's own test lists every
// engine's constructor, so a new engine joins by adding one line there.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/store"
	"frontdesk/store/audit"
)

// Open makes a fresh, empty (migrated) store for one test; the store is
// closed by the test's cleanup. The store must also implement Fixtures.
type Open func(t *testing.T) store.Store

// Fixtures is what the suite needs of an engine besides store.Store: a
// way to place rows the API never writes. Orders come from the platform
// or the seed generator; PutOrders stores them and counts the kept ones
// (neither cancelled nor refunded) into their customers' total_orders
// and total_spent, returning the new orders' ids in order.
type Fixtures interface {
	PutOrders(ctx context.Context, orders []api.Order) ([]api.ID, error)
}

// t0 is the suite's clock: every time it stores is relative to it, at
// millisecond precision (what every engine keeps).
var t0 = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

// Run runs the whole suite on the engine open makes.
func Run(t *testing.T, open Open) {
	tests := []struct {
		name string
		fn   func(t *testing.T, st store.Store)
	}{
		{"CustomerCreateGetPatch", testCustomers},
		{"CustomerVersionConflict", testVersionConflict},
		{"EmailOwner", testEmailOwner},
		{"Search", testSearch},
		{"SearchAfter", testSearchAfter},
		{"SearchFolds", testSearchFolds},
		{"OrdersOfNewCustomer", testOrdersEmpty},
		{"OrdersFiltersMetricsAndSpend", testOrders},
		{"OrderByNumber", testOrderByNumber},
		{"LedgerSumsAndRefusals", testLedger},
		{"Idempotency", testIdempotency},
		{"NotesByTextID", testNotes},
		{"SessionsTTLAndRevoke", testSessions},
		{"KeysAndAgents", testKeys},
		{"CustomerScope", testCustomerScope},
		{"AuditChain", testAudit},
		{"WriteIsAtomic", testAtomic},
		{"Retention", testRetention},
		{"GatewayLeases", testGatewayLeases},
		{"MergeCustomers", testMerge},
		{"Presence", testPresence},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, open(t))
		})
	}
}

// write runs fn in a Write transaction, failing t on error.
func write(t *testing.T, st store.Store, fn func(ctx context.Context, tx store.Tx) error) {
	t.Helper()
	ctx := t.Context()
	if err := st.Write(ctx, func(tx store.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatalf("write: %v", err)
	}
}

// read runs fn in a Read transaction, failing t on error.
func read(t *testing.T, st store.Store, fn func(ctx context.Context, tx store.Tx) error) {
	t.Helper()
	ctx := t.Context()
	if err := st.Read(ctx, func(tx store.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatalf("read: %v", err)
	}
}

func newCustomer(t *testing.T, st store.Store, email, first, last string, at time.Time) api.ID {
	t.Helper()
	var id api.ID
	write(t, st, func(ctx context.Context, tx store.Tx) error {
		var err error
		id, err = tx.CreateCustomer(ctx, api.CustomerCreate{
			Email: email, FirstName: first, LastName: last, Phone: "+254712345678",
			Addresses: []api.Address{{Type: "shipping", Address1: "Moi Avenue 12", City: "Mombasa", Country: "Kenya", Default: true}},
		}, at)
		return err
	})
	if id == "" {
		t.Fatal("CreateCustomer returned no id")
	}
	return id
}

func getCustomer(t *testing.T, st store.Store, id api.ID) api.Customer {
	t.Helper()
	var c api.Customer
	read(t, st, func(ctx context.Context, tx store.Tx) error {
		var err error
		c, err = tx.Customer(ctx, id)
		return err
	})
	return c
}

func ptr[T any](v T) *T { return &v }

func testCustomers(t *testing.T, st store.Store) {
	id := newCustomer(t, st, "zawadi@example.co.ke", "Zawadi", "Kilonzo", t0)
	c := getCustomer(t, st, id)
	if c.ID != id || c.Email != "zawadi@example.co.ke" || c.FirstName != "Zawadi" || c.LastName != "Kilonzo" ||
		c.Version != 1 || c.EmailConfirmed || c.Status != api.StatusActive || !c.CreatedAt.Equal(t0) || !c.UpdatedAt.Equal(t0) {
		t.Fatalf("created customer = %+v", c)
	}
	if len(c.Addresses) != 1 || c.Addresses[0].City != "Mombasa" || !c.Addresses[0].Default || c.Addresses[0].ID == "" {
		t.Fatalf("addresses = %+v", c.Addresses)
	}

	later := t0.Add(time.Hour)
	write(t, st, func(ctx context.Context, tx store.Tx) error {
		return tx.UpdateCustomer(ctx, id, 1, store.CustomerUpdate{
			CustomerPatch: api.CustomerPatch{
				FirstName: ptr("Zawadi W."), Status: ptr(api.StatusDisabled),
				Addresses: &[]api.Address{
					{Type: "billing", Address1: "Kenyatta Avenue 1", City: "Nairobi", Country: "Kenya"},
					{Type: "shipping", Address1: "Nyali Road 3", City: "Mombasa", Country: "Kenya"},
				},
			},
			EmailConfirmed: ptr(true),
			At:             later,
		})
	})
	c = getCustomer(t, st, id)
	if c.Version != 2 || c.FirstName != "Zawadi W." || c.LastName != "Kilonzo" || c.Status != api.StatusDisabled ||
		!c.EmailConfirmed || !c.UpdatedAt.Equal(later) || !c.CreatedAt.Equal(t0) {
		t.Fatalf("patched customer = %+v", c)
	}
	if len(c.Addresses) != 2 || c.Addresses[0].City != "Nairobi" || c.Addresses[1].Address1 != "Nyali Road 3" {
		t.Fatalf("replaced addresses = %+v", c.Addresses)
	}

	other := newCustomer(t, st, "baraka@example.co.ke", "Baraka", "Otieno", t0)
	read(t, st, func(ctx context.Context, tx store.Tx) error {
		got, err := tx.CustomersByID(ctx, []api.ID{other, "999999", id, "cstmr_nope"})
		if err != nil {
			return err
		}
		if len(got) != 2 || got[0].ID != other || got[1].ID != id {
			return fmt.Errorf("CustomersByID = %v, want [%s %s] in that order", ids(got), other, id)
		}
		for _, missing := range []api.ID{"999999", "cstmr_nope", "0", "-3"} {
			if _, err := tx.Customer(ctx, missing); !errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("Customer(%q) = %v, want ErrNotFound", missing, err)
			}
		}
		return nil
	})
}

func ids(cs []api.Customer) []api.ID {
	out := make([]api.ID, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

func testVersionConflict(t *testing.T, st store.Store) {
	id := newCustomer(t, st, "amani@example.co.ke", "Amani", "Mwangi", t0)
	ctx := t.Context()
	patch := func(version int64, phone string) error {
		return st.Write(ctx, func(tx store.Tx) error {
			return tx.UpdateCustomer(ctx, id, version, store.CustomerUpdate{CustomerPatch: api.CustomerPatch{Phone: ptr(phone)}, At: t0})
		})
	}
	if err := patch(1, "+254700000001"); err != nil {
		t.Fatal(err)
	}
	err := patch(1, "+254700000002")
	var vc *store.VersionConflictError
	if !errors.As(err, &vc) || vc.Current != 2 {
		t.Fatalf("stale patch: %v, want a version conflict at 2", err)
	}
	if c := getCustomer(t, st, id); c.Phone != "+254700000001" || c.Version != 2 {
		t.Fatalf("after the refused patch: phone %q version %d", c.Phone, c.Version)
	}
	if err := st.Write(ctx, func(tx store.Tx) error {
		return tx.UpdateCustomer(ctx, "999999", 1, store.CustomerUpdate{CustomerPatch: api.CustomerPatch{Phone: ptr("x")}, At: t0})
	}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("patch of a missing customer: %v, want ErrNotFound", err)
	}
}

func testEmailOwner(t *testing.T, st store.Store) {
	a := newCustomer(t, st, "Wanjiku@Example.co.ke", "Wanjiku", "Kamau", t0)
	b := newCustomer(t, st, "otieno@example.co.ke", "Otieno", "Odhiambo", t0)
	read(t, st, func(ctx context.Context, tx store.Tx) error {
		for _, tc := range []struct {
			email  string
			except api.ID
			want   api.ID
		}{
			{"wanjiku@example.co.ke", "", a},
			{"WANJIKU@EXAMPLE.CO.KE", b, a},
			{"wanjiku@example.co.ke", a, ""},
			{"nobody@example.co.ke", "", ""},
		} {
			got, err := tx.EmailOwner(ctx, tc.email, tc.except)
			if err != nil {
				return err
			}
			if got != tc.want {
				return fmt.Errorf("EmailOwner(%q, except %q) = %q, want %q", tc.email, tc.except, got, tc.want)
			}
		}
		return nil
	})
}

func testSearch(t *testing.T, st store.Store) {
	people := []struct{ first, last string }{
		{"Wanjiru", "Kamau"}, {"Achieng", "Otieno"}, {"Kipchoge", "Ruto"}, {"Wanjiku", "Njoroge"}, {"Baraka", "Abdi"},
	}
	var made []api.ID
	for i, p := range people {
		made = append(made, newCustomer(t, st, fmt.Sprintf("c%d@example.co.ke", i), p.first, p.last, t0.Add(time.Duration(i)*time.Minute)))
	}
	search := func(p store.SearchParams) store.SearchResult {
		t.Helper()
		var res store.SearchResult
		read(t, st, func(ctx context.Context, tx store.Tx) error {
			var err error
			res, err = tx.SearchCustomers(ctx, p)
			return err
		})
		return res
	}
	newest := search(store.SearchParams{Sort: api.SortNewest, Page: 1, Limit: 10})
	want := slices.Clone(made)
	slices.Reverse(want)
	if !slices.Equal(newest.IDs, want) || newest.Total != 5 || newest.Estimate {
		t.Fatalf("newest first = %v total %d, want %v total 5", newest.IDs, newest.Total, want)
	}
	byName := search(store.SearchParams{Sort: api.SortName, Page: 1, Limit: 10})
	if want := []api.ID{made[4], made[0], made[3], made[1], made[2]}; !slices.Equal(byName.IDs, want) {
		t.Fatalf("by name = %v, want %v (Abdi, Kamau, Njoroge, Otieno, Ruto)", byName.IDs, want)
	}
	spent := search(store.SearchParams{Sort: api.SortTopSpenders, Page: 1, Limit: 10})
	if len(spent.IDs) != 5 || spent.Total != 5 {
		t.Fatalf("top spenders = %v total %d, want all 5", spent.IDs, spent.Total)
	}
	wanj := search(store.SearchParams{Query: "wanj", Sort: api.SortNewest, Page: 1, Limit: 10})
	if want := []api.ID{made[3], made[0]}; !slices.Equal(wanj.IDs, want) || wanj.Total != 2 {
		t.Fatalf("search wanj = %v total %d, want %v total 2", wanj.IDs, wanj.Total, want)
	}
	page2 := search(store.SearchParams{Sort: api.SortNewest, Page: 2, Limit: 2})
	if !slices.Equal(page2.IDs, want[2:4]) || page2.Total != 5 {
		t.Fatalf("page 2 of 2 = %v total %d, want %v total 5", page2.IDs, page2.Total, want[2:4])
	}
	if none := search(store.SearchParams{Query: "zzzqqq", Page: 1, Limit: 10}); len(none.IDs) != 0 || none.Total != 0 {
		t.Fatalf("search for nobody = %+v", none)
	}
}

func testOrdersEmpty(t *testing.T, st store.Store) {
	id := newCustomer(t, st, "new@example.co.ke", "New", "Customer", t0)
	read(t, st, func(ctx context.Context, tx store.Tx) error {
		n, err := tx.CountOrders(ctx, store.OrderFilter{CustomerID: id})
		if err != nil || n != 0 {
			return fmt.Errorf("CountOrders = %d, %v; want 0", n, err)
		}
		list, err := tx.OrdersOf(ctx, store.OrderFilter{CustomerID: id}, 10, 0)
		if err != nil || list == nil || len(list) != 0 {
			return fmt.Errorf("OrdersOf = %v, %v; want an empty list", list, err)
		}
		if _, err := tx.Order(ctx, id, "1"); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("Order of a customer without orders: %v, want ErrNotFound", err)
		}
		first, last, err := tx.OrderDates(ctx, id)
		if err != nil || first != nil || last != nil {
			return fmt.Errorf("OrderDates = %v %v %v, want none", first, last, err)
		}
		return nil
	})
}

func testLedger(t *testing.T, st store.Store) {
	id := newCustomer(t, st, "points@example.co.ke", "Pointy", "Mutua", t0)
	ctx := t.Context()
	adjust := func(points int64, at time.Time) (api.LedgerEntry, error) {
		var e api.LedgerEntry
		err := st.Write(ctx, func(tx store.Tx) error {
			var err error
			e, err = tx.AppendAdjustment(ctx, store.Adjustment{CustomerID: id, Points: points, Reason: api.ReasonGoodwill, Note: "late delivery", AgentID: "", At: at})
			return err
		})
		return e, err
	}
	for i, p := range []int64{100, -30, 5} {
		e, err := adjust(p, t0.Add(time.Duration(i)*time.Second))
		if err != nil {
			t.Fatalf("adjust %+d: %v", p, err)
		}
		if e.Points != p || e.Type != "adjust" || e.Reason != api.ReasonGoodwill || e.ID == "" {
			t.Fatalf("entry = %+v", e)
		}
	}
	_, err := adjust(-76, t0)
	var short *store.InsufficientPointsError
	if !errors.Is(err, store.ErrInsufficientPoints) || !errors.As(err, &short) || short.Balance != 75 {
		t.Fatalf("overdraw: %v, want an InsufficientPointsError on a balance of 75", err)
	}
	read(t, st, func(ctx context.Context, tx store.Tx) error {
		balance, earned, err := tx.LoyaltyAccount(ctx, id)
		if err != nil {
			return err
		}
		if balance != 75 || earned != 105 {
			return fmt.Errorf("balance %d earned %d, want 75 and 105", balance, earned)
		}
		n, err := tx.CountLedger(ctx, id)
		if err != nil || n != 3 {
			return fmt.Errorf("CountLedger = %d, %v; want 3 (the refused overdraw wrote nothing)", n, err)
		}
		entries, err := tx.LedgerOf(ctx, id, 50, 0)
		if err != nil {
			return err
		}
		var sum int64
		for _, e := range entries {
			sum += e.Points
		}
		if sum != balance || entries[0].Points != 5 || entries[0].BalanceAfter != 75 || entries[2].Points != 100 {
			return fmt.Errorf("ledger %+v: sum %d, newest first, balance %d", entries, sum, balance)
		}
		page, err := tx.LedgerOf(ctx, id, 1, 1)
		if err != nil || len(page) != 1 || page[0].Points != -30 {
			return fmt.Errorf("page 2 of 1 = %+v, %v; want the -30 entry", page, err)
		}
		return nil
	})
}

func testIdempotency(t *testing.T, st store.Store) {
	ctx := t.Context()
	k := store.IdempotencyKey{AgentID: "amani", Key: "k-1", CustomerID: "cstmr_7", RequestHash: "h1", CreatedAt: t0}
	write(t, st, func(ctx context.Context, tx store.Tx) error { return tx.ClaimIdempotencyKey(ctx, k) })
	err := st.Write(ctx, func(tx store.Tx) error { return tx.ClaimIdempotencyKey(ctx, k) })
	if !errors.Is(err, store.ErrDuplicate) {
		t.Fatalf("second claim: %v, want ErrDuplicate", err)
	}
	// Another agent's key of the same name is its own.
	write(t, st, func(ctx context.Context, tx store.Tx) error {
		other := k
		other.AgentID = "baraka"
		return tx.ClaimIdempotencyKey(ctx, other)
	})
	read(t, st, func(ctx context.Context, tx store.Tx) error {
		got, err := tx.IdempotencyKey(ctx, "amani", "k-1")
		if err != nil {
			return err
		}
		if got.State != store.KeyInFlight || got.RequestHash != "h1" || got.CustomerID != "cstmr_7" || !got.CreatedAt.Equal(t0) || got.Response != nil {
			return fmt.Errorf("claimed key = %+v", got)
		}
		if _, err := tx.IdempotencyKey(ctx, "amani", "k-2"); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("unknown key: %v, want ErrNotFound", err)
		}
		return nil
	})
	write(t, st, func(ctx context.Context, tx store.Tx) error {
		return tx.RenewIdempotencyKey(ctx, "amani", "k-1", t0.Add(2*time.Minute))
	})
	answer := []byte(`{"status":"success"}`)
	write(t, st, func(ctx context.Context, tx store.Tx) error {
		return tx.FinishIdempotencyKey(ctx, "amani", "k-1", 201, answer)
	})
	if err := st.Write(ctx, func(tx store.Tx) error { return tx.FinishIdempotencyKey(ctx, "amani", "k-1", 201, answer) }); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("finishing a done key: %v, want ErrNotFound", err)
	}
	// A release drops only a claim in flight: the done key's answer stays
	// to be replayed.
	write(t, st, func(ctx context.Context, tx store.Tx) error { return tx.ReleaseIdempotencyKey(ctx, "amani", "k-1") })
	write(t, st, func(ctx context.Context, tx store.Tx) error { return tx.ReleaseIdempotencyKey(ctx, "baraka", "k-1") })
	read(t, st, func(ctx context.Context, tx store.Tx) error {
		got, err := tx.IdempotencyKey(ctx, "amani", "k-1")
		if err != nil {
			return err
		}
		if got.State != store.KeyDone || got.Status != 201 || string(got.Response) != string(answer) || !got.CreatedAt.Equal(t0.Add(2*time.Minute)) {
			return fmt.Errorf("replayable key = %+v", got)
		}
		if _, err := tx.IdempotencyKey(ctx, "baraka", "k-1"); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("released key: %v, want ErrNotFound", err)
		}
		return nil
	})
}

func testNotes(t *testing.T, st store.Store) {
	// The server's notes take any text id: a platform's as well as the
	// store's own.
	for _, id := range []api.ID{"cstmr_Kd6Ll2QZ0Z5Y8z", newCustomer(t, st, "notes@example.co.ke", "Noted", "Wafula", t0)} {
		for i, body := range []string{"called about the refund", "refund sent"} {
			write(t, st, func(ctx context.Context, tx store.Tx) error {
				n, err := tx.AddNote(ctx, store.NewNote{CustomerID: id, Body: body, AgentID: "amani", AgentName: "Amani", At: t0.Add(time.Duration(i) * time.Minute)})
				if err != nil {
					return err
				}
				if n.CustomerID != id || n.Body != body || n.ID == "" || !n.CreatedAt.Equal(t0.Add(time.Duration(i)*time.Minute)) {
					return fmt.Errorf("stored note = %+v", n)
				}
				return nil
			})
		}
		read(t, st, func(ctx context.Context, tx store.Tx) error {
			n, err := tx.CountNotes(ctx, id)
			if err != nil || n != 2 {
				return fmt.Errorf("CountNotes(%s) = %d, %v; want 2", id, n, err)
			}
			notes, err := tx.NotesOf(ctx, id, 10, 0)
			if err != nil || len(notes) != 2 || notes[0].Body != "refund sent" {
				return fmt.Errorf("NotesOf(%s) = %+v, %v; want 2, newest first", id, notes, err)
			}
			return nil
		})
	}
}

func testSessions(t *testing.T, st store.Store) {
	cid := newCustomer(t, st, "session@example.co.ke", "Session", "Kariuki", t0)
	write(t, st, func(ctx context.Context, tx store.Tx) error {
		return tx.PutAgent(ctx, store.Agent{ID: "amani", Name: "Amani Agent", Role: api.RoleAgent, LoyaltyLimit: 500}, t0)
	})
	ttl := 15 * time.Minute
	mk := func(id string, customer api.ID) store.Session {
		return store.Session{ID: id, CustomerID: customer, AgentID: "amani", KeyID: "ck_1", Reason: "phone call", Ticket: "T-1",
			StartedAt: t0, ExpiresAt: t0.Add(ttl), MaxExpiresAt: t0.Add(8 * time.Hour)}
	}
	write(t, st, func(ctx context.Context, tx store.Tx) error {
		for _, s := range []store.Session{mk("ses_a", cid), mk("ses_b", "cstmr_elsewhere")} {
			if err := tx.CreateSession(ctx, s); err != nil {
				return err
			}
			if err := tx.IssueSessionToken(ctx, s.ID, "hash-"+s.ID, t0, s.ExpiresAt); err != nil {
				return err
			}
		}
		return nil
	})
	read(t, st, func(ctx context.Context, tx store.Tx) error {
		s, err := tx.Session(ctx, "ses_a")
		if err != nil {
			return err
		}
		if s.CustomerID != cid || s.CustomerName != "Session Kariuki" || s.AgentName != "Amani Agent" || s.Reason != "phone call" ||
			s.Ticket != "T-1" || !s.ExpiresAt.Equal(t0.Add(ttl)) || s.EndedAt != nil {
			return fmt.Errorf("session = %+v", s)
		}
		s, exp, err := tx.SessionByToken(ctx, "hash-ses_b")
		if err != nil || s.ID != "ses_b" || s.CustomerID != "cstmr_elsewhere" || !exp.Equal(t0.Add(ttl)) {
			return fmt.Errorf("SessionByToken = %+v %v %v", s, exp, err)
		}
		if _, _, err := tx.SessionByToken(ctx, "hash-nope"); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("unknown token: %v, want ErrNotFound", err)
		}
		if _, err := tx.Session(ctx, "ses_nope"); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("unknown session: %v, want ErrNotFound", err)
		}
		return nil
	})
	live := func(now time.Time, f store.SessionFilter) []string {
		t.Helper()
		f.Now, f.Limit = now, 10
		var out []string
		read(t, st, func(ctx context.Context, tx store.Tx) error {
			list, err := tx.LiveSessions(ctx, f)
			for _, s := range list {
				out = append(out, s.ID)
			}
			return err
		})
		return out
	}
	if got := live(t0.Add(time.Minute), store.SessionFilter{}); !slices.Equal(got, []string{"ses_a", "ses_b"}) {
		t.Fatalf("live at +1m = %v", got)
	}
	if got := live(t0.Add(time.Minute), store.SessionFilter{CustomerID: "cstmr_elsewhere"}); !slices.Equal(got, []string{"ses_b"}) {
		t.Fatalf("live for cstmr_elsewhere = %v", got)
	}
	if got := live(t0.Add(time.Minute), store.SessionFilter{AgentID: "baraka"}); len(got) != 0 {
		t.Fatalf("live for another agent = %v", got)
	}
	// TTL: at the expiry a session is no longer live.
	if got := live(t0.Add(ttl), store.SessionFilter{}); len(got) != 0 {
		t.Fatalf("live at expiry = %v", got)
	}
	// Refresh: the old token is cut to the grace, a new one issued, the
	// session extended.
	newExp := t0.Add(10*time.Minute + ttl)
	write(t, st, func(ctx context.Context, tx store.Tx) error {
		if err := tx.RetireSessionTokens(ctx, "ses_a", t0.Add(10*time.Minute+30*time.Second)); err != nil {
			return err
		}
		if err := tx.IssueSessionToken(ctx, "ses_a", "hash-ses_a-2", t0.Add(10*time.Minute), newExp); err != nil {
			return err
		}
		return tx.ExtendSession(ctx, "ses_a", newExp)
	})
	read(t, st, func(ctx context.Context, tx store.Tx) error {
		_, oldExp, err := tx.SessionByToken(ctx, "hash-ses_a")
		if err != nil || !oldExp.Equal(t0.Add(10*time.Minute+30*time.Second)) {
			return fmt.Errorf("retired token expires %v, %v", oldExp, err)
		}
		s, exp, err := tx.SessionByToken(ctx, "hash-ses_a-2")
		if err != nil || !exp.Equal(newExp) || !s.ExpiresAt.Equal(newExp) {
			return fmt.Errorf("new token expires %v, session %v, %v", exp, s.ExpiresAt, err)
		}
		return nil
	})
	if got := live(t0.Add(ttl), store.SessionFilter{}); !slices.Equal(got, []string{"ses_a"}) {
		t.Fatalf("live at +15m after the refresh = %v", got)
	}
	// Revoke.
	write(t, st, func(ctx context.Context, tx store.Tx) error {
		return tx.EndSession(ctx, "ses_a", t0.Add(11*time.Minute), "supervisor-1")
	})
	if got := live(t0.Add(12*time.Minute), store.SessionFilter{}); !slices.Equal(got, []string{"ses_b"}) {
		t.Fatalf("live after the revoke of ses_a = %v, want [ses_b]", got)
	}
	var s store.Session
	read(t, st, func(ctx context.Context, tx store.Tx) error {
		var err error
		s, err = tx.Session(ctx, "ses_a")
		return err
	})
	if s.EndedAt == nil || !s.EndedAt.Equal(t0.Add(11*time.Minute)) || s.EndedBy != "supervisor-1" {
		t.Fatalf("ended session = %+v", s)
	}
}

func testKeys(t *testing.T, st store.Store) {
	agent := store.Agent{ID: "amina", Name: "Amina", Role: api.RoleAgent, LoyaltyLimit: 10}
	write(t, st, func(ctx context.Context, tx store.Tx) error {
		if n, err := tx.CountAPIKeys(ctx); err != nil || n != 0 {
			return fmt.Errorf("CountAPIKeys on an empty store = %d, %v", n, err)
		}
		if err := tx.PutAgent(ctx, agent, t0); err != nil {
			return err
		}
		if err := tx.CreateAPIKey(ctx, store.APIKey{KeyID: "ck_1", SecretHash: "s1", Agent: agent}, t0); err != nil {
			return err
		}
		agent.Name, agent.Role = "Amina W.", api.RoleSupervisor
		if err := tx.PutAgent(ctx, agent, t0); err != nil {
			return err
		}
		return tx.CreateAPIKey(ctx, store.APIKey{KeyID: "ck_2", SecretHash: "s2", Gateway: true, Agent: agent}, t0)
	})
	read(t, st, func(ctx context.Context, tx store.Tx) error {
		if n, err := tx.CountAPIKeys(ctx); err != nil || n != 2 {
			return fmt.Errorf("CountAPIKeys = %d, %v; want 2", n, err)
		}
		k, err := tx.APIKey(ctx, "ck_1")
		if err != nil || k.SecretHash != "s1" || k.Gateway || k.Revoked || k.Agent != agent {
			return fmt.Errorf("APIKey(ck_1) = %+v, %v; the agent as updated", k, err)
		}
		k, err = tx.APIKey(ctx, "ck_2")
		if err != nil || !k.Gateway {
			return fmt.Errorf("APIKey(ck_2) = %+v, %v; want a gateway key", k, err)
		}
		if a, err := tx.Agent(ctx, "amina"); err != nil || a != agent {
			return fmt.Errorf("Agent = %+v, %v", a, err)
		}
		if _, err := tx.APIKey(ctx, "ck_nope"); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("unknown key: %v", err)
		}
		if _, err := tx.Agent(ctx, "nobody"); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("unknown agent: %v", err)
		}
		return nil
	})
}

func testCustomerScope(t *testing.T, st store.Store) {
	id := newCustomer(t, st, "scope@example.co.ke", "Scope", "Chebet", t0)
	c := getCustomer(t, st, id)
	read(t, st, func(ctx context.Context, tx store.Tx) error {
		coupons, err := tx.EligibleCoupons(ctx, c, t0)
		if err != nil {
			return err
		}
		// A customer without orders gets the welcome coupon and not the
		// one for five orders.
		var codes []string
		for _, cp := range coupons {
			codes = append(codes, cp.Code)
		}
		if !slices.Contains(codes, "WELCOME10") || slices.Contains(codes, "LOYAL15") {
			return fmt.Errorf("coupons of a new customer = %v", codes)
		}
		return nil
	})
	write(t, st, func(ctx context.Context, tx store.Tx) error {
		if err := tx.PutAgent(ctx, store.Agent{ID: "amani", Name: "Amani", Role: api.RoleAgent}, t0); err != nil {
			return err
		}
		if err := tx.CreateSession(ctx, store.Session{ID: "ses_x", CustomerID: id, AgentID: "amani", KeyID: "ck_1", Reason: "call",
			StartedAt: t0, ExpiresAt: t0.Add(time.Minute), MaxExpiresAt: t0.Add(time.Hour)}); err != nil {
			return err
		}
		rid, err := tx.RecordPasswordReset(ctx, store.PasswordReset{CustomerID: id, SessionID: "ses_x", AgentID: "amani",
			TokenHash: "th", SentTo: "s•••@example.co.ke", RequestedAt: t0, ExpiresAt: t0.Add(time.Hour)})
		if err != nil || rid == "" {
			return fmt.Errorf("RecordPasswordReset = %q, %v", rid, err)
		}
		return nil
	})
}

func testAudit(t *testing.T, st store.Store) {
	recs := []audit.Record{
		{At: t0, AgentID: "amani", AgentName: "Amani", KeyID: "ck_1", Via: "api", Action: api.ActionNoteCreate, CustomerID: "42",
			After: []byte(`{"body":"hi"}`), RequestID: "req_1"},
		{At: t0.Add(time.Second), AgentID: "amani", AgentName: "Amani", KeyID: "ck_1", Via: "ssh", SessionID: "ses_1",
			Action: api.ActionCustomerUpdate, CustomerID: "cstmr_Kd6Ll2QZ0Z5Y8z", Before: []byte(`{"phone":"1"}`), After: []byte(`{"phone":"2"}`), RequestID: "req_2"},
		{At: t0.Add(2 * time.Second), AgentID: "baraka", AgentName: "Baraka", KeyID: "ck_2", Via: "api", Action: api.ActionLoyaltyAdjust,
			CustomerID: "42", Before: []byte(`{"points_balance":0}`), After: []byte(`{"points_balance":5}`), RequestID: "req_3"},
	}
	var rows []audit.Row
	for _, rec := range recs {
		write(t, st, func(ctx context.Context, tx store.Tx) error {
			row, err := tx.AppendAudit(ctx, rec)
			rows = append(rows, row)
			return err
		})
	}
	prev := audit.Genesis
	for i, r := range rows {
		if r.Seq != int64(i+1) || r.PrevHash != prev || r.Hash != r.ComputeHash() || r.CustomerID != recs[i].CustomerID {
			t.Fatalf("row %d = %+v, previous hash %s", i+1, r, prev)
		}
		prev = r.Hash
	}
	res, err := st.VerifyAudit(t.Context())
	if err != nil || res.Rows != 3 || res.Head != rows[2].Hash {
		t.Fatalf("VerifyAudit = %+v, %v; want 3 rows, head %s", res, err, rows[2].Hash)
	}
	read(t, st, func(ctx context.Context, tx store.Tx) error {
		for _, tc := range []struct {
			f    store.AuditFilter
			want []int64
		}{
			{store.AuditFilter{}, []int64{3, 2, 1}},
			{store.AuditFilter{CustomerID: "42"}, []int64{3, 1}},
			{store.AuditFilter{CustomerID: "cstmr_Kd6Ll2QZ0Z5Y8z"}, []int64{2}},
			{store.AuditFilter{AgentID: "amani", Action: api.ActionNoteCreate}, []int64{1}},
			{store.AuditFilter{SessionID: "ses_1"}, []int64{2}},
		} {
			n, err := tx.CountAudit(ctx, tc.f)
			if err != nil {
				return err
			}
			got, err := tx.AuditRows(ctx, tc.f, 10, 0)
			if err != nil {
				return err
			}
			var seqs []int64
			for _, r := range got {
				seqs = append(seqs, r.Seq)
			}
			if n != len(tc.want) || !slices.Equal(seqs, tc.want) {
				return fmt.Errorf("audit %+v: count %d rows %v, want %v", tc.f, n, seqs, tc.want)
			}
		}
		got, err := tx.AuditRows(ctx, store.AuditFilter{}, 1, 1)
		if err != nil || len(got) != 1 || got[0].Seq != 2 || got[0].Hash != rows[1].Hash {
			return fmt.Errorf("page 2 of 1 = %+v, %v", got, err)
		}
		return nil
	})
}

// testAtomic: what a failed Write did is not kept, the change and its
// audit row alike, and the chain still verifies.
func testAtomic(t *testing.T, st store.Store) {
	id := newCustomer(t, st, "atomic@example.co.ke", "Atomic", "Njeri", t0)
	ctx := t.Context()
	boom := errors.New("boom")
	err := st.Write(ctx, func(tx store.Tx) error {
		if err := tx.UpdateCustomer(ctx, id, 1, store.CustomerUpdate{CustomerPatch: api.CustomerPatch{Phone: ptr("+254799999999")}, At: t0}); err != nil {
			return err
		}
		if _, err := tx.AppendAdjustment(ctx, store.Adjustment{CustomerID: id, Points: 50, Reason: api.ReasonGoodwill, Note: "n", At: t0}); err != nil {
			return err
		}
		if _, err := tx.AddNote(ctx, store.NewNote{CustomerID: id, Body: "x", AgentID: "a", AgentName: "A", At: t0}); err != nil {
			return err
		}
		if _, err := tx.AppendAudit(ctx, audit.Record{At: t0, AgentID: "a", AgentName: "A", KeyID: "k", Via: "api",
			Action: api.ActionCustomerUpdate, CustomerID: string(id), RequestID: "r"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Write returned %v, want fn's error as is", err)
	}
	c := getCustomer(t, st, id)
	if c.Version != 1 || c.Phone != "+254712345678" {
		t.Fatalf("the failed write's patch was kept: %+v", c)
	}
	read(t, st, func(ctx context.Context, tx store.Tx) error {
		balance, _, err := tx.LoyaltyAccount(ctx, id)
		if err != nil || balance != 0 {
			return fmt.Errorf("balance %d, %v; want 0", balance, err)
		}
		if n, err := tx.CountNotes(ctx, id); err != nil || n != 0 {
			return fmt.Errorf("notes %d, %v; want 0", n, err)
		}
		if n, err := tx.CountAudit(ctx, store.AuditFilter{}); err != nil || n != 0 {
			return fmt.Errorf("audit rows %d, %v; want 0", n, err)
		}
		return nil
	})
	if res, err := st.VerifyAudit(ctx); err != nil || res.Rows != 0 {
		t.Fatalf("VerifyAudit after a rolled-back append = %+v, %v", res, err)
	}
	// A Read transaction cannot write.
	if err := st.Read(ctx, func(tx store.Tx) error {
		_, err := tx.AddNote(ctx, store.NewNote{CustomerID: id, Body: "x", AgentID: "a", AgentName: "A", At: t0})
		return err
	}); err == nil {
		t.Fatal("AddNote in a Read transaction succeeded")
	}
}

// testOrderByNumber finds orders by their exact number, whoever placed
// them, with items and addresses; anything else is not found.
func testOrderByNumber(t *testing.T, st store.Store) {
	fx, ok := st.(Fixtures)
	if !ok {
		t.Fatalf("%T does not implement storetest.Fixtures (PutOrders)", st)
	}
	ctx := t.Context()
	a := newCustomer(t, st, "number-a@example.co.ke", "Mary", "Wanjiru", t0)
	b := newCustomer(t, st, "number-b@example.co.ke", "Baraka", "Kiprop", t0)
	at := time.Date(2026, 4, 2, 9, 30, 0, 0, time.UTC)
	bill := &api.Address{Type: "billing", Address1: "Kenyatta Avenue 3", City: "Nairobi", Country: "Kenya"}
	mk := func(n string, cust api.ID, total int64) api.Order {
		return api.Order{Number: n, CustomerID: cust, Status: api.OrderShipped, PaymentStatus: "paid", FulfillmentStatus: "shipped",
			Currency: "KES", Subtotal: total, Total: total, ItemCount: 2, CreatedAt: at,
			Items:          []api.OrderItem{{SKU: "SKU-" + n, Name: "Kiondo", Quantity: 2, UnitPrice: total / 2, Total: total}},
			BillingAddress: bill}
	}
	ids, err := fx.PutOrders(ctx, []api.Order{mk("FD-00001584", a, 3200_00), mk("FD-00001585", b, 40_00), mk("FD-00015840", a, 10_00)})
	if err != nil || len(ids) != 3 {
		t.Fatalf("PutOrders = %v, %v", ids, err)
	}
	read(t, st, func(ctx context.Context, tx store.Tx) error {
		for i, tc := range []struct {
			number string
			cust   api.ID
			total  int64
		}{{"FD-00001584", a, 3200_00}, {"FD-00001585", b, 40_00}, {"FD-00015840", a, 10_00}} {
			o, err := tx.OrderByNumber(ctx, tc.number)
			if err != nil {
				return fmt.Errorf("OrderByNumber(%s): %w", tc.number, err)
			}
			if o.ID != ids[i] || o.Number != tc.number || o.CustomerID != tc.cust || o.Total != tc.total || !o.CreatedAt.Equal(at) ||
				len(o.Items) != 1 || o.Items[0].SKU != "SKU-"+tc.number || o.BillingAddress == nil || o.BillingAddress.City != "Nairobi" ||
				o.ShippingAddress != nil {
				return fmt.Errorf("OrderByNumber(%s) = %+v", tc.number, o)
			}
		}
		// Exact numbers only: the parser (api.ParseOrderNumber) makes
		// FD-00001584 of #1584 before the store is asked.
		for _, n := range []string{"FD-1584", "1584", "fd-00001584", "FD-0000158", "FD-00001584 ", "", "FD-99999999"} {
			if o, err := tx.OrderByNumber(ctx, n); !errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("OrderByNumber(%q) = %+v, %v; want ErrNotFound", n, o, err)
			}
		}
		return nil
	})
}

func testOrders(t *testing.T, st store.Store) {
	fx, ok := st.(Fixtures)
	if !ok {
		t.Fatalf("%T does not implement storetest.Fixtures (PutOrders)", st)
	}
	ctx := t.Context()
	a := newCustomer(t, st, "orders-a@example.co.ke", "Akinyi", "Odera", t0)
	b := newCustomer(t, st, "orders-b@example.co.ke", "Bahati", "Langat", t0)
	c := newCustomer(t, st, "orders-c@example.co.ke", "Chebet", "Mbugua", t0)
	addr := &api.Address{Type: "shipping", Address1: "Moi Avenue 12", City: "Mombasa", Country: "Kenya"}
	order := func(n string, cust api.ID, status string, total int64, at time.Time) api.Order {
		return api.Order{Number: n, CustomerID: cust, Status: status, PaymentStatus: "paid", FulfillmentStatus: "fulfilled",
			Currency: "KES", Subtotal: total, Total: total, ItemCount: 1, CreatedAt: at,
			Items:           []api.OrderItem{{SKU: "SKU-" + n, Name: "Kikoi", Quantity: 1, UnitPrice: total, Total: total}},
			ShippingAddress: addr}
	}
	// a: three months of orders, one cancelled; b: one big order; c: none.
	jan, feb, mar := time.Date(2026, 1, 10, 8, 0, 0, 0, time.UTC), time.Date(2026, 2, 3, 12, 0, 0, 0, time.UTC), time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	ids, err := fx.PutOrders(ctx, []api.Order{
		order("FD-1", a, api.OrderDelivered, 100_00, jan),
		order("FD-2", a, api.OrderCancelled, 999_00, feb),
		order("FD-3", a, api.OrderDelivered, 250_00, feb.Add(time.Hour)),
		order("FD-4", a, api.OrderShipped, 50_00, mar),
		order("FD-5", b, api.OrderDelivered, 5000_00, feb),
	})
	if err != nil || len(ids) != 5 {
		t.Fatalf("PutOrders = %v, %v", ids, err)
	}
	read(t, st, func(ctx context.Context, tx store.Tx) error {
		numbers := func(os []api.Order) []string {
			var out []string
			for _, o := range os {
				out = append(out, o.Number)
			}
			return out
		}
		for _, tc := range []struct {
			f    store.OrderFilter
			want []string
		}{
			{store.OrderFilter{CustomerID: a}, []string{"FD-4", "FD-3", "FD-2", "FD-1"}},
			{store.OrderFilter{CustomerID: a, Status: api.OrderDelivered}, []string{"FD-3", "FD-1"}},
			// From is inclusive, Until exclusive.
			{store.OrderFilter{CustomerID: a, From: feb, Until: mar}, []string{"FD-3", "FD-2"}},
			{store.OrderFilter{CustomerID: a, From: mar}, []string{"FD-4"}},
			{store.OrderFilter{CustomerID: b}, []string{"FD-5"}},
			{store.OrderFilter{CustomerID: c}, nil},
		} {
			n, err := tx.CountOrders(ctx, tc.f)
			if err != nil {
				return err
			}
			got, err := tx.OrdersOf(ctx, tc.f, 10, 0)
			if err != nil {
				return err
			}
			if n != len(tc.want) || !slices.Equal(numbers(got), tc.want) {
				return fmt.Errorf("orders %+v: count %d, %v; want %v", tc.f, n, numbers(got), tc.want)
			}
		}
		page, err := tx.OrdersOf(ctx, store.OrderFilter{CustomerID: a}, 2, 2)
		if err != nil || !slices.Equal(numbers(page), []string{"FD-2", "FD-1"}) {
			return fmt.Errorf("page 2 of 2 = %v, %v", numbers(page), err)
		}
		o, err := tx.Order(ctx, a, ids[2])
		if err != nil {
			return err
		}
		if o.Number != "FD-3" || o.CustomerID != a || o.Total != 250_00 || !o.CreatedAt.Equal(feb.Add(time.Hour)) ||
			len(o.Items) != 1 || o.Items[0].SKU != "SKU-FD-3" || o.ShippingAddress == nil || o.ShippingAddress.City != "Mombasa" || o.BillingAddress != nil {
			return fmt.Errorf("order FD-3 = %+v", o)
		}
		if _, err := tx.Order(ctx, b, ids[2]); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("another customer's order: %v, want ErrNotFound", err)
		}
		first, last, err := tx.OrderDates(ctx, a)
		if err != nil || first == nil || last == nil || !first.Equal(jan) || !last.Equal(mar) {
			return fmt.Errorf("OrderDates = %v %v %v", first, last, err)
		}
		spend, err := tx.MonthlySpend(ctx, a, time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			return err
		}
		if len(spend) != 2 || spend["2026-02"] != 250_00 || spend["2026-03"] != 50_00 {
			return fmt.Errorf("monthly spend since February = %v, want the kept orders only", spend)
		}
		ca, err := tx.Customer(ctx, a)
		if err != nil || ca.TotalOrders != 3 || ca.TotalSpent != 400_00 {
			return fmt.Errorf("a's totals: %d orders, %d spent, %v; want 3 and 40000", ca.TotalOrders, ca.TotalSpent, err)
		}
		all, err := tx.SpendDistribution(ctx, 100, 10)
		if err != nil || !slices.Equal(all, []int64{0, 400_00, 5000_00}) {
			return fmt.Errorf("SpendDistribution = %v, %v; want every total, ascending", all, err)
		}
		sample, err := tx.SpendDistribution(ctx, 2, 2)
		if err != nil || len(sample) == 0 || len(sample) > 3 || !slices.IsSorted(sample) {
			return fmt.Errorf("sampled SpendDistribution = %v, %v; want a few totals, ascending", sample, err)
		}
		top, err := tx.SearchCustomers(ctx, store.SearchParams{Sort: api.SortTopSpenders, Page: 1, Limit: 10})
		if err != nil || !slices.Equal(top.IDs, []api.ID{b, a, c}) {
			return fmt.Errorf("top spenders = %v, %v; want [%s %s %s]", top.IDs, err, b, a, c)
		}
		return nil
	})
}

// Retention removes Idempotency-Key claims by age, and sessions (with
// their tokens and password resets) once they ended or expired before the
// cutoff; everything newer stays.
func testRetention(t *testing.T, st store.Store) {
	ctx := t.Context()
	write(t, st, func(ctx context.Context, tx store.Tx) error {
		for i, at := range []time.Time{t0, t0.Add(25 * time.Hour), t0.Add(30 * time.Hour)} {
			k := store.IdempotencyKey{AgentID: "amani", Key: fmt.Sprintf("k-%d", i), CustomerID: "7", RequestHash: "h", CreatedAt: at}
			if err := tx.ClaimIdempotencyKey(ctx, k); err != nil {
				return err
			}
		}
		return tx.FinishIdempotencyKey(ctx, "amani", "k-0", 201, []byte(`{}`))
	})
	cid := newCustomer(t, st, "retention@example.co.ke", "Retention", "Wanjiru", t0)
	write(t, st, func(ctx context.Context, tx store.Tx) error {
		if err := tx.PutAgent(ctx, store.Agent{ID: "amani", Name: "Amani Agent", Role: api.RoleAgent}, t0); err != nil {
			return err
		}
		for _, s := range []store.Session{
			// ended early, expired early, and live past the cutoff
			{ID: "ses_ended", CustomerID: cid, AgentID: "amani", KeyID: "ck_1", Reason: "call", StartedAt: t0, ExpiresAt: t0.Add(15 * time.Minute), MaxExpiresAt: t0.Add(8 * time.Hour)},
			{ID: "ses_expired", CustomerID: cid, AgentID: "amani", KeyID: "ck_1", Reason: "call", StartedAt: t0, ExpiresAt: t0.Add(15 * time.Minute), MaxExpiresAt: t0.Add(8 * time.Hour)},
			{ID: "ses_recent", CustomerID: cid, AgentID: "amani", KeyID: "ck_1", Reason: "call", StartedAt: t0.Add(47 * time.Hour), ExpiresAt: t0.Add(49 * time.Hour), MaxExpiresAt: t0.Add(55 * time.Hour)},
		} {
			if err := tx.CreateSession(ctx, s); err != nil {
				return err
			}
			if err := tx.IssueSessionToken(ctx, s.ID, "hash-"+s.ID, s.StartedAt, s.ExpiresAt); err != nil {
				return err
			}
		}
		if _, err := tx.RecordPasswordReset(ctx, store.PasswordReset{CustomerID: cid, SessionID: "ses_ended", AgentID: "amani", TokenHash: "rh",
			SentTo: "r***@example.co.ke", RequestedAt: t0, ExpiresAt: t0.Add(time.Hour)}); err != nil {
			return err
		}
		return tx.EndSession(ctx, "ses_ended", t0.Add(5*time.Minute), "amani")
	})

	cutoff := t0.Add(24 * time.Hour)
	var keys, sessions int
	write(t, st, func(ctx context.Context, tx store.Tx) error {
		var err error
		if keys, err = tx.PurgeIdempotencyKeys(ctx, cutoff); err != nil {
			return err
		}
		sessions, err = tx.PurgeSessions(ctx, cutoff)
		return err
	})
	if keys != 1 || sessions != 2 {
		t.Fatalf("purged %d keys and %d sessions, want 1 and 2", keys, sessions)
	}
	read(t, st, func(ctx context.Context, tx store.Tx) error {
		if _, err := tx.IdempotencyKey(ctx, "amani", "k-0"); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("a day-old key survived: %v", err)
		}
		for _, k := range []string{"k-1", "k-2"} {
			if _, err := tx.IdempotencyKey(ctx, "amani", k); err != nil {
				return fmt.Errorf("key %s after the cutoff: %v", k, err)
			}
		}
		for _, id := range []string{"ses_ended", "ses_expired"} {
			if _, err := tx.Session(ctx, id); !errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("session %s survived: %v", id, err)
			}
			if _, _, err := tx.SessionByToken(ctx, "hash-"+id); !errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("the token of session %s survived: %v", id, err)
			}
		}
		if _, _, err := tx.SessionByToken(ctx, "hash-ses_recent"); err != nil {
			return fmt.Errorf("the recent session's token: %v", err)
		}
		return nil
	})
	if err := st.Read(ctx, func(tx store.Tx) error { _, err := tx.PurgeSessions(ctx, cutoff); return err }); err == nil {
		t.Fatal("a purge in a read transaction succeeded")
	}
}

// lease is a gateway lease of agent held by key for ttl from at.
func lease(id, agent, key string, at time.Time, ttl time.Duration) store.GatewayLease {
	return store.GatewayLease{ID: id, AgentID: agent, KeyID: key, Gateway: "gw-" + key, AcquiredAt: at, ExpiresAt: at.Add(ttl)}
}

// acquire tries to store l under caps in its own Write.
func acquire(t *testing.T, st store.Store, l store.GatewayLease, caps store.GatewayCaps) error {
	t.Helper()
	ctx := t.Context()
	return st.Write(ctx, func(tx store.Tx) error { return tx.AcquireGatewayLease(ctx, l, caps) })
}

func countLeases(t *testing.T, st store.Store, now time.Time, agent string) int {
	t.Helper()
	var n int
	read(t, st, func(ctx context.Context, tx store.Tx) error {
		var err error
		n, err = tx.CountGatewayLeases(ctx, now, agent)
		return err
	})
	return n
}

func wantCap(t *testing.T, err error, scope string, limit int) {
	t.Helper()
	var ce *store.GatewayCapError
	if !errors.As(err, &ce) || !errors.Is(err, store.ErrGatewayCap) {
		t.Fatalf("acquire: %v, want a *GatewayCapError", err)
	}
	if ce.Scope != scope || ce.Cap != limit {
		t.Fatalf("refusal %+v, want scope %s cap %d", *ce, scope, limit)
	}
}

func testGatewayLeases(t *testing.T, st store.Store) {
	ctx := t.Context()
	const ttl = 90 * time.Second
	caps := store.GatewayCaps{Total: 3, PerAgent: 2}
	for i, l := range []store.GatewayLease{
		lease("gwl_1", "ag_a", "ck_gw1", t0, ttl),
		lease("gwl_2", "ag_a", "ck_gw2", t0, ttl),
	} {
		if err := acquire(t, st, l, caps); err != nil {
			t.Fatalf("lease %d: %v", i, err)
		}
	}
	// The agent's third is over its cap; nothing is written.
	wantCap(t, acquire(t, st, lease("gwl_3", "ag_a", "ck_gw1", t0, ttl), caps), store.CapAgent, 2)
	if n := countLeases(t, st, t0, "ag_a"); n != 2 {
		t.Fatalf("agent a holds %d leases, want 2", n)
	}
	// Another agent takes the desk's last place; then the desk is full.
	if err := acquire(t, st, lease("gwl_4", "ag_b", "ck_gw1", t0, ttl), caps); err != nil {
		t.Fatal(err)
	}
	wantCap(t, acquire(t, st, lease("gwl_5", "ag_c", "ck_gw1", t0, ttl), caps), store.CapDesk, 3)
	if n := countLeases(t, st, t0, ""); n != 3 {
		t.Fatalf("%d live leases, want 3", n)
	}
	// No caps: anything goes.
	if err := acquire(t, st, lease("gwl_6", "ag_a", "ck_gw1", t0, ttl), store.GatewayCaps{}); err != nil {
		t.Fatalf("uncapped: %v", err)
	}
	write(t, st, func(ctx context.Context, tx store.Tx) error { return tx.ReleaseGatewayLease(ctx, "gwl_6", "ck_gw1") })

	// Renew: only the key that holds it, only while live.
	later := t0.Add(60 * time.Second)
	err := st.Write(ctx, func(tx store.Tx) error {
		_, err := tx.RenewGatewayLease(ctx, "gwl_1", "ck_gw2", later, later.Add(ttl))
		return err
	})
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("renew by another key: %v, want ErrNotFound", err)
	}
	var got store.GatewayLease
	write(t, st, func(ctx context.Context, tx store.Tx) error {
		var err error
		got, err = tx.RenewGatewayLease(ctx, "gwl_1", "ck_gw1", later, later.Add(ttl))
		return err
	})
	want := lease("gwl_1", "ag_a", "ck_gw1", t0, ttl)
	want.ExpiresAt = later.Add(ttl)
	if !got.AcquiredAt.Equal(want.AcquiredAt) || !got.ExpiresAt.Equal(want.ExpiresAt) {
		t.Fatalf("renewed lease %+v, want %+v", got, want)
	}
	got.AcquiredAt, got.ExpiresAt = want.AcquiredAt, want.ExpiresAt
	if got != want {
		t.Fatalf("renewed lease %+v, want %+v", got, want)
	}

	// At t0+ttl the leases not renewed have expired: gwl_2 and gwl_4 no
	// longer count, and renewing gwl_2 fails; gwl_1 was renewed.
	expired := t0.Add(ttl)
	if n := countLeases(t, st, expired, ""); n != 1 {
		t.Fatalf("%d live leases after expiry, want 1 (the renewed one)", n)
	}
	err = st.Write(ctx, func(tx store.Tx) error {
		_, err := tx.RenewGatewayLease(ctx, "gwl_2", "ck_gw2", expired, expired.Add(ttl))
		return err
	})
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("renew of an expired lease: %v, want ErrNotFound", err)
	}
	// Expiry frees the places: agent a (still holding the renewed gwl_1)
	// gets one more, not two; agent b gets one again.
	if err := acquire(t, st, lease("gwl_7", "ag_a", "ck_gw2", expired, ttl), caps); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	wantCap(t, acquire(t, st, lease("gwl_8", "ag_a", "ck_gw2", expired, ttl), caps), store.CapAgent, 2)
	if err := acquire(t, st, lease("gwl_9", "ag_b", "ck_gw2", expired, ttl), caps); err != nil {
		t.Fatalf("after expiry: %v", err)
	}

	// Release: only the key that holds it; a second release finds nothing.
	err = st.Write(ctx, func(tx store.Tx) error { return tx.ReleaseGatewayLease(ctx, "gwl_7", "ck_gw1") })
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("release by another key: %v, want ErrNotFound", err)
	}
	write(t, st, func(ctx context.Context, tx store.Tx) error { return tx.ReleaseGatewayLease(ctx, "gwl_7", "ck_gw2") })
	err = st.Write(ctx, func(tx store.Tx) error { return tx.ReleaseGatewayLease(ctx, "gwl_7", "ck_gw2") })
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second release: %v, want ErrNotFound", err)
	}
	if n := countLeases(t, st, expired, "ag_a"); n != 1 {
		t.Fatalf("agent a holds %d leases after a release, want 1", n)
	}
	// A Read transaction cannot acquire.
	err = st.Read(ctx, func(tx store.Tx) error {
		return tx.AcquireGatewayLease(ctx, lease("gwl_10", "ag_c", "ck_gw1", expired, ttl), store.GatewayCaps{})
	})
	if err == nil {
		t.Fatal("AcquireGatewayLease in a Read transaction succeeded")
	}
}

// GatewayLeasesAcrossStores checks that the caps hold when two Stores on
// one database (two server processes) acquire at once: a and b must be
// two Stores opened on the same, empty database. 16 acquirers, half
// through each Store, race for a desk cap of 5 and a per-agent cap of 3
// (over two agents): exactly 5 win, at most 3 of an agent's.
func GatewayLeasesAcrossStores(t *testing.T, a, b store.Store) {
	ctx := t.Context()
	caps := store.GatewayCaps{Total: 5, PerAgent: 3}
	const racers = 16
	errs := make(chan error, racers)
	start := make(chan struct{})
	for i := range racers {
		st := a
		if i%2 == 1 {
			st = b
		}
		agent := []string{"ag_x", "ag_y"}[i/2%2]
		go func() {
			<-start
			l := lease(fmt.Sprintf("gwl_r%d", i), agent, "ck_gw", t0, time.Hour)
			errs <- st.Write(ctx, func(tx store.Tx) error { return tx.AcquireGatewayLease(ctx, l, caps) })
		}()
	}
	close(start)
	won := 0
	for range racers {
		switch err := <-errs; {
		case err == nil:
			won++
		case errors.Is(err, store.ErrGatewayCap):
		default:
			t.Errorf("acquire: %v", err)
		}
	}
	if won != caps.Total {
		t.Errorf("%d acquires won, want exactly the desk cap %d", won, caps.Total)
	}
	for _, st := range []store.Store{a, b} {
		if n := countLeases(t, st, t0, ""); n != caps.Total {
			t.Errorf("%d live leases, want %d", n, caps.Total)
		}
		for _, ag := range []string{"ag_x", "ag_y"} {
			if n := countLeases(t, st, t0, ag); n > caps.PerAgent {
				t.Errorf("agent %s holds %d leases, over the cap %d", ag, n, caps.PerAgent)
			}
		}
	}
}
