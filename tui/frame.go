package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"frontdesk/tui/sanitize"
)

// The frame: header, the top screen (or an overlay), footer, composed to
// exactly the terminal's size.

func (m *Shell) tooSmall() bool { return m.width < MinWidth || m.height < MinHeight }

// View draws the frame: header, the top screen (or the help overlay),
// footer. Always in the alternate screen; with cell-motion mouse unless
// the agent turned it off (":mouse off") to select text.
func (m *Shell) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	if m.mouseOff {
		v.MouseMode = tea.MouseModeNone
	}
	if !m.tooSmall() {
		v.Cursor = m.cursor()
	}
	return v
}

func (m *Shell) render() string {
	if m.width == 0 || m.height == 0 {
		return "" // no size yet: the first WindowSizeMsg is on its way
	}
	if m.tooSmall() {
		return fitBlock(m.c.Styles.Cells, fmt.Sprintf("Terminal too small: %d×%d.\nfrontdesk needs at least %d×%d.\nEnlarge the window, or press ctrl+c to quit.",
			m.width, m.height, MinWidth, MinHeight), m.width, m.height)
	}
	var b strings.Builder
	b.Grow(m.width * m.height * 2)
	b.WriteString(m.headerView())
	b.WriteByte('\n')
	var content string
	if m.help.open {
		content = m.help.view(m.c.Styles, m.helpInner(), m.helpPage())
	} else {
		content = m.Top().View()
	}
	b.WriteString(fitBlock(m.c.Styles.Cells, content, m.width, m.contentHeight()))
	b.WriteByte('\n')
	b.WriteString(m.footerView())
	out := b.String()
	if m.c.Styles.NoColor {
		// Belt and braces: a screen that styled something by hand must
		// not put colour on a NO_COLOR terminal. Sanitized data has no
		// escape sequences, so only styling is removed.
		out = ansi.Strip(out)
	}
	return out
}

func (m *Shell) cursor() *tea.Cursor {
	if m.palette.open {
		c := m.palette.input.Cursor()
		if c != nil {
			c.Y = m.height - 1
		}
		return c
	}
	if m.help.open {
		return nil
	}
	if cs, ok := m.Top().(interface{ Cursor() *tea.Cursor }); ok {
		if c := cs.Cursor(); c != nil {
			c.Y += m.headerH
			return c
		}
	}
	return nil
}

// setMouse handles ":mouse on|off" ("" toggles).
func (m *Shell) setMouse(arg string) tea.Cmd {
	switch arg {
	case "on":
		m.mouseOff = false
	case "off":
		m.mouseOff = true
	case "":
		m.mouseOff = !m.mouseOff
	default:
		return m.showToast(ToastMsg{Kind: ToastError, Text: "usage: :mouse on|off (" + sanitize.Line(arg) + "?)"})
	}
	if m.mouseOff {
		return m.showToast(ToastMsg{Kind: ToastInfo, Text: "mouse off: drag to select text; :mouse on gives the wheel and clicks back"})
	}
	return m.showToast(ToastMsg{Kind: ToastInfo, Text: "mouse on: wheel and clicks; to select text hold shift while dragging, or :mouse off"})
}

// fitLine cuts a rendered line to width cells. A line no longer in bytes
// than width is never wider in cells, which skips the measuring for most
// lines.
func fitLine(c sanitize.Cells, s string, width int) string {
	if len(s) <= width || c.StringWidth(s) <= width {
		return s
	}
	return c.Cut(s, width, "")
}

// fitBlock makes s exactly height lines of at most width cells, so a
// screen that draws too much cannot push the footer off the terminal.
func fitBlock(c sanitize.Cells, s string, width, height int) string {
	if height <= 0 {
		return ""
	}
	var b strings.Builder
	b.Grow(len(s) + height)
	n := 0
	for line := range strings.SplitSeq(s, "\n") {
		if n == height {
			break
		}
		if n > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(fitLine(c, line, width))
		n++
	}
	for ; n < height; n++ {
		if n > 0 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}
