package screens

import (
	"strings"
	"time"

	"charm.land/lipgloss/v2"

	"frontdesk/tui"
	"frontdesk/tui/sanitize"
)

// column describes one table column; fitColumns turns a list of them into
// widths for the terminal at hand.
type column struct {
	title string
	// min is the narrowest useful width; max caps what extra space it
	// takes (0: no cap).
	min, max int
	// weight is the column's share of the space beyond the minimums.
	weight int
	// right aligns numbers and money.
	right bool
	// drop orders which columns go first when the terminal is too narrow
	// for every minimum: the highest first; 0 never goes.
	drop int
}

// Table geometry: every row starts with the selection marker, and columns
// are separated by a gap.
const (
	markerWidth = 2
	colGap      = 2
)

// fitColumns returns the width of each column for a table width cells
// wide; a dropped column gets 0.
func fitColumns(cols []column, width int) []int {
	widths := make([]int, len(cols))
	on := make([]bool, len(cols))
	for i := range cols {
		on[i] = true
	}
	need := func() int {
		n, used := 0, markerWidth
		for i, c := range cols {
			if on[i] {
				used += c.min
				n++
			}
		}
		return used + colGap*max(0, n-1)
	}
	for need() > width {
		worst, at := 0, -1
		for i, c := range cols {
			if on[i] && c.drop > worst {
				worst, at = c.drop, i
			}
		}
		if at < 0 {
			break // nothing left to drop: the cells truncate instead
		}
		on[at] = false
	}
	extra := width - need()
	weights := 0
	for i, c := range cols {
		if on[i] {
			widths[i] = c.min
			weights += c.weight
		}
	}
	// Hand out the extra space by weight, then again to the columns still
	// below their cap, until it is gone or nobody can take more.
	for extra > 0 && weights > 0 {
		given := 0
		for i, c := range cols {
			if !on[i] || c.weight == 0 {
				continue
			}
			share := max(1, extra*c.weight/weights)
			if c.max > 0 {
				share = min(share, c.max-widths[i])
			}
			share = min(share, extra-given)
			if share > 0 {
				widths[i] += share
				given += share
			}
		}
		if given == 0 {
			break
		}
		extra -= given
		weights = 0
		for i, c := range cols {
			if on[i] && (c.max == 0 || widths[i] < c.max) {
				weights += c.weight
			}
		}
	}
	return widths
}

// cell is one table cell: raw API text (sanitized when drawn) and an
// optional style.
type cell struct {
	text  string
	style *lipgloss.Style
}

// tableHeader draws the column titles.
func tableHeader(st tui.Styles, cols []column, widths []int) string {
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", markerWidth))
	first := true
	for i, c := range cols {
		if widths[i] == 0 {
			continue
		}
		if !first {
			b.WriteString(strings.Repeat(" ", colGap))
		}
		first = false
		b.WriteString(align(st.Cells, c.title, widths[i], c.right))
	}
	return st.TableHeader.Render(b.String())
}

// tableRow draws one row. Every cell is sanitized and cut to its column.
// The selected row is drawn in one style across the whole width, so the
// highlight is a solid bar; its marker shows even without colour.
func tableRow(st tui.Styles, cols []column, widths []int, cells []cell, selected bool, width int) string {
	var b strings.Builder
	b.Grow(width + 32)
	if selected {
		b.WriteString(st.Cells.Pad(st.SelectedMarker, markerWidth))
	} else {
		b.WriteString(strings.Repeat(" ", markerWidth))
	}
	first := true
	for i, c := range cols {
		if widths[i] == 0 {
			continue
		}
		if !first {
			b.WriteString(strings.Repeat(" ", colGap))
		}
		first = false
		text := align(st.Cells, cells[i].text, widths[i], c.right)
		if !selected && cells[i].style != nil && !st.NoColor {
			text = cells[i].style.Render(text)
		}
		b.WriteString(text)
	}
	if !selected {
		return b.String()
	}
	line := b.String()
	if w := st.Cells.StringWidth(line); w < width {
		line += strings.Repeat(" ", width-w)
	}
	return st.Selected.Render(line)
}

// align sanitizes s, cuts it to width cells and pads it, on the left for
// right-aligned columns, measuring as the session's terminal does.
func align(c sanitize.Cells, s string, width int, right bool) string {
	if !right {
		return c.Pad(s, width)
	}
	s = c.Truncate(s, width)
	if w := c.StringWidth(s); w < width {
		return strings.Repeat(" ", width-w) + s
	}
	return s
}

// cursor is the highlighted row of a list and the first row shown.
type cursor struct {
	pos, top int
}

// move shifts the highlight by delta within n rows, keeping it inside a
// window of visible rows.
func (c *cursor) move(delta, n, visible int) {
	c.pos += delta
	c.clamp(n, visible)
}

// to puts the highlight on row i.
func (c *cursor) to(i, n, visible int) {
	c.pos = i
	c.clamp(n, visible)
}

// click handles a click on line row of a table drawn with its column
// titles on top (tableHeadLines) and n rows in a window of visible: it
// highlights the row clicked. ok is false for a click off the rows; again
// is true when the row was already highlighted (a second click, which
// opens it where there is something to open).
func (c *cursor) click(row, n, visible int) (again, ok bool) {
	i := c.top + row - tableHeadLines
	if row < tableHeadLines || i >= n {
		return false, false
	}
	if i == c.pos {
		return true, true
	}
	c.to(i, n, visible)
	return false, true
}

func (c *cursor) clamp(n, visible int) {
	if n <= 0 {
		c.pos, c.top = 0, 0
		return
	}
	c.pos = min(max(c.pos, 0), n-1)
	visible = max(1, visible)
	if c.pos < c.top {
		c.top = c.pos
	}
	if c.pos >= c.top+visible {
		c.top = c.pos - visible + 1
	}
	c.top = min(max(c.top, 0), max(0, n-visible))
}

// Dates and times are shown in the session's zone, in fixed formats that
// sort and read the same everywhere.
const (
	dateFormat     = "2006-01-02"
	dateTimeFormat = "2006-01-02 15:04"
)

func (e *env) date(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(e.loc).Format(dateFormat)
}

func (e *env) dateTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(e.loc).Format(dateTimeFormat)
}

// ago says how long before now t was, in the largest unit: "5m ago",
// "3d ago", "2y ago".
func (e *env) ago(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	d := e.now().Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return itoa(int(d/time.Minute)) + "m ago"
	case d < 24*time.Hour:
		return itoa(int(d/time.Hour)) + "h ago"
	case d < 60*24*time.Hour:
		return itoa(int(d/(24*time.Hour))) + "d ago"
	case d < 730*24*time.Hour:
		return itoa(int(d/(30*24*time.Hour))) + "mo ago"
	}
	return itoa(int(d/(365*24*time.Hour))) + "y ago"
}

// fitLines makes a block of exactly height lines. Every line is built to
// fit the width already (cells are truncated, labels padded), so nothing
// is measured here: measuring every styled line by grapheme cluster would
// be most of a frame's cost. The tests check the widths at several sizes.
func fitLines(lines []string, width, height int) string {
	var b strings.Builder
	b.Grow(height * (width + 16))
	for i := 0; i < height; i++ {
		if i > 0 {
			b.WriteByte('\n')
		}
		if i < len(lines) {
			b.WriteString(lines[i])
		}
	}
	return b.String()
}

// padRight fills a rendered line with spaces to width cells.
func padRight(c sanitize.Cells, s string, width int) string {
	if w := c.StringWidth(s); w < width {
		return s + strings.Repeat(" ", width-w)
	}
	return s
}
