package main

import (
	"strings"
	"testing"
)

// searchScreen is the top of the search screen as the console draws it
// with --no-color.
func searchScreen(box, status string) string {
	return "frontdesk · 127.0.0.1:9000                 E2E Bench (supervisor)\nSearch\n" +
		"Search: " + box + "\n" + status + strings.Repeat(" ", 20) + "\n   Name    Email\n"
}

func TestShowsResults(t *testing.T) {
	ok := showsResults("j k ")
	for _, c := range []struct {
		status string
		want   bool
	}{
		{`page 1 of 9 · 412 customers matching "j k"   sort: newest`, true},
		{`0 customers matching "j k"   sort: newest`, true},
		{`page 1 of 9 · 412 customers matching "j k" · searching…   sort: newest`, false},
		{`page 1 of 90 · 4,480 customers matching "j" · searching…   sort: newest`, false},
		{`page 1 of 90 · 4,480 customers matching "j"   sort: newest`, false},
		{`page 1 of 2 · 52 customers matching "j ka"   sort: newest`, false},
		{`page 1 of 200 · 10,000 customers   sort: newest`, false},
	} {
		if got := ok(searchScreen("j k", c.status)); got != c.want {
			t.Errorf("showsResults(%q) on %q = %v, want %v", "j k ", c.status, got, c.want)
		}
	}
	if !showsOneResult("a@b.test")(searchScreen("a@b.test", `page 1 of 1 · 1 customer matching "a@b.test"   sort: newest`)) {
		t.Error("one result not seen")
	}
	if showsOneResult("a@b.test")(searchScreen("a@b.test", `page 1 of 1 · 11 customers matching "a@b.test"   sort: newest`)) {
		t.Error("11 results taken for one")
	}
}

func TestListsNewest(t *testing.T) {
	for _, c := range []struct {
		status string
		want   bool
	}{
		{`page 1 of 200 · 10,000 customers   sort: newest`, true},
		{`page 1 of 200 · 10,000 customers · searching…   sort: newest`, false},
		{`page 1 of 2 · 52 customers matching "wan"   sort: newest`, false},
		{`page 1 of 200 · 10,000 customers   sort: newest (s)`, false}, // the box does not have the keys
		{`searching…   sort: newest`, false},
	} {
		if got := listsNewest(searchScreen("", c.status)); got != c.want {
			t.Errorf("listsNewest on %q = %v, want %v", c.status, got, c.want)
		}
	}
}

func TestShowsProfileAndOrders(t *testing.T) {
	c := customerRow{id: 42, email: "jane@x.test"}
	head := "Jane Doe · jane@x.test" + strings.Repeat(" ", 30) + "id 42\n"
	tabs := " 1 Overview  2 Orders  3 Loyalty  4 Notes  5 Activity \n\n"
	if !showsProfile(c)(head + tabs) {
		t.Error("a drawn profile not seen")
	}
	if showsProfile(c)("Loading customer 42…\n" + tabs) {
		t.Error("a loading profile taken for drawn")
	}
	if showsProfile(customerRow{id: 4, email: "jane@x.test"})(head + tabs) {
		t.Error("customer 42 taken for customer 4")
	}
	if showsProfile(c)(head) {
		t.Error("a profile without tabs taken for drawn")
	}
	for screen, want := range map[string]bool{
		tabs + "Loading orders…\n":                                              false,
		tabs + "12 orders                  status: all (f)\n   Order  Date\n":   true,
		tabs + "page 1 of 2 · 60 orders · loading…       status: all (f)\n":     false,
		tabs + "0 orders                   status: all (f)\n\nNo orders yet.\n": true,
		head + tabs + "  Email    jane@x.test\n":                                false,
	} {
		if got := showsOrders(screen); got != want {
			t.Errorf("showsOrders(%q) = %v, want %v", screen, got, want)
		}
	}
}

func TestTmuxQuote(t *testing.T) {
	for in, want := range map[string]string{
		"a":       "'a'",
		"o'brien": `'o'"'"'brien'`,
		"'":       `"'"`,
		"":        "''",
		"j k;$x":  "'j k;$x'",
	} {
		if got := tmuxQuote(in); got != want {
			t.Errorf("tmuxQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
