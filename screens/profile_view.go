package screens

import (
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"frontdesk/api"
	"frontdesk/money"
	"frontdesk/tui"
	"frontdesk/tui/sanitize"
)

// tableHeadLines are the lines of a table tab above its rows: a status
// line and the column titles.
const tableHeadLines = 2

// labelWidth is the width of the labels of the overview's fields.
const labelWidth = 16

var orderColumns = []column{
	{title: "Order", min: 8, max: 14, weight: 1},
	{title: "Date", min: 16},
	{title: "Status", min: 10, max: 12, weight: 1},
	{title: "Payment", min: 9, max: 12, weight: 1, drop: 2},
	{title: "Fulfilment", min: 11, max: 14, weight: 1, drop: 1},
	{title: "Items", min: 5, right: true, drop: 3},
	{title: "Total", min: 15, right: true},
}

var ledgerColumns = []column{
	{title: "Date", min: 16, drop: 4},
	{title: "Type", min: 6},
	{title: "Points", min: 8, right: true},
	{title: "Balance", min: 8, right: true, drop: 3},
	{title: "Reason", min: 12, max: 16, weight: 1, drop: 2},
	{title: "Note", min: 12, weight: 4},
	{title: "Agent", min: 10, max: 24, weight: 1, drop: 1},
}

var activityColumns = []column{
	{title: "When", min: 16},
	{title: "Kind", min: 6},
	{title: "What", min: 20, weight: 5},
	{title: "By", min: 10, max: 40, weight: 2, drop: 1},
}

func (p *Profile) bodyHeight() int { return max(0, p.height-profileHeadLines) }
func (p *Profile) tableRows() int  { return max(1, p.bodyHeight()-tableHeadLines) }

// View draws the customer's line, the tabs and the tab shown.
func (p *Profile) View() string {
	if p.width <= 0 || p.height <= 0 {
		return ""
	}
	st := p.c.Styles
	lines := make([]string, 0, p.height)
	lines = append(lines, p.headLine(), p.tabsLine(), p.sessionLine())
	if p.missing() {
		// No tab has anything to show, and no retry would help.
		lines = append(lines, st.Error.Render(sanitize.Truncate(p.missingText()+".", p.width)),
			"", st.Muted.Render(sanitize.Truncate("Check the id, or find the customer with / (search).", p.width)))
		return fitLines(lines, p.width, p.height)
	}
	switch p.tab {
	case tabOrders:
		lines = p.ordersView(lines)
	case tabLoyalty:
		lines = p.loyaltyView(lines)
	case tabActivity:
		lines = p.activityView(lines)
	default:
		text := p.textLines(p.tab)
		top := min(p.scroll[p.tab], max(0, len(text)-p.bodyHeight()))
		end := min(len(text), top+p.bodyHeight())
		lines = append(lines, text[top:end]...)
	}
	return fitLines(lines, p.width, p.height)
}

// headLine is the customer's name, email and status, and the id on the
// right.
func (p *Profile) headLine() string {
	st := p.c.Styles
	right := "id " + string(p.id)
	if !p.custL.loaded {
		left := "Loading customer " + string(p.id) + "…"
		switch {
		case p.missing():
			return st.Error.Render(sanitize.Truncate(p.missingText(), p.width))
		case p.custL.waiting():
			left = "Customer " + string(p.id) + ": " + rateLimitText(&p.custL)
		case p.custL.err != nil:
			left = "Customer " + string(p.id) + " could not be loaded"
		}
		return st.Title.Render(sanitize.Truncate(left, p.width))
	}
	c := &p.cust
	rightW := sanitize.Width(right)
	room := max(0, p.width-rightW-2)
	// Measured as the widest terminal draws them: the id stays on the
	// line even where emoji sequences are drawn glyph by glyph.
	name := truncateAnyTerminal(c.Name(), min(room, max(room/2, 20)))
	left := st.Title.Render(name)
	used := widthAnyTerminal(name)
	rest := " · " + c.Email
	if c.Status != "" && c.Status != api.StatusActive {
		rest += " · " + strings.ToUpper(c.Status)
	}
	rest = truncateAnyTerminal(rest, room-used)
	left += st.Muted.Render(rest)
	used += widthAnyTerminal(rest)
	return left + strings.Repeat(" ", max(1, p.width-used-rightW)) + st.Muted.Render(sanitize.Truncate(right, p.width))
}

