package server

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"frontdesk/api"
	"frontdesk/store/searchq"
)

// filterParams are GET /customers' filter parameters, each the search
// filter of the same name (last_order is last-order:): the value is what
// follows the colon, "orders=>5" is search=orders:>5.
var filterParams = []struct{ param, field string }{
	{"email", searchq.FieldEmail}, {"phone", searchq.FieldPhone}, {"name", searchq.FieldName},
	{"status", searchq.FieldStatus}, {"orders", searchq.FieldOrders}, {"spent", searchq.FieldSpent},
	{"points", searchq.FieldPoints}, {"since", searchq.FieldSince}, {"last_order", searchq.FieldLastOrder},
}

// filterQuery adds the filter parameters to the search text, as filters,
// and checks the whole: a bad filter is a field error naming the
// parameter it came from (search when it was typed in the text). It
// returns the query the store answers (and the cursor binds to).
func filterQuery(q url.Values, search string, f api.FieldErrors) string {
	parts := []string{}
	if search != "" {
		parts = append(parts, search)
	}
	from := map[string]string{} // filter field → parameter
	for _, fp := range filterParams {
		for _, v := range q[fp.param] {
			v = strings.TrimSpace(v)
			if !utf8.ValidString(v) || strings.ContainsAny(v, "\"\x00") {
				f[fp.param] = fp.param + " is not valid text (no quotes or NUL)"
				continue
			}
			if strings.ContainsFunc(v, func(r rune) bool { return r == ' ' || r == '\t' }) {
				v = `"` + v + `"`
			}
			parts = append(parts, fp.field+":"+v)
			from[fp.field] = fp.param
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
	if _, err := searchq.ParseQuery(query); err != nil {
		var fe *searchq.FilterError
		param := "search"
		if _, serr := searchq.ParseQuery(search); serr == nil && errors.As(err, &fe) && from[fe.Field] != "" {
			param = from[fe.Field]
		}
		f[param] = err.Error()
	}
	return query
}
