package searchq

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"frontdesk/api"
)

// Filter fields, as typed before the colon ("orders:>5").
const (
	FieldEmail     = "email"
	FieldPhone     = "phone"
	FieldName      = "name"
	FieldStatus    = "status"
	FieldOrders    = "orders"
	FieldSpent     = "spent"
	FieldPoints    = "points"
	FieldSince     = "since"
	FieldLastOrder = "last-order"
)

// FilterFields lists every filter field, in the order help and completion show
// them.
var FilterFields = []string{
	FieldEmail, FieldPhone, FieldName, FieldStatus, FieldOrders, FieldSpent, FieldPoints, FieldSince, FieldLastOrder,
}

// FilterHelp is one line per field: what it takes.
var FilterHelp = map[string]string{
	FieldEmail:     "email:TEXT — TEXT in the email only",
	FieldPhone:     "phone:TEXT — TEXT in the phone only (0712… finds +254712…)",
	FieldName:      `name:TEXT — TEXT in the first or last name only (name:"van der")`,
	FieldStatus:    "status:active or status:disabled",
	FieldOrders:    "orders:>5 — number of orders (>, >=, <, <=, = or a bare number)",
	FieldSpent:     "spent:>=10000 — total spent in whole currency units (KES 10,000)",
	FieldPoints:    "points:<100 — loyalty points balance",
	FieldSince:     "since:2026-01 — customer since (created on or after) a year, month or day",
	FieldLastOrder: "last-order:<2026-06 — last order before/after (<, >, <=, >=, =) a year, month or day",
}

// FilterError is a filter the query language does not accept: Field is
// the field as typed (without the colon), Msg says what to type instead.
type FilterError struct {
	Field string
	Msg   string
}

func (e *FilterError) Error() string { return e.Msg }

// Cmp is one comparison with a number: Op is one of > >= < <= =.
type Cmp struct {
	Op string
	N  int64
}

func (c Cmp) holds(v int64) bool {
	switch c.Op {
	case ">":
		return v > c.N
	case ">=":
		return v >= c.N
	case "<":
		return v < c.N
	case "<=":
		return v <= c.N
	}
	return v == c.N
}

// Filter is the field filters of a query, all of which must hold (AND).
// Times are Unix seconds, UTC; a period ("2026-06") is the half-open
// range [From, To).
type Filter struct {
	// Status is "", "active" or "disabled"; Statuses lists every status
	// asked for (two different ones match nobody).
	Statuses []string
	Orders   []Cmp
	Spent    []Cmp // minor units
	Points   []Cmp
	// Since: created at or after each of these.
	Since []int64
	// LastOrder compares the last order's time (customers without
	// orders match no last-order filter).
	LastOrder []Cmp
}

// Empty reports a filter that accepts everyone.
func (f *Filter) Empty() bool {
	return len(f.Statuses) == 0 && len(f.Orders) == 0 && len(f.Spent) == 0 && len(f.Points) == 0 &&
		len(f.Since) == 0 && len(f.LastOrder) == 0
}

// Attrs are the attributes of one customer the filters test.
type Attrs struct {
	Disabled bool
	Orders   int64
	Spent    int64 // minor units
	Points   int64
	Created  int64 // Unix seconds
	// LastOrder is the Unix second of the last order; HasLastOrder is
	// false without orders.
	LastOrder    int64
	HasLastOrder bool
}

// Match reports whether a passes every filter.
func (f *Filter) Match(a Attrs) bool {
	for _, s := range f.Statuses {
		if (s == "disabled") != a.Disabled {
			return false
		}
	}
	for _, c := range f.Orders {
		if !c.holds(a.Orders) {
			return false
		}
	}
	for _, c := range f.Spent {
		if !c.holds(a.Spent) {
			return false
		}
	}
	for _, c := range f.Points {
		if !c.holds(a.Points) {
			return false
		}
	}
	for _, s := range f.Since {
		if a.Created < s {
			return false
		}
	}
	if len(f.LastOrder) > 0 && !a.HasLastOrder {
		return false
	}
	for _, c := range f.LastOrder {
		if !c.holds(a.LastOrder) {
			return false
		}
	}
	return true
}

// Query is a parsed query: the free-text tokens (some restricted to a
// column by email:, phone: or name:) and the attribute filters.
type Query struct {
	Tokens []Token
	// Blank: no free text and no column token (the filter alone
	// decides, everyone when it is empty).
	Blank  bool
	Filter Filter
}

// Filtered reports whether the query has a filter or a column token: what
// only the frontdesk search understands.
func (q *Query) Filtered() bool {
	if !q.Filter.Empty() {
		return true
	}
	for _, t := range q.Tokens {
		if t.Field != "" {
			return true
		}
	}
	return false
}

