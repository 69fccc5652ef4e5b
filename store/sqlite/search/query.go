package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"frontdesk/api"
)

// token is one whitespace-separated word of a query. A long token (three
// characters or more) matches a substring of email, first name, last name
// or phone; a short one matches a prefix of them. Every token must match
// (AND), each in any of the four columns.
type token struct {
	text string
	long bool
	// phoneAlts are extra forms matched against the phone only: a local
	// number "0712…" is stored as "+254712…".
	phoneAlts []string
}

// parse splits a query into tokens. blank reports a query with nothing but
// whitespace, which lists every customer. A query that is not blank but
// has no tokens (only punctuation) matches nothing.
//
// Both Customers and Naive go through parse, so they answer the same
// question.
func parse(q string) (tokens []token, blank bool) {
	q = strings.ToValidUTF8(q, " ")
	// NUL would end the string for SQLite's LIKE and FTS parsers.
	q = strings.ReplaceAll(q, "\x00", " ")
	if utf8.RuneCountInString(q) > api.MaxSearchQueryLen {
		r := []rune(q)
		q = string(r[:api.MaxSearchQueryLen])
	}
	if strings.TrimSpace(q) == "" {
		return nil, true
	}
	seen := map[string]bool{}
	for _, w := range strings.FieldsFunc(q, unicode.IsSpace) {
		if seen[w] || !meaningful(w) {
			continue
		}
		seen[w] = true
		t := token{text: w, long: utf8.RuneCountInString(w) >= 3}
		if isDigits(w) {
			if t.long {
				if w[0] == '0' && len(w) > 1 {
					t.phoneAlts = []string{"+254" + w[1:]}
				}
			} else {
				t.phoneAlts = []string{"+254" + w}
				if w[0] == '0' && len(w) > 1 {
					t.phoneAlts = append(t.phoneAlts, "+254"+w[1:])
				}
			}
		}
		tokens = append(tokens, t)
	}
	return tokens, false
}

