package sshd_test

import (
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// screen is a small terminal emulator for the tests: it keeps the
// characters a program drew on a w×h grid, so a test can read what an
// agent would see no matter how the renderer moved the cursor to draw it.
// It knows the sequences Bubble Tea's renderer uses (cursor movement,
// erase, insert/delete, scroll regions, repeat) and ignores colours,
// modes and queries.
type screen struct {
	mu      sync.Mutex
	w, h    int
	cells   [][]string // "" is the right half of a wide character
	x, y    int
	top     int
	bot     int
	saveX   int
	saveY   int
	wrap    bool // the cursor is past the last column
	last    string
	pending []byte
	p       *ansi.Parser
	changed chan struct{}
}

func newScreen(w, h int) *screen {
	s := &screen{w: w, h: h, p: ansi.NewParser(), changed: make(chan struct{}, 1)}
	s.reset()
	return s
}

func (s *screen) reset() {
	s.cells = make([][]string, s.h)
	for i := range s.cells {
		s.cells[i] = blankLine(s.w)
	}
	s.x, s.y, s.top, s.bot, s.wrap = 0, 0, 0, s.h-1, false
}

func blankLine(w int) []string {
	l := make([]string, w)
	for i := range l {
		l[i] = " "
	}
	return l
}

// Write feeds output to the screen.
func (s *screen) Write(b []byte) (int, error) {
	s.mu.Lock()
	data := append(s.pending, b...)
	s.pending = nil
	for len(data) > 0 {
		seq, width, n, state := ansi.DecodeSequence(data, ansi.NormalState, s.p)
		if state != ansi.NormalState || (width > 0 && !utf8.FullRune(data)) {
			// An incomplete sequence: wait for the rest.
			s.pending = append([]byte(nil), data...)
			break
		}
		s.apply(seq, width)
		data = data[n:]
	}
	s.mu.Unlock()
	select {
	case s.changed <- struct{}{}:
	default:
	}
	return len(b), nil
}

// String is the screen's text, one line per row, trailing blanks cut.
func (s *screen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	lines := make([]string, s.h)
	for i, row := range s.cells {
		lines[i] = strings.TrimRight(strings.Join(row, ""), " ")
	}
	return strings.Join(lines, "\n")
}

func (s *screen) apply(seq []byte, width int) {
	if len(seq) == 0 {
		return
	}
	if width > 0 {
		s.put(string(seq), width)
		return
	}
	switch c := seq[0]; {
	case c == ansi.ESC && len(seq) > 1 && seq[1] == '[', c == ansi.CSI:
		s.csi()
	case c == ansi.ESC && len(seq) > 1 && (seq[1] == ']' || seq[1] == 'P' || seq[1] == '_' || seq[1] == '^' || seq[1] == 'X'):
		// OSC, DCS, APC…: nothing to draw.
	case c == ansi.ESC:
		s.esc(ansi.Cmd(s.p.Command()).Final())
	case c == '\r':
		s.x, s.wrap = 0, false
	case c == '\n', c == '\v', c == '\f':
		s.lineFeed()
	case c == '\b':
		s.x, s.wrap = max(0, s.x-1), false
	case c == '\t':
		s.x = min(s.w-1, (s.x/8+1)*8)
	}
}

func (s *screen) put(g string, width int) {
	if s.wrap {
		s.x, s.wrap = 0, false
		s.lineFeed()
	}
	if s.x+width > s.w {
		s.x = 0
		s.lineFeed()
	}
	s.cells[s.y][s.x] = g
	for i := 1; i < width && s.x+i < s.w; i++ {
		s.cells[s.y][s.x+i] = ""
	}
	s.last = g
	s.x += width
	if s.x >= s.w {
		s.x, s.wrap = s.w-1, true
	}
}

func (s *screen) lineFeed() {
	if s.y == s.bot {
		s.scrollUp(1)
		return
	}
	s.y = min(s.h-1, s.y+1)
}

func (s *screen) scrollUp(n int) {
	for range n {
		copy(s.cells[s.top:s.bot+1], s.cells[s.top+1:s.bot+1])
		s.cells[s.bot] = blankLine(s.w)
	}
}

func (s *screen) scrollDown(n int) {
	for range n {
		copy(s.cells[s.top+1:s.bot+1], s.cells[s.top:s.bot])
		s.cells[s.top] = blankLine(s.w)
	}
}

func (s *screen) esc(final byte) {
	switch final {
	case '7':
		s.saveX, s.saveY = s.x, s.y
	case '8':
		s.x, s.y, s.wrap = s.saveX, s.saveY, false
	case 'D':
		s.lineFeed()
	case 'E':
		s.x = 0
		s.lineFeed()
	case 'M':
		if s.y == s.top {
			s.scrollDown(1)
		} else {
			s.y = max(0, s.y-1)
		}
	case 'c':
		s.reset()
	}
}

func (s *screen) csi() {
	cmd := ansi.Cmd(s.p.Command())
	param := func(i, def int) int {
		v, _ := s.p.Param(i, def)
		if v == 0 && def == 1 {
			return 1
		}
		return v
	}
	n := param(0, 1)
	s.wrap = false
	switch cmd.Prefix() {
	case '?':
		if final := cmd.Final(); final == 'h' || final == 'l' {
			switch param(0, 0) {
			case 1049, 1047, 47:
				s.cells = nil
				s.reset()
			}
		}
		return
	case 0:
	default:
		return
	}
	if cmd.Intermediate() != 0 {
		return
	}
	switch cmd.Final() {
	case 'H', 'f':
		s.y = clamp(param(0, 1)-1, 0, s.h-1)
		s.x = clamp(param(1, 1)-1, 0, s.w-1)
	case 'A':
		s.y = max(0, s.y-n)
	case 'B':
		s.y = min(s.h-1, s.y+n)
	case 'C':
		s.x = min(s.w-1, s.x+n)
	case 'D':
		s.x = max(0, s.x-n)
	case 'E':
		s.x, s.y = 0, min(s.h-1, s.y+n)
	case 'F':
		s.x, s.y = 0, max(0, s.y-n)
	case 'G', '`':
		s.x = clamp(n-1, 0, s.w-1)
	case 'd':
		s.y = clamp(n-1, 0, s.h-1)
	case 'I':
		for range n {
			s.x = min(s.w-1, (s.x/8+1)*8)
		}
	case 'Z':
		for range n {
			s.x = max(0, (s.x-1)/8*8)
		}
	case 'J':
		switch param(0, 0) {
		case 0:
			s.eraseLine(s.y, s.x, s.w)
			for y := s.y + 1; y < s.h; y++ {
				s.cells[y] = blankLine(s.w)
			}
		case 1:
			s.eraseLine(s.y, 0, s.x+1)
			for y := 0; y < s.y; y++ {
				s.cells[y] = blankLine(s.w)
			}
		case 2, 3:
			for y := range s.cells {
				s.cells[y] = blankLine(s.w)
			}
		}
	case 'K':
		switch param(0, 0) {
		case 0:
			s.eraseLine(s.y, s.x, s.w)
		case 1:
			s.eraseLine(s.y, 0, s.x+1)
		case 2:
			s.cells[s.y] = blankLine(s.w)
		}
	case 'X':
		s.eraseLine(s.y, s.x, min(s.w, s.x+n))
	case 'b':
		for range n {
			s.put(s.last, ansi.StringWidth(s.last))
		}
	case '@':
		row := s.cells[s.y]
		n = min(n, s.w-s.x)
		copy(row[s.x+n:], row[s.x:s.w-n])
		for i := s.x; i < s.x+n; i++ {
			row[i] = " "
		}
	case 'P':
		row := s.cells[s.y]
		n = min(n, s.w-s.x)
		copy(row[s.x:], row[s.x+n:])
		for i := s.w - n; i < s.w; i++ {
			row[i] = " "
		}
	case 'L', 'M':
		if s.y < s.top || s.y > s.bot {
			return
		}
		top := s.top
		s.top = s.y
		if cmd.Final() == 'L' {
			s.scrollDown(min(n, s.bot-s.y+1))
		} else {
			s.scrollUp(min(n, s.bot-s.y+1))
		}
		s.top = top
		s.x = 0
	case 'S':
		s.scrollUp(n)
	case 'T':
		s.scrollDown(n)
	case 'r':
		top, bot := param(0, 1)-1, param(1, s.h)-1
		if bot <= 0 || bot >= s.h {
			bot = s.h - 1
		}
		if top < bot {
			s.top, s.bot = top, bot
		}
		s.x, s.y = 0, 0
	case 's':
		s.saveX, s.saveY = s.x, s.y
	case 'u':
		s.x, s.y = s.saveX, s.saveY
	}
}

func (s *screen) eraseLine(y, from, to int) {
	for x := max(0, from); x < min(s.w, to); x++ {
		s.cells[y][x] = " "
	}
}

func clamp(v, lo, hi int) int { return max(lo, min(hi, v)) }