// None reports a query that matches nobody whatever the customers: text
// that is not blank but has no tokens (only punctuation).
func (q *Query) None() bool { return !q.Blank && len(q.Tokens) == 0 }

// HasFilter reports whether text holds something that looks like a
// filter (a word "field:"), known or not (api.HasSearchFilter).
func HasFilter(text string) bool { return api.HasSearchFilter(text) }

// ParseQuery parses what the agent typed: words "field:value" are
// filters, the rest free text under Parse's rules. A bad filter is a
// *FilterError.
func ParseQuery(text string) (Query, error) {
	text = strings.ToValidUTF8(text, " ")
	text = strings.ReplaceAll(text, "\x00", " ")
	if utf8.RuneCountInString(text) > api.MaxSearchQueryLen {
		text = string([]rune(text)[:api.MaxSearchQueryLen])
	}
	var (
		q    Query
		free []string
		seen = map[string]bool{}
	)
	for _, w := range words(text) {
		field, value, ok := splitFilter(w)
		if !ok {
			free = append(free, w)
			continue
		}
		if err := q.add(field, value, seen); err != nil {
			return Query{}, err
		}
	}
	tokens, blank := Parse(strings.Join(free, " "))
	q.Blank = blank
	if !blank && len(tokens) == 0 {
		return q, nil // only punctuation: nobody
	}
	// Column tokens come after the free ones.
	q.Tokens = append(tokens, q.Tokens...)
	if q.Blank && len(q.Tokens) > 0 {
		q.Blank = false
	}
	return q, nil
}

// words splits text at whitespace, keeping a quoted filter value
// (name:"van der") in one word.
func words(text string) []string {
	var out []string
	i := 0
	for i < len(text) {
		r, n := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) {
			i += n
			continue
		}
		start := i
		quoted := false
		for i < len(text) {
			r, n := utf8.DecodeRuneInString(text[i:])
			if r == '"' && i > start && text[i-1] == ':' {
				quoted = true
			} else if r == '"' && quoted {
				quoted = false
			} else if unicode.IsSpace(r) && !quoted {
				break
			}
			i += n
		}
		out = append(out, text[start:i])
	}
	return out
}

// splitFilter splits a word "field:value" whose field is letters and
// hyphens (so "10:30" and "http://…" stay free text only when their
// field is not a word: "http:" is an unknown filter).
func splitFilter(w string) (field, value string, ok bool) {
	i := strings.IndexByte(w, ':')
	if i <= 0 {
		return "", "", false
	}
	field = strings.ToLower(w[:i])
	for _, r := range field {
		if !(r >= 'a' && r <= 'z' || r == '-' || r == '_') {
			return "", "", false
		}
	}
	value = w[i+1:]
	if len(value) >= 2 && value[0] == '"' && value[len(value)-1] == '"' {
		value = value[1 : len(value)-1]
	} else if strings.HasPrefix(value, `"`) {
		value = value[1:] // an unclosed quote runs to the end
	}
	return field, value, true
}

func (q *Query) add(field, value string, seen map[string]bool) error {
	if field == "last_order" || field == "lastorder" {
		field = FieldLastOrder
	}
	bad := func(format string, a ...any) error {
		return &FilterError{Field: field, Msg: field + ": " + fmt.Sprintf(format, a...)}
	}
	switch field {
	case FieldEmail, FieldPhone, FieldName:
		if strings.TrimSpace(value) == "" {
			return bad("needs text to look for, e.g. %s", example(field))
		}
		v := strings.TrimSpace(Fold(value))
		if v == "" || !Meaningful(v) {
			return bad("%q has nothing to look for: type letters or digits", value)
		}
		key := field + ":" + v
		if seen[key] {
			return nil
		}
		seen[key] = true
		t := Token{Text: v, Long: utf8.RuneCountInString(v) >= 3, Field: field}
		if field == FieldPhone && IsDigits(v) {
			t.PhoneAlts = phoneAlts(v, t.Long)
		}
		q.Tokens = append(q.Tokens, t)
	case FieldStatus:
		switch v := strings.ToLower(value); v {
		case "active", "disabled":
			q.Filter.Statuses = append(q.Filter.Statuses, v)
		default:
			return bad("%q is no status: use status:active or status:disabled", value)
		}
	case FieldOrders, FieldPoints:
		c, err := parseCmp(value, false)
		if err != nil {
			return bad("%s, e.g. %s", err.Error(), example(field))
		}
		if field == FieldOrders {
			q.Filter.Orders = append(q.Filter.Orders, c)
		} else {
			q.Filter.Points = append(q.Filter.Points, c)
		}
	case FieldSpent:
		c, err := parseCmp(value, true)
		if err != nil {
			return bad("%s, e.g. %s (whole currency units, up to two decimals)", err.Error(), example(field))
		}
		q.Filter.Spent = append(q.Filter.Spent, c)
	case FieldSince:
		if value != "" && strings.ContainsAny(value[:1], "<>=") {
			return bad("takes a date, no comparison: since:2026-01 is on or after 1 January 2026")
		}
		from, _, err := parsePeriod(value)
		if err != nil {
			return bad("%s, e.g. since:2026, since:2026-01 or since:2026-01-15", err.Error())
		}
		q.Filter.Since = append(q.Filter.Since, from)
	case FieldLastOrder:
		op, rest := splitOp(value)
		from, to, err := parsePeriod(rest)
		if err != nil {
			return bad("%s, e.g. last-order:<2026-06 or last-order:>=2026-01-15", err.Error())
		}
		switch op {
		case "<":
			q.Filter.LastOrder = append(q.Filter.LastOrder, Cmp{"<", from})
		case ">=":
			q.Filter.LastOrder = append(q.Filter.LastOrder, Cmp{">=", from})
		case ">":
			q.Filter.LastOrder = append(q.Filter.LastOrder, Cmp{">=", to})
		case "<=":
			q.Filter.LastOrder = append(q.Filter.LastOrder, Cmp{"<", to})
		default: // within the period
			q.Filter.LastOrder = append(q.Filter.LastOrder, Cmp{">=", from}, Cmp{"<", to})
		}
	default:
		return &FilterError{Field: field, Msg: fmt.Sprintf("%s: is no filter: the filters are %s: (to search for the text, leave out the colon)",
			field, strings.Join(FilterFields, ":, "))}
	}
	return nil
}