// meaningful reports whether w has a character worth searching for: an
// ASCII letter or digit, or any non-ASCII character that is not
// punctuation (letters, marks, emoji, CJK…). "...", "@" or "--" are not.
func meaningful(w string) bool {
	for _, r := range w {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return true
		case r >= utf8.RuneSelf && !unicode.IsPunct(r) && !unicode.IsSpace(r):
			return true
		}
	}
	return false
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// likeEscape escapes LIKE's wildcards; every LIKE here says ESCAPE '\'.
func likeEscape(s string) string {
	if !strings.ContainsAny(s, `\%_`) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r == '\\' || r == '%' || r == '_' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ftsString quotes s as an FTS5 string: inside double quotes everything is
// literal except the quote itself, which is doubled.
func ftsString(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// isASCII reports whether s has only ASCII characters: for those, the
// trigram index's case folding and LIKE's agree.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// predicate is an SQL boolean expression with its arguments.
type predicate struct {
	sql  string
	args []any
}

// match is the exact meaning of the tokens as an SQL predicate over
// customers aliased c: the reference semantics, which Naive evaluates on
// every row and Customers applies to its candidates.
func match(tokens []token) predicate {
	var p predicate
	var parts []string
	for _, t := range tokens {
		pat := likeEscape(t.text) + "%"
		if t.long {
			pat = "%" + pat
		}
		ors := []string{
			`c.email LIKE ? ESCAPE '\'`,
			`c.first_name LIKE ? ESCAPE '\'`,
			`c.last_name LIKE ? ESCAPE '\'`,
			`c.phone LIKE ? ESCAPE '\'`,
		}
		p.args = append(p.args, pat, pat, pat, pat)
		for _, alt := range t.phoneAlts {
			ap := likeEscape(alt) + "%"
			if t.long {
				ap = "%" + ap
			}
			ors = append(ors, `c.phone LIKE ? ESCAPE '\'`)
			p.args = append(p.args, ap)
		}
		parts = append(parts, "("+strings.Join(ors, " OR ")+")")
	}
	p.sql = strings.Join(parts, " AND ")
	return p
}

// ftsQuery is the FTS5 MATCH expression for the long tokens: the AND of
// one phrase per token. The trigram index matches a superset of what LIKE
// matches (it folds case beyond ASCII), so its rows are candidates that
// match() then confirms; for ASCII words they are exactly the matches.
func ftsQuery(tokens []token) string {
	var parts []string
	for _, t := range tokens {
		if !t.long {
			continue
		}
		base, ok := ftsBase(t)
		if !ok {
			parts = append(parts, "("+ftsString(t.text)+" OR "+ftsString(t.phoneAlts[0])+")")
			continue
		}
		parts = append(parts, ftsString(base))
	}
	return strings.Join(parts, " AND ")
}

// ftsBase is the text to look up for a long word. A long word with phone
// forms is a local number "0712…", whose form "+254712…" shares every
// trigram but the first with it: the word without its 0 finds both,
// without walking the doclists of "+25" and "254" that every phone has.
// ok is false for a word too short for that.
func ftsBase(t token) (base string, ok bool) {
	if len(t.phoneAlts) == 0 {
		return t.text, true
	}
	if len(t.text) < 4 {
		return "", false
	}
	return t.text[1:], true
}

// wantsLoose reports whether a loose query (see looseTrigrams) is worth
// trying first: for several words (a full name) or a long word (an email,
// a phone number) the answer is likely selective and the phrase query
// slow, because FTS5 steps through the doclists and positions of every
// trigram, common ones such as "ien" or ".co" included. One short word (a
// surname, a fragment) is likely broad and keeps its exact phrase.
func wantsLoose(tokens []token) bool {
	long, longest := 0, 0
	for _, t := range tokens {
		if t.long {
			long++
			longest = max(longest, utf8.RuneCountInString(t.text))
		}
	}
	return long >= 2 || longest > looseSingleMaxRunes
}

// looseSingleMaxRunes: a query with one long word up to this length keeps
// its phrase.
const looseSingleMaxRunes = 8

// looseTrigrams lists the trigrams a loose query picks from: for each long
// word its non-overlapping trigrams from the start and its last one,
// without repeats (ignoring ASCII case, as the index does). Any of them
// ANDed together match a superset of the phrases.
func looseTrigrams(tokens []token) []string {
	var out []string
	seen := map[string]bool{}
	add := func(r []rune) {
		t := string(r)
		if k := asciiLower(t); !seen[k] {
			seen[k] = true
			out = append(out, t)
		}
	}
	for _, t := range tokens {
		if !t.long {
			continue
		}
		base, ok := ftsBase(t)
		if !ok {
			continue
		}
		r := []rune(base)
		for i := 0; i+3 <= len(r); i += 3 {
			add(r[i : i+3])
		}
		if len(r)%3 != 0 {
			add(r[len(r)-3:])
		}
	}
	return out
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// prefixRange returns [lo, hi) such that, under SQLite's NOCASE collation
// (which folds ASCII only), exactly the strings starting with prefix p
// (ASCII case-insensitively) sort inside it.
func prefixRange(p string) (lo, hi string) {
	b := []byte(p)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	lo = string(b)
	h := append([]byte(nil), b...)
	for len(h) > 0 {
		last := h[len(h)-1]
		if last == 0xFF {
			h = h[:len(h)-1]
			continue
		}
		last++
		// NOCASE would fold an upper-case bound down to lower case; the
		// first folded value above '@' is '['.
		if last >= 'A' && last <= 'Z' {
			last = '['
		}
		h[len(h)-1] = last
		return lo, string(h)
	}
	return lo, "" // no upper bound
}

// binaryRange is prefixRange for BINARY collation.
func binaryRange(p string) (lo, hi string) {
	h := []byte(p)
	for len(h) > 0 {
		if h[len(h)-1] == 0xFF {
			h = h[:len(h)-1]
			continue
		}
		h[len(h)-1]++
		return p, string(h)
	}
	return p, ""
}
