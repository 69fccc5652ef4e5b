package forms

import (
	bkey "charm.land/bubbles/v2/key"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"

	"frontdesk/tui"
)

// themer builds huh styles from the session's tui.Styles. huh asks its
// theme for styles on every View, and a field keeps the first theme it is
// given, so the theme reads Common on each call and caches one *huh.Styles
// per look (dark/light, colour or not): the shell may swap Styles when the
// terminal reports its background.
type themer struct {
	c     *tui.Common
	key   [2]bool
	cache *huh.Styles
}

func (t *themer) theme() huh.Theme {
	return huh.ThemeFunc(func(bool) *huh.Styles { return t.styles() })
}

func (t *themer) styles() *huh.Styles {
	s := t.c.Styles
	k := [2]bool{s.IsDark, s.NoColor}
	if t.cache != nil && t.key == k {
		return t.cache
	}
	t.key, t.cache = k, huhStyles(s)
	return t.cache
}

// huhStyles maps the console's palette onto huh. Without colour the
// focused field keeps its left bar and the focused button is bracketed,
// so focus still shows (NO_COLOR).
func huhStyles(s tui.Styles) *huh.Styles {
	t := huh.ThemeBase(s.IsDark)
	base := lipgloss.NewStyle()
	// One line between fields keeps a ten-field form on a 24-line screen.
	t.FieldSeparator = base.SetString("\n")
	button := base.Padding(0, 1).MarginRight(1)
	if s.NoColor {
		t.Focused.Base = base.PaddingLeft(1).BorderStyle(lipgloss.NormalBorder()).BorderLeft(true)
		t.Focused.FocusedButton = button.Transform(func(v string) string { return "[" + v + "]" })
		t.Focused.BlurredButton = button.Transform(func(v string) string { return " " + v + " " })
		t.Focused.TextInput.Placeholder = base
		t.Focused.SelectSelector = base.SetString("> ")
		t.Focused.NextIndicator = base.MarginLeft(1).SetString(">")
		t.Focused.PrevIndicator = base.MarginRight(1).SetString("<")
	} else {
		c := s.Colors
		t.Focused.Base = t.Focused.Base.BorderForeground(c.Accent)
		t.Focused.Title = base.Foreground(c.Accent).Bold(true)
		t.Focused.Description = base.Foreground(c.Muted)
		t.Focused.SelectSelector = t.Focused.SelectSelector.Foreground(c.Accent)
		t.Focused.NextIndicator = t.Focused.NextIndicator.Foreground(c.Accent)
		t.Focused.PrevIndicator = t.Focused.PrevIndicator.Foreground(c.Accent)
		t.Focused.Option = base.Foreground(c.Text)
		t.Focused.SelectedOption = base.Foreground(c.Text).Bold(true)
		t.Focused.UnselectedOption = base.Foreground(c.Muted)
		t.Focused.FocusedButton = button.Foreground(c.Inverse).Background(c.Accent).Bold(true)
		t.Focused.BlurredButton = button.Foreground(c.Text).Background(c.Subtle)
		t.Focused.TextInput.Cursor = base.Foreground(c.Accent)
		t.Focused.TextInput.Placeholder = base.Foreground(c.Muted)
		t.Focused.TextInput.Prompt = base.Foreground(c.Accent)
		t.Focused.TextInput.Text = base.Foreground(c.Text)
		t.Focused.ErrorIndicator = t.Focused.ErrorIndicator.Foreground(c.Danger)
		t.Focused.ErrorMessage = t.Focused.ErrorMessage.Foreground(c.Danger)
	}
	t.Focused.Card = t.Focused.Base
	t.Blurred = t.Focused
	t.Blurred.Base = t.Focused.Base.BorderStyle(lipgloss.HiddenBorder())
	t.Blurred.Card = t.Blurred.Base
	t.Blurred.Title = s.Label
	t.Blurred.TextInput.Prompt = s.Muted
	t.Blurred.NextIndicator = base
	t.Blurred.PrevIndicator = base
	if s.NoColor {
		t.Blurred.TextInput.Prompt = base
	}
	t.Group.Title = t.Focused.Title
	t.Group.Description = t.Focused.Description
	return t
}

// keyMap is huh's key map with everything the screens handle themselves
// switched off: ctrl+c belongs to the shell, esc, tab, enter and ctrl+s to
// the form screen, and the Text field's external editor must never start
// (on the SSH gateway it would run an editor on the server).
func keyMap() *huh.KeyMap {
	k := huh.NewDefaultKeyMap()
	off := bkey.NewBinding(bkey.WithDisabled())
	k.Quit = off
	k.Text.Editor = off
	// In a note, enter is a new line; ctrl+s saves (handled by the screen).
	k.Text.NewLine = bkey.NewBinding(bkey.WithKeys("enter", "alt+enter", "ctrl+j"), bkey.WithHelp("enter", "new line"))
	k.Text.Next = bkey.NewBinding(bkey.WithKeys("tab"), bkey.WithHelp("tab", "next"))
	k.Text.Submit = bkey.NewBinding(bkey.WithKeys("ctrl+s"), bkey.WithHelp("ctrl+s", "save"))
	k.Text.Prev = bkey.NewBinding(bkey.WithKeys("shift+tab"), bkey.WithHelp("shift+tab", "back"))
	// Selects here are short, inline lists: no filtering.
	k.Select.Filter = off
	k.Select.SetFilter = off
	k.Select.ClearFilter = off
	return k
}
