package searchq

import "testing"

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Élodie":          "elodie",
		"ELODIE":          "elodie",
		"Müller":          "muller",
		"MÜLLER":          "muller",
		"Straße":          "strasse",
		"Łódź":            "lodz",
		"Ørsted":          "orsted",
		"\u212Aelvin":     "kelvin", // the Kelvin sign
		"０７１２":            "0712",   // full-width digits
		"ﬁona":            "fiona",
		"e\u0301lodie":    "elodie", // a combining accent
		"mary.w@x.co":     "mary.w@x.co",
		"Nguyễn Thị Minh": "nguyen thi minh",
		"Ὀδυσσεύς":        "οδυσσευσ",
		"张伟":              "张伟",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseFolds(t *testing.T) {
	for _, c := range []struct {
		q     string
		want  []string
		blank bool
	}{
		{"Élodie", []string{"elodie"}, false},
		{"ÉLODIE élodie", []string{"elodie"}, false},
		{"MÜLLER ka", []string{"muller", "ka"}, false},
		{"\u0301", nil, false},        // only a mark: matches nobody, not everybody
		{"\u0301 \u0308", nil, false}, // the same
		{"  ", nil, true},
	} {
		toks, blank := Parse(c.q)
		var got []string
		for _, tk := range toks {
			got = append(got, tk.Text)
		}
		if blank != c.blank || len(got) != len(c.want) {
			t.Errorf("Parse(%q) = %q blank %v, want %q blank %v", c.q, got, blank, c.want, c.blank)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("Parse(%q) = %q, want %q", c.q, got, c.want)
			}
		}
	}
}