// widthAnyTerminal is the width of sanitized text s in the terminal that
// draws it widest. Terminals disagree on emoji sequences: one that does
// not join them (tmux among them) draws 👩‍💻 as two glyphs, four cells,
// and a selector (U+FE0F) may widen the glyph before it. Laying a line out
// by this width keeps what follows the text on the screen everywhere.
func widthAnyTerminal(s string) int {
	w := 0
	for _, r := range s {
		switch {
		case r == '\ufe0f':
			w++
		case r == '\u200d':
		default:
			w += ansi.StringWidth(string(r))
		}
	}
	return max(w, sanitize.Width(s))
}

// truncateAnyTerminal sanitizes s and cuts it so that it fits width cells
// by widthAnyTerminal.
func truncateAnyTerminal(s string, width int) string {
	for n := width; n > 0; n-- {
		if t := sanitize.Truncate(s, n); widthAnyTerminal(t) <= width {
			return t
		}
	}
	return ""
}

// sessionLine is the line under the tabs: who else is acting for this
// customer (their session is live; two agents acting at once confuse the
// customer), or that this view is the customer's own while acting.
// Empty otherwise.
func (p *Profile) sessionLine() string {
	st := p.c.Styles
	var text string
	switch {
	case len(p.others) > 0:
		o := p.others[0]
		text = "⚠ " + agentName(o.AgentName, o.AgentID) + " (agent " + o.AgentID + ") is already acting for this customer"
		if n := len(p.others) - 1; n > 0 {
			text += " (and " + itoa(n) + " more)"
		}
		if p.Acting() {
			text += " · you too"
		}
		return st.Warning.Render(sanitize.Truncate(text, p.width))
	case p.Acting():
		text = "You see what the customer sees · c coupons · R password reset · O stops acting"
		return st.Muted.Render(sanitize.Truncate(text, p.width))
	}
	return ""
}

// tabLabel is how tab t is labelled: its number key and name.
func tabLabel(t tab) string { return itoa(int(t)+1) + " " + tabNames[t] }

func (p *Profile) tabsLine() string {
	st := p.c.Styles
	var b strings.Builder
	for t := range numTabs {
		b.WriteString(st.RenderTab(tabLabel(t), t == p.tab))
	}
	return b.String()
}

// tabRanges are the columns [from, to) of each tab label on the tabs
// line, for mouse clicks; measured from the same rendering View uses.
func (p *Profile) tabRanges() [numTabs][2]int {
	st := p.c.Styles
	var out [numTabs][2]int
	x := 0
	for t := range numTabs {
		w := lipgloss.Width(st.RenderTab(tabLabel(t), t == p.tab))
		out[t] = [2]int{x, x + w}
		x += w
	}
	return out
}

// loadErrorLines is how many lines an error may take in a tab; the whole
// text is one :error away.
const loadErrorLines = 4

// loadState is the lines a tab shows instead of (or above) its data while
// it loads or after it failed: an error keeps its cause, advice and
// request id, wrapped.
func loadState(st tui.Styles, l *load, what string, width int) ([]string, bool) {
	switch {
	case l.waiting():
		msg := "Loading " + what + ": " + rateLimitText(l)
		return []string{st.Warning.Render(sanitize.Truncate(msg, width))}, true
	case l.err != nil && !l.loading:
		// The retry key first.
		msg := "Could not load " + what + " (press ctrl+r to retry): " + tui.ErrorText(l.err)
		out := tui.Wrap(msg, width, loadErrorLines)
		for i := range out {
			out[i] = st.Error.Render(out[i])
		}
		return out, true
	case l.loading && !l.loaded:
		return []string{st.Muted.Render("Loading " + what + "…")}, true
	}
	return nil, false
}

// rateLimitText is what a rate-limited load says while it counts down.
func rateLimitText(l *load) string {
	return "rate limited by the store, retrying in " + itoa(l.waitLeft) + " s"
}

// uncounted says, on the Orders tab listing every status, how many of
// the orders the store metrics (the Overview, the search list) leave out:
// total_orders counts neither cancelled nor refunded orders.
func (p *Profile) uncounted() string {
	m := p.cust.StoreMetrics
	if statusFilters[p.filter] != "" || m == nil || !p.custL.loaded {
		return ""
	}
	n := p.orders.Total - m.TotalOrders
	if n <= 0 {
		return ""
	}
	return " · " + money.Int(int64(n)) + " cancelled or refunded (the overview counts " + money.Int(int64(m.TotalOrders)) + ")"
}

