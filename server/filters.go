package server

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"frontdesk/api"
	"frontdesk/store"
)

// filterQuery adds the filter parameters to the search text, as filters,
// and checks the whole: a bad filter is a field error naming the
// parameter it came from (search when it was typed in the text). It
// returns the query the store answers (and the cursor binds to). The
// parameters are api.SearchFilters' Param, each the filter of that Name
// (last_order is last-order:): the value is what follows the colon,
// "orders=>5" is search=orders:>5.
func filterQuery(q url.Values, search string, f api.FieldErrors) string {
	parts := []string{}
	if search != "" {
		parts = append(parts, search)
	}
	from := map[string]string{} // filter field → parameter
	for _, fp := range api.SearchFilters {
		for _, v := range q[fp.Param] {
			v = strings.TrimSpace(v)
			if !utf8.ValidString(v) || strings.ContainsAny(v, "\"\x00") {
				f[fp.Param] = fp.Param + " is not valid text (no quotes or NUL)"
				continue
			}
			if strings.ContainsFunc(v, func(r rune) bool { return r == ' ' || r == '\t' }) {
				v = `"` + v + `"`
			}
			parts = append(parts, fp.Name+":"+v)
			from[fp.Name] = fp.Param
		}
	}
	query := strings.Join(parts, " ")
	if len(f) > 0 {
		return query
	}
	if utf8.RuneCountInString(query) > api.MaxSearchQueryLen {
		f["search"] = fmt.Sprintf("search and its filters are longer than %d characters together", api.MaxSearchQueryLen)
		return query
	}
	if field, err := store.CheckSearchQuery(query); err != nil {
		param := "search"
		if _, serr := store.CheckSearchQuery(search); serr == nil && from[field] != "" {
			param = from[field]
		}
		f[param] = err.Error()
	}
	return query
}
