package screens

import (
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
	"frontdesk/money"
	"frontdesk/tui"
	"frontdesk/tui/sanitize"
)

// labelWidth is the width of the labels of the overview's fields.
const labelWidth = 16

// overviewTab is the customer at a glance: contact, points, addresses,
// store metrics and a year of spend. It is text that scrolls.
type overviewTab struct {
	tabBase
	scroll int
}

func newOverviewTab(p *Profile) tabComponent { return &overviewTab{tabBase: tabBase{p: p}} }

func (t *overviewTab) kind() tab { return tabOverview }

// Show loads the customer and the points balance, if they never were.
func (t *overviewTab) Show() tea.Cmd {
	var cmds []tea.Cmd
	if t.p.custL.wanted() {
		cmds = append(cmds, t.p.fetchCustomer())
	}
	if l := findTab[*loyaltyTab](t.p); l != nil && l.balL.wanted() {
		cmds = append(cmds, l.fetchBalance())
	}
	return tea.Batch(cmds...)
}

// Refresh reads the points balance again; the frame reads the customer.
func (t *overviewTab) Refresh() tea.Cmd {
	if l := findTab[*loyaltyTab](t.p); l != nil {
		return l.fetchBalance()
	}
	return nil
}

func (t *overviewTab) Move(d int)           { t.scrollBy(&t.scroll, d, len(t.lines())) }
func (t *overviewTab) PageBy(d int) tea.Cmd { t.Move(d * max(1, t.height-1)); return nil }

func (t *overviewTab) View(lines []string) []string {
	return append(lines, t.window(t.scroll, t.lines())...)
}

// The overview's store metrics: a value gets at least metricValueWidth
// cells ("KES 1,234,567.00"), and metricGap cells part it from the next
// column's label.
const (
	metricValueWidth = 16
	metricGap        = 2
)

// ordersCounted is the store metrics' order count; once the Orders tab
// has listed every status, also out of how many: "36 of 39".
func (t *overviewTab) ordersCounted(n int) string {
	s := money.Int(int64(n))
	if o := findTab[*ordersTab](t.p); o != nil && o.listsAll() && o.pg.page.Total > n {
		s += " of " + money.Int(int64(o.pg.page.Total))
	}
	return s
}

func (t *overviewTab) field(label, value string) string {
	st := t.p.c.Styles
	return "  " + st.Label.Render(st.Cells.Pad(label, labelWidth)) + value
}

// lines are the whole tab as text, for drawing and scrolling.
func (t *overviewTab) lines() []string {
	p := t.p
	st := p.c.Styles
	w := t.width
	if s, ok := loadState(st, &p.custL, "the customer", w); ok && !p.custL.loaded {
		return s
	}
	shown := p.shown()
	c := &shown
	valW := max(1, w-2-labelWidth)
	var out []string
	if s, ok := loadState(st, &p.custL, "the customer", w); ok {
		out = append(append(out, s...), "")
	}

	out = append(out, st.Strong.Render("Contact"))
	email := st.Cells.Truncate(c.Email, max(1, valW-18))
	if c.EmailConfirmed {
		email = st.Value.Render(email) + st.Success.Render("  ✓ confirmed")
	} else {
		email = st.Value.Render(email) + st.Warning.Render("  not confirmed")
	}
	out = append(out, t.field("Email", email))
	phone := c.Phone
	if phone == "" {
		phone = "—"
	}
	out = append(out, t.field("Phone", st.Value.Render(st.Cells.Truncate(phone, valW))))
	status := st.Success.Render(st.Cells.Truncate(c.Status, valW))
	if c.Status != api.StatusActive {
		status = st.Error.Render(st.Cells.Truncate(c.Status, valW))
	}
	out = append(out, t.field("Status", status))
	if c.MergedInto != nil {
		out = append(out, t.field("Merged into", st.Warning.Render(st.Cells.Truncate("#"+string(*c.MergedInto)+" · M opens it", valW))))
	}
	out = append(out, t.field("Customer since", st.Value.Render(p.env.date(c.CreatedAt)+"  "+p.env.ago(c.CreatedAt))))
	if l := findTab[*loyaltyTab](p); l != nil {
		out = append(out, t.field("Points", st.Value.Render(st.Cells.Truncate(l.pointsLine(), valW))))
	}

	out = append(out, "", st.Strong.Render("Addresses"))
	if len(c.Addresses) == 0 {
		out = append(out, "  "+st.Muted.Render("none on file"))
	}
	for _, a := range c.Addresses {
		label := a.Type
		if a.Default {
			label += " ★"
		}
		out = append(out, t.field(label, st.Value.Render(st.Cells.Truncate(addressLine(a), valW))))
	}

	// The store's order count leaves out cancelled and refunded orders,
	// which the Orders tab lists: say so where the numbers are.
	out = append(out, "", st.Strong.Render("Store metrics")+
		st.Muted.Render(st.Cells.Truncate("  · cancelled and refunded orders not counted", max(0, w-13))))
	if m := c.StoreMetrics; m != nil {
		cur := m.Currency
		if cur == "" {
			cur = c.Currency
		}
		metrics := [][2]string{
			{"Orders", t.ordersCounted(m.TotalOrders)},
			{"Average order", money.Format(m.AverageOrderValue, cur)},
			{"Total spent", money.Format(m.TotalSpent, cur)},
			{"LTV percentile", percentile(m.LTVPercentile, m.TotalOrders)},
			{"First order", t.optDate(m.FirstOrderAt)},
			{"Last order", t.optDate(m.LastOrderAt)},
		}
		// Two columns when each value gets its room and a gap; one
		// column otherwise, so a value never runs into the next label.
		half := (w - 2) / 2
		if half-2-labelWidth-metricGap >= metricValueWidth {
			valW := half - 2 - labelWidth - metricGap
			for i := 0; i < len(metrics); i += 2 {
				a, b := metrics[i], metrics[i+1]
				left := padRight(st.Cells, t.field(a[0], st.Value.Render(st.Cells.Truncate(a[1], valW))), half)
				out = append(out, left+st.Label.Render(st.Cells.Pad(b[0], labelWidth))+
					st.Value.Render(st.Cells.Truncate(b[1], max(1, w-half-labelWidth))))
			}
		} else {
			for _, f := range metrics {
				out = append(out, t.field(f[0], st.Value.Render(st.Cells.Truncate(f[1], valW))))
			}
		}
		out = append(out, "")
		out = append(out, spendChart(st, m.MonthlySpend, cur, w, t.height-len(out))...)
	} else {
		out = append(out, "  "+st.Muted.Render("not available"))
	}
	return out
}