// statusLine puts left and right on one line of width cells.
func statusLine(st tui.Styles, left, right string, width int) string {
	room := width - sanitize.Width(right) - 2
	left = sanitize.Truncate(left, max(0, room))
	gap := width - sanitize.Width(left) - sanitize.Width(right)
	return st.Muted.Render(left) + strings.Repeat(" ", max(1, gap)) + st.Muted.Render(right)
}

func pageOf(page, total, size int, one, many string) string {
	pages := max(1, (total+size-1)/size)
	s := count(int64(total), one, many)
	if pages > 1 {
		s = "page " + itoa(page) + " of " + itoa(pages) + " · " + s
	}
	return s
}

func (p *Profile) ordersView(lines []string) []string {
	st := p.c.Styles
	filter := statusFilters[p.filter]
	if filter == "" {
		filter = "all"
	}
	right := "status: " + filter + " (f)"
	if s, ok := loadState(st, &p.ordersL, "orders", p.width); ok {
		lines = append(lines, s...)
		if !p.ordersL.loaded {
			return lines
		}
	} else {
		left := pageOf(p.ordersPg.n, p.orders.Total, ordersPageSize, "order", "orders") + p.uncounted()
		if p.ordersL.loading {
			left += " · loading…"
		}
		lines = append(lines, statusLine(st, left, right, p.width))
	}
	if len(p.orders.Items) == 0 {
		if statusFilters[p.filter] != "" {
			return append(lines, "", st.Muted.Render("No "+statusFilters[p.filter]+" orders. Press f for another status."))
		}
		return append(lines, "", st.Muted.Render("No orders yet."))
	}
	widths := fitColumns(orderColumns, p.width)
	lines = append(lines, tableHeader(st, orderColumns, widths))
	cells := make([]cell, len(orderColumns))
	end := min(len(p.orders.Items), p.ordersCur.top+p.tableRows())
	for i := p.ordersCur.top; i < end; i++ {
		o := &p.orders.Items[i]
		style := st.OrderStatus(o.Status)
		cells[0] = cell{text: "#" + o.Number}
		cells[1] = cell{text: p.env.dateTime(o.CreatedAt)}
		cells[2] = cell{text: o.Status, style: &style}
		cells[3] = cell{text: o.PaymentStatus}
		cells[4] = cell{text: o.FulfillmentStatus}
		cells[5] = cell{text: money.Int(int64(o.ItemCount))}
		cells[6] = cell{text: money.Format(o.Total, o.Currency)}
		lines = append(lines, tableRow(st, orderColumns, widths, cells, i == p.ordersCur.pos, p.width))
	}
	return lines
}

func (p *Profile) loyaltyView(lines []string) []string {
	st := p.c.Styles
	var left string
	if p.loyL.loaded {
		left = "balance " + count(p.loyalty.PointsBalance, "point", "points") + " · lifetime earned " + money.Int(p.loyalty.LifetimeEarned)
	} else if s, ok := loadState(st, &p.loyL, "the points balance", p.width); ok {
		lines = append(lines, s...)
	}
	if s, ok := loadState(st, &p.ledgerL, "the ledger", p.width); ok {
		if left != "" {
			lines = append(lines, statusLine(st, left, "", p.width))
		}
		lines = append(lines, s...)
		if !p.ledgerL.loaded {
			return lines
		}
	} else if left != "" || p.ledgerL.loaded {
		right := pageOf(p.ledgerPg.n, p.ledger.Total, ledgerPageSize, "entry", "entries")
		lines = append(lines, statusLine(st, left, right, p.width))
	}
	if len(p.ledger.Items) == 0 {
		return append(lines, "", st.Muted.Render("No loyalty activity yet."))
	}
	widths := fitColumns(ledgerColumns, p.width)
	lines = append(lines, tableHeader(st, ledgerColumns, widths))
	cells := make([]cell, len(ledgerColumns))
	end := min(len(p.ledger.Items), p.ledgerCur.top+p.tableRows())
	for i := p.ledgerCur.top; i < end; i++ {
		e := &p.ledger.Items[i]
		pts := st.Success
		if e.Points < 0 {
			pts = st.Error
		}
		cells[0] = cell{text: p.env.dateTime(e.CreatedAt)}
		cells[1] = cell{text: e.Type}
		cells[2] = cell{text: signed(e.Points), style: &pts}
		cells[3] = cell{text: money.Int(e.BalanceAfter)}
		cells[4] = cell{text: e.Reason}
		cells[5] = cell{text: e.Note}
		cells[6] = cell{text: agentName(e.AgentName, e.AgentID)}
		lines = append(lines, tableRow(st, ledgerColumns, widths, cells, i == p.ledgerCur.pos, p.width))
	}
	return lines
}

