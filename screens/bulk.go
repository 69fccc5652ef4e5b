package screens

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
	"frontdesk/bulk"
	"frontdesk/client"
	"frontdesk/money"
	"frontdesk/policy"
	"frontdesk/tui"
)

// The bulk screen (":bulk FILE"): the plan of a CSV of loyalty
// corrections as a table, refused rows marked with their reason; enter
// asks to apply the ok rows, y applies them with a progress line, then the
// table shows each row's result. esc leaves (while applying, it stops:
// the rows in flight finish, the rest are not sent).

// bulkState is where the screen is.
type bulkState int

const (
	bulkPlanning bulkState = iota
	bulkFailed
	bulkPlanned
	bulkConfirm
	bulkApplying
	bulkDone
)

// bulkPlannedMsg answers the plan.
type bulkPlannedMsg struct {
	b    *Bulk
	plan *bulk.Plan
	err  error
}

// bulkProgressMsg is apply's progress; bulkAppliedMsg its end.
type bulkProgressMsg struct {
	b           *Bulk
	done, total int
}

type bulkAppliedMsg struct {
	b       *Bulk
	results []bulk.Result
}

var bulkColumns = []column{
	{title: "Line", min: 5, right: true},
	{title: "Customer", min: 10, max: 36, weight: 2, drop: 2},
	{title: "Points", min: 8, right: true},
	{title: "Balance", min: 9, right: true, drop: 3},
	{title: "After", min: 9, right: true},
	{title: "Status", min: 9},
	{title: "Why", min: 12, weight: 4, drop: 1},
}

// Bulk is the bulk corrections screen of one CSV file.
type Bulk struct {
	c    *tui.Common
	env  *env
	file string
	open func(name string) (io.ReadCloser, error)

	state   bulkState
	err     string
	plan    *bulk.Plan
	results []bulk.Result
	summary bulk.Summary

	done, total int
	started     time.Time
	elapsed     time.Duration
	cancel      context.CancelFunc
	progress    chan bulkProgressMsg

	width, height int
	cur           cursor
}

func newBulk(c *tui.Common, e *env, file string, open func(string) (io.ReadCloser, error)) *Bulk {
	return &Bulk{c: c, env: e, file: file, open: open}
}

// Init reads the file and makes the plan.
func (b *Bulk) Init() tea.Cmd {
	if err := b.env.caps().Check(client.CapLoyaltyAdjust); err != nil {
		b.state, b.err = bulkFailed, client.Reason(err)
		return nil
	}
	if err := policy.Check(b.c.Actor(), policy.AdjustLoyalty, policy.On(b.c.Policy())); err != nil {
		b.state, b.err = bulkFailed, err.Error()
		return nil
	}
	cl, me, file, open := b.env.cl, b.c.Agent, b.file, b.open
	actor, prof := b.c.Actor(), b.c.Profile
	ctx := b.c.Context()
	return func() tea.Msg {
		f, err := open(file)
		if err != nil {
			return bulkPlannedMsg{b: b, err: err}
		}
		inputs, err := bulk.ParseCSV(f)
		f.Close()
		if err != nil {
			return bulkPlannedMsg{b: b, err: err}
		}
		plan, err := bulk.MakePlan(ctx, cl, me, inputs, bulk.PlanOptions{
			Profile: prof.Name, Store: prof.Host, Source: file,
			Check: func(points int64) error { return policy.CheckLoyalty(actor, points) },
		})
		return bulkPlannedMsg{b: b, plan: plan, err: err}
	}
}

// Close stops an apply in flight (the rows being sent finish).
func (b *Bulk) Close() {
	if b.cancel != nil {
		b.cancel()
	}
}

// Title names the file.
func (b *Bulk) Title() string { return "Bulk " + b.file }

// CapturesKeys while asking and applying: esc then answers no or stops,
// instead of leaving the screen.
func (b *Bulk) CapturesKeys() bool { return b.state == bulkConfirm || b.state == bulkApplying }

