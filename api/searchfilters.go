package api

import (
	"strings"
	"unicode"
)

// SearchFilter is one field filter of the customer search
// (GET /customers, store/searchq): typed as Name + ":" + value in the
// search text, or sent as the query parameter Param.
type SearchFilter struct {
	Name, Param string
	// Example is a filter as an agent types it; Help says what it
	// matches, in a few words.
	Example, Help string
}

// SearchFilters lists the filters in the order help and completion
// show them.
var SearchFilters = []SearchFilter{
	{"email", "email", "email:gmail", "text in the email only"},
	{"phone", "phone", "phone:0712", "text in the phone only"},
	{"name", "name", `name:"van der"`, "text in the first or last name only"},
	{"status", "status", "status:disabled", "active or disabled"},
	{"orders", "orders", "orders:>5", "number of orders (> >= < <= =)"},
	{"spent", "spent", "spent:>=10000", "total spent, whole currency units"},
	{"points", "points", "points:<100", "loyalty points balance"},
	{"since", "since", "since:2026-01", "customer since a year, month or day"},
	{"last-order", "last_order", "last-order:<2026-06", "last order before/after a date"},
}

// HasSearchFilter reports whether text holds a word that the search
// takes for a filter ("orders:>5", also an unknown "colour:red"): a
// word whose part before its first colon is letters, '-' or '_'.
func HasSearchFilter(text string) bool {
	for _, w := range strings.FieldsFunc(text, unicode.IsSpace) {
		i := strings.IndexByte(w, ':')
		if i <= 0 {
			continue
		}
		if strings.IndexFunc(w[:i], func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-' || r == '_')
		}) < 0 {
			return true
		}
	}
	return false
}
