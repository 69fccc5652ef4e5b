package search

import (
	"frontdesk/store/searchq"
	"strings"
	"unicode/utf8"
)

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
func match(tokens []searchq.Token) predicate {
	var p predicate
	var parts []string
	for _, t := range tokens {
		pat := searchq.LikeEscape(t.Text) + "%"
		if t.Long {
			pat = "%" + pat
		}
		ors := []string{
			`c.email LIKE ? ESCAPE '\'`,
			`c.first_name LIKE ? ESCAPE '\'`,
			`c.last_name LIKE ? ESCAPE '\'`,
			`c.phone LIKE ? ESCAPE '\'`,
		}
		p.args = append(p.args, pat, pat, pat, pat)
		for _, alt := range t.PhoneAlts {
			ap := searchq.LikeEscape(alt) + "%"
			if t.Long {
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
func ftsQuery(tokens []searchq.Token) string {
	var parts []string
	for _, t := range tokens {
		if !t.Long {
			continue
		}
		base, ok := ftsBase(t)
		if !ok {
			// The word itself, or its phone form from the 4 of +254
			// on: a superset of the phone form's rows that skips the
			// doclists of "+25" and "254".
			parts = append(parts, "("+ftsString(t.Text)+" OR "+ftsString(strings.TrimPrefix(t.PhoneAlts[0], "+25"))+")")
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
// ok is false for a word too short for that: up to four digits, where
// the rest is one or two trigrams in a tenth of the phones ("0712" would
// look up "712"), and the word or its phone form from the 4 on ("0712"
// or "4712") is much rarer.
func ftsBase(t searchq.Token) (base string, ok bool) {
	if len(t.PhoneAlts) == 0 {
		return t.Text, true
	}
	if len(t.Text) < 5 {
		return "", false
	}
	return t.Text[1:], true
}

// wantsLoose reports whether a loose query (see looseTrigrams) is worth
// trying first: for several words (a full name) or a long word (an email,
// a phone number) the answer is likely selective and the phrase query
// slow, because FTS5 steps through the doclists and positions of every
// trigram, common ones such as "ien" or ".co" included. One short word (a
// surname, a fragment) is likely broad and keeps its exact phrase.
func wantsLoose(tokens []searchq.Token) bool {
	long, longest := 0, 0
	for _, t := range tokens {
		if t.Long {
			long++
			longest = max(longest, utf8.RuneCountInString(t.Text))
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
func looseTrigrams(tokens []searchq.Token) []string {
	var out []string
	seen := map[string]bool{}
	add := func(r []rune) {
		t := string(r)
		if k := searchq.ASCIILower(t); !seen[k] {
			seen[k] = true
			out = append(out, t)
		}
	}
	for _, t := range tokens {
		if !t.Long {
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
