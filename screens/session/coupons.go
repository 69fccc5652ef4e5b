package session

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/money"
	"frontdesk/tui"
	"frontdesk/tui/sanitize"
)

// Coupons lists the coupons the customer may use now, read as the
// customer through the live session (customer scope only).
type Coupons struct {
	c    *tui.Common
	sess *client.Session
	name string

	list   []api.Coupon
	loaded bool
	err    error
	cur    int
	seq    int
	cancel context.CancelFunc
	width  int
	height int
	// keys is the screen's one list: the shell gates and runs each
	// binding, the footer and ? show them.
	keys [][]tui.Binding
}

type couponsLoadedMsg struct {
	s    *Coupons
	seq  int
	list []api.Coupon
	err  error
}

// NewCoupons returns the coupons list of the live session's customer.
// Without a live session it says so (the profile only offers it while
// acting).
func NewCoupons(c *tui.Common, a *Acting) *Coupons {
	m := &Coupons{c: c, sess: a.Session(), name: a.name}
	k := c.Keys
	last := func() int { return max(0, len(m.list)-1) }
	moveTo := func(to func() int) func() tea.Cmd {
		return func() tea.Cmd {
			m.cur = to()
			return nil
		}
	}
	copyCode := k.Copy.WithHelp("copy code").With(func() string {
		if len(m.list) == 0 {
			return "no coupon selected"
		}
		return ""
	}).Do(func() tea.Cmd { return m.c.Copy("coupon code", m.list[m.cur].Code) })
	m.keys = [][]tui.Binding{
		{
			k.Down.Do(moveTo(func() int { return min(m.cur+1, last()) })),
			k.Up.Do(moveTo(func() int { return max(m.cur-1, 0) })),
			k.Top.Do(moveTo(func() int { return 0 })),
			k.Bottom.Do(moveTo(last)),
		},
		{copyCode, k.Refresh.Do(m.load)},
	}
	return m
}

// Init loads the list.
func (m *Coupons) Init() tea.Cmd { return m.load() }

func (m *Coupons) load() tea.Cmd {
	if m.sess == nil {
		m.loaded, m.err = true, client.ErrSessionClosed
		return nil
	}
	if m.cancel != nil {
		m.cancel()
	}
	m.seq++
	ctx, cancel := context.WithCancel(m.c.Context())
	m.cancel = cancel
	seq, sess := m.seq, m.sess
	return m.c.Track(func() tea.Msg {
		list, err := sess.Coupons(ctx)
		return couponsLoadedMsg{s: m, seq: seq, list: list, err: err}
	})
}

// Close cancels a load in flight.
func (m *Coupons) Close() {
	if m.cancel != nil {
		m.cancel()
	}
}

// Update moves the cursor, copies a code, reloads, takes the answer.
func (m *Coupons) Update(msg tea.Msg) (tui.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case couponsLoadedMsg:
		if msg.s != m || msg.seq != m.seq {
			return m, nil
		}
		m.loaded, m.list, m.err = true, msg.list, msg.err
		m.cur = min(m.cur, max(0, len(m.list)-1))
		return m, nil
	case tea.KeyPressMsg:
		// The shell runs the bindings before a key gets here; a key sent
		// to the screen itself goes through the same list.
		cmd, _ := m.c.Dispatch(msg, m.keys...)
		return m, cmd
	}
	return m, nil
}

// Discount says what a coupon gives: "10% off", "KES 500.00 off", "free
// delivery".
func Discount(cp api.Coupon) string {
	switch cp.Kind {
	case api.CouponPercent:
		return fmt.Sprintf("%d%% off", cp.Value)
	case api.CouponFixed:
		return money.Format(cp.Value, cp.Currency) + " off"
	case api.CouponFreeShipping:
		return "free delivery"
	}
	return cp.Kind
}

// View draws the list.
func (m *Coupons) View() string {
	st := m.c.Styles
	var b strings.Builder
	b.WriteString(st.Title.Render("Coupons "+st.Cells.Truncate(m.name, 40)+" can use") + "\n")
	b.WriteString(st.Muted.Render("As the customer sees them, through the on-behalf session.") + "\n\n")
	switch {
	case !m.loaded:
		b.WriteString(st.Muted.Render("Loading…"))
		return b.String()
	case m.err != nil:
		b.WriteString(st.Error.Render(st.Cells.Truncate("Could not load the coupons: "+m.err.Error(), max(20, m.width))))
		return b.String()
	case len(m.list) == 0:
		b.WriteString(st.Muted.Render("No coupons for this customer right now."))
		return b.String()
	}
	header := fmt.Sprintf("  %-12s  %-16s  %-16s  %-10s  %s", "CODE", "DISCOUNT", "MIN ORDER", "EXPIRES", "DESCRIPTION")
	b.WriteString(st.TableHeader.Render(st.Cells.Truncate(header, m.width)) + "\n")
	for i, cp := range m.list {
		expires := "—"
		if cp.ExpiresAt != nil {
			expires = cp.ExpiresAt.In(time.Local).Format("2006-01-02")
		}
		minOrder := "—"
		if cp.MinOrderTotal > 0 {
			minOrder = money.Format(cp.MinOrderTotal, cp.Currency)
		}
		line := fmt.Sprintf("%-12s  %-16s  %-16s  %-10s  %s",
			st.Cells.Truncate(cp.Code, 12), Discount(cp), minOrder, expires, sanitize.Line(cp.Description))
		if i == m.cur {
			b.WriteString(st.Selected.Render(st.Cells.Truncate(st.SelectedMarker+line, m.width)) + "\n")
		} else {
			b.WriteString(st.Cells.Truncate("  "+line, m.width) + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// SetSize records the content size.
func (m *Coupons) SetSize(w, h int) { m.width, m.height = w, h }

// Title is the breadcrumb.
func (m *Coupons) Title() string { return "Coupons" }

// ShortHelp is the footer's help: down, up, copy, reload.
func (m *Coupons) ShortHelp() []tui.Binding {
	return []tui.Binding{m.keys[0][0], m.keys[0][1], m.keys[1][0], m.keys[1][1]}
}

// FullHelp is every binding.
func (m *Coupons) FullHelp() [][]tui.Binding { return m.keys }

// CapturesKeys: no text input.
func (m *Coupons) CapturesKeys() bool { return false }
