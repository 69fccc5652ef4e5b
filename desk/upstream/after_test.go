package upstream_test

import (
	"net/http/httptest"
	"slices"
	"testing"

	"frontdesk/api"
	"frontdesk/client"
	storedriver "frontdesk/client/store"
	storedialect "frontdesk/dialect/store"
	"frontdesk/sandbox/sandboxtest"
)

// In front of a platform the desk's next cursors carry the platform's
// own: following them sees every customer once, in the platform's order.
func TestInFrontOfAStoreCursorsVisitEveryone(t *testing.T) {
	sb := sandboxtest.New(t, sandboxtest.Options{})
	shop := httptest.NewServer(storedialect.New(sb.Store, nil))
	t.Cleanup(shop.Close)
	k := sb.Keys["viewer"]
	p, err := storedriver.New(storedriver.Config{BaseURL: shop.URL, KeyID: k.KeyID, Secret: k.Secret, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	c := newDesk(t, p).client(t, "agent")
	ctx := t.Context()
	all, err := c.SearchCustomers(ctx, client.SearchParams{Limit: 100})
	if err != nil || len(all.Items) != 50 {
		t.Fatalf("one page of everyone: %d, %v", len(all.Items), err)
	}
	var got []api.ID
	params := client.SearchParams{Limit: 7}
	for n := 1; ; n++ {
		page, err := c.SearchCustomers(ctx, params)
		if err != nil {
			t.Fatalf("page %d: %v", n, err)
		}
		if page.Number != n || page.Total != 50 {
			t.Fatalf("page %d says page %d of total %d", n, page.Number, page.Total)
		}
		for _, cu := range page.Items {
			got = append(got, cu.ID)
		}
		if page.Next == "" {
			break
		}
		if n > 50 {
			t.Fatal("paging does not end")
		}
		params.Cursor = page.Next
	}
	var want []api.ID
	for _, cu := range all.Items {
		want = append(want, cu.ID)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("following next saw %v\nwant %v", got, want)
	}
	// A cursor the desk did not make is refused naming after.
	if _, err := c.SearchCustomers(ctx, client.SearchParams{Cursor: "eyJzIjoiLWNyZWF0ZWRfYXQifQ", Limit: 7}); client.KindOf(err) != client.KindInvalid {
		t.Fatalf("a forged cursor: %v", err)
	}
}

// In front of a platform the export stream pages through the platform's
// own search: every customer once, in the order its cursors give.
func TestInFrontOfAStoreExportStreams(t *testing.T) {
	sb := sandboxtest.New(t, sandboxtest.Options{Customers: 260})
	shop := httptest.NewServer(storedialect.New(sb.Store, nil))
	t.Cleanup(shop.Close)
	k := sb.Keys["viewer"]
	p, err := storedriver.New(storedriver.Config{BaseURL: shop.URL, KeyID: k.KeyID, Secret: k.Secret, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	c := newDesk(t, p).client(t, "agent")
	ctx := t.Context()
	var want []api.ID
	params := client.SearchParams{Limit: 100}
	for {
		page, err := c.SearchCustomers(ctx, params)
		if err != nil {
			t.Fatal(err)
		}
		for _, cu := range page.Items {
			want = append(want, cu.ID)
		}
		if page.Next == "" {
			break
		}
		params.Cursor = page.Next
	}
	var got []api.ID
	n, err := c.ExportCustomers(ctx, client.SearchParams{}, func(cu *api.Customer) error {
		got = append(got, cu.ID)
		return nil
	})
	if err != nil || n != len(got) || len(want) != 260 || !slices.Equal(got, want) {
		t.Fatalf("export: %d customers (said %d), %v; paging saw %d", len(got), n, err, len(want))
	}
}
