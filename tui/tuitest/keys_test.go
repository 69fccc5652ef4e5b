package tuitest

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

func TestKey(t *testing.T) {
	for name, want := range map[string]tea.KeyPressMsg{
		"j":         {Code: 'j', Text: "j"},
		"G":         {Code: 'G', Text: "G"},
		"é":         {Code: 'é', Text: "é"},
		"enter":     {Code: tea.KeyEnter},
		"pgdown":    {Code: tea.KeyPgDown},
		"shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift},
		"ctrl+s":    {Code: 's', Mod: tea.ModCtrl},
	} {
		if got := Key(name); got != want {
			t.Errorf("Key(%q) = %+v, want %+v", name, got, want)
		}
		// The key map must read it back as the same name.
		if got := Key(name).String(); got != name {
			t.Errorf("Key(%q).String() = %q", name, got)
		}
	}
}

func TestKeyUnknownPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("Key(\"entr\") did not panic")
		}
	}()
	Key("entr")
}
