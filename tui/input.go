package tui

import (
	tea "charm.land/bubbletea/v2"
)

// Keys and mouse: which part of the console gets an input event.

// handleKey applies, in order: ctrl+c (asking first over an unsaved
// draft); the palette or help overlay if open; the top screen if it
// captures keys; the top screen's bindings (refusing disabled ones with
// their reason); the shell's own keys; and finally the top screen for any
// key nobody claimed.
func (m *Shell) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.Keys
	if k.ForceQuit.Matches(msg) {
		return m.forceQuit()
	}
	// Any other key answers the ctrl+c question "no": back to the
	// draft, and the key does what it always does.
	m.status.dismissQuit()
	if m.palette.open {
		return m.updatePalette(msg)
	}
	if m.help.open {
		m.help.key(k, msg.String(), func(b Binding) bool { return b.Matches(msg) }, m.helpPage())
		return nil
	}
	top := m.Top()
	if top.CapturesKeys() {
		return m.updateTop(msg)
	}
	for _, group := range top.FullHelp() {
		for _, b := range group {
			if !b.Matches(msg) {
				continue
			}
			if reason := m.c.Reason(b); reason != "" {
				return m.showToast(ToastMsg{Kind: ToastError, Text: b.Help + ": " + reason})
			}
			if b.Run != nil {
				return b.Run()
			}
			return m.updateTop(msg)
		}
	}
	switch {
	case k.Help.Matches(msg):
		m.help.show(false)
		return nil
	case k.Palette.Matches(msg):
		return m.openPalette()
	case k.Back.Matches(msg):
		if len(m.stack) > 1 {
			return m.pop()
		}
		return nil
	case k.Quit.Matches(msg):
		if len(m.stack) > 1 {
			return m.pop()
		}
		return m.quit()
	}
	return m.updateTop(msg)
}

// handleMouse gives mouse events inside the content area to the top
// screen, with Y counted from the content's first row.
func (m *Shell) handleMouse(msg tea.MouseMsg) tea.Cmd {
	if w, ok := msg.(tea.MouseWheelMsg); ok && m.help.open && !m.palette.open {
		switch w.Button {
		case tea.MouseWheelDown:
			m.help.scroll(3, m.helpPage())
		case tea.MouseWheelUp:
			m.help.scroll(-3, m.helpPage())
		}
		return nil
	}
	if m.palette.open || m.help.open || m.tooSmall() {
		return nil
	}
	mouse := msg.Mouse()
	y := mouse.Y - m.headerH
	if y < 0 || y >= m.contentHeight() {
		return nil
	}
	mouse.Y = y
	switch msg.(type) {
	case tea.MouseClickMsg:
		return m.updateTop(tea.MouseClickMsg(mouse))
	case tea.MouseReleaseMsg:
		return m.updateTop(tea.MouseReleaseMsg(mouse))
	case tea.MouseWheelMsg:
		return m.updateTop(tea.MouseWheelMsg(mouse))
	case tea.MouseMotionMsg:
		return m.updateTop(tea.MouseMotionMsg(mouse))
	}
	return nil
}
