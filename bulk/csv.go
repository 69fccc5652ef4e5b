// Package bulk is bulk loyalty corrections: a CSV of adjustments is read
// strictly (ParseCSV), checked against the store without changing
// anything (MakePlan), and the plan is applied with bounded concurrency
// (Apply), safely again after a crash: every row carries an idempotency
// key derived from the plan's id and the row's line, so a row applied
// before is a replay, never a second adjustment.
//
// The CLI (`frontdesk loyalty bulk plan|apply`), the gateway (the same
// commands over ssh, with the CSV on stdin) and the console (`:bulk FILE`)
// all use it.
package bulk

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"frontdesk/api"
)

// Limits of one bulk file.
const (
	// MaxRows is the most data rows one CSV may hold.
	MaxRows = 10_000
	// MaxCSVBytes is the largest CSV read (stdin over ssh included).
	MaxCSVBytes = 4 << 20
	// MaxCustomerLen bounds the customer column (an id or an email).
	MaxCustomerLen = 254
)

// Columns are the CSV's columns. The header must name each once, in any
// order, and nothing else.
var Columns = []string{"customer", "points", "reason", "note"}

// Input is one data row of the CSV as read. Problem is set when the row's
// values cannot be sent (points not an integer, unknown reason, a note
// too short): the row is refused in the plan, the rest goes on.
type Input struct {
	Line     int // the row's line in the file (the header is line 1)
	Customer string
	Points   int64
	Reason   string
	Note     string
	Problem  string
}

// CSVError is a file refused whole: its structure is wrong (no or a
// wrong header, a row with another number of fields, bad quoting, not
// UTF-8, too large). Line is 0 when the problem is the whole file.
type CSVError struct {
	Line int
	Msg  string
}

func (e *CSVError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}

// ParseCSV reads a bulk CSV. A file with a bad structure is refused whole
// with a *CSVError naming the line; a row whose values are wrong becomes
// an Input with Problem set.
func ParseCSV(r io.Reader) ([]Input, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxCSVBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read the CSV: %w", err)
	}
	if len(data) > MaxCSVBytes {
		return nil, &CSVError{Msg: fmt.Sprintf("the CSV is larger than %d MiB; split it into several files", MaxCSVBytes>>20)}
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &CSVError{Msg: "the CSV is empty; its first line must be the header " + strings.Join(Columns, ",")}
	}
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:firstInvalidUTF8(data)], []byte("\n"))
		return nil, &CSVError{Line: line, Msg: "not UTF-8 text; save the file as UTF-8 CSV"}
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err != nil {
		return nil, csvErr(err, 1)
	}
	col, err := headerColumns(header)
	if err != nil {
		return nil, err
	}
	var out []Input
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return nil, csvErr(err, line)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if len(rec) != len(Columns) {
			return nil, &CSVError{Line: line, Msg: fmt.Sprintf("%d fields, want %d (%s); quote a note that holds a comma",
				len(rec), len(Columns), strings.Join(Columns, ","))}
		}
		if len(out) == MaxRows {
			return nil, &CSVError{Line: line, Msg: fmt.Sprintf("more than %d rows; split the file", MaxRows)}
		}
		out = append(out, parseRow(line, rec, col))
	}
	if len(out) == 0 {
		return nil, &CSVError{Msg: "the CSV has a header but no rows"}
	}
	return out, nil
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

func csvErr(err error, line int) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &CSVError{Line: pe.Line, Msg: "not valid CSV: " + pe.Err.Error()}
	}
	if err == io.EOF {
		return &CSVError{Msg: "the CSV is empty"}
	}
	return &CSVError{Line: line, Msg: err.Error()}
}

// headerColumns maps each of Columns to its index in header.
func headerColumns(header []string) (map[string]int, error) {
	want := "the header must be " + strings.Join(Columns, ",") + " (any order)"
	col := map[string]int{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		if !slices.Contains(Columns, name) {
			return nil, &CSVError{Line: 1, Msg: fmt.Sprintf("unknown column %q; %s", clip(h, 40), want)}
		}
		if _, dup := col[name]; dup {
			return nil, &CSVError{Line: 1, Msg: fmt.Sprintf("column %q twice; %s", name, want)}
		}
		col[name] = i
	}
	for _, c := range Columns {
		if _, ok := col[c]; !ok {
			return nil, &CSVError{Line: 1, Msg: fmt.Sprintf("no %q column; %s", c, want)}
		}
	}
	return col, nil
}

func parseRow(line int, rec []string, col map[string]int) Input {
	in := Input{
		Line:     line,
		Customer: strings.TrimSpace(rec[col["customer"]]),
		Reason:   strings.TrimSpace(rec[col["reason"]]),
		Note:     strings.TrimSpace(rec[col["note"]]),
	}
	var problems []string
	switch c := in.Customer; {
	case c == "":
		problems = append(problems, "customer is empty; give an id or an email")
	case len(c) > MaxCustomerLen:
		problems = append(problems, fmt.Sprintf("customer is longer than %d characters", MaxCustomerLen))
	case hasControl(c) || (!strings.Contains(c, "@") && strings.ContainsAny(c, "/?# ")):
		problems = append(problems, "customer is neither an id nor an email")
	}
	raw := strings.TrimSpace(rec[col["points"]])
	p, err := strconv.ParseInt(strings.TrimPrefix(raw, "+"), 10, 64)
	switch {
	case raw == "":
		problems = append(problems, "points is empty")
	case err != nil || strings.HasPrefix(raw, "+-") || strings.HasPrefix(raw, "++"):
		problems = append(problems, fmt.Sprintf("points %q is not a whole number", clip(raw, 20)))
	default:
		in.Points = p
	}
	if hasControl(in.Note) {
		problems = append(problems, "note holds a control character (a line break or an escape); keep it on one line")
	}
	if err == nil && raw != "" {
		f := api.ValidateAdjustment(api.AdjustmentRequest{Points: in.Points, Reason: in.Reason, Note: in.Note})
		for _, k := range []string{"points", "reason", "note"} {
			if msg, ok := f[k]; ok {
				problems = append(problems, msg)
			}
		}
	} else {
		f := api.ValidateAdjustment(api.AdjustmentRequest{Points: 1, Reason: in.Reason, Note: in.Note})
		for _, k := range []string{"reason", "note"} {
			if msg, ok := f[k]; ok {
				problems = append(problems, msg)
			}
		}
	}
	in.Problem = strings.Join(problems, "; ")
	return in
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, unicode.IsControl)
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
