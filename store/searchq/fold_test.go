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
