package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
)

// The footer: the status (the palette's note, or the status bar) over
// the key help or the palette's input line.

// showToast puts t in the status bar.
func (m *Shell) showToast(t ToastMsg) tea.Cmd { return m.status.show(t) }

// statusLines is the footer's status: the palette's note while it is
// open, else the status bar.
func (m *Shell) statusLines() []string {
	if m.width <= 0 {
		return nil
	}
	if m.palette.open {
		return m.palette.statusLines(m.c.Styles, m.width, m.commands())
	}
	return m.status.lines(m.c.Styles, m.width, m.c.inFlight)
}

func (m *Shell) footerHeight() int { return max(1, len(m.statusLines())) + 1 }

func (m *Shell) footerView() string {
	w := m.width
	status := m.statusLines()
	// The status has footerH-1 lines in this frame: the layout made room
	// for them after the update that changed them.
	rows := max(1, m.footerH-1)
	status = status[:min(len(status), rows)]
	for len(status) < rows {
		status = append(status, "")
	}
	for i, l := range status {
		status[i] = fitLine(m.c.Styles.Cells, l, w)
	}
	if m.palette.open {
		return strings.Join(status, "\n") + "\n" + fitLine(m.c.Styles.Cells, m.palette.input.View(), w)
	}
	return strings.Join(status, "\n") + "\n" + fitLine(m.c.Styles.Cells, m.keyHelpLine(), w)
}

// keyHelpLine is the top screen's short help (or the overlay's), with
// "? help • : command" at the right, or how to reach them while the
// screen takes them as text.
func (m *Shell) keyHelpLine() string {
	st := m.c.Styles
	hint := st.HelpKey.Render("?") + " " + st.HelpDesc.Render("help") + st.HelpSep.Render(" • ") +
		st.HelpKey.Render(":") + " " + st.HelpDesc.Render("command")
	if h, ok := m.Top().(GlobalKeysHinter); ok && !m.help.open && !h.GlobalKeysLive() {
		hint = st.HelpKey.Render("esc") + " " + st.HelpDesc.Render("then ? help • : command")
	}
	hintW := st.Cells.StringWidth(hint)
	var help []Binding
	if m.help.open {
		help = []Binding{m.c.Keys.Back.WithHelp("close help"), {Keys: []string{"j"}, HelpKey: "j/k", Help: "scroll"}}
	} else {
		help = m.Top().ShortHelp()
	}
	keys := m.c.ShortHelpView(help, max(0, m.width-hintW-3))
	gap := m.width - st.Cells.StringWidth(keys) - hintW
	return keys + strings.Repeat(" ", max(1, gap)) + hint
}
