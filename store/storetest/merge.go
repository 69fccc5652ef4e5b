package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/store"
)

// mergeState is what a merge changes of one customer, read back.
type mergeState struct {
	c                       api.Customer
	balance, lifetime       int64
	ledgerSum               int64
	ledgerCount             int
	orders, notes, defaults int
}

func readMergeState(t *testing.T, st store.Store, id api.ID) mergeState {
	t.Helper()
	var s mergeState
	read(t, st, func(ctx context.Context, tx store.Tx) error {
		var err error
		if s.c, err = tx.Customer(ctx, id); err != nil {
			return err
		}
		if s.balance, s.lifetime, err = tx.LoyaltyAccount(ctx, id); err != nil {
			return err
		}
		ledger, err := tx.LedgerOf(ctx, id, 1000, 0)
		if err != nil {
			return err
		}
		s.ledgerCount = len(ledger)
		for i, e := range ledger {
			s.ledgerSum += e.Points
			// Newest first: each entry's balance_after follows the one
			// before it.
			if i+1 < len(ledger) && ledger[i+1].BalanceAfter+e.Points != e.BalanceAfter {
				return fmt.Errorf("customer %s: ledger entry %s: balance_after %d does not follow %d%+d",
					id, e.ID, e.BalanceAfter, ledger[i+1].BalanceAfter, e.Points)
			}
		}
		if s.orders, err = tx.CountOrders(ctx, store.OrderFilter{CustomerID: id}); err != nil {
			return err
		}
		if s.notes, err = tx.CountNotes(ctx, id); err != nil {
			return err
		}
		for _, a := range s.c.Addresses {
			if a.Default {
				s.defaults++
			}
		}
		return nil
	})
	return s
}

func merge(st store.Store, keep, drop api.ID) (api.MergeResult, error) {
	var res api.MergeResult
	err := st.Write(context.Background(), func(tx store.Tx) error {
		m, ok := tx.(store.Merger)
		if !ok {
			return fmt.Errorf("%T does not implement store.Merger", tx)
		}
		var err error
		res, err = m.MergeCustomers(context.Background(), store.Merge{Keep: keep, Drop: drop, AgentID: "sup-1", At: t0.Add(time.Hour)})
		return err
	})
	return res, err
}

