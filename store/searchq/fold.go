package searchq

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold maps s to the form every engine's search compares: letters
// lower-cased, accents and other combining marks removed, compatibility
// forms decomposed (full-width digits, ligatures, the Kelvin sign), and
// the letters that carry no separable accent mapped to the Latin letters
// people type for them (ß→ss, æ→ae, ø→o, ł→l, đ→d, ı→i). "Élodie",
// "ELODIE" and "elodie" fold alike; so do "Müller" and "muller".
//
// Search folds both the query and the customers' columns with Fold, in
// Go, so SQLite and PostgreSQL answer the same question whatever their
// collations do.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return ASCIILower(s)
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFKD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if m, ok := foldSpecial[r]; ok {
			b.WriteString(m)
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// foldSpecial maps the letters NFKD leaves whole (no combining mark to
// drop) to what people type for them on a Latin keyboard.
var foldSpecial = map[rune]string{
	'ß': "ss", 'ẞ': "ss",
	'æ': "ae", 'Æ': "ae",
	'œ': "oe", 'Œ': "oe",
	'ø': "o", 'Ø': "o",
	'ł': "l", 'Ł': "l",
	'đ': "d", 'Đ': "d",
	'ð': "d", 'Ð': "d",
	'þ': "th", 'Þ': "th",
	'ħ': "h", 'Ħ': "h",
	'ŧ': "t", 'Ŧ': "t",
	'ı': "i",
	'ĸ': "k",
	'ŋ': "n", 'Ŋ': "n",
	'ς': "σ",
}
