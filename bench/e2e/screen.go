package main

import (
	"strconv"
	"strings"
)

// What the console's screens show, as the benchmark recognises them in
// the pane's text (the console runs with --no-color).

// statusLine is the search screen's status line: "page 1 of N · M
// customers matching "q" · searching…   sort: newest". Empty when the
// search screen is not shown.
func statusLine(screen string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, "sort: ") {
			return strings.TrimRight(l, " ")
		}
	}
	return ""
}

// showsResults is true when the search screen shows the answer to q
// (trimmed, as the screen trims it) and no search is under way.
func showsResults(q string) func(string) bool {
	want := `matching "` + strings.TrimSpace(q) + `"`
	return func(screen string) bool {
		st := statusLine(screen)
		return strings.Contains(st, want) && !strings.Contains(st, "searching…")
	}
}

// showsOneResult is true when the answer to q is one customer.
func showsOneResult(q string) func(string) bool {
	want := `1 customer matching "` + strings.TrimSpace(q) + `"`
	return func(screen string) bool { return strings.Contains(statusLine(screen), want) }
}

// listsNewest is true when the box is empty, has the keys, and the
// newest customers are listed with no search under way: the start of
// every query.
func listsNewest(screen string) bool {
	st := statusLine(screen)
	return strings.Contains(st, "customers") && !strings.Contains(st, `matching "`) &&
		!strings.Contains(st, "searching…") && boxHasKeys(screen)
}

// boxHasKeys is true when the search box has focus: the status line's
// sort hint has no "(s)" (s sorts only out of the box).
func boxHasKeys(screen string) bool {
	st := statusLine(screen)
	return st != "" && !strings.HasSuffix(st, "(s)")
}

// onSearch is true when the search screen is back (no profile tabs).
func onSearch(screen string) bool {
	return statusLine(screen) != "" && !strings.Contains(screen, "1 Overview")
}

// showsProfile is true when customer c's profile is drawn: the tabs, and
// the head line with their email and id (not "Loading customer…").
func showsProfile(c customerRow) func(string) bool {
	id := "id " + strconv.FormatInt(c.id, 10)
	return func(screen string) bool {
		if !strings.Contains(screen, "1 Overview") || !strings.Contains(screen, "2 Orders") {
			return false
		}
		for _, l := range strings.Split(screen, "\n") {
			if strings.Contains(l, c.email) && strings.HasSuffix(strings.TrimRight(l, " "), id) {
				return true
			}
		}
		return false
	}
}

// showsOrders is true when the Orders tab has its first page: the
// status line with its filter, or "No orders yet.", and nothing loading.
func showsOrders(screen string) bool {
	if strings.Contains(screen, "No orders yet.") {
		return true
	}
	return strings.Contains(screen, "status: all (f)") && !strings.Contains(screen, "Loading orders…") &&
		!strings.Contains(screen, "· loading…")
}
