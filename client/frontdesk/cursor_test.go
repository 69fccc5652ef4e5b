package frontdesk_test

import (
	"slices"
	"strings"
	"testing"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/sandbox/sandboxtest"
)

func ids(cs []api.Customer) []api.ID {
	out := make([]api.ID, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

// TestSearchCursorsVisitEveryone follows Page.Next from the first page to
// the end, for each sort, and sees every customer once, in the order of
// one large page; Next is the server's cursor, Prev a page number.
func TestSearchCursorsVisitEveryone(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 90, RateLimit: -1})
	ctx := t.Context()
	c := newClient(t, env, env.URL, "viewer")
	for _, sort := range api.Sorts {
		for _, q := range []string{"", "a"} {
			all, err := c.SearchCustomers(ctx, client.SearchParams{Query: q, Sort: sort, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			var got []api.ID
			p := client.SearchParams{Query: q, Sort: sort, Limit: 8}
			for n := 1; ; n++ {
				page, err := c.SearchCustomers(ctx, p)
				if err != nil {
					t.Fatalf("%s %q page %d: %v", sort, q, n, err)
				}
				if page.Number != n || (n > 1) != (page.Prev != "") {
					t.Fatalf("%s %q page %d: number %d prev %q", sort, q, n, page.Number, page.Prev)
				}
				got = append(got, ids(page.Items)...)
				if page.Next == "" {
					break
				}
				if strings.HasPrefix(page.Next, "page:") || n > 100 {
					t.Fatalf("%s %q page %d: next %q is not the server's cursor", sort, q, n, page.Next)
				}
				p.Cursor = page.Next
			}
			if !slices.Equal(got, ids(all.Items)) || len(got) == 0 {
				t.Fatalf("%s %q: following Next saw %v, one page %v", sort, q, got, ids(all.Items))
			}
		}
	}
}
