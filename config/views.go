package config

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"frontdesk/api"
	"frontdesk/store/searchq"
)

// View is a saved search: a name the console lists on the search screen
// (number keys open it), the query with its filters, and a sort.
//
//	[[views]]
//	name  = "Lapsed big spenders"
//	query = "spent:>=10000 last-order:<2026-06"
//	sort  = "top-spenders"
type View struct {
	Name  string `toml:"name"`
	Query string `toml:"query"`
	// Sort is "newest" (default), "top-spenders" or "name"; the API's
	// spellings (-created_at, -total_spent) are accepted too.
	Sort string `toml:"sort,omitempty"`
}

// MaxViews is how many views the console can reach with one key (1–9).
const MaxViews = 9

// maxViewName is a view name's length in characters.
const maxViewName = 40

// viewSorts maps a view's sort to api.Sorts.
var viewSorts = map[string]string{
	"": api.SortNewest, "newest": api.SortNewest, api.SortNewest: api.SortNewest,
	"top-spenders": api.SortTopSpenders, api.SortTopSpenders: api.SortTopSpenders,
	"name": api.SortName,
}

// APISort is the view's sort as the API spells it (one of api.Sorts).
func (v View) APISort() string { return viewSorts[v.Sort] }

// Validate checks one view: a name, a query the search accepts (its
// filters included), a known sort.
func (v View) Validate() error {
	switch {
	case strings.TrimSpace(v.Name) == "":
		return errors.New("a view needs a name (name = \"Lapsed big spenders\")")
	case utf8.RuneCountInString(v.Name) > maxViewName:
		return fmt.Errorf("view name %q is longer than %d characters", v.Name, maxViewName)
	case strings.ContainsFunc(v.Name, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return fmt.Errorf("view name %q has a control character", v.Name)
	case utf8.RuneCountInString(v.Query) > api.MaxSearchQueryLen:
		return fmt.Errorf("view %q: query is longer than %d characters", v.Name, api.MaxSearchQueryLen)
	case strings.ContainsFunc(v.Query, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return fmt.Errorf("view %q: query has a control character", v.Name)
	}
	if _, ok := viewSorts[v.Sort]; !ok {
		return fmt.Errorf("view %q: sort %q is not one of newest, top-spenders, name", v.Name, v.Sort)
	}
	if _, err := searchq.ParseQuery(v.Query); err != nil {
		return fmt.Errorf("view %q: query %q: %v", v.Name, v.Query, err)
	}
	return nil
}

// validateViews checks every view, and that names are unique and there
// are at most MaxViews; errors name the file and the view's line.
func (f *File) validateViews(name string, keys []keyPos) error {
	// The i-th [[views]] header is the i-th key whose path is "views".
	var lines []int
	for _, k := range keys {
		if slices.Equal(k.path, []string{"views"}) {
			lines = append(lines, k.line)
		}
	}
	at := func(i int) (string, int) {
		if i < len(lines) {
			return fmt.Sprintf("%s:%d", name, lines[i]), lines[i]
		}
		return name, 0
	}
	if len(f.Views) > MaxViews {
		where, line := at(MaxViews)
		return &FileError{Path: name, Line: line, Msg: fmt.Sprintf("%s: %d views, at most %d (keys 1–9 open them): delete some", where, len(f.Views), MaxViews)}
	}
	seen := map[string]int{}
	for i, v := range f.Views {
		where, line := at(i)
		if err := v.Validate(); err != nil {
			return &FileError{Path: name, Line: line, Msg: fmt.Sprintf("%s: %v", where, err)}
		}
		key := strings.ToLower(strings.TrimSpace(v.Name))
		if j, dup := seen[key]; dup {
			first, _ := at(j)
			return &FileError{Path: name, Line: line, Msg: fmt.Sprintf("%s: view %q is named twice (first at %s): rename one", where, v.Name, first)}
		}
		seen[key] = i
	}
	return nil
}
