package server_test

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/sandbox/sandboxtest"
)

// mergeView is what a merge changes of one customer, read over HTTP.
type mergeView struct {
	c                 api.Customer
	balance, ledger   int64
	orders, notes     int
	ledgerEntries     int
	balanceChainBroke string
}

func viewForMerge(t *testing.T, env *sandboxtest.Env, id api.ID) mergeView {
	t.Helper()
	var v mergeView
	p := "/customers/" + id.String()
	var ce api.CustomerEnvelope
	r := env.Do(t, "supervisor", "GET", p, nil)
	wantStatus(t, r, 200)
	r.Data(t, &ce)
	v.c = ce.Customer
	var l api.Loyalty
	env.Do(t, "supervisor", "GET", p+"/loyalty", nil).Data(t, &l)
	v.balance = l.PointsBalance
	var all []api.LedgerEntry
	for page := 1; ; page++ {
		var lp api.LedgerPage
		env.Do(t, "supervisor", "GET", fmt.Sprintf("%s/loyalty/ledger?limit=100&page=%d", p, page), nil).Data(t, &lp)
		all = append(all, lp.Ledger...)
		if len(all) >= lp.Total || len(lp.Ledger) == 0 {
			break
		}
	}
	v.ledgerEntries = len(all)
	for i, e := range all {
		v.ledger += e.Points
		if i+1 < len(all) && all[i+1].BalanceAfter+e.Points != e.BalanceAfter {
			v.balanceChainBroke = fmt.Sprintf("entry %s: %d after %d%+d", e.ID, e.BalanceAfter, all[i+1].BalanceAfter, e.Points)
		}
	}
	var ol api.OrderList
	env.Do(t, "supervisor", "GET", p+"/orders?limit=1", nil).Data(t, &ol)
	v.orders = ol.Total
	var nl api.NoteList
	env.Do(t, "supervisor", "GET", p+"/notes?limit=1", nil).Data(t, &nl)
	v.notes = nl.Total
	return v
}

// twoWithPoints finds two active seeded customers with orders and points.
func twoWithPoints(t *testing.T, env *sandboxtest.Env) (api.ID, api.ID) {
	t.Helper()
	var found []api.ID
	var list api.CustomerList
	env.Do(t, "supervisor", "GET", "/customers?limit=100", nil).Data(t, &list)
	for _, c := range list.Customers {
		if c.Status != api.StatusActive || c.TotalOrders == 0 {
			continue
		}
		var l api.Loyalty
		env.Do(t, "supervisor", "GET", "/customers/"+c.ID.String()+"/loyalty", nil).Data(t, &l)
		if l.PointsBalance > 0 {
			found = append(found, c.ID)
		}
		if len(found) == 2 {
			return found[0], found[1]
		}
	}
	t.Fatalf("no two active seeded customers with orders and points among %d", len(list.Customers))
	return "", ""
}

