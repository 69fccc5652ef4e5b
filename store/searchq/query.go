// Package searchq is the customer search's query language and folding,
// used by the search index every storage engine answers from
// (store/searchidx) so that both answer the same question: what the agent
// typed, split into tokens, with phone numbers' other forms.
package searchq

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"frontdesk/api"
)

// Token is one whitespace-separated word of a query, folded (see Fold). A
// long Token (three characters or more once folded) matches a substring
// of the folded email, first name, last name or phone; a short one
// matches a prefix of them. Every Token must match (AND), each in any of
// the four columns (see Match).
type Token struct {
	Text string
	Long bool
	// PhoneAlts are extra forms matched against the phone only: a local
	// number "0712…" is stored as "+254712…".
	PhoneAlts []string
	// Field restricts the token to one column (FieldEmail, FieldPhone)
	// or the names (FieldName); "" is any of the four.
	Field string
}

// Parse splits a query into tokens. blank reports a query with nothing but
// whitespace, which lists every customer. A query that is not blank but
// has no tokens (only punctuation) matches nothing.
func Parse(q string) (tokens []Token, blank bool) {
	q = strings.ToValidUTF8(q, " ")
	// NUL ends SQLite's LIKE and FTS strings, and PostgreSQL text
	// cannot hold it.
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
		if !Meaningful(w) {
			continue
		}
		// A word of nothing but marks ("\u0301") folds to nothing: an
		// empty prefix would match everyone.
		w = strings.TrimSpace(Fold(w))
		if w == "" || seen[w] {
			continue
		}
		seen[w] = true
		t := Token{Text: w, Long: utf8.RuneCountInString(w) >= 3}
		if IsDigits(w) {
			t.PhoneAlts = phoneAlts(w, t.Long)
		}
		tokens = append(tokens, t)
	}
	return tokens, false
}

// Meaningful reports whether w has a character worth searching for: an
// ASCII letter or digit, or any non-ASCII character that is not
// punctuation. "...", "@" or "--" are not.
func Meaningful(w string) bool {
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

func IsDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Fields are one customer's searched columns, each folded (see Fold).
type Fields struct {
	Email, FirstName, LastName, Phone string
}

// FoldFields folds the four searched columns.
func FoldFields(email, first, last, phone string) Fields {
	return Fields{Fold(email), Fold(first), Fold(last), Fold(phone)}
}

// Match is the reference meaning of a query: every token occurs in one of
// f's columns, as a substring when it is long and as a prefix when it is
// short, or (PhoneAlts) in the phone the same way. Every engine's search
// answers exactly the customers Match accepts.
func Match(tokens []Token, f Fields) bool {
	for _, t := range tokens {
		if !t.matches(f) {
			return false
		}
	}
	return true
}

func (t Token) matches(f Fields) bool {
	in := strings.HasPrefix
	if t.Long {
		in = strings.Contains
	}
	switch t.Field {
	case FieldEmail:
		return in(f.Email, t.Text)
	case FieldName:
		return in(f.FirstName, t.Text) || in(f.LastName, t.Text)
	case FieldPhone:
		if in(f.Phone, t.Text) {
			return true
		}
	default:
		if in(f.Email, t.Text) || in(f.FirstName, t.Text) || in(f.LastName, t.Text) || in(f.Phone, t.Text) {
			return true
		}
	}
	for _, alt := range t.PhoneAlts {
		if in(f.Phone, alt) {
			return true
		}
	}
	return false
}

// LikeEscape escapes LIKE's wildcards with PostgreSQL's default escape
// character, the backslash.
func LikeEscape(s string) string {
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

// ASCIILower folds ASCII letters only, as lower() does on COLLATE "C"
// text and as SQLite's LIKE and NOCASE do.
func ASCIILower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
