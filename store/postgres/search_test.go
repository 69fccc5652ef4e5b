package postgres

import (
	"testing"

	"frontdesk/store/searchq"
)

func TestTooManyPrefixes(t *testing.T) {
	for q, want := range map[string]bool{
		"a b c d":         false, // one letter per column
		"a b c d e":       true,
		"a b c d e f g h": true,
		"k ka j m w":      false, // k and ka fit one column
		"k ka j m w x":    true,
		"A a b c d":       false,
		"a b c d wan":     false, // a long word is a substring anywhere
		"1 2 3 4 5":       false, // short digits also match the phone's +254 form
	} {
		tokens, _ := searchq.Parse(q)
		if got := tooManyPrefixes(tokens); got != want {
			t.Errorf("tooManyPrefixes(%q) = %v, want %v", q, got, want)
		}
	}
}
