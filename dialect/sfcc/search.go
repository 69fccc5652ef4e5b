package sfcc

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"unicode"

	"frontdesk/api"
	storage "frontdesk/store"
)

// searchRequest is the Data API's search_request (20.4): query is
// required; start is zero-based; count at most 200.
type searchRequest struct {
	Query  map[string]json.RawMessage `json:"query"`
	Select string                     `json:"select"`
	Start  *int                       `json:"start"`
	Count  *int                       `json:"count"`
	Sorts  []struct {
		Field     string `json:"field"`
		SortOrder string `json:"sort_order"`
	} `json:"sorts"`
}

type textQuery struct {
	Fields       []string `json:"fields"`
	SearchPhrase string   `json:"search_phrase"`
}

// searchable are the attributes customer_search may query (Data API
// 20.4, customer_lists/{customer_list_id}/customer_search), the ones the
// sandbox holds a value for first.
var searchable = []string{"email", "first_name", "last_name", "phone_home", "phone_business", "phone_mobile", "customer_no",
	"second_name", "suffix", "salutation", "title", "fax", "gender", "company_name", "credentials.login", "credentials.enabled"}

func badQuery(format string, args ...any) *fault {
	return newFault(http.StatusBadRequest, "MalformedSearchParameterException", format, args...)
}

// search answers POST customer_lists/{list}/customer_search.
//
// A text_query matches whole words, as OCAPI documents ("a text_query
// search only returns exact word matches. For example, the search term
// "Jon" returns "Jon Smith", but doesn't return "Jonathan Smith"", Data
// API 23.2 CustomerLists): every term of the phrase is a word of one of
// the fields (an email also matches whole, a phone by its digits).
// match_all_query lists everyone. Hits are newest first; sorts are not
// honoured (the sandbox has one order).
func (h *Handler) search(w http.ResponseWriter, r *http.Request) error {
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return err
	}
	var req searchRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return newFault(http.StatusBadRequest, "BodyDecodingException", "the request document could not be decoded: %v", err)
	}
	start, count := 0, DefaultCount
	if req.Start != nil {
		if *req.Start < 0 {
			return badQuery("start must be 0 or more")
		}
		start = *req.Start
	}
	if req.Count != nil {
		if *req.Count < 1 || *req.Count > MaxCount {
			return badQuery("count must be 1 to %d", MaxCount)
		}
		count = *req.Count
	}
	if len(req.Query) != 1 {
		return badQuery("the query must hold exactly one query object (the sandbox understands text_query and match_all_query)")
	}
	var tq *textQuery
	for kind, body := range req.Query {
		switch kind {
		case "match_all_query":
		case "text_query":
			tq = &textQuery{}
			if err := json.Unmarshal(body, tq); err != nil || len(tq.Fields) == 0 || strings.TrimSpace(tq.SearchPhrase) == "" {
				return badQuery("a text_query needs fields and a search_phrase")
			}
			for _, f := range tq.Fields {
				if !slices.Contains(searchable, f) {
					ff := newFault(http.StatusBadRequest, "InvalidSearchFieldException", "the field '%s' is not searchable", truncate(f, 60))
					ff.args = map[string]any{"field": truncate(f, 60)}
					return ff
				}
			}
			if len(tq.SearchPhrase) > 4*api.MaxSearchQueryLen {
				return badQuery("the search phrase is too long")
			}
		default:
			return badQuery("the sandbox understands text_query and match_all_query, not %s", truncate(kind, 40))
		}
	}
	var echo map[string]any
	_ = json.Unmarshal(raw, &struct {
		Query *map[string]any `json:"query"`
	}{&echo})
	out := searchResult{V: DocVersion, Type: "customer_search_result", Hits: []searchHit{}, Query: echo, Select: req.Select, Start: start}
	err = h.st.Read(r.Context(), func(tx storage.Tx) error {
		var custs []api.Customer
		var err error
		if tq == nil {
			custs, out.Total, err = window(r.Context(), tx, "", start, count, nil)
		} else {
			custs, out.Total, err = window(r.Context(), tx, tq.SearchPhrase, start, count, func(c api.Customer) bool { return wordMatch(c, *tq) })
		}
		for _, c := range custs {
			out.Hits = append(out.Hits, searchHit{Type: "customer_search_hit", Data: dataCust(c), Relevance: 1})
		}
		return err
	})
	if err != nil {
		return err
	}
	out.Count = len(out.Hits)
	if start+count < out.Total {
		out.Next = &resultPage{Type: "result_page", Count: count, Start: start + count}
	}
	if start > 0 {
		out.Previous = &resultPage{Type: "result_page", Count: count, Start: max(0, start-count)}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// window is the customers [start, start+count) of the desk's search for
// query (newest first), kept by keep when it is not nil, and how many
// there are. With keep, it walks at most scanPages pages of candidates.
func window(ctx context.Context, tx storage.Tx, query string, start, count int, keep func(api.Customer) bool) ([]api.Customer, int, error) {
	const size = api.MaxPageLimit
	if keep == nil {
		var ids []api.ID
		total := 0
		for p := start/size + 1; p <= (start+count-1)/size+1; p++ {
			res, err := tx.SearchCustomers(ctx, storage.SearchParams{Query: query, Sort: api.SortNewest, Page: p, Limit: size})
			if err != nil {
				return nil, 0, fmt.Errorf("search customers: %w", err)
			}
			total = res.Total
			ids = append(ids, res.IDs...)
		}
		skip := start % size
		ids = ids[min(skip, len(ids)):]
		ids = ids[:min(count, len(ids))]
		custs, err := tx.CustomersByID(ctx, ids)
		return custs, total, err
	}
	var kept []api.Customer
	for p := 1; p <= scanPages; p++ {
		res, err := tx.SearchCustomers(ctx, storage.SearchParams{Query: query, Sort: api.SortNewest, Page: p, Limit: size})
		if err != nil {
			return nil, 0, fmt.Errorf("search customers %q: %w", query, err)
		}
		custs, err := tx.CustomersByID(ctx, res.IDs)
		if err != nil {
			return nil, 0, err
		}
		for _, c := range custs {
			if keep(c) {
				kept = append(kept, c)
			}
		}
		if len(res.IDs) < size {
			break
		}
	}
	from := min(start, len(kept))
	return kept[from:min(from+count, len(kept))], len(kept), nil
}

// fieldValue is the sandbox's value of a searchable attribute.
func fieldValue(c api.Customer, f string) string {
	switch f {
	case "email", "credentials.login":
		return c.Email
	case "first_name":
		return c.FirstName
	case "last_name":
		return c.LastName
	case "phone_home":
		return c.Phone
	case "customer_no":
		return CustomerNo(c.ID)
	}
	return ""
}

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// wordMatch: every term of the phrase is a whole word of one of the
// fields (or the whole value, or a phone's digits).
func wordMatch(c api.Customer, q textQuery) bool {
	for _, term := range strings.Fields(strings.ToLower(q.SearchPhrase)) {
		found := false
		for _, f := range q.Fields {
			v := strings.ToLower(fieldValue(c, f))
			if v == "" {
				continue
			}
			if v == term || strings.HasPrefix(f, "phone_") && digits(term) != "" && digits(term) == digits(v) {
				found = true
				break
			}
			words := strings.FieldsFunc(v, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
			if slices.Contains(words, term) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