// SetSize fits the screen to the content area.
func (b *Bulk) SetSize(w, h int) {
	b.width, b.height = w, h
	b.cur.clamp(b.rows(), b.visible())
}

func (b *Bulk) okRows() int {
	if b.plan == nil {
		return 0
	}
	ok, _ := b.plan.Counts()
	return ok
}

func (b *Bulk) canApply() string {
	switch {
	case b.state == bulkDone:
		return "already applied"
	case b.state != bulkPlanned:
		return "no plan yet"
	case b.okRows() == 0:
		return "every row is refused"
	}
	return ""
}

func (b *Bulk) applyBinding() tui.Binding {
	return tui.Binding{Keys: []string{"enter"}, Help: "apply", Dangerous: true, Policy: policy.AdjustLoyalty}.With(b.canApply)
}

var (
	bulkYes  = tui.Binding{Keys: []string{"y"}, Help: "yes, apply"}
	bulkNo   = tui.Binding{Keys: []string{"n", "esc"}, HelpKey: "n/esc", Help: "no"}
	bulkStop = tui.Binding{Keys: []string{"esc"}, Help: "stop applying"}
)

// ShortHelp is the footer's key help.
func (b *Bulk) ShortHelp() []tui.Binding {
	k := b.c.Keys
	switch b.state {
	case bulkConfirm:
		return []tui.Binding{bulkYes, bulkNo}
	case bulkApplying:
		return []tui.Binding{bulkStop}
	}
	return []tui.Binding{k.Up, k.Down, b.applyBinding()}
}

// FullHelp is every binding of the screen.
func (b *Bulk) FullHelp() [][]tui.Binding {
	k := b.c.Keys
	switch b.state {
	case bulkConfirm:
		return [][]tui.Binding{{bulkYes, bulkNo}}
	case bulkApplying:
		return [][]tui.Binding{{bulkStop}}
	}
	return [][]tui.Binding{{k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown}, {b.applyBinding()}}
}

// Update handles the plan, apply's progress and the keys.
func (b *Bulk) Update(msg tea.Msg) (tui.Screen, tea.Cmd) {
	k := b.c.Keys
	switch msg := msg.(type) {
	case bulkPlannedMsg:
		if msg.b != b {
			return b, nil
		}
		if msg.err != nil {
			b.state, b.err = bulkFailed, planError(b.file, msg.err)
			b.c.Logger.Warn("bulk plan", "file", b.file, "err", msg.err)
			return b, nil
		}
		b.state, b.plan = bulkPlanned, msg.plan
		b.cur.clamp(b.rows(), b.visible())
	case bulkProgressMsg:
		if msg.b != b {
			return b, nil
		}
		b.done, b.total = msg.done, msg.total
		return b, b.waitProgress()
	case bulkAppliedMsg:
		if msg.b != b {
			return b, nil
		}
		b.cancel = nil
		b.state, b.results, b.summary = bulkDone, msg.results, bulk.Summarize(msg.results)
		b.elapsed = time.Since(b.started)
		if b.summary.Complete() {
			return b, tui.Success("bulk: " + b.summary.String())
		}
		return b, tui.Error("bulk: " + b.summary.String() + "; :bulk the file again to finish (applied rows replay)")
	case tea.KeyPressMsg:
		switch b.state {
		case bulkConfirm:
			switch {
			case bulkYes.Matches(msg):
				return b, b.apply()
			case bulkNo.Matches(msg):
				b.state = bulkPlanned
			}
			return b, nil
		case bulkApplying:
			if bulkStop.Matches(msg) && b.cancel != nil {
				b.cancel()
				return b, tui.Info("stopping: the rows being sent finish, the rest are not sent")
			}
			return b, nil
		}
		switch {
		case b.c.Fires(msg, k.Up):
			b.cur.move(-1, b.rows(), b.visible())
		case b.c.Fires(msg, k.Down):
			b.cur.move(1, b.rows(), b.visible())
		case b.c.Fires(msg, k.Top):
			b.cur.to(0, b.rows(), b.visible())
		case b.c.Fires(msg, k.Bottom):
			b.cur.to(b.rows()-1, b.rows(), b.visible())
		case b.c.Fires(msg, k.PageUp):
			b.cur.move(-b.visible(), b.rows(), b.visible())
		case b.c.Fires(msg, k.PageDown):
			b.cur.move(b.visible(), b.rows(), b.visible())
		case b.c.Fires(msg, b.applyBinding()):
			b.state = bulkConfirm
		}
	}
	return b, nil
}

