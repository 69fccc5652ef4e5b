package config

import (
	"errors"
	"strings"
	"testing"

	"frontdesk/api"
)

func TestViews(t *testing.T) {
	f, err := Parse("frontdesk.toml", []byte(`
[[views]]
name = "Lapsed big spenders"
query = "spent:>=10000 last-order:<2026-06"
sort = "top-spenders"

[[views]]
name = "Disabled"
query = "status:disabled"
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Views) != 2 || f.Views[0].Name != "Lapsed big spenders" || f.Views[0].APISort() != api.SortTopSpenders ||
		f.Views[1].Query != "status:disabled" || f.Views[1].APISort() != api.SortNewest {
		t.Fatalf("views = %+v", f.Views)
	}
}

// TestBadViews: a bad view is refused naming the file, the view's line
// and what to fix.
func TestBadViews(t *testing.T) {
	for _, c := range []struct{ doc, says string }{
		{"[[views]]\nname = \"a\"\nquery = \"x\"\n\n[[views]]\nname = \"Broken\"\nquery = \"orders:>x\"\n", "frontdesk.toml:5: view \"Broken\": query \"orders:>x\": orders:"},
		{"[[views]]\nquery = \"status:disabled\"\n", "frontdesk.toml:1: a view needs a name"},
		{"[[views]]\nname = \"a\"\nquery = \"x\"\nsort = \"oldest\"\n", "frontdesk.toml:1: view \"a\": sort \"oldest\" is not one of"},
		{"[[views]]\nname = \"a\"\nquery = \"x\"\n[[views]]\nname = \"A\"\nquery = \"y\"\n", "frontdesk.toml:4: view \"A\" is named twice (first at frontdesk.toml:1)"},
		{"[[views]]\nname = \"a\"\nquery = \"colour:red\"\n", "colour: is no filter"},
		{"[[views]]\nname = \"a\"\nqeury = \"x\"\n", "frontdesk.toml:3"},
		{strings.Repeat("[[views]]\nname = \"v\"\nquery = \"x\"\n", 1) + strings.Repeat("", 0), ""},
	} {
		_, err := Parse("frontdesk.toml", []byte(c.doc))
		if c.says == "" {
			if err != nil {
				t.Errorf("%q: %v", c.doc, err)
			}
			continue
		}
		var fe *FileError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%q:\n got %v\nwant %q", c.doc, err, c.says)
		}
	}
	var many strings.Builder
	for i := range 10 {
		many.WriteString("[[views]]\nname = \"v" + string(rune('0'+i)) + "\"\nquery = \"x\"\n")
	}
	if _, err := Parse("frontdesk.toml", []byte(many.String())); err == nil || !strings.Contains(err.Error(), "frontdesk.toml:28: 10 views, at most 9") {
		t.Errorf("ten views: %v", err)
	}
}
