package forms

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"frontdesk/tui"
)

// question is a yes/no confirmation shown instead of the form; "No" is
// the default answer.
type question struct {
	form  *huh.Form
	yes   bool
	lines []string // context drawn above the question
	onYes func() tea.Cmd
	onNo  func() tea.Cmd
}

// confirm asks a yes/no question with No as the default.
func (b *base) confirm(title, desc string, lines []string, onYes, onNo func() tea.Cmd) tea.Cmd {
	q := &question{lines: lines, onYes: onYes, onNo: onNo}
	c := huh.NewConfirm().Title(title).Affirmative("Yes").Negative("No").Value(&q.yes)
	if desc != "" {
		c.Description(desc)
	}
	q.form = huh.NewForm(huh.NewGroup(c)).
		WithTheme(b.th.theme()).
		WithKeyMap(keyMap()).
		WithShowHelp(false).
		WithShowErrors(false)
	if b.width > 0 {
		q.form.WithWidth(min(b.width, 76))
	}
	b.ask = q
	return q.form.Init()
}

// askKeys are the keys of an open question: enter takes the highlighted
// answer, y and n answer directly, esc is No, arrows toggle. Any other
// key does nothing.
func (b *base) askKeys() []tui.Binding {
	return []tui.Binding{
		{Keys: []string{"y", "Y"}, HelpKey: "y", Help: "yes", Run: func() tea.Cmd { return b.decide(true) }},
		{Keys: []string{"n", "N", "esc"}, HelpKey: "n", Help: "no", Run: func() tea.Cmd { return b.decide(false) }},
		{Keys: []string{"enter"}, Help: "answer", Run: func() tea.Cmd { return b.decide(b.ask.yes) }},
		{Keys: []string{"left", "right", "h", "l", "tab", "shift+tab"}, HelpKey: "←/→", Help: "toggle", Hidden: true, Run: func() tea.Cmd {
			b.ask.yes = !b.ask.yes
			return nil
		}},
	}
}

// decide closes the open question with the answer yes.
func (b *base) decide(yes bool) tea.Cmd {
	q := b.ask
	b.ask = nil
	if yes {
		return q.onYes()
	}
	if q.onNo != nil {
		return q.onNo()
	}
	return nil
}

// questionView draws an open question: its context lines and the
// confirm.
func (b *base) questionView() string {
	var sb strings.Builder
	for _, l := range b.ask.lines {
		sb.WriteString(l)
		sb.WriteString("\n")
	}
	if len(b.ask.lines) > 0 {
		sb.WriteString("\n")
	}
	sb.WriteString(b.ask.form.View())
	return sb.String()
}