// planError says what went wrong with the file or the plan.
func planError(file string, err error) string {
	var ce *bulk.CSVError
	if errors.As(err, &ce) {
		return file + ": " + ce.Error() + "; nothing was planned. Fix the file and :bulk it again."
	}
	return "Could not plan " + file + ": " + tui.ErrorText(err)
}

// apply starts applying the plan in the background; progress comes back
// as messages.
func (b *Bulk) apply() tea.Cmd {
	ctx, cancel := context.WithCancel(b.c.Context())
	b.cancel = cancel
	b.state, b.started = bulkApplying, time.Now()
	b.done, b.total = 0, len(b.plan.Rows)
	b.progress = make(chan bulkProgressMsg, 1)
	cl, plan, progress := b.env.cl, b.plan, b.progress
	run := func() tea.Msg {
		res := bulk.Apply(ctx, cl, plan, bulk.ApplyOptions{Progress: func(done, total int) {
			// Only the newest count matters: drop one the screen has
			// not taken yet.
			select {
			case <-progress:
			default:
			}
			progress <- bulkProgressMsg{b: b, done: done, total: total}
		}})
		cancel()
		close(progress)
		return bulkAppliedMsg{b: b, results: res}
	}
	return tea.Batch(run, b.waitProgress())
}

// waitProgress waits for the next progress count (nil once apply ended:
// it closes the channel).
func (b *Bulk) waitProgress() tea.Cmd {
	ch, ctx := b.progress, b.c.Context()
	if ch == nil || b.state != bulkApplying {
		return nil
	}
	return func() tea.Msg {
		select {
		case m, ok := <-ch:
			if !ok {
				return nil // apply ended; its answer is on its way
			}
			return m
		case <-ctx.Done():
			return nil
		}
	}
}

func (b *Bulk) rows() int {
	if b.plan == nil {
		return 0
	}
	return len(b.plan.Rows)
}

// head is the lines above the table.
func (b *Bulk) head() []string {
	st := b.c.Styles
	w := b.width
	if b.plan == nil {
		return nil
	}
	ok, refused := b.plan.Counts()
	var add, remove int64
	customers := map[api.ID]bool{}
	for _, r := range b.plan.Rows {
		if r.Status == bulk.StatusOK {
			customers[r.CustomerID] = true
			if r.Points > 0 {
				add += r.Points
			} else {
				remove -= r.Points
			}
		}
	}
	who := count(int64(len(customers)), "customer", "customers")
	line1 := fmt.Sprintf("%s: %d ok for %s (+%s / -%s points), %d refused",
		count(int64(len(b.plan.Rows)), "row", "rows"), ok, who, money.Int(add), money.Int(remove), refused)
	// The second line: plain text cut to the width, then styled.
	var line2 string
	style := st.Muted
	switch b.state {
	case bulkPlanned:
		line2 = "Nothing is changed yet. enter applies the ok rows; esc leaves."
		if ok == 0 {
			line2, style = "Every row is refused: fix the file and :bulk it again.", st.Warning
		}
	case bulkConfirm:
		line2, style = fmt.Sprintf("Apply %s to %s now? y applies, n or esc does not.", count(int64(ok), "adjustment", "adjustments"), who), st.Warning
	case bulkApplying:
		rate := 0.0
		if s := time.Since(b.started).Seconds(); s > 0 {
			rate = float64(b.done) / s
		}
		line2, style = progressBar(b.done, b.total, rate, max(10, min(40, w-40)))+"  esc stops", st.Accent
	case bulkDone:
		line2, style = "Done: "+b.summary.String(), st.Success
		if !b.summary.Complete() {
			line2, style = "Not finished: "+b.summary.String()+". :bulk the file again to finish; rows applied before replay.", st.Error
		}
	}
	return []string{
		st.Title.Render(st.Cells.Truncate("Bulk corrections · "+b.file, w)),
		st.Cells.Truncate(line1, w),
		style.Render(st.Cells.Truncate(line2, w)),
		"",
	}
}