func (p *Profile) activityView(lines []string) []string {
	st := p.c.Styles
	if s, ok := loadState(st, &p.activityL, "the activity", p.width); ok {
		lines = append(lines, s...)
		if !p.activityL.loaded {
			return lines
		}
	} else {
		events := count(int64(len(p.activity)), "event", "events")
		left := events + ": the newest orders, points, notes and audit trail"
		if p.auditErr != nil {
			left = events + ": orders, points, notes (audit trail unavailable: " + p.auditErr.Error() + ")"
		}
		lines = append(lines, statusLine(st, left, "enter opens an order", p.width))
	}
	if len(p.activity) == 0 {
		return append(lines, "", st.Muted.Render("Nothing has happened yet."))
	}
	widths := fitColumns(activityColumns, p.width)
	lines = append(lines, tableHeader(st, activityColumns, widths))
	cells := make([]cell, len(activityColumns))
	end := min(len(p.activity), p.activityCur.top+p.tableRows())
	for i := p.activityCur.top; i < end; i++ {
		a := &p.activity[i]
		var kindStyle *lipgloss.Style
		if a.kind == kindOrder {
			s := st.OrderStatus(a.status)
			kindStyle = &s
		}
		cells[0] = cell{text: p.env.dateTime(a.at)}
		cells[1] = cell{text: a.kind, style: kindStyle}
		cells[2] = cell{text: a.what}
		cells[3] = cell{text: a.by}
		lines = append(lines, tableRow(st, activityColumns, widths, cells, i == p.activityCur.pos, p.width))
	}
	return lines
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
func (p *Profile) ordersCounted(n int) string {
	s := money.Int(int64(n))
	if statusFilters[p.filter] == "" && p.ordersL.loaded && p.orders.Total > n {
		s += " of " + money.Int(int64(p.orders.Total))
	}
	return s
}

// textLines are the lines of a text tab (overview, notes), for drawing
// and for scrolling.
func (p *Profile) textLines(t tab) []string {
	if t == tabNotes {
		return p.notesLines()
	}
	return p.overviewLines()
}

func (p *Profile) field(label, value string) string {
	st := p.c.Styles
	return "  " + st.Label.Render(sanitize.Pad(label, labelWidth)) + value
}

func (p *Profile) overviewLines() []string {
	st := p.c.Styles
	w := p.width
	if s, ok := loadState(st, &p.custL, "the customer", w); ok && !p.custL.loaded {
		return s
	}
	c := &p.cust
	valW := max(1, w-2-labelWidth)
	var out []string
	if s, ok := loadState(st, &p.custL, "the customer", w); ok {
		out = append(append(out, s...), "")
	}

	out = append(out, st.Strong.Render("Contact"))
	email := sanitize.Truncate(c.Email, max(1, valW-18))
	if c.EmailConfirmed {
		email = st.Value.Render(email) + st.Success.Render("  ✓ confirmed")
	} else {
		email = st.Value.Render(email) + st.Warning.Render("  not confirmed")
	}
	out = append(out, p.field("Email", email))
	phone := c.Phone
	if phone == "" {
		phone = "—"
	}
	out = append(out, p.field("Phone", st.Value.Render(sanitize.Truncate(phone, valW))))
	status := st.Success.Render(sanitize.Truncate(c.Status, valW))
	if c.Status != api.StatusActive {
		status = st.Error.Render(sanitize.Truncate(c.Status, valW))
	}
	out = append(out, p.field("Status", status))
	out = append(out, p.field("Customer since", st.Value.Render(p.env.date(c.CreatedAt)+"  "+p.env.ago(c.CreatedAt))))
	points := "…"
	switch {
	case p.loyL.loaded:
		points = count(p.loyalty.PointsBalance, "point", "points") + " · lifetime earned " + money.Int(p.loyalty.LifetimeEarned)
	case p.loyL.waiting():
		points = rateLimitText(&p.loyL)
	case p.loyL.err != nil:
		points = "could not load (ctrl+r retries)"
	}
	out = append(out, p.field("Points", st.Value.Render(sanitize.Truncate(points, valW))))

	out = append(out, "", st.Strong.Render("Addresses"))
	if len(c.Addresses) == 0 {
		out = append(out, "  "+st.Muted.Render("none on file"))
	}
	for _, a := range c.Addresses {
		label := a.Type
		if a.Default {
			label += " ★"
		}
		out = append(out, p.field(label, st.Value.Render(sanitize.Truncate(addressLine(a), valW))))
	}

	// The store's order count leaves out cancelled and refunded orders,
	// which the Orders tab lists: say so where the numbers are.
	out = append(out, "", st.Strong.Render("Store metrics")+
		st.Muted.Render(sanitize.Truncate("  · cancelled and refunded orders not counted", max(0, w-13))))
	if m := c.StoreMetrics; m != nil {
		cur := m.Currency
		if cur == "" {
			cur = c.Currency
		}
		metrics := [][2]string{
			{"Orders", p.ordersCounted(m.TotalOrders)},
			{"Average order", money.Format(m.AverageOrderValue, cur)},
			{"Total spent", money.Format(m.TotalSpent, cur)},
			{"LTV percentile", percentile(m.LTVPercentile, m.TotalOrders)},
			{"First order", p.optDate(m.FirstOrderAt)},
			{"Last order", p.optDate(m.LastOrderAt)},
		}
		// Two columns when each value gets its room and a gap; one
		// column otherwise, so a value never runs into the next label.
		half := (w - 2) / 2
		if half-2-labelWidth-metricGap >= metricValueWidth {
			valW := half - 2 - labelWidth - metricGap
			for i := 0; i < len(metrics); i += 2 {
				a, b := metrics[i], metrics[i+1]
				left := padRight(p.field(a[0], st.Value.Render(sanitize.Truncate(a[1], valW))), half)
				out = append(out, left+st.Label.Render(sanitize.Pad(b[0], labelWidth))+
					st.Value.Render(sanitize.Truncate(b[1], max(1, w-half-labelWidth))))
			}
		} else {
			for _, f := range metrics {
				out = append(out, p.field(f[0], st.Value.Render(sanitize.Truncate(f[1], valW))))
			}
		}
		out = append(out, "")
		out = append(out, spendChart(st, m.MonthlySpend, cur, w, p.bodyHeight()-len(out))...)
	} else {
		out = append(out, "  "+st.Muted.Render("not available"))
	}
	return out
}

func (p *Profile) optDate(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return p.env.date(*t)
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

func (p *Profile) notesLines() []string {
	st := p.c.Styles
	w := p.width
	var out []string
	if s, ok := loadState(st, &p.notesL, "notes", w); ok {
		out = append(out, s...)
		if !p.notesL.loaded {
			return out
		}
	} else {
		out = append(out, statusLine(st, pageOf(p.notesPg.n, p.notes.Total, notesPageSize, "note", "notes")+", newest first", "N adds a note", w))
	}
	if len(p.notes.Items) == 0 {
		return append(out, "", st.Muted.Render("No notes yet."))
	}
	for _, n := range p.notes.Items {
		head := p.env.dateTime(n.CreatedAt) + " · " + agentName(n.AgentName, n.AgentID) + " · " + p.env.ago(n.CreatedAt)
		out = append(out, "", st.Accent.Render(sanitize.Truncate(head, w)))
		body := sanitize.Block(n.Body)
		// Sanitized text holds no escape sequences, so wrapping it by
		// cells cannot cut one in half.
		for _, l := range strings.Split(ansi.Wrap(body, max(1, w-2), ""), "\n") {
			out = append(out, "  "+st.Value.Render(l))
		}
	}
	return out
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
	out[0] += st.Muted.Render(sanitize.Truncate("  · peak "+money.Format(peak, currency)+" in "+monthName(months[peakAt].Month, true), max(0, width-21)))
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
		b.WriteString(sanitize.Pad(label, barW))
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
