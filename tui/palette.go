package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
)

// command is one ":" command of the palette.
type command struct {
	name  string
	args  string // usage of the argument, "" for none
	help  string
	needs bool // the argument is required
	// oneWord rejects an argument with spaces (an id).
	oneWord bool
	run     func(arg string) tea.Cmd
}

// commands is the palette's table. It is built per shell (not a package
// variable) because :help opens this shell's overlay.
func (m *Shell) commands() []command {
	return []command{
		{name: "customer", args: "ID", help: "open a customer by id", needs: true, oneWord: true, run: func(arg string) tea.Cmd {
			return func() tea.Msg { return OpenCustomerMsg{ID: api.ID(arg)} }
		}},
		{name: "order", args: "NUMBER", help: "open an order by its number (FD-00001584, #1584)", needs: true, run: func(arg string) tea.Cmd {
			return func() tea.Msg { return OpenOrderMsg{Number: arg} }
		}},
		{name: "search", args: "TEXT", help: "search customers", run: func(arg string) tea.Cmd {
			return func() tea.Msg { return SearchMsg{Query: arg} }
		}},
		{name: "profile", args: "NAME", help: "switch profile", needs: true, run: func(arg string) tea.Cmd {
			return func() tea.Msg { return SwitchProfileMsg{Name: arg} }
		}},
		{name: "bulk", args: "FILE", help: "plan a CSV of loyalty corrections, then apply it", needs: true, run: func(arg string) tea.Cmd {
			return func() tea.Msg { return BulkMsg{File: arg} }
		}},
		{name: "erase", help: "erase the open customer's personal data (supervisors; asks the reason and their email)", run: func(string) tea.Cmd {
			return func() tea.Msg { return EraseMsg{} }
		}},
		{name: "merge", args: "ID", help: "merge customer ID into the profile shown (preview, then confirm)", needs: true, oneWord: true, run: func(arg string) tea.Cmd {
			return func() tea.Msg { return MergeMsg{Drop: api.ID(arg)} }
		}},
		{name: "help", help: "show keys", run: func(string) tea.Cmd {
			return func() tea.Msg { return showHelpMsg{} }
		}},
		{name: "error", help: "show the last error in full", run: func(string) tea.Cmd {
			return func() tea.Msg { return showErrorMsg{} }
		}},
		{name: "mouse", args: "on|off", help: "mouse on (wheel, clicks) or off (the terminal selects text again)", oneWord: true, run: func(arg string) tea.Cmd {
			return func() tea.Msg { return mouseMsg{arg: strings.ToLower(arg)} }
		}},
		{name: "quit", help: "quit frontdesk", run: func(string) tea.Cmd {
			return func() tea.Msg { return quitMsg{} }
		}},
	}
}

type showHelpMsg struct{}

// showErrorMsg is ":error": the last error toast in full.
type showErrorMsg struct{}

// mouseMsg is ":mouse on|off" (or "" to toggle) for this shell.
type mouseMsg struct{ arg string }

// palette is the ":" command line in the footer.
type palette struct {
	open  bool
	input textinput.Model
	// note is what the line above the input says: the matching commands
	// after tab, or why the last enter did nothing.
	note    string
	noteErr bool
	// history is the lines entered, oldest first; ↑ and ↓ recall them.
	// recall is the index shown (len(history) for the line being typed)
	// and draft what was typed before ↑.
	history []string
	recall  int
	draft   string
}

// maxPaletteHistory is how many entered lines ↑ can recall.
const maxPaletteHistory = 50

// remember adds an entered line to the history.
func (p *palette) remember(line string) {
	line = strings.TrimSpace(line)
	if line == "" || (len(p.history) > 0 && p.history[len(p.history)-1] == line) {
		return
	}
	p.history = append(p.history, line)
	if len(p.history) > maxPaletteHistory {
		p.history = p.history[len(p.history)-maxPaletteHistory:]
	}
}

// recallBy moves through the history: -1 older, +1 newer (back to the
// line being typed after the newest).
func (p *palette) recallBy(by int) {
	to := min(max(0, p.recall+by), len(p.history))
	if to == p.recall {
		return
	}
	if p.recall == len(p.history) {
		p.draft = p.input.Value()
	}
	p.recall = to
	if to == len(p.history) {
		p.input.SetValue(p.draft)
	} else {
		p.input.SetValue(p.history[to])
	}
	p.input.CursorEnd()
	p.note, p.noteErr = "", false
}

func newPalette() palette {
	in := textinput.New()
	in.Prompt = ":"
	in.CharLimit = 200
	// A real terminal cursor: no blink ticks and no reverse-video SGR, so
	// the palette also works with NO_COLOR.
	in.SetVirtualCursor(false)
	return palette{input: in}
}