// progressBar is "[#####-----] 450/1000 45% · 120 rows/s".
func progressBar(done, total int, perSecond float64, width int) string {
	pct := 0
	if total > 0 {
		pct = done * 100 / total
	}
	fill := width * pct / 100
	return fmt.Sprintf("[%s%s] %d/%d %d%% · %.0f rows/s", strings.Repeat("#", fill), strings.Repeat("-", width-fill), done, total, pct, perSecond)
}

// visible is how many table rows fit under the head and the table header.
func (b *Bulk) visible() int { return max(1, b.height-len(b.head())-1) }

// View draws the screen.
func (b *Bulk) View() string {
	if b.width <= 0 || b.height <= 0 {
		return ""
	}
	st := b.c.Styles
	switch b.state {
	case bulkPlanning:
		return fitLines([]string{st.Muted.Render("Checking " + st.Cells.Truncate(b.file, b.width-20) + " against the store… nothing is changed yet")}, b.width, b.height)
	case bulkFailed:
		lines := tui.Wrap(st.Cells, b.err, b.width, b.height)
		for i := range lines {
			lines[i] = st.Error.Render(lines[i])
		}
		return fitLines(lines, b.width, b.height)
	}
	out := b.head()
	widths := fitColumns(bulkColumns, b.width)
	out = append(out, tableHeader(st, bulkColumns, widths))
	vis := b.visible()
	cells := make([]cell, len(bulkColumns))
	for i := b.cur.top; i < len(b.plan.Rows) && i < b.cur.top+vis; i++ {
		r := b.plan.Rows[i]
		status, why := r.Status, r.Refusal
		statusStyle := st.Success
		if r.Status != bulk.StatusOK {
			statusStyle = st.Error
		}
		after := optPoints(r.ResultingBalance)
		if b.results != nil {
			res := b.results[i]
			status, why = res.Status, res.Error
			switch res.Status {
			case bulk.ResultApplied, bulk.ResultReplayed:
				statusStyle = st.Success
				after = optPoints(res.Balance)
				if res.Differs {
					statusStyle = st.Warning
					why = "balance differs from the plan (planned " + optPoints(r.ResultingBalance) + ")"
				}
			default:
				statusStyle = st.Error
			}
		}
		cells[0] = cell{text: itoa(r.Line)}
		cells[1] = cell{text: r.Customer}
		cells[2] = cell{text: signedPoints(r.Points)}
		cells[3] = cell{text: optPoints(r.CurrentBalance)}
		cells[4] = cell{text: after}
		cells[5] = cell{text: status, style: &statusStyle}
		cells[6] = cell{text: why}
		out = append(out, tableRow(st, bulkColumns, widths, cells, i == b.cur.pos, b.width))
	}
	return fitLines(out, b.width, b.height)
}

func optPoints(p *int64) string {
	if p == nil {
		return "—"
	}
	return money.Int(*p)
}

func signedPoints(n int64) string {
	if n > 0 {
		return "+" + money.Int(n)
	}
	return money.Int(n)
}
