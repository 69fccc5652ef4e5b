package api

import "testing"

func TestParseOrderNumber(t *testing.T) {
	for _, tc := range []struct {
		in     string
		number string
		marked bool
		ok     bool
	}{
		{"FD-00001584", "FD-00001584", true, true},
		{"fd-1584", "FD-00001584", true, true},
		{"FD 1584", "FD-00001584", true, true},
		{"FD1584", "FD-00001584", true, true},
		{"#1584", "FD-00001584", true, true},
		{"# 1584", "FD-00001584", true, true},
		{"#FD-00001584", "FD-00001584", true, true},
		{"  FD-0000 1584. ", "FD-00001584", true, true},
		{"“FD-00001584”", "FD-00001584", true, true},
		{"(#1584),", "FD-00001584", true, true},
		{"1584", "FD-00001584", false, true},
		{"00001584", "FD-00001584", false, true},
		{" 1584 ", "FD-00001584", false, true},
		{"FD-123456789", "FD-123456789", true, true},
		{"123456789", "", false, false}, // 9 bare digits: a phone fragment
		{"0712017275", "", false, false},
		{"FD-0", "", false, false},
		{"0", "", false, false},
		{"#", "", false, false},
		{"FD-", "", false, false},
		{"", "", false, false},
		{"fdx12", "", false, false},
		{"FD-12a", "", false, false},
		{"+254712017275", "", false, false},
		{"mary", "", false, false},
		{"FD-1234567890123", "", false, false},
		{"1584\x1b[2J", "", false, false},
	} {
		q, ok := ParseOrderNumber(tc.in)
		if ok != tc.ok || q.Number != tc.number || q.Marked != tc.marked {
			t.Errorf("ParseOrderNumber(%q) = %+v, %v; want {%s %v}, %v", tc.in, q, ok, tc.number, tc.marked, tc.ok)
		}
	}
}

func FuzzParseOrderNumber(f *testing.F) {
	for _, s := range []string{"FD-00001584", "#1584", "1584", "fd 12", "mary"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, ok := ParseOrderNumber(s)
		if !ok {
			return
		}
		again, ok2 := ParseOrderNumber(q.Number)
		if !ok2 || again.Number != q.Number || !again.Marked {
			t.Fatalf("%q gave %q, which parses as %+v %v", s, q.Number, again, ok2)
		}
	})
}