// parseCommand splits "customer 42" into the command and its argument,
// accepting any unambiguous prefix of a command name (":cu 42", ":q").
func parseCommand(cmds []command, line string) (command, string, error) {
	line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), ":"))
	if line == "" {
		return command{}, "", fmt.Errorf("type a command: %s", commandNames(cmds))
	}
	name, arg, _ := strings.Cut(line, " ")
	arg = strings.TrimSpace(arg)
	name = strings.ToLower(name)
	var matches []command
	for _, c := range cmds {
		if c.name == name {
			matches = []command{c}
			break
		}
		if strings.HasPrefix(c.name, name) {
			matches = append(matches, c)
		}
	}
	switch len(matches) {
	case 0:
		return command{}, "", fmt.Errorf("unknown command %q: try %s", name, commandNames(cmds))
	case 1:
	default:
		return command{}, "", fmt.Errorf("%q could be %s", name, commandNames(matches))
	}
	c := matches[0]
	if c.needs && arg == "" {
		return command{}, "", fmt.Errorf("usage: :%s %s", c.name, c.args)
	}
	if c.oneWord && strings.ContainsAny(arg, " \t") {
		return command{}, "", fmt.Errorf("usage: :%s %s (one word)", c.name, c.args)
	}
	if c.args == "" && arg != "" {
		return command{}, "", fmt.Errorf(":%s takes no argument", c.name)
	}
	return c, arg, nil
}

func commandNames(cmds []command) string {
	names := make([]string, len(cmds))
	for i, c := range cmds {
		names[i] = ":" + c.name
	}
	return strings.Join(names, " ")
}

// complete returns the input after tab: the command name completed as far
// as it is unambiguous (with a space after a unique match), and the names
// still possible.
func complete(cmds []command, line string) (string, []string) {
	if strings.Contains(line, " ") {
		return line, nil // only command names complete
	}
	var names []string
	for _, c := range cmds {
		if strings.HasPrefix(c.name, strings.ToLower(line)) {
			names = append(names, c.name)
		}
	}
	switch len(names) {
	case 0:
		return line, nil
	case 1:
		return names[0] + " ", names
	}
	return commonPrefix(names), names
}

func commonPrefix(ss []string) string {
	p := ss[0]
	for _, s := range ss[1:] {
		for !strings.HasPrefix(s, p) {
			p = p[:len(p)-1]
		}
	}
	return p
}

// openPalette shows the palette with an empty line.
func (m *Shell) openPalette() tea.Cmd {
	m.palette.open = true
	m.palette.note, m.palette.noteErr = "", false
	m.palette.input.SetValue("")
	m.palette.recall, m.palette.draft = len(m.palette.history), ""
	m.palette.input.SetWidth(max(10, m.width-4))
	return m.palette.input.Focus()
}

func (m *Shell) closePalette() {
	m.palette.open = false
	m.palette.input.Blur()
	m.palette.input.SetValue("")
	m.palette.note = ""
}

// updatePalette handles a key while the palette is open.
func (m *Shell) updatePalette(msg tea.KeyPressMsg) tea.Cmd {
	cmds := m.commands()
	switch msg.String() {
	case "esc":
		m.closePalette()
		return nil
	case "enter":
		// Every enter closes the palette, and what goes wrong is an
		// error toast: a line the palette refuses (":profile") and one
		// whose command fails later (":profile nope", answered by the
		// store) then look the same. ↑ brings the line back to fix it.
		line := m.palette.input.Value()
		m.palette.remember(line)
		c, arg, err := parseCommand(cmds, line)
		m.closePalette()
		if err != nil {
			return m.showToast(ToastMsg{Kind: ToastError, Text: err.Error() + " (: then ↑ edits the line)"})
		}
		return c.run(arg)
	case "up":
		m.palette.recallBy(-1)
		return nil
	case "down":
		m.palette.recallBy(1)
		return nil
	case "tab":
		line, names := complete(cmds, m.palette.input.Value())
		m.palette.input.SetValue(line)
		m.palette.input.CursorEnd()
		m.palette.noteErr = false
		switch {
		case len(names) == 0:
			m.palette.note = "no command starts with " + strings.TrimSpace(line) + ": " + commandNames(cmds)
			m.palette.noteErr = true
		case len(names) == 1:
			c := cmds[slices.IndexFunc(cmds, func(c command) bool { return c.name == names[0] })]
			m.palette.note = strings.TrimSpace(":"+c.name+" "+c.args) + " — " + c.help
		default:
			m.palette.note = ":" + strings.Join(names, "  :")
		}
		return nil
	}
	if msg.String() == "backspace" && m.palette.input.Value() == "" {
		// Backspace on an empty line leaves the palette, as in vim.
		m.closePalette()
		return nil
	}
	var cmd tea.Cmd
	m.palette.input, cmd = m.palette.input.Update(msg)
	m.palette.note, m.palette.noteErr = "", false
	return cmd
}

// statusLines is what the footer says above the palette's input: the note
// (wrapped), or one line of hints and the commands, so opening the
// palette does not move the screen.
func (p *palette) statusLines(st Styles, width int, cmds []command) []string {
	if p.note != "" {
		s := st.Muted
		if p.noteErr {
			s = st.Error
		}
		return styleLines(s, Wrap(st.Cells, p.note, width, maxStatusLines))
	}
	return []string{st.Muted.Render(st.Cells.Truncate("tab completes · ↑ recalls · esc closes · "+commandNames(cmds), width))}
}