func TestMergeCustomers(t *testing.T) {
	onEngines(t, sandboxtest.Options{Customers: 40}, func(t *testing.T, env *sandboxtest.Env) {
		keep, drop := twoWithPoints(t, env)
		// A note on the duplicate, to see it move.
		wantStatus(t, env.Do(t, "agent", "POST", "/customers/"+drop.String()+"/notes", api.NoteCreate{Body: "same person as " + keep.String()}), 201)
		k0, d0 := viewForMerge(t, env, keep), viewForMerge(t, env, drop)
		path := "/customers/" + keep.String() + "/merge"
		body := api.MergeRequest{Drop: drop}

		// Agents and viewers may neither preview nor merge.
		for _, role := range []string{"viewer", "agent"} {
			wantError(t, env.Do(t, role, "POST", path+"/preview", body), 403, api.CodeForbidden)
			wantError(t, env.Do(t, role, "POST", path, body, api.HeaderIdempotencyKey, "m-"+role), 403, api.CodeForbidden)
		}

		var pv api.MergePreview
		r := env.Do(t, "supervisor", "POST", path+"/preview", body)
		wantStatus(t, r, 200)
		r.Data(t, &pv)
		if pv.OrderCount != d0.orders || pv.NoteCount != d0.notes || pv.LedgerCount != d0.ledgerEntries ||
			pv.KeepBalance != k0.balance || pv.DropBalance != d0.balance || pv.PointsBalance != k0.balance+d0.balance ||
			pv.TotalOrders != k0.c.TotalOrders+d0.c.TotalOrders || pv.TotalSpent != k0.c.TotalSpent+d0.c.TotalSpent ||
			len(pv.Addresses) != len(d0.c.Addresses) || pv.Keep.ID != keep || pv.Drop.ID != drop {
			t.Fatalf("preview = %+v\nbefore: keep %+v\ndrop %+v", pv, k0, d0)
		}
		// The preview changed nothing.
		if v := viewForMerge(t, env, drop); v.orders != d0.orders || v.balance != d0.balance || v.c.MergedInto != nil {
			t.Fatalf("the preview changed the duplicate: %+v", v)
		}

		r = env.Do(t, "supervisor", "POST", path, body, api.HeaderIdempotencyKey, "merge-1")
		wantStatus(t, r, 201)
		var res api.MergeResult
		r.Data(t, &res)
		if res.KeepID != keep || res.DropID != drop || res.PointsBalance != k0.balance+d0.balance ||
			res.Moved.Orders != d0.orders || res.Moved.Notes != d0.notes || res.Moved.Points != d0.balance {
			t.Fatalf("merge = %+v", res)
		}
		k1, d1 := viewForMerge(t, env, keep), viewForMerge(t, env, drop)
		// The done-criterion: balance = ledger sum = the two balances before.
		if k1.balance != k0.balance+d0.balance || k1.ledger != k1.balance || k1.balanceChainBroke != "" {
			t.Errorf("keep after: balance %d, ledger sum %d (%s); want %d+%d", k1.balance, k1.ledger, k1.balanceChainBroke, k0.balance, d0.balance)
		}
		if d1.balance != 0 || d1.ledger != 0 || d1.balanceChainBroke != "" {
			t.Errorf("drop after: balance %d, ledger sum %d (%s); want 0", d1.balance, d1.ledger, d1.balanceChainBroke)
		}
		if k1.orders != k0.orders+d0.orders || d1.orders != 0 || k1.notes != k0.notes+d0.notes || d1.notes != 0 {
			t.Errorf("orders %d→%d (drop %d), notes %d→%d (drop %d)", k0.orders, k1.orders, d1.orders, k0.notes, k1.notes, d1.notes)
		}
		if k1.c.TotalOrders != k0.c.TotalOrders+d0.c.TotalOrders || k1.c.TotalSpent != k0.c.TotalSpent+d0.c.TotalSpent {
			t.Errorf("keep totals %d/%d, want %d/%d", k1.c.TotalOrders, k1.c.TotalSpent,
				k0.c.TotalOrders+d0.c.TotalOrders, k0.c.TotalSpent+d0.c.TotalSpent)
		}
		// The dropped id answers where it went.
		if d1.c.MergedInto == nil || *d1.c.MergedInto != keep || d1.c.Status != api.StatusDisabled {
			t.Errorf("GET the dropped customer: merged_into %v, status %q; want %s, disabled", d1.c.MergedInto, d1.c.Status, keep)
		}

		// The same key again: the same answer, nothing applied twice.
		again := env.Do(t, "supervisor", "POST", path, body, api.HeaderIdempotencyKey, "merge-1")
		if again.Status != 201 || again.Header.Get(api.HeaderReplayed) != "true" || !bytes.Equal(again.Body, r.Body) {
			t.Fatalf("replay: %d %q %s", again.Status, again.Header.Get(api.HeaderReplayed), again.Body)
		}
		// A new key: refused, naming where the customer went.
		e := wantError(t, env.Do(t, "supervisor", "POST", path, body, api.HeaderIdempotencyKey, "merge-2"), 409, api.CodeAlreadyMerged)
		if e != nil && !strings.Contains(e.Message, "merged into "+keep.String()) {
			t.Errorf("second merge: %q does not say where it went", e.Message)
		}
		wantError(t, env.Do(t, "supervisor", "POST", "/customers/"+drop.String()+"/merge", api.MergeRequest{Drop: keep},
			api.HeaderIdempotencyKey, "merge-3"), 409, api.CodeAlreadyMerged)
		wantError(t, env.Do(t, "supervisor", "POST", path, api.MergeRequest{Drop: keep}, api.HeaderIdempotencyKey, "merge-4"), 422, api.CodeMergeInvalid)
		wantError(t, env.Do(t, "supervisor", "POST", path, api.MergeRequest{Drop: "999999"}, api.HeaderIdempotencyKey, "merge-5"), 404, api.CodeNotFound)
		if k2, d2 := viewForMerge(t, env, keep), viewForMerge(t, env, drop); k2.balance != k1.balance || k2.ledgerEntries != k1.ledgerEntries ||
			k2.orders != k1.orders || d2.ledgerEntries != d1.ledgerEntries {
			t.Errorf("the replay or a refusal changed something: keep %+v → %+v", k1, k2)
		}

		// One audit row, on the kept customer.
		var ap api.AuditPage
		env.Do(t, "supervisor", "GET", "/audit?customer_id="+keep.String()+"&action="+api.ActionCustomerMerge, nil).Data(t, &ap)
		if ap.Total != 1 || len(ap.Entries) != 1 || !strings.Contains(string(ap.Entries[0].After), `"merged_customer_id":"`+drop.String()+`"`) {
			t.Errorf("audit rows of the merge: %+v", ap)
		}

		// Search still finds the duplicate by its email, but as merged
		// into keep (the list carries merged_into), not as a customer like
		// any other. The index follows the change feed: poll.
		deadline := time.Now().Add(10 * time.Second)
		for {
			var list api.CustomerList
			env.Do(t, "agent", "GET", "/customers?search="+url.QueryEscape(d0.c.Email), nil).Data(t, &list)
			var got *api.Customer
			for i := range list.Customers {
				if list.Customers[i].ID == drop {
					got = &list.Customers[i]
				}
			}
			if got != nil && got.MergedInto != nil && *got.MergedInto == keep && got.Status == api.StatusDisabled {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("search %q: %+v; want %s listed as merged into %s", d0.c.Email, list.Customers, drop, keep)
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}
