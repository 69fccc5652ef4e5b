package screens

import (
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"frontdesk/tui"
)

// The first-run screen's keys, as data: each binding carries its action.
// The screen captures keys, so it runs them itself (Common.Dispatch);
// the footer and ? show the same bindings.

// onbKeys are the first-run screen's bindings.
type onbKeys struct {
	enter, next, prev, connect, whole, esc tui.Binding
}

// makeKeys builds the screen's bindings from the shared key map.
func (s *onboardingScreen) makeKeys() {
	k := s.c.Keys
	connect := k.Save.WithHelp("connect").Do(s.connect)
	// Connecting changes no store's data: a read-only profile may do it.
	connect.Mutates = false
	esc := k.Cancel.Do(func() tea.Cmd { return nil })
	// esc is not a way out: at the root it would quit and lose the
	// draft. ctrl+c quits (asking first once something is typed).
	esc.Hidden = true
	s.keys = onbKeys{
		enter:   tui.Binding{Keys: []string{"enter"}, Help: "next / choose"}.Do(s.enter),
		next:    k.NextField.Do(s.nextField),
		prev:    k.PrevField.Do(s.prevField),
		connect: connect,
		whole: tui.Binding{Keys: []string{"ctrl+e"}, Help: "whole message"}.Do(s.showWhole).With(func() string {
			if s.status == "" {
				return "no message yet"
			}
			return ""
		}),
		esc: esc,
	}
}

// live is the list the screen runs keys through. ctrl+e is in it only
// while there is a message to show: otherwise it is the field's (end of
// line).
func (s *onboardingScreen) live() []tui.Binding {
	k := s.keys
	l := []tui.Binding{k.enter, k.next, k.prev, k.connect, k.esc}
	if s.status != "" {
		l = append(l, k.whole)
	}
	return l
}

// ShortHelp is the footer's help: after a failed connection, ctrl+s
// (connect again) and ctrl+e (the whole message) come first.
func (s *onboardingScreen) ShortHelp() []tui.Binding {
	k := s.keys
	if s.status != "" && s.isErr {
		return []tui.Binding{k.connect, k.next, k.whole, k.prev}
	}
	return []tui.Binding{k.enter, k.next, k.prev, k.connect}
}

// FullHelp is every binding of the screen.
func (s *onboardingScreen) FullHelp() [][]tui.Binding {
	k := s.keys
	return [][]tui.Binding{{k.enter, k.next, k.prev, k.connect, k.whole, k.esc}}
}

// key handles a key while the form is on screen: its binding, else the
// fields' own moves (↓ and ↑ between fields), else the huh form.
func (s *onboardingScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	if cmd, ok := s.c.Dispatch(msg, s.live()); ok {
		return cmd
	}
	switch msg.String() {
	case "down":
		if s.focused() < len(s.fields)-1 {
			return s.nextField()
		}
	case "up":
		return s.prevField()
	}
	return s.updateForm(msg)
}

// enter moves to the next field, and on the last one connects or starts
// the sandbox, as chosen there.
func (s *onboardingScreen) enter() tea.Cmd {
	if s.focused() < len(s.fields)-1 {
		return s.nextField()
	}
	if s.choice == choiceSandbox {
		return s.sandbox()
	}
	return s.connect()
}

// nextField moves to the next field; never past the last, where huh
// would complete the form.
func (s *onboardingScreen) nextField() tea.Cmd {
	if s.focused() >= len(s.fields)-1 {
		return nil
	}
	cmd := s.form.NextField()
	s.titles()
	return cmd
}

// prevField moves to the previous field.
func (s *onboardingScreen) prevField() tea.Cmd {
	if s.focused() <= 0 {
		return nil
	}
	cmd := s.form.PrevField()
	s.titles()
	return cmd
}

// showWhole shows the whole status in place of the form; any key goes
// back.
func (s *onboardingScreen) showWhole() tea.Cmd {
	s.whole = true
	return nil
}

// updateForm hands msg to the huh form.
func (s *onboardingScreen) updateForm(msg tea.Msg) tea.Cmd {
	m, cmd := s.form.Update(msg)
	s.form = m.(*huh.Form)
	s.titles()
	return cmd
}
