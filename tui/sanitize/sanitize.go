// Package sanitize makes untrusted text safe to put on a terminal.
//
// Every string that comes from the API (names, emails, notes, reasons,
// error messages) passes through Line or Block before it reaches a view or
// a CLI table. The data is shown, never obeyed:
//
//   - C0 controls become their Unicode control pictures (U+2400 block):
//     ESC is "␛", BEL "␇", CR "␍", and so on. Because ESC itself is no
//     longer ESC, an escape sequence loses its power and the rest of it
//     stays as plain visible text: "\x1b]52;c;SGVsbG8=\x07" is shown as
//     "␛]52;c;SGVsbG8=␇". That covers CSI, OSC (clipboard 52, hyperlink 8,
//     titles 0 and 2), DCS, APC, PM, SOS and bare ESC alike, without a
//     parser that an attacker could confuse.
//   - DEL becomes "␡".
//   - C1 controls (U+0080–U+009F, e.g. the one-rune CSI U+009B) become
//     "<U+009B>".
//   - Bidi embedding, override and isolate controls (U+202A–U+202E,
//     U+2066–U+2069) are shown as "<U+202E>" rather than stripped: they
//     cannot reorder the rest of the line, and an agent sees that the
//     record carries them. Right-to-left letters themselves are kept.
//   - Invalid UTF-8 becomes U+FFFD.
//   - Newlines: Line shows them as "␤" (U+2424) so a value stays on its
//     row; Block keeps "\n" (and turns "\r\n" into "\n"). U+2028 and
//     U+2029 are treated as newlines.
//   - Tabs become one space in Line and four in Block, because a tab's
//     width depends on the column and would break every width sum.
//
// Width and Truncate measure in terminal cells by grapheme cluster (the
// same measure lipgloss uses), so emoji, flags, ZWJ sequences and CJK are
// two cells and combining marks none. That is right only on a terminal
// that clusters graphemes (mode 2027); the console measures with a Cells
// of its session instead (PerCodePoint or Graphemes), which has the same
// functions as methods.
//
// The functions hold no state and allocate nothing for text that needs no
// change, so views may call them for every cell on every frame.
package sanitize

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Ellipsis ends a truncated value.
const Ellipsis = "…"

// String is Line: the safe default for any single value.
func String(s string) string { return Line(s) }

// Line sanitizes s for a single-line context (a table cell, a header, a
// form label): nothing in the result moves the cursor to another line.
func Line(s string) string { return clean(s, false) }

// Block sanitizes s for a multi-line context (a note body, an error
// detail): newlines are kept, everything else is as in Line.
func Block(s string) string { return clean(s, true) }

// Width is the number of terminal cells Line(s) occupies (a newline counts
// as its one-cell picture). Use BlockWidth for multi-line text.
func Width(s string) int {
	return ansi.StringWidth(Line(s))
}

// BlockWidth is the width in cells of the widest line of Block(s).
func BlockWidth(s string) int {
	s = Block(s)
	w := 0
	for line := range strings.SplitSeq(s, "\n") {
		w = max(w, ansi.StringWidth(line))
	}
	return w
}

// Truncate sanitizes s as a Line and cuts it to at most width cells, ending
// with "…" when anything was cut. It never splits a grapheme cluster, so a
// two-cell emoji or CJK character that does not fit is dropped whole.
// A width below one gives "".
func Truncate(s string, width int) string {
	if width <= 0 {
		return ""
	}
	s = Line(s)
	if isASCII(s) {
		// After Line every ASCII byte is one printable cell.
		if len(s) <= width {
			return s
		}
		return s[:width-1] + Ellipsis
	}
	// Walk grapheme clusters only as far as the width allows, so a long
	// note costs no more than a short one. keep is where the string is cut
	// if it turns out not to fit: the last boundary leaving a cell for "…".
	used, keep := 0, 0
	for i := 0; i < len(s); {
		cluster, w := ansi.FirstGraphemeCluster(s[i:], ansi.GraphemeWidth)
		if used+w > width {
			return s[:keep] + Ellipsis
		}
		used += w
		i += len(cluster)
		if used <= width-1 {
			keep = i
		}
	}
	return s
}

// Pad sanitizes and truncates s, then pads it with spaces to exactly width
// cells: a fixed-width table cell.
func Pad(s string, width int) string {
	if width <= 0 {
		return ""
	}
	s = Truncate(s, width)
	w := ansi.StringWidth(s)
	if w >= width {
		return s
	}
	return s + strings.Repeat(" ", width-w)
}

// Safe reports whether s needs no change for a single line: it is what
// Line would return.
func Safe(s string) bool { return firstUnsafe(s, false) < 0 }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// firstUnsafe returns the byte offset of the first thing clean must change,
// or -1. It is the fast path: most values are plain text.
func firstUnsafe(s string, block bool) int {
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b < 0x20 || b == 0x7f {
				if !(block && b == '\n') {
					return i
				}
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || special(r) {
			return i
		}
		i += size
	}
	return -1
}

// special reports the non-ASCII runes that clean rewrites.
func special(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f: // C1
		return true
	case r >= 0x202a && r <= 0x202e: // LRE RLE PDF LRO RLO
		return true
	case r >= 0x2066 && r <= 0x2069: // LRI RLI FSI PDI
		return true
	case r == 0x2028 || r == 0x2029: // line and paragraph separators
		return true
	}
	return false
}

func clean(s string, block bool) string {
	i := firstUnsafe(s, block)
	if i < 0 {
		return s
	}
	var b strings.Builder
	// Control pictures are three bytes for one; leave room for a few.
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == '\n':
				if block {
					b.WriteByte('\n')
				} else {
					b.WriteRune('\u2424') // ␤
				}
			case c == '\r' && i < len(s) && s[i] == '\n':
				// CRLF is one line break, not a visible CR plus a break.
				i++
				if block {
					b.WriteByte('\n')
				} else {
					b.WriteRune('\u2424')
				}
			case c == '\t':
				if block {
					b.WriteString("    ")
				} else {
					b.WriteByte(' ')
				}
			case c < 0x20:
				b.WriteRune(0x2400 + rune(c)) // ␀ … ␟, ESC is ␛
			case c == 0x7f:
				b.WriteRune('\u2421') // ␡
			default:
				b.WriteByte(c)
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case r == 0x2028 || r == 0x2029:
			if block {
				b.WriteByte('\n')
			} else {
				b.WriteRune('\u2424')
			}
		case special(r):
			writeCodePoint(&b, r)
		default:
			b.WriteString(s[i-size : i])
		}
	}
	return b.String()
}

// writeCodePoint writes "<U+XXXX>" without fmt, which would cost an
// allocation per rune.
func writeCodePoint(b *strings.Builder, r rune) {
	const hex = "0123456789ABCDEF"
	b.WriteString("<U+")
	for shift := 12; shift >= 0; shift -= 4 {
		b.WriteByte(hex[(r>>uint(shift))&0xf])
	}
	b.WriteByte('>')
}
