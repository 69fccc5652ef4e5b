package session

import (
	"context"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/tui"
	"frontdesk/tui/sanitize"
)

// PasswordResetSentMsg: a reset link went to the customer (Reset.SentTo,
// masked).
type PasswordResetSentMsg struct {
	CustomerID api.ID
	Reset      api.PasswordReset
}

// PasswordReset asks "Send a password reset link?" with No as the default
// answer, and on yes sends it as the customer through the live session.
type PasswordReset struct {
	c    *tui.Common
	sess *client.Session
	name string

	yes    bool
	form   *huh.Form
	saving bool
	// done is set once the screen has asked to be popped: messages that
	// reach it before the pop must not ask (or send) again.
	done   bool
	cancel context.CancelFunc
	err    error
	width  int

	// cancel is esc: no, close (not while the link is being sent).
	bCancel tui.Binding
}

type resetResultMsg struct {
	m     *PasswordReset
	reset api.PasswordReset
	err   error
}

// confirmKey is huh's enter on a yes/no question: it takes the
// highlighted answer. It has no action of its own: help only.
var confirmKey = tui.Binding{Keys: []string{"enter"}, HelpKey: "←/→ enter", Help: "choose"}

// NewPasswordReset returns the confirmation for the live session's
// customer.
func NewPasswordReset(c *tui.Common, a *Acting) *PasswordReset {
	m := &PasswordReset{c: c, sess: a.Session(), name: a.name}
	m.bCancel = c.Keys.Cancel.Do(func() tea.Cmd {
		m.done = true
		return tui.Pop()
	})
	m.build()
	return m
}

func (m *PasswordReset) build() {
	m.yes = false // the safe answer is the default, every time it is asked
	m.form = huh.NewForm(huh.NewGroup(huh.NewConfirm().
		Title("Send " + sanitize.Truncate(m.name, 40) + " a password reset link?").
		Description("The link goes to the customer's email and works for an hour.").
		Affirmative("Send").
		Negative("No").
		Value(&m.yes))).
		WithShowHelp(false).
		WithTheme(huh.ThemeFunc(func(bool) *huh.Styles { return formStyles(m.c.Styles) }))
}

// Init starts the question.
func (m *PasswordReset) Init() tea.Cmd { return m.form.Init() }

// Close cancels a send in flight.
func (m *PasswordReset) Close() {
	if m.cancel != nil {
		m.cancel()
	}
}

// Update runs the question; yes sends, no (or esc) closes.
func (m *PasswordReset) Update(msg tea.Msg) (tui.Screen, tea.Cmd) {
	if m.done {
		return m, nil
	}
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if cmd, ok := m.c.Dispatch(msg, m.keys()); ok {
			return m, cmd
		}
		if m.saving {
			return m, nil
		}
	case resetResultMsg:
		if msg.m != m {
			return m, nil
		}
		m.saving, m.cancel = false, nil
		if msg.err != nil {
			m.err = msg.err
			m.build()
			return m, m.form.Init()
		}
		id := msg.reset.CustomerID
		m.done = true
		return m, tea.Batch(tui.Pop(),
			tui.Success("password reset sent to "+sanitize.Truncate(msg.reset.SentTo, 60)),
			func() tea.Msg { return PasswordResetSentMsg{CustomerID: id, Reset: msg.reset} })
	}
	if m.saving {
		return m, nil
	}
	f, cmd := m.form.Update(msg)
	m.form = f.(*huh.Form)
	if m.form.State != huh.StateCompleted {
		return m, cmd
	}
	if !m.yes {
		m.done = true
		return m, tea.Batch(cmd, tui.Pop())
	}
	return m, tea.Batch(cmd, m.send())
}

func (m *PasswordReset) send() tea.Cmd {
	if m.sess == nil {
		return func() tea.Msg { return resetResultMsg{m: m, err: client.ErrSessionClosed} }
	}
	m.saving, m.err = true, nil
	ctx, cancel := context.WithCancel(m.c.Context())
	m.cancel = cancel
	sess := m.sess
	return m.c.Track(func() tea.Msg {
		r, err := sess.SendPasswordReset(ctx)
		return resetResultMsg{m: m, reset: r, err: err}
	})
}

// View draws the question.
func (m *PasswordReset) View() string {
	st := m.c.Styles
	var b strings.Builder
	b.WriteString(st.Title.Render("Send password reset") + "\n\n")
	b.WriteString(m.form.View() + "\n")
	switch {
	case m.saving:
		b.WriteString(st.Muted.Render("Sending…"))
	case m.err != nil:
		b.WriteString(st.Error.Render(st.Cells.Truncate("Could not send: "+m.err.Error(), max(20, m.width))))
	}
	return b.String()
}

// SetSize records the content size.
func (m *PasswordReset) SetSize(w, _ int) {
	m.width = w
	m.form = m.form.WithWidth(min(w, 80))
}

// Title is the breadcrumb.
func (m *PasswordReset) Title() string { return "Password reset" }

// keys is the question's bindings now: while the link is being sent esc
// waits for the answer.
func (m *PasswordReset) keys() []tui.Binding {
	if m.saving {
		return []tui.Binding{confirmKey}
	}
	return []tui.Binding{confirmKey, m.bCancel}
}

// ShortHelp is the footer's help.
func (m *PasswordReset) ShortHelp() []tui.Binding { return m.keys() }

// FullHelp is every binding.
func (m *PasswordReset) FullHelp() [][]tui.Binding { return [][]tui.Binding{m.keys()} }

// CapturesKeys: the question takes y, n, h, l and enter.
func (m *PasswordReset) CapturesKeys() bool { return true }
