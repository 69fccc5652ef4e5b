package server_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"frontdesk/api"
	"frontdesk/sandbox/sandboxtest"
)

// TestListCustomersAfter pages through every customer with after, for
// each sort with and without a search, and checks it sees the numbered
// pages' customers in their order, page numbers counting on, the first
// page's total throughout, and no next cursor on the last page.
func TestListCustomersAfter(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 130, RateLimit: -1})
	list := func(q string) api.CustomerList {
		t.Helper()
		r := env.Do(t, "viewer", "GET", "/customers?"+q, nil)
		wantStatus(t, r, 200)
		var l api.CustomerList
		r.Data(t, &l)
		return l
	}
	for _, sort := range api.Sorts {
		for _, search := range []string{"", "a", "ke"} {
			base := "sort=" + url.QueryEscape(sort) + "&search=" + url.QueryEscape(search)
			var want []api.ID
			for pg := 1; ; pg++ {
				l := list(fmt.Sprintf("%s&limit=100&page=%d", base, pg))
				for _, c := range l.Customers {
					want = append(want, c.ID)
				}
				if len(l.Customers) < 100 {
					break
				}
			}
			first := list(base + "&limit=9")
			var got []api.ID
			l := first
			for n := 1; ; n++ {
				if l.Page != n || l.Total != first.Total || l.TotalIsEstimate != first.TotalIsEstimate {
					t.Fatalf("%s: page %d says page %d total %d, want total %d", base, n, l.Page, l.Total, first.Total)
				}
				for _, c := range l.Customers {
					got = append(got, c.ID)
				}
				if l.Next == "" {
					break
				}
				if n > len(want) {
					t.Fatalf("%s: still paging after %d pages", base, n)
				}
				l = list(base + "&limit=9&after=" + url.QueryEscape(l.Next))
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%s: after saw %v\nnumbered pages %v", base, got, want)
			}
		}
	}
}

func TestListCustomersAfterRefusals(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 30, RateLimit: -1})
	var first api.CustomerList
	env.Do(t, "viewer", "GET", "/customers?search=a&limit=2", nil).Data(t, &first)
	if first.Next == "" {
		t.Fatal("no next cursor on a full first page")
	}
	next := url.QueryEscape(first.Next)
	for _, q := range []string{
		"search=b&limit=2&after=" + next,               // another search
		"search=a&sort=name&limit=2&after=" + next,     // another sort
		"search=a&limit=2&page=2&after=" + next,        // with page
		"search=a&after=bm90IGEgY3Vyc29y",              // base64 of something else
		"search=a&after=%25%25",                        // not base64
		"after=" + next,                                // no search
		"search=a&after=" + next[:len(next)/2] + "xyz", // truncated
		"sort=-total_spent&after=" + forged(api.SortTopSpenders, "", "lots", "1"),
		"sort=-total_spent&after=" + forged(api.SortTopSpenders, "", "10", "x"),
	} {
		r := env.Do(t, "viewer", "GET", "/customers?"+q, nil)
		if r.Status != 400 || r.Code() != api.CodeValidation || !strings.Contains(string(r.Body), `"after"`) {
			t.Errorf("GET /customers?%s: %s, want a validation error naming after", q, r.Body)
		}
	}
	// Numbered pages stop where exact totals do.
	r := env.Do(t, "viewer", "GET", fmt.Sprintf("/customers?limit=100&page=%d", api.TotalExactCap/100+1), nil)
	if r.Status != 400 || r.Code() != api.CodeValidation || !strings.Contains(string(r.Body), `"page"`) || !strings.Contains(string(r.Body), "after") {
		t.Errorf("page past the cap: %s, want a validation error naming page and after", r.Body)
	}
	wantStatus(t, env.Do(t, "viewer", "GET", fmt.Sprintf("/customers?limit=100&page=%d", api.TotalExactCap/100), nil), 200)
}

// forged makes a cursor of the server's form around a key the store did
// not hand out.
func forged(sort, search, k1, id string) string {
	h := sha256.Sum256([]byte(search))
	b, _ := json.Marshal(map[string]any{"s": sort, "q": hex.EncodeToString(h[:8]), "k1": k1, "id": id, "n": 2, "t": 5})
	return base64.RawURLEncoding.EncodeToString(b)
}
