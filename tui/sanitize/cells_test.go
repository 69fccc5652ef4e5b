package sanitize

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// widthSamples are names terminals measure differently: a ZWJ family, a
// flag, stacked combining marks, CJK, an emoji with VS16, one with a
// skin-tone modifier, and plain ASCII.
var widthSamples = []string{
	"👩\u200d👩\u200d👧 Family",
	"🇰🇪 Kenya",
	"Z\u0324\u0354\u0367\u0311\u0313a\u0308\u0356\u032d\u0308\u0307lgo",
	"王小明 山田",
	"\u2764\ufe0f Heart",
	"👍🏽 Thumb",
	"Jane Doe",
}

// Each measure counts as its terminals do. Per code point, the joiners are
// gone from what is shown, so the count is the same whether or not the
// terminal would have joined them (tmux 3.3 joins ZWJ sequences, xterm
// does not).
func TestCellsWidth(t *testing.T) {
	for _, tc := range []struct {
		s             string
		graphemes, wc int
	}{
		{"👩\u200d👩\u200d👧 Family", 9, 13},
		{"🇰🇪 Kenya", 8, 8},
		{"Z\u0324\u0354\u0367\u0311\u0313a\u0308\u0356\u032d\u0308\u0307lgo", 5, 5},
		{"王小明", 6, 6},
		{"\u2764\ufe0f", 2, 1},
		{"👍🏽", 2, 4},
		{"Jane Doe", 8, 8},
		{"a\x1b[2Jb", 6, 6}, // sanitized first: ␛[2J is four cells
	} {
		if got := Graphemes.Width(tc.s); got != tc.graphemes {
			t.Errorf("Graphemes.Width(%q) = %d, want %d", tc.s, got, tc.graphemes)
		}
		if got := PerCodePoint.Width(tc.s); got != tc.wc {
			t.Errorf("PerCodePoint.Width(%q) = %d, want %d", tc.s, got, tc.wc)
		}
	}
}

func TestCellsJoiners(t *testing.T) {
	family := "👩\u200d👩\u200d👧"
	if got := PerCodePoint.Line(family + " \u2764\ufe0f"); got != "👩👩👧 \u2764" {
		t.Errorf("PerCodePoint.Line kept a joiner: %q", got)
	}
	if got := Graphemes.Line(family + " \u2764\ufe0f"); got != family+" \u2764\ufe0f" {
		t.Errorf("Graphemes.Line changed the text: %q", got)
	}
	if got := PerCodePoint.Block("a\u200db\nc\ufe0f"); got != "ab\nc" {
		t.Errorf("PerCodePoint.Block = %q", got)
	}
	// What is left is measured the same by every per-code-point terminal
	// and by Bubble Tea's renderer: no cluster wider than its glyphs.
	for _, s := range widthSamples {
		l := PerCodePoint.Line(s)
		if strings.ContainsAny(l, "\u200d\ufe0f") {
			t.Errorf("%q still has a joiner: %q", s, l)
		}
	}
}

// Pad gives exactly width cells under its own measure, for every width,
// never splitting a cluster; Truncate never more.
func TestCellsPadAndTruncate(t *testing.T) {
	for _, c := range []Cells{PerCodePoint, Graphemes} {
		for _, s := range widthSamples {
			for w := 0; w <= 20; w++ {
				p := c.Pad(s, w)
				if got := c.Method().StringWidth(p); got != w {
					t.Errorf("%s: Pad(%q, %d) = %q, %d cells", c, s, w, p, got)
				}
				tr := c.Truncate(s, w)
				if got := c.Method().StringWidth(tr); got > w {
					t.Errorf("%s: Truncate(%q, %d) = %q, %d cells", c, s, w, tr, got)
				}
				// The cut is on a cluster boundary of what Line shows.
				kept := strings.TrimSuffix(tr, Ellipsis)
				if !boundaries(c.Line(s))[len(kept)] || !strings.HasPrefix(c.Line(s), kept) {
					t.Errorf("%s: Truncate(%q, %d) = %q does not end between clusters", c, s, w, tr)
				}
			}
			if c.Truncate(s, 100) != c.Line(s) {
				t.Errorf("%s: Truncate(%q, 100) cut a value that fits", c, s)
			}
		}
	}
}

// boundaries are the byte offsets between the grapheme clusters of s.
func boundaries(s string) map[int]bool {
	at := map[int]bool{0: true}
	for i := 0; i < len(s); {
		cl, _ := ansi.FirstGraphemeCluster(s[i:], ansi.GraphemeWidth)
		i += len(cl)
		at[i] = true
	}
	return at
}

func TestCellsForStyledText(t *testing.T) {
	styled := "\x1b[1m👩\u200d💻\x1b[0m x"
	if got := Graphemes.StringWidth(styled); got != 4 {
		t.Errorf("Graphemes.StringWidth = %d, want 4", got)
	}
	if got := PerCodePoint.StringWidth(styled); got != 6 {
		t.Errorf("PerCodePoint.StringWidth = %d, want 6", got)
	}
	if got := ansi.Strip(PerCodePoint.Cut("王小明", 5, "…")); got != "王小…" {
		t.Errorf("Cut = %q", got)
	}
	if PerCodePoint.Method() != ansi.WcWidth || Graphemes.Method() != ansi.GraphemeWidth || (Cells{}) != PerCodePoint {
		t.Error("the measures do not map to x/ansi's methods, or the zero value is not per code point")
	}
}
