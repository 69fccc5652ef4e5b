package bulk

import (
	"errors"
	"strings"
	"testing"
)

// A CSV whose structure is wrong is refused whole, naming the line.
func TestParseCSVRefusesBadStructure(t *testing.T) {
	cases := []struct {
		name, in string
		line     int
		want     string
	}{
		{"empty", "", 0, "empty"},
		{"blank", "\n\n  \n", 0, "empty"},
		{"header only", "customer,points,reason,note\n", 0, "no rows"},
		{"no header", "42,50,goodwill,late delivery\n", 1, "unknown column"},
		{"missing column", "customer,points,reason\n42,50,goodwill\n", 1, `no "note" column`},
		{"extra column", "customer,points,reason,note,x\n", 1, `unknown column "x"`},
		{"column twice", "customer,points,reason,points\n", 1, "twice"},
		{"too few fields", "customer,points,reason,note\n42,50,goodwill,late\n43,50,goodwill\n", 3, "3 fields, want 4"},
		{"too many fields", "customer,points,reason,note\n42,50,goodwill,late, very late\n", 2, "5 fields, want 4"},
		{"bad quoting", "customer,points,reason,note\n42,50,goodwill,\"late\n", 2, "not valid CSV"},
		{"not utf-8", "customer,points,reason,note\n42,50,goodwill,late\n43,50,goodwill,caf\xe9\n", 3, "not UTF-8"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, err := ParseCSV(strings.NewReader(c.in))
			var ce *CSVError
			if !errors.As(err, &ce) {
				t.Fatalf("ParseCSV = %v, %v; want a *CSVError", rows, err)
			}
			if ce.Line != c.line || !strings.Contains(ce.Msg, c.want) {
				t.Fatalf("error %q (line %d); want line %d and %q", err, ce.Line, c.line, c.want)
			}
		})
	}
}

func TestParseCSVLimits(t *testing.T) {
	var b strings.Builder
	b.WriteString("customer,points,reason,note\n")
	for range MaxRows + 1 {
		b.WriteString("42,5,goodwill,late delivery\n")
	}
	_, err := ParseCSV(strings.NewReader(b.String()))
	var ce *CSVError
	if !errors.As(err, &ce) || ce.Line != MaxRows+2 || !strings.Contains(ce.Msg, "split the file") {
		t.Fatalf("too many rows: %v", err)
	}
	big := "customer,points,reason,note\n42,5,goodwill," + strings.Repeat("x", MaxCSVBytes) + "\n"
	if _, err := ParseCSV(strings.NewReader(big)); !errors.As(err, &ce) || !strings.Contains(ce.Msg, "larger than") {
		t.Fatalf("too large: %v", err)
	}
}

// Wrong values refuse the row, not the file; the header may come in any
// order, with a BOM, and blank lines are skipped.
func TestParseCSVRows(t *testing.T) {
	in := "\ufeffNote, Customer ,points,REASON\n" +
		"late delivery,42,+50,goodwill\n" +
		"\n" +
		"double earn,a@b.example,-20,correction\n" +
		"late delivery,42,0,goodwill\n" +
		"late delivery,42,12x,goodwill\n" +
		"late delivery,42,1000001,goodwill\n" +
		"late delivery,42,5,Goodwill\n" +
		"ok,42,5,goodwill\n" +
		"\"multi\nline\",42,5,goodwill\n" +
		"late delivery,,5,goodwill\n" +
		"late delivery,4/2,5,goodwill\n" +
		"late delivery,42,+-5,goodwill\n"
	rows, err := ParseCSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		line    int
		points  int64
		problem string
	}{
		{2, 50, ""},
		{4, -20, ""},
		{5, 0, "points must not be zero"},
		{6, 0, "not a whole number"},
		{7, 1000001, "between"},
		{8, 5, "reason must be one of"},
		{9, 5, "note must be"},
		{10, 5, "control character"},
		{12, 5, "customer is empty"},
		{13, 5, "neither an id nor an email"},
		{14, 0, "not a whole number"},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d: %+v", len(rows), len(want), rows)
	}
	for i, w := range want {
		r := rows[i]
		if r.Line != w.line || r.Points != w.points || (w.problem == "") != (r.Problem == "") || !strings.Contains(r.Problem, w.problem) {
			t.Errorf("row %d: %+v; want line %d, points %d, problem %q", i, r, w.line, w.points, w.problem)
		}
	}
	if rows[1].Customer != "a@b.example" || rows[1].Note != "double earn" || rows[1].Reason != "correction" {
		t.Errorf("row 2: %+v", rows[1])
	}
}
