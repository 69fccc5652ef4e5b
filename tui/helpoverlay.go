package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
)

// helpOverlay is the ? overlay: every key of the top screen and the
// shell's own, or (":error") the last error in full. It scrolls when its
// lines do not fit.
type helpOverlay struct {
	open bool
	// lastErr makes it show the last error instead of the keys.
	lastErr bool
	// top is the first line of the list shown.
	top int
}

// helpPage is what the overlay shows this frame: its title, its lines,
// the legend under them, and how many list lines fit.
type helpPage struct {
	title  string
	lines  []string
	legend []string
	rows   int
}

func (h *helpOverlay) show(lastErr bool) {
	h.open, h.lastErr, h.top = true, lastErr, 0
}

// key handles a key while the overlay is open: ?, esc and q close it; the
// movement keys scroll it.
func (h *helpOverlay) key(k KeyMap, key string, matches func(Binding) bool, p helpPage) {
	pageBy := max(1, p.rows-1)
	switch {
	case matches(k.Help) || matches(k.Back) || matches(k.Quit):
		h.open = false
	case matches(k.Down):
		h.scroll(1, p)
	case matches(k.Up):
		h.scroll(-1, p)
	case matches(k.PageDown) || key == "space":
		h.scroll(pageBy, p)
	case matches(k.PageUp):
		h.scroll(-pageBy, p)
	case matches(k.Top):
		h.top = 0
	case matches(k.Bottom):
		h.top = p.maxTop()
	}
}

func (h *helpOverlay) scroll(by int, p helpPage) {
	h.top = min(max(0, h.top+by), p.maxTop())
}

func (p helpPage) maxTop() int { return max(0, len(p.lines)-p.rows) }

// view draws the overlay: as much of the list as fits from top, a line
// saying where in the list this is and whether there is more, and the
// legend.
func (h *helpOverlay) view(st Styles, inner int, p helpPage) string {
	lines, rows := p.lines, p.rows
	top := min(max(0, h.top), max(0, len(lines)-rows))
	end := min(len(lines), top+rows)

	var b strings.Builder
	b.WriteString(st.OverlayTitle.Render(st.Cells.Truncate(p.title, inner)))
	b.WriteString("\n\n")
	b.WriteString(strings.Join(lines[top:end], "\n"))
	for i := end - top; i < rows && len(lines) > rows; i++ {
		b.WriteString("\n") // keep the frame still while scrolling
	}
	var pos string
	if len(lines) > rows {
		var parts []string
		if top > 0 {
			parts = append(parts, "↑ more above")
		}
		if end < len(lines) {
			parts = append(parts, "↓ more below")
		}
		parts = append(parts, fmt.Sprintf("lines %d–%d of %d", top+1, end, len(lines)))
		pos = strings.Join(parts, " · ")
	}
	b.WriteString("\n" + st.Accent.Render(fitLine(st.Cells, pos, inner)))
	for _, l := range p.legend {
		b.WriteString("\n" + st.Muted.Render(l))
	}
	return st.Overlay.Render(b.String())
}

// The shell's side: what the overlay lists, and its size.

// helpInner is the width inside the overlay's border and padding.
func (m *Shell) helpInner() int { return max(1, m.width-4) }

// helpPage is the overlay's content for the top screen and this size.
func (m *Shell) helpPage() helpPage {
	inner := m.helpInner()
	p := helpPage{title: "Keys — " + m.Top().Title()}
	if m.help.lastErr {
		p.title = "Last error"
		p.lines = Wrap(m.c.Styles.Cells, m.status.lastError, inner, 0)
		p.legend = Wrap(m.c.Styles.Cells, "j/k pgdn/pgup g/G scroll · esc closes · to select text: shift+drag, or :mouse off", inner, 3)
	} else {
		groups := append(append([][]Binding{}, m.Top().FullHelp()...), m.c.Keys.Global())
		p.lines = strings.Split(m.c.FullHelpView(groups, inner), "\n")
		p.legend = Wrap(m.c.Styles.Cells, "! = asks you to confirm first · greyed = not available, the reason after — · "+
			"j/k pgdn/pgup g/G scroll · esc closes · to select text: shift+drag, or :mouse off", inner, 3)
	}
	// The content area less the border (2), the title and a blank line
	// (2), the position line (1) and the legend.
	p.rows = max(1, m.contentHeight()-5-len(p.legend))
	return p
}

// openLastError shows the last error toast in full in the overlay.
func (m *Shell) openLastError() tea.Cmd {
	if m.status.lastError == "" {
		return m.showToast(ToastMsg{Kind: ToastInfo, Text: "no error so far in this session"})
	}
	m.help.show(true)
	return nil
}