func testMerge(t *testing.T, st store.Store) {
	fx, ok := st.(Fixtures)
	if !ok {
		t.Fatalf("%T does not implement storetest.Fixtures (PutOrders)", st)
	}
	ctx := t.Context()
	write(t, st, func(ctx context.Context, tx store.Tx) error {
		return tx.PutAgent(ctx, store.Agent{ID: "sup-1", Name: "Wanjiru", Role: "supervisor"}, t0)
	})
	keep := newCustomer(t, st, "merge-keep@example.co.ke", "Achieng", "Otieno", t0)
	drop := newCustomer(t, st, "merge-drop@example.co.ke", "Achieng", "Otieno", t0)
	other := newCustomer(t, st, "merge-other@example.co.ke", "Baraka", "Kiprop", t0)
	order := func(n string, cust api.ID, status string, total int64) api.Order {
		return api.Order{Number: n, CustomerID: cust, Status: status, PaymentStatus: "paid", FulfillmentStatus: "fulfilled",
			Currency: "KES", Subtotal: total, Total: total, ItemCount: 1, CreatedAt: t0,
			Items: []api.OrderItem{{SKU: "SKU-" + n, Name: "Kikoi", Quantity: 1, UnitPrice: total, Total: total}}}
	}
	if _, err := fx.PutOrders(ctx, []api.Order{
		order("FD-M1", keep, api.OrderDelivered, 100_00),
		order("FD-M2", drop, api.OrderDelivered, 250_00),
		order("FD-M3", drop, api.OrderCancelled, 999_00),
		order("FD-M4", drop, api.OrderShipped, 40_00),
	}); err != nil {
		t.Fatal(err)
	}
	write(t, st, func(ctx context.Context, tx store.Tx) error {
		for _, a := range []store.Adjustment{
			{CustomerID: keep, Points: 500, Reason: "goodwill", Note: "welcome"},
			{CustomerID: keep, Points: -200, Reason: "correction", Note: "typo"},
			{CustomerID: drop, Points: 130, Reason: "goodwill", Note: "welcome"},
			{CustomerID: drop, Points: -10, Reason: "correction", Note: "typo"},
		} {
			a.At = t0
			if _, err := tx.AppendAdjustment(ctx, a); err != nil {
				return err
			}
		}
		for _, n := range []store.NewNote{{CustomerID: drop, Body: "called twice"}, {CustomerID: drop, Body: "same person"}, {CustomerID: keep, Body: "vip"}} {
			n.AgentID, n.AgentName, n.At = "sup-1", "Wanjiru", t0
			if _, err := tx.AddNote(ctx, n); err != nil {
				return err
			}
		}
		return nil
	})
	k0, d0 := readMergeState(t, st, keep), readMergeState(t, st, drop)

	res, err := merge(st, keep, drop)
	if err != nil {
		t.Fatalf("merge: %v", err)
	}
	want := api.MergeResult{KeepID: keep, DropID: drop,
		Moved:         api.MergeMoved{Orders: 3, Notes: 2, Addresses: 1, Points: d0.balance, LifetimeEarned: d0.lifetime},
		PointsBalance: k0.balance + d0.balance,
		TotalOrders:   k0.c.TotalOrders + d0.c.TotalOrders, TotalSpent: k0.c.TotalSpent + d0.c.TotalSpent}
	if res != want {
		t.Fatalf("merge = %+v\nwant %+v", res, want)
	}
	k1, d1 := readMergeState(t, st, keep), readMergeState(t, st, drop)
	if k1.balance != 420 || k1.balance != k0.balance+d0.balance || k1.ledgerSum != k1.balance {
		t.Errorf("keep: balance %d, ledger sum %d; want %d+%d", k1.balance, k1.ledgerSum, k0.balance, d0.balance)
	}
	if d1.balance != 0 || d1.ledgerSum != 0 {
		t.Errorf("drop: balance %d, ledger sum %d; want 0", d1.balance, d1.ledgerSum)
	}
	if k1.ledgerCount != k0.ledgerCount+1 || d1.ledgerCount != d0.ledgerCount+1 {
		t.Errorf("ledger entries: keep %d→%d, drop %d→%d; want one more each", k0.ledgerCount, k1.ledgerCount, d0.ledgerCount, d1.ledgerCount)
	}
	if k1.lifetime != k0.lifetime+d0.lifetime {
		t.Errorf("keep lifetime earned %d, want %d+%d", k1.lifetime, k0.lifetime, d0.lifetime)
	}
	if k1.c.TotalOrders != 3 || k1.c.TotalSpent != 390_00 || d1.c.TotalOrders != 0 || d1.c.TotalSpent != 0 {
		t.Errorf("totals: keep %d/%d, drop %d/%d; want 3/39000 and 0/0", k1.c.TotalOrders, k1.c.TotalSpent, d1.c.TotalOrders, d1.c.TotalSpent)
	}
	if k1.orders != 4 || d1.orders != 0 || k1.notes != 3 || d1.notes != 0 {
		t.Errorf("orders keep %d drop %d, notes keep %d drop %d; want 4, 0, 3, 0", k1.orders, d1.orders, k1.notes, d1.notes)
	}
	if len(k1.c.Addresses) != 2 || len(d1.c.Addresses) != 0 || k1.defaults != 1 {
		t.Errorf("addresses: keep %d (%d default), drop %d; want 2 (1 default), 0", len(k1.c.Addresses), k1.defaults, len(d1.c.Addresses))
	}
	if d1.c.MergedInto == nil || *d1.c.MergedInto != keep || d1.c.Status != api.StatusDisabled {
		t.Errorf("drop: merged_into %v, status %q; want %s, disabled", d1.c.MergedInto, d1.c.Status, keep)
	}
	if k1.c.MergedInto != nil || k1.c.Version != k0.c.Version+1 || d1.c.Version != d0.c.Version+1 {
		t.Errorf("keep merged_into %v, versions keep %d→%d drop %d→%d", k1.c.MergedInto, k0.c.Version, k1.c.Version, d0.c.Version, d1.c.Version)
	}
	read(t, st, func(ctx context.Context, tx store.Tx) error {
		cs, err := tx.CustomersByID(ctx, []api.ID{drop})
		if err != nil || len(cs) != 1 || cs[0].MergedInto == nil || *cs[0].MergedInto != keep {
			return fmt.Errorf("CustomersByID(drop) = %+v, %v; want merged into %s", cs, err, keep)
		}
		return nil
	})

	// Refusals write nothing.
	for _, tc := range []struct {
		keep, drop api.ID
		kind       string
	}{
		{keep, drop, store.MergeDropMerged},
		{other, drop, store.MergeDropMerged},
		{drop, other, store.MergeKeepMerged},
		{other, other, store.MergeSame},
	} {
		_, err := merge(st, tc.keep, tc.drop)
		var me *store.MergeError
		if !errors.As(err, &me) || me.Kind != tc.kind {
			t.Errorf("merge %s into %s: %v; want %s", tc.drop, tc.keep, err, tc.kind)
			continue
		}
		if tc.kind != store.MergeSame && me.Into != keep {
			t.Errorf("merge %s into %s: Into %q, want %s", tc.drop, tc.keep, me.Into, keep)
		}
	}
	if _, err := merge(st, keep, "999999"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("merge of a missing customer: %v, want ErrNotFound", err)
	}
	if k2, d2 := readMergeState(t, st, keep), readMergeState(t, st, drop); !reflect.DeepEqual(k2, k1) || !reflect.DeepEqual(d2, d1) {
		t.Errorf("a refused merge changed something:\nkeep %+v\nwas  %+v\ndrop %+v\nwas  %+v", k2, k1, d2, d1)
	}
}