func (t *overviewTab) optDate(at *time.Time) string {
	if at == nil {
		return "—"
	}
	return t.p.env.date(*at)
}

func percentile(n, orders int) string {
	if orders == 0 {
		return "—"
	}
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return itoa(n) + suffix
}

// addressLine is an address on one line: "12 Moi Ave, Apt 4, Nairobi,
// 00100, KE". It is raw; the caller sanitizes.
func addressLine(a api.Address) string {
	parts := make([]string, 0, 6)
	for _, s := range []string{a.Address1, a.Address2, a.City, a.State, a.Zip, a.Country} {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ", ")
}

// spendChart draws monthly spend as vertical bars, one per month, with
// the peak month named in the title.
//
// room is the lines left on the screen: the bars shrink (from six rows to
// two) so that the month labels stay in view; with less room than that,
// each month is one eighth-block beside its label, on one line.
func spendChart(st tui.Styles, months []api.MonthSpend, currency string, width, room int) []string {
	rows := min(6, room-2)
	out := []string{st.Strong.Render("Spend, last 12 months")}
	if len(months) == 0 {
		return append(out, "  "+st.Muted.Render("no orders in the last 12 months"))
	}
	var peak int64
	peakAt := 0
	for i, m := range months {
		if m.Amount > peak {
			peak, peakAt = m.Amount, i
		}
	}
	if peak <= 0 {
		return append(out, "  "+st.Muted.Render("no spend in the last 12 months"))
	}
	out[0] += st.Muted.Render(st.Cells.Truncate("  · peak "+money.Format(peak, currency)+" in "+monthName(months[peakAt].Month, true), max(0, width-21)))
	barW := min(5, max(1, (width-2)/len(months)-1))
	eighths := []string{" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"}
	if rows < 2 {
		rows = 1
	}
	level := make([]int, len(months))
	for i, m := range months {
		level[i] = int(max(0, m.Amount) * int64(rows) * 8 / peak)
		if m.Amount > 0 && level[i] == 0 {
			level[i] = 1 // a month with any spend shows
		}
	}
	if rows == 1 {
		// "Apr▃ May█ Jun  …": the label beside its bar.
		var b strings.Builder
		b.WriteString("  ")
		for i, m := range months {
			b.WriteString(st.Muted.Render(monthName(m.Month, false)))
			b.WriteString(st.Accent.Render(eighths[min(8, level[i])]))
			if width-2 >= len(months)*5 {
				b.WriteByte(' ')
			}
		}
		return append(out, b.String())
	}
	for r := rows - 1; r >= 0; r-- {
		var b strings.Builder
		b.WriteString("  ")
		for i := range months {
			fill := min(8, max(0, level[i]-r*8))
			b.WriteString(strings.Repeat(eighths[fill], barW))
			b.WriteByte(' ')
		}
		out = append(out, st.Accent.Render(b.String()))
	}
	var b strings.Builder
	b.WriteString("  ")
	for _, m := range months {
		label := monthName(m.Month, false)
		b.WriteString(st.Cells.Pad(label, barW))
		b.WriteByte(' ')
	}
	return append(out, st.Muted.Render(b.String()))
}

// monthName turns "2025-03" into "Mar" (or "Mar 2025").
func monthName(ym string, year bool) string {
	t, err := time.Parse("2006-01", ym)
	if err != nil {
		return sanitize.Line(ym)
	}
	if year {
		return t.Format("Jan 2006")
	}
	return t.Format("Jan")
}