func example(field string) string {
	h := FilterHelp[field]
	if i := strings.Index(h, " "); i > 0 {
		return h[:i]
	}
	return field + ":…"
}

// phoneAlts are the other forms of a word of digits w matched against
// the phone: "+254…" for a local number "0712…" (long words, anywhere in
// the phone) and, for one or two digits, "+254"+w and "+254"+w without
// its 0 (prefixes of the phone).
func phoneAlts(w string, long bool) []string {
	if long {
		if w[0] == '0' && len(w) > 1 {
			return []string{"+254" + w[1:]}
		}
		return nil
	}
	alts := []string{"+254" + w}
	if w[0] == '0' && len(w) > 1 {
		alts = append(alts, "+254"+w[1:])
	}
	return alts
}

func splitOp(v string) (op, rest string) {
	for _, o := range []string{">=", "<=", ">", "<", "="} {
		if strings.HasPrefix(v, o) {
			return o, v[len(o):]
		}
	}
	return "=", v
}

// parseCmp parses ">5", ">=10000", "7"; money: whole units with up to two
// decimals, returned in minor units (×100).
func parseCmp(v string, money bool) (Cmp, error) {
	if v == "" {
		return Cmp{}, fmt.Errorf("needs a comparison and a number")
	}
	op, rest := splitOp(v)
	rest = strings.ReplaceAll(rest, ",", "")
	if rest == "" {
		return Cmp{}, fmt.Errorf("needs a number after %q", op)
	}
	if !money {
		n, err := strconv.ParseInt(rest, 10, 64)
		if err != nil || n < 0 {
			return Cmp{}, fmt.Errorf("%q is not a whole number", rest)
		}
		return Cmp{op, n}, nil
	}
	whole, frac, _ := strings.Cut(rest, ".")
	if len(frac) > 2 || !IsDigits(whole) || (frac != "" && !IsDigits(frac)) {
		return Cmp{}, fmt.Errorf("%q is not an amount", rest)
	}
	n, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || n > math.MaxInt64/100-1 {
		return Cmp{}, fmt.Errorf("%q is too large", rest)
	}
	n *= 100
	if frac != "" {
		f, _ := strconv.ParseInt((frac + "0")[:2], 10, 64)
		n += f
	}
	return Cmp{op, n}, nil
}

// parsePeriod parses a year, month or day (UTC) into [from, to), Unix
// seconds.
func parsePeriod(v string) (from, to int64, err error) {
	if v == "" {
		return 0, 0, fmt.Errorf("needs a date")
	}
	for _, f := range []struct {
		layout string
		next   func(time.Time) time.Time
	}{
		{"2006", func(t time.Time) time.Time { return t.AddDate(1, 0, 0) }},
		{"2006-01", func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }},
		{"2006-01-02", func(t time.Time) time.Time { return t.AddDate(0, 0, 1) }},
	} {
		if len(v) != len(f.layout) {
			continue
		}
		t, err := time.ParseInLocation(f.layout, v, time.UTC)
		if err != nil {
			break
		}
		return t.Unix(), f.next(t).Unix(), nil
	}
	return 0, 0, fmt.Errorf("%q is not a date (YYYY, YYYY-MM or YYYY-MM-DD)", v)
}
