package seed

import (
	"strings"
	"unicode/utf8"
)

// hostile is a record whose text exercises every screen's sanitizer and
// width handling. Each kind puts its payload into the names, an address,
// an order item, a note and a ledger note.
type hostile struct {
	kind        string
	first, last string
	payload     string // goes into address, item name, note body
}

// HostileEmail is the email address of the hostile record of kind, so
// tests can search for it.
func HostileEmail(kind string) string { return "hostile-" + kind + "@frontdesk.test" }

// HostileKinds lists the kinds of hostile records every seed contains, in
// the order of Stats.HostileIDs.
func HostileKinds() []string {
	out := make([]string, len(hostiles))
	for i, h := range hostiles {
		out[i] = h.kind
	}
	return out
}

// zalgo stacks combining marks on every letter of s.
func zalgo(s string) string {
	marks := []rune{'\u0300', '\u0301', '\u0302', '\u0303', '\u0308', '\u030a', '\u0315', '\u031b', '\u0321', '\u0327', '\u0334', '\u0336', '\u0338', '\u0346', '\u034f', '\u0360', '\u0361', '\u0489'}
	var b strings.Builder
	i := 0
	for _, r := range s {
		b.WriteRune(r)
		for k := 0; k < 6; k++ {
			b.WriteRune(marks[(i*7+k*5)%len(marks)])
		}
		i++
	}
	return b.String()
}

// runes300 repeats s until it is exactly 300 characters long.
func runes300(s string) string {
	var b strings.Builder
	n := 0
	for n < 300 {
		for _, r := range s {
			if n == 300 {
				break
			}
			b.WriteRune(r)
			n++
		}
	}
	return b.String()
}

var hostiles = []hostile{
	{"emoji", "Wanjiru 😀🎉", "Kamau 👩‍💻👨‍👩‍👧‍👦🏳️‍🌈🇰🇪", "Emoji Plaza 🏢 👩🏽‍🚀 🇰🇪🇺🇬🇹🇿"},
	{"zalgo", zalgo("Otieno"), zalgo("Achieng"), zalgo("Moi Avenue")},
	{"rtl", "مريم", "כהן \u202Egnitset\u202C", "\u202Ebackwards street\u202C شارع موي"},
	{"long", runes300("Wanjiru-"), runes300("Odhiambo "), runes300("Kenyatta Avenue, ")},
	{"cjk", "王小明", "山田太郎ＷＩＤＥ", "東京都千代田区 ＦＵＬＬＷＩＤＴＨ 大街"},
	{"osc52", "Clip\x1b]52;c;SGVsbG8=\x07board", "Njeri", "Clipboard \x1b]52;c;SGVsbG8=\x07 Road"},
	{"title", "\x1b]0;pwned\x07Title", "Mwangi", "Title \x1b]0;pwned\x07 Street"},
	{"clear", "Clear\x1b[2J", "Chebet\x1b[H", "Clear \x1b[2J\x1b[H Lane"},
	{"hyperlink", "\x1b]8;;http://evil.test\x1b\\link\x1b]8;;\x1b\\", "Kiprop", "\x1b]8;;http://evil.test\x1b\\Click me\x1b]8;;\x1b\\ Avenue"},
	{"dcs", "DCS\x1bPq#0;2;0;0;0\x1b\\", "Wambui", "Device \x1bP+q544e\x1b\\ Road"},
	{"c1", "C1\u009b31mRed", "Odhiambo\u009b0m", "C1 \u009b2J\u0085 Street"},
	{"ctrl", "Bell\x07Back\bspace", "Carriage\rReturn", "Tab\tBell\x07Back\bCR\r Road"},
}

// truncateRunes cuts s to at most n characters, for columns with a
// practical limit (the 300-character record keeps its full length on
// purpose; this is for derived text).
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}
