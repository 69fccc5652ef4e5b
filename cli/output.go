package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/color"
	"io"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"charm.land/lipgloss/v2/table"
	"github.com/charmbracelet/colorprofile"

	"frontdesk/api"
	"frontdesk/tui/sanitize"
)

// Human output of the API commands. Every string that came from the API
// goes through sanitize (cell) before it is printed; numbers, dates and
// our own words do not need to.

// out writes one command's human output, with color only when the output
// is a terminal that takes it and neither --no-color nor NO_COLOR is set.
type out struct {
	w     io.Writer
	color bool
}

// colorEnvVars are the variables colorprofile reads to decide what the
// terminal supports.
var colorEnvVars = []string{"TERM", "COLORTERM", "NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "TTY_FORCE", "TMUX"}

func (a *App) out() *out {
	w := a.Env.Stdout
	if w == nil {
		w = io.Discard
	}
	if a.NoColor() {
		return &out{w: w}
	}
	var env []string
	for _, k := range colorEnvVars {
		if v := a.Getenv(k); v != "" {
			env = append(env, k+"="+v)
		}
	}
	p := colorprofile.Detect(w, env)
	if p <= colorprofile.ASCII {
		return &out{w: w}
	}
	return &out{w: &colorprofile.Writer{Forward: w, Profile: p}, color: true}
}

func (o *out) printf(format string, args ...any) { fmt.Fprintf(o.w, format, args...) }
func (o *out) println(s string)                  { fmt.Fprintln(o.w, s) }

// style returns s when color is on and a plain style otherwise, so that
// plain output carries no escape sequence at all.
func (o *out) style(s lipgloss.Style) lipgloss.Style {
	if !o.color {
		return lipgloss.NewStyle()
	}
	return s
}

func (o *out) bold(s string) string { return o.style(lipgloss.NewStyle().Bold(true)).Render(s) }
func (o *out) faint(s string) string {
	return o.style(lipgloss.NewStyle().Foreground(lipgloss.BrightBlack)).Render(s)
}
func (o *out) fg(c color.Color, s string) string {
	return o.style(lipgloss.NewStyle().Foreground(c)).Render(s)
}

// column of a table: its header, whether numbers in it align right, and
// an optional color per cell text.
type column struct {
	header string
	right  bool
	color  func(cell string) color.Color
}

// table prints rows under headers with one blank-free rule below the
// headers: easy to read and to paste into a ticket. Cells must already
// be sanitized (cell, or our own text).
func (o *out) table(cols []column, rows [][]string) {
	headers := make([]string, len(cols))
	for i, c := range cols {
		headers[i] = c.header
	}
	t := table.New().
		Border(lipgloss.NormalBorder()).
		BorderTop(false).BorderBottom(false).BorderLeft(false).BorderRight(false).
		BorderColumn(false).BorderRow(false).
		BorderStyle(o.style(lipgloss.NewStyle().Foreground(lipgloss.BrightBlack))).
		Headers(headers...).
		Rows(rows...).
		StyleFunc(func(row, col int) lipgloss.Style {
			s := lipgloss.NewStyle()
			if col < len(cols)-1 {
				s = s.PaddingRight(2)
			}
			if cols[col].right {
				s = s.Align(lipgloss.Right)
			}
			if !o.color {
				return s
			}
			if row == table.HeaderRow {
				return s.Bold(true)
			}
			if f := cols[col].color; f != nil && row >= 0 && row < len(rows) {
				if c := f(rows[row][col]); c != nil {
					s = s.Foreground(c)
				}
			}
			return s
		})
	for line := range strings.SplitSeq(t.String(), "\n") {
		o.println(strings.TrimRight(line, " "))
	}
}

// field prints "Label        value" lines of a detail view.
func (o *out) field(label, value string) {
	o.printf("%s %s\n", o.faint(fmt.Sprintf("%-13s", label)), value)
}

// Cell widths: generous enough to read, bounded so a 300-character name
// cannot push every other column off the screen.
const (
	widthName  = 32
	widthEmail = 36
	widthText  = 40
	widthLong  = 200
)

// cell sanitizes an API string for one table cell or detail line and cuts
// it to width terminal cells.
func cell(s string, width int) string { return sanitize.Truncate(s, width) }

// orDash shows an empty value as "—".
func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// date and datetime print times in UTC, the API's zone, so two agents
// in different places read the same thing.
func date(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02")
}

func datetime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func datePtr(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return date(*t)
}

// pageLine is the footer under a list: "page 2 of 48 · 953 customers".
func pageLine(page, limit, total int, estimate bool, noun string) string {
	if page < 1 {
		page = 1
	}
	if limit < 1 {
		limit = api.DefaultPageLimit
	}
	pages := max(1, (total+limit-1)/limit)
	count := fmt.Sprintf("%d %s", total, noun)
	of := fmt.Sprintf("of %d", pages)
	if estimate {
		count = fmt.Sprintf("%d+ %s", total, noun)
		of = fmt.Sprintf("of %d+", pages)
	}
	return fmt.Sprintf("page %d %s · %s", page, of, count)
}

// writeJSON prints v as indented JSON. HTML characters are not escaped
// (they are data). encoding/json escapes C0 controls; writeJSON also
// escapes DEL, C1 controls (U+0080–U+009F: U+009B is a one-rune CSI to
// some terminals) and bidi overrides as \uXXXX, so --json output is as
// inert on a terminal as the tables and still decodes to the same values.
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	var b strings.Builder
	b.Grow(buf.Len())
	for _, r := range buf.String() {
		if jsonEscapeRune(r) {
			fmt.Fprintf(&b, "\\u%04x", r)
			continue
		}
		b.WriteRune(r)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// jsonEscapeRune: runes that are valid raw in JSON strings but not safe
// raw on a terminal. They only occur inside strings (JSON's syntax is
// ASCII), where \uXXXX means the same rune.
func jsonEscapeRune(r rune) bool {
	return r == 0x7f || (r >= 0x80 && r <= 0x9f) ||
		(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

// statusColor colors order and customer statuses: done green, stuck or
// reversed red, waiting yellow.
func statusColor(s string) color.Color {
	switch s {
	case api.OrderDelivered, api.OrderPaid, api.StatusActive:
		return lipgloss.Green
	case api.OrderCancelled, api.OrderRefunded, api.StatusDisabled:
		return lipgloss.Red
	case api.OrderPending, api.OrderProcessing, api.OrderShipped:
		return lipgloss.Yellow
	}
	return nil
}

// pointsColor colors signed point amounts.
func pointsColor(s string) color.Color {
	switch {
	case strings.HasPrefix(s, "+"):
		return lipgloss.Green
	case strings.HasPrefix(s, "-"):
		return lipgloss.Red
	}
	return nil
}
