package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"
)

// The navigation stack: screens are pushed, popped, replaced and reset
// by messages, never by each other. Keys reach only the top screen; every
// other message reaches them all.

func (m *Shell) updateTop(msg tea.Msg) tea.Cmd {
	i := len(m.stack) - 1
	s, cmd := m.stack[i].Update(msg)
	if s != nil {
		m.stack[i] = s
	}
	return cmd
}

func (m *Shell) broadcast(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	for i, s := range m.stack {
		s2, cmd := s.Update(msg)
		if s2 != nil {
			m.stack[i] = s2
		}
		if cmd != nil {
			cmds = append(cmds, cmd)
		}
	}
	return tea.Batch(cmds...)
}

func (m *Shell) push(s Screen) tea.Cmd {
	if s == nil {
		return nil
	}
	s.SetSize(m.c.Width, m.c.Height)
	m.stack = append(m.stack, s)
	return s.Init()
}

// pop removes the top screen; popping the root quits.
func (m *Shell) pop() tea.Cmd {
	if len(m.stack) <= 1 {
		return m.quit()
	}
	closeScreen(m.Top())
	m.stack[len(m.stack)-1] = nil
	m.stack = m.stack[:len(m.stack)-1]
	if r, ok := m.Top().(Refocuser); ok {
		return r.Refocus()
	}
	return nil
}

// forceQuit quits on ctrl+c, unless a screen holds an unsaved draft and
// this is the first ctrl+c: then it asks in the footer, and the next
// ctrl+c (while the question shows) quits.
func (m *Shell) forceQuit() tea.Cmd {
	if m.status.quitAsked() || !m.dirty() {
		return m.quit()
	}
	return m.status.askQuit()
}

// dirty reports whether any screen on the stack holds an unsaved draft.
func (m *Shell) dirty() bool {
	for _, s := range m.stack {
		if d, ok := s.(Drafter); ok && d.Dirty() {
			return true
		}
	}
	return false
}

func (m *Shell) quit() tea.Cmd {
	for _, s := range m.stack {
		closeScreen(s)
	}
	return tea.Quit
}

func closeScreen(s Screen) {
	if c, ok := s.(Closer); ok {
		c.Close()
	}
}

func (m *Shell) route(msg tea.Msg) tea.Cmd {
	if m.router != nil {
		if cmd, ok := m.router(m.c, msg); ok {
			return cmd
		}
	}
	text := fmt.Sprintf("nothing here can handle %T yet", msg)
	if p, ok := msg.(SwitchProfileMsg); ok {
		text = "switching profiles inside the console is not available yet: quit and run frontdesk --profile " + p.Name
	}
	return m.showToast(ToastMsg{Kind: ToastError, Text: text})
}
