package postgres

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"frontdesk/api"
)

// The search's query language, the same as the SQLite engine's
// (store/sqlite/search/query.go): the parity test holds both engines to
// the same answers.

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
func parse(q string) (tokens []token, blank bool) {
	q = strings.ToValidUTF8(q, " ")
	// PostgreSQL text cannot hold NUL.
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
// punctuation. "...", "@" or "--" are not.
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

// likeEscape escapes LIKE's wildcards with PostgreSQL's default escape
// character, the backslash.
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

// asciiLower folds ASCII letters only, as lower() does on COLLATE "C"
// text and as SQLite's LIKE and NOCASE do.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
