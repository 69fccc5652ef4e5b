package sanitize

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLine(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain ascii", "Wanjiru Kamau", "Wanjiru Kamau"},
		{"empty", "", ""},
		{"unicode kept", "Zoë Ōtieno 山田 🎉", "Zoë Ōtieno 山田 🎉"},
		{"rtl letters kept", "مرحبا", "مرحبا"},
		{"newline visible", "a\nb", "a␤b"},
		{"crlf one newline", "a\r\nb", "a␤b"},
		{"lone cr visible", "a\rb", "a␍b"},
		{"tab is a space", "a\tb", "a b"},
		{"nul", "a\x00b", "a␀b"},
		{"bel", "\x07", "␇"},
		{"backspace", "ab\x08\x08", "ab␈␈"},
		{"unit separator", "\x1f", "␟"},
		{"del", "a\x7fb", "a␡b"},
		{"bare esc", "\x1b", "␛"},
		{"esc c reset", "\x1bc", "␛c"},
		{"csi clear screen", "\x1b[2J", "␛[2J"},
		{"csi sgr", "\x1b[31mred\x1b[0m", "␛[31mred␛[0m"},
		{"csi cursor home", "\x1b[H", "␛[H"},
		{"osc 52 clipboard bel", "\x1b]52;c;SGVsbG8=\x07", "␛]52;c;SGVsbG8=␇"},
		{"osc 52 clipboard st", "\x1b]52;c;SGVsbG8=\x1b\\", "␛]52;c;SGVsbG8=␛\\"},
		{"osc 8 hyperlink", "\x1b]8;;https://evil.example\x07click\x1b]8;;\x07", "␛]8;;https://evil.example␇click␛]8;;␇"},
		{"osc 0 title", "\x1b]0;pwned\x07", "␛]0;pwned␇"},
		{"osc 2 title", "\x1b]2;pwned\x1b\\", "␛]2;pwned␛\\"},
		{"dcs", "\x1bP1$r0m\x1b\\", "␛P1$r0m␛\\"},
		{"apc", "\x1b_Gf=100;AAAA\x1b\\", "␛_Gf=100;AAAA␛\\"},
		{"pm", "\x1b^privacy\x1b\\", "␛^privacy␛\\"},
		{"sos", "\x1bXstring\x1b\\", "␛Xstring␛\\"},
		{"c1 csi", "\u009b2J", "<U+009B>2J"},
		{"c1 osc", "\u009d52;c;x\u009c", "<U+009D>52;c;x<U+009C>"},
		{"c1 dcs apc pm sos", "\u0090\u009f\u009e\u0098", "<U+0090><U+009F><U+009E><U+0098>"},
		{"c1 first", "\u0080", "<U+0080>"},
		{"rlo override", "abc\u202Efdp.exe", "abc<U+202E>fdp.exe"},
		{"lre pdf", "\u202Ax\u202C", "<U+202A>x<U+202C>"},
		{"isolates", "\u2066a\u2067b\u2068c\u2069", "<U+2066>a<U+2067>b<U+2068>c<U+2069>"},
		{"line separator", "a\u2028b\u2029c", "a␤b␤c"},
		{"invalid utf8", "a\xffb", "a\uFFFDb"},
		{"raw c1 byte is invalid utf8", "\x9b2J", "\uFFFD2J"},
		{"truncated utf8", "ab\xe2\x82", "ab\uFFFD\uFFFD"},
		{"replacement char kept", "\uFFFD", "\uFFFD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Line(tt.in); got != tt.want {
				t.Errorf("Line(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if got := String(tt.in); got != tt.want {
				t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
			}
			// Sanitizing twice changes nothing: views may sanitize a value
			// that the CLI or a screen already sanitized.
			if got := Line(Line(tt.in)); got != tt.want {
				t.Errorf("Line(Line(%q)) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestBlock(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"newline kept", "a\nb", "a\nb"},
		{"crlf", "one\r\ntwo\r\n", "one\ntwo\n"},
		{"tab four spaces", "\tx", "    x"},
		{"lone cr", "a\rb", "a␍b"},
		{"csi in block", "line\n\x1b[2Jmore", "line\n␛[2Jmore"},
		{"line separator", "a\u2028b", "a\nb"},
		{"c1", "\u0085", "<U+0085>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Block(tt.in); got != tt.want {
				t.Errorf("Block(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestWidth(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want int
	}{
		{"ascii", "hello", 5},
		{"empty", "", 0},
		{"cjk", "山田太郎", 8},
		{"emoji", "🎉", 2},
		{"emoji with vs16", "❤️", 2},
		{"zwj family", "👨‍👩‍👧‍👦", 2},
		{"flag", "🇰🇪", 2},
		{"skin tone", "👍🏽", 2},
		{"combining acute", "e\u0301", 1},
		{"combining stack", "a\u0301\u0302\u0303", 1},
		{"precomposed", "é", 1},
		{"control picture", "\x1b[2J", 4},
		{"newline as picture", "a\nb", 3},
		{"c1", "\u009b", 8},
		{"hangul", "한국어", 6},
		{"mixed", "Amina 🇰🇪 山", 11},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Width(tt.in); got != tt.want {
				t.Errorf("Width(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestBlockWidth(t *testing.T) {
	if got := BlockWidth("ab\n山田太郎\nx"); got != 8 {
		t.Errorf("BlockWidth = %d, want 8", got)
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		width int
		want  string
	}{
		{"fits", "hello", 5, "hello"},
		{"fits wider", "hello", 10, "hello"},
		{"cut ascii", "hello world", 8, "hello w…"},
		{"width one", "hello", 1, "…"},
		{"width zero", "hello", 0, ""},
		{"negative", "hello", -3, ""},
		{"empty", "", 3, ""},
		{"cjk not split", "山田太郎", 5, "山田…"},
		{"cjk exact", "山田太郎", 8, "山田太郎"},
		{"cjk even cut", "山田太郎", 6, "山田…"},
		{"emoji not split", "ab👨‍👩‍👧‍👦cd", 4, "ab…"},
		{"flag kept whole", "🇰🇪🇰🇪🇰🇪", 5, "🇰🇪🇰🇪…"},
		{"combining kept", "e\u0301e\u0301e\u0301e\u0301", 3, "e\u0301e\u0301…"},
		{"escape made inert first", "\x1b]52;c;SGVsbG8=\x07", 6, "␛]52;…"},
		{"newline becomes picture", "a\nb\nc", 3, "a␤…"},
		{"300 chars", strings.Repeat("x", 300), 10, "xxxxxxxxx…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Truncate(tt.in, tt.width)
			if got != tt.want {
				t.Errorf("Truncate(%q, %d) = %q, want %q", tt.in, tt.width, got, tt.want)
			}
			if tt.width > 0 && Width(got) > tt.width {
				t.Errorf("Truncate(%q, %d) is %d cells wide", tt.in, tt.width, Width(got))
			}
		})
	}
}

func TestPad(t *testing.T) {
	tests := []struct {
		in    string
		width int
		want  string
	}{
		{"ab", 4, "ab  "},
		{"山", 4, "山  "},
		{"abcdef", 4, "abc…"},
		{"山田太郎", 5, "山田…"},
		{"x", 0, ""},
	}
	for _, tt := range tests {
		got := Pad(tt.in, tt.width)
		if got != tt.want {
			t.Errorf("Pad(%q, %d) = %q, want %q", tt.in, tt.width, got, tt.want)
		}
		if tt.width > 0 && Width(got) != tt.width {
			t.Errorf("Pad(%q, %d) is %d cells, want exactly %d", tt.in, tt.width, Width(got), tt.width)
		}
	}
}

func TestSafe(t *testing.T) {
	if !Safe("Jane Wanjiru 🎉") {
		t.Error("plain text reported unsafe")
	}
	for _, s := range []string{"\x1b[2J", "a\nb", "\u009b", "\u202e", "\xff"} {
		if Safe(s) {
			t.Errorf("Safe(%q) = true", s)
		}
	}
}

// TestNoAllocForCleanText keeps the fast path honest: views call Line for
// every cell of every frame.
func TestNoAllocForCleanText(t *testing.T) {
	s := "Wanjiru Kamau <wanjiru.kamau@example.co.ke> 山田 🎉"
	if n := testing.AllocsPerRun(100, func() { _ = Line(s) }); n != 0 {
		t.Errorf("Line on clean text allocates %v times", n)
	}
	if n := testing.AllocsPerRun(100, func() { _ = Truncate("short ascii", 20) }); n != 0 {
		t.Errorf("Truncate on short ascii allocates %v times", n)
	}
}

// checkInert fails if out could do anything to a terminal but print.
func checkInert(t *testing.T, fn, in, out string, block bool) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("%s(%q) = %q: invalid UTF-8", fn, in, out)
	}
	for i := 0; i < len(out); i++ {
		b := out[i]
		if b == '\n' && block {
			continue
		}
		if b < 0x20 || b == 0x7f {
			t.Fatalf("%s(%q) = %q: control byte %#x at %d", fn, in, out, b, i)
		}
	}
	for _, r := range out {
		if r >= 0x80 && r <= 0x9f {
			t.Fatalf("%s(%q) = %q: C1 rune %U", fn, in, out, r)
		}
		if (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x2028 || r == 0x2029 {
			t.Fatalf("%s(%q) = %q: bidi or separator rune %U", fn, in, out, r)
		}
	}
}

func FuzzSanitize(f *testing.F) {
	for _, s := range []string{
		"", "plain", "a\nb\r\nc\td", "\x1b[2J\x1b[H", "\x1b]52;c;SGVsbG8=\x07",
		"\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "\x1bP+q\x1b\\", "\x1b_G\x1b\\",
		"\u009b31m", "\xff\xfe", "e\u0301", "👨‍👩‍👧‍👦", "🇰🇪", "山田", "abc\u202edcb",
		"\u2066x\u2069", strings.Repeat("ab", 200),
	} {
		f.Add(s, 10)
	}
	f.Fuzz(func(t *testing.T, s string, width int) {
		checkInert(t, "Line", s, Line(s), false)
		checkInert(t, "Block", s, Block(s), true)
		width %= 400
		tr := Truncate(s, width)
		checkInert(t, "Truncate", s, tr, false)
		if w := Width(tr); w > max(width, 0) {
			t.Fatalf("Truncate(%q, %d) = %q is %d cells", s, width, tr, w)
		}
		if Line(Line(s)) != Line(s) {
			t.Fatalf("Line is not idempotent on %q", s)
		}
		if Block(Block(s)) != Block(s) {
			t.Fatalf("Block is not idempotent on %q", s)
		}
		if Safe(s) != (Line(s) == s) {
			t.Fatalf("Safe(%q) disagrees with Line", s)
		}
		for _, c := range []Cells{PerCodePoint, Graphemes} {
			p := c.Pad(s, width)
			checkInert(t, c.String()+" Pad", s, p, false)
			if w := c.StringWidth(p); w != max(width, 0) {
				t.Fatalf("%s: Pad(%q, %d) = %q is %d cells", c, s, width, p, w)
			}
		}
	})
}

var sink string

func BenchmarkLine(b *testing.B) {
	cases := map[string]string{
		"clean-ascii":   "wanjiru.kamau@example.co.ke",
		"clean-unicode": "Zoë Ōtieno 山田 🎉",
		"hostile":       "\x1b]52;c;SGVsbG8=\x07\x1b[2J Mallory \u202eevil\u009b",
	}
	for name, s := range cases {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sink = Line(s)
			}
		})
	}
}

func BenchmarkTruncate(b *testing.B) {
	cases := map[string]string{
		"short-ascii": "Wanjiru Kamau",
		"long-ascii":  strings.Repeat("x", 300),
		"unicode":     strings.Repeat("山田🎉e\u0301", 20),
	}
	for name, s := range cases {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sink = Truncate(s, 24)
			}
		})
	}
}
