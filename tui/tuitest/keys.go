// Package tuitest holds what tests of the console share: building the
// key presses a terminal sends.
package tuitest

import (
	"strings"

	tea "charm.land/bubbletea/v2"
)

var named = map[string]rune{
	"enter": tea.KeyEnter, "esc": tea.KeyEscape, "tab": tea.KeyTab, "up": tea.KeyUp, "down": tea.KeyDown,
	"pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "home": tea.KeyHome, "end": tea.KeyEnd,
	"backspace": tea.KeyBackspace, "space": tea.KeySpace, "left": tea.KeyLeft, "right": tea.KeyRight,
}

// Key builds the tea.KeyPressMsg a terminal sends for a key as the key map
// spells it: "j", "G", "enter", "shift+tab", "ctrl+r", "alt+1", "pgdown". A name it
// does not know panics, so a typo in a test cannot press some other key.
func Key(name string) tea.KeyPressMsg {
	if name == "shift+tab" {
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	}
	if rest, ok := strings.CutPrefix(name, "alt+"); ok && len(rest) == 1 {
		return tea.KeyPressMsg{Code: rune(rest[0]), Mod: tea.ModAlt}
	}
	if rest, ok := strings.CutPrefix(name, "ctrl+"); ok && len(rest) == 1 {
		return tea.KeyPressMsg{Code: rune(rest[0]), Mod: tea.ModCtrl}
	}
	if r, ok := named[name]; ok {
		return tea.KeyPressMsg{Code: r}
	}
	r := []rune(name)
	if len(r) != 1 {
		panic("tuitest.Key: unknown key " + name)
	}
	return tea.KeyPressMsg{Code: r[0], Text: name}
}
