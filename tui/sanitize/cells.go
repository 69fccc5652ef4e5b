package sanitize

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Cells measures, cuts and pads text the way one terminal counts cells.
// Terminals disagree: one that supports grapheme clustering (DEC mode
// 2027, "Unicode core") gives "👩‍👩‍👧" two cells, while tmux 3.3, xterm and
// the Linux console advance the cursor once per code point. A console that
// pads with one measure on a terminal that uses the other pushes (or
// pulls) every later column of the row. The measure is per terminal, so
// per session: each session keeps its own Cells and none is shared.
//
// The zero value is PerCodePoint, which is what a terminal does until it
// says otherwise (and what Bubble Tea's renderer assumes).
type Cells struct{ graphemes bool }

var (
	// PerCodePoint measures like wcwidth(3), one code point at a time:
	// for terminals that did not report mode 2027.
	PerCodePoint = Cells{}
	// Graphemes measures by grapheme cluster: for terminals that
	// reported mode 2027 (set, or reset but supported).
	Graphemes = Cells{graphemes: true}
)

// Method is the x/ansi width method Cells measures with: what Bubble
// Tea's renderer must use too.
func (c Cells) Method() ansi.Method {
	if c.graphemes {
		return ansi.GraphemeWidth
	}
	return ansi.WcWidth
}

// String names the measure, for logs and test names.
func (c Cells) String() string {
	if c.graphemes {
		return "graphemes"
	}
	return "per code point"
}

// Line is the package's Line. Measuring per code point, it also drops the
// joiners a terminal may or may not honour: ZERO WIDTH JOINER (U+200D)
// and VARIATION SELECTOR-16 (U+FE0F). Both are zero cells per code point,
// but tmux 3.3 joins a ZWJ sequence into one two-cell glyph and some
// terminals widen a character followed by VS16, so with them in the text
// no count is right everywhere. Without them "👩‍👩‍👧" is shown as its three
// people, six cells on every such terminal, and the columns after it stay
// put.
func (c Cells) Line(s string) string { return c.unjoin(Line(s)) }

// Block is the package's Block, with Line's joiner rule.
func (c Cells) Block(s string) string { return c.unjoin(Block(s)) }

// Width is the number of cells c.Line(s) occupies.
func (c Cells) Width(s string) int {
	if !c.graphemes {
		return ansi.StringWidthWc(c.Line(s))
	}
	return Width(s)
}

// BlockWidth is the width in cells of the widest line of c.Block(s).
func (c Cells) BlockWidth(s string) int {
	if !c.graphemes {
		w := 0
		for line := range strings.SplitSeq(c.Block(s), "\n") {
			w = max(w, ansi.StringWidthWc(line))
		}
		return w
	}
	return BlockWidth(s)
}

// Truncate is c.Line(s) cut to at most width cells, ending with "…" when
// anything was cut; as the package's Truncate, measured by c.
func (c Cells) Truncate(s string, width int) string {
	if c.graphemes {
		return Truncate(s, width)
	}
	if width <= 0 {
		return ""
	}
	s = c.Line(s)
	if isASCII(s) {
		if len(s) <= width {
			return s
		}
		return s[:width-1] + Ellipsis
	}
	// Whole clusters, each as wide as the sum of its code points: a
	// cluster is never split, so a base keeps its combining marks.
	used, keep := 0, 0
	for i := 0; i < len(s); {
		cluster, w := ansi.FirstGraphemeCluster(s[i:], ansi.WcWidth)
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

// Pad is c.Truncate(s, width) padded with spaces to exactly width cells.
func (c Cells) Pad(s string, width int) string {
	if width <= 0 {
		return ""
	}
	s = c.Truncate(s, width)
	w := c.StringWidth(s)
	if w >= width {
		return s
	}
	return s + strings.Repeat(" ", width-w)
}

// StringWidth measures text that is already safe (sanitized, perhaps
// styled): escape sequences count nothing.
func (c Cells) StringWidth(s string) int { return c.Method().StringWidth(s) }

// Cut shortens safe (perhaps styled) text to width cells, ending with
// tail when anything was cut.
func (c Cells) Cut(s string, width int, tail string) string {
	return c.Method().Truncate(s, width, tail)
}

// Wrap wraps safe text at width cells, breaking words only when one is
// longer than a line.
func (c Cells) Wrap(s string, width int) string { return c.Method().Wrap(s, width, "") }

// Wordwrap wraps safe text at width cells without breaking words.
func (c Cells) Wordwrap(s string, width int) string { return c.Method().Wordwrap(s, width, "") }

// unjoin drops ZWJ and VS16 when measuring per code point.
func (c Cells) unjoin(s string) string {
	if c.graphemes || !strings.ContainsAny(s, "\u200d\ufe0f") {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r == '\u200d' || r == '\ufe0f' {
			return -1
		}
		return r
	}, s)
}
