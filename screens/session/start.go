package session

import (
	"context"
	"errors"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/tui"
	"frontdesk/tui/sanitize"
)

// StartForm is the o form: why the agent acts as the customer (required,
// 3–300 characters) and an optional ticket. Saving starts the session,
// makes it Acting's live one (the banner appears) and closes the form;
// a failure keeps the draft and says why. It also says when other agents
// are already acting for the customer.
type StartForm struct {
	a    *Acting
	c    *tui.Common
	id   api.ID
	name string

	reason, ticket string
	form           *huh.Form
	// ask is the confirmation a production profile asks before the
	// session starts ("No" is the default); yes is its answer.
	ask *huh.Form
	yes bool

	saving bool
	// done is set once the form has asked to be popped: messages that
	// reach it before the pop must not start another session.
	done   bool
	cancel context.CancelFunc
	err    error
	others []api.AgentSession

	width, height int

	// The form's keys as bindings, each with its action (enter is huh's,
	// to move on and complete the form): editing, and the production
	// question.
	draftKeys, askKeys []tui.Binding
}

// startedResultMsg answers the start request of form.
type startedResultMsg struct {
	form *StartForm
	sess *client.Session
	err  error
}

// startKey is huh's enter on the start form: the next field, and on the
// last one, start. It has no action of its own: help only.
var startKey = tui.Binding{Keys: []string{"enter"}, Help: "next / start"}

// StartForm returns the start form for customer id (name as the profile
// shows it; "" to use the store's).
func (a *Acting) StartForm(id api.ID, name string) *StartForm {
	m := &StartForm{a: a, c: a.c, id: id, name: name}
	k := m.c.Keys
	m.draftKeys = []tui.Binding{startKey, k.Cancel.Do(m.leave)}
	m.askKeys = []tui.Binding{confirmKey, k.Cancel.WithHelp("back").Do(m.back)}
	m.build()
	return m
}

// keys is the list of the form's current state: the question's while it
// is open (and nothing is being sent), else the draft's.
func (m *StartForm) keys() []tui.Binding {
	if m.ask != nil && !m.saving {
		return m.askKeys
	}
	return m.draftKeys
}

// leave is esc on the draft, or while the start is in flight: the form
// closes and a start in flight is cancelled.
func (m *StartForm) leave() tea.Cmd {
	m.Close()
	m.done = true
	return tui.Pop()
}

// back is esc on the production question: back to the draft.
func (m *StartForm) back() tea.Cmd {
	m.ask = nil
	m.build()
	return m.form.Init()
}

// reasonHelp is the reason field's description.
func (m *StartForm) reasonHelp() string {
	if m.a.unaudited != nil && m.a.unaudited() != "" {
		return "Why you act as the customer."
	}
	return "Why you act as the customer; recorded in the audit trail."
}

// build makes the huh form over the draft (kept across failures).
func (m *StartForm) build() {
	reason := huh.NewInput().Key("reason").
		Title("Reason").
		Description(m.reasonHelp()).
		Placeholder("customer on the phone, can't log in").
		CharLimit(api.MaxSessionReasonLen).
		Value(&m.reason).
		Validate(func(v string) error {
			if p := api.ValidateSessionCreate(api.AgentSessionCreate{Reason: v})["reason"]; p != "" {
				return errors.New(p)
			}
			return nil
		})
	ticket := huh.NewInput().Key("ticket").
		Title("Ticket (optional)").
		Placeholder("T-1042").
		CharLimit(api.MaxTicketLen).
		Value(&m.ticket).
		Validate(func(v string) error {
			if p := api.ValidateSessionCreate(api.AgentSessionCreate{Reason: "ok!", Ticket: v})["ticket"]; p != "" {
				return errors.New(p)
			}
			return nil
		})
	m.form = huh.NewForm(huh.NewGroup(reason, ticket)).
		WithShowHelp(false).
		WithTheme(huh.ThemeFunc(func(bool) *huh.Styles { return formStyles(m.c.Styles) }))
	if m.width > 0 {
		m.form = m.form.WithWidth(min(m.width, 80))
	}
}

// Init starts the form and asks who else is acting for the customer.
func (m *StartForm) Init() tea.Cmd {
	return tea.Batch(m.form.Init(), m.a.CheckOthers(m.id))
}

// Close cancels a start still in flight.
func (m *StartForm) Close() {
	if m.cancel != nil {
		m.cancel()
	}
}

// Update handles keys (esc cancels), the form's progress, and the answer.
func (m *StartForm) Update(msg tea.Msg) (tui.Screen, tea.Cmd) {
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
	case OthersMsg:
		if msg.CustomerID == m.id && msg.Err == nil {
			m.others = msg.Sessions
		}
		return m, nil
	case startedResultMsg:
		if msg.form != m {
			return m, nil
		}
		m.saving, m.cancel = false, nil
		if msg.err != nil {
			m.err = msg.err
			m.build()
			return m, m.form.Init()
		}
		name := m.name
		if name == "" {
			name = msg.sess.Info().CustomerName
		}
		m.done = true
		return m, tea.Batch(tui.Pop(), m.a.adopt(msg.sess, name),
			tui.Success("acting as "+sanitize.Truncate(name, 40)+" — O ends it"))
	}
	if m.saving {
		return m, nil
	}
	if m.ask != nil {
		// The question completes through its own messages.
		return m, m.answer(msg)
	}
	f, cmd := m.form.Update(msg)
	m.form = f.(*huh.Form)
	if m.form.State == huh.StateCompleted {
		if m.c.Confirm(m.c.Keys.StartSession) {
			return m, tea.Batch(cmd, m.confirm())
		}
		return m, tea.Batch(cmd, m.start())
	}
	return m, cmd
}

// confirm asks before acting as the customer on a production store, as
// every other change there does; the safe answer is the default.
func (m *StartForm) confirm() tea.Cmd {
	m.yes = false
	who := m.name
	if who == "" {
		who = "customer " + string(m.id)
	}
	m.ask = huh.NewForm(huh.NewGroup(huh.NewConfirm().
		Title("Act as " + sanitize.Truncate(who, 40) + " on " + sanitize.Line(m.c.Profile.Label()) + " (PRODUCTION)?").
		Description("Reason: " + sanitize.Truncate(strings.TrimSpace(m.reason), 60)).
		Affirmative("Yes").
		Negative("No").
		Value(&m.yes))).
		WithShowHelp(false).
		WithTheme(huh.ThemeFunc(func(bool) *huh.Styles { return formStyles(m.c.Styles) }))
	if m.width > 0 {
		m.ask = m.ask.WithWidth(min(m.width, 80))
	}
	return m.ask.Init()
}

// answer handles a key or message while the production question is
// open: yes starts the session; no goes back to the draft (as esc does,
// through askKeys).
func (m *StartForm) answer(msg tea.Msg) tea.Cmd {
	f, cmd := m.ask.Update(msg)
	m.ask = f.(*huh.Form)
	if m.ask.State != huh.StateCompleted {
		return cmd
	}
	if !m.yes {
		return m.back()
	}
	m.ask = nil
	return tea.Batch(cmd, m.start())
}

// start sends the request. A session that starts after the form was
// closed is revoked at once, so no token is left without a holder.
func (m *StartForm) start() tea.Cmd {
	m.saving, m.err = true, nil
	ctx, cancel := context.WithCancel(m.c.Context())
	m.cancel = cancel
	a, id := m.a, m.id
	reason, ticket := strings.TrimSpace(m.reason), strings.TrimSpace(m.ticket)
	return m.c.Track(func() tea.Msg {
		sess, err := client.StartSession(ctx, a.cl, id, reason, ticket, client.SessionOptions{Now: a.now})
		if err == nil && ctx.Err() != nil {
			end, done := context.WithTimeout(context.Background(), a.endT)
			defer done()
			sess.Close(end)
			return startedResultMsg{form: m, err: ctx.Err()}
		}
		return startedResultMsg{form: m, sess: sess, err: err}
	})
}

// promise says what acting means on this store: recorded in the audit
// trail where the store keeps one, and how the session's time shows.
func (m *StartForm) promise() string {
	audit := "Every step is recorded in the audit trail as you acting as them."
	if m.a.unaudited != nil {
		if why := m.a.unaudited(); why != "" {
			audit = "This store keeps no audit trail of what you do as them (" + why + ")."
		}
	}
	return "You will see and do what the customer would. " + audit + " The banner counts down the time the session has left; it is renewed while you work."
}

// View draws the form.
func (m *StartForm) View() string {
	st := m.c.Styles
	var b strings.Builder
	who := m.name
	if who == "" {
		who = "customer " + string(m.id)
	}
	b.WriteString(st.Title.Render("Act on behalf of "+st.Cells.Truncate(who, max(10, m.width-20))) + "\n")
	for _, l := range tui.Wrap(st.Cells, m.promise(), max(20, m.width), 0) {
		b.WriteString(st.Muted.Render(l) + "\n")
	}
	b.WriteString("\n")
	for _, o := range m.others {
		b.WriteString(st.Warning.Render("⚠ "+st.Cells.Truncate(o.AgentName, 40)+" is already acting for this customer (since "+
			o.StartedAt.In(time.Local).Format("15:04")+")") + "\n")
	}
	if len(m.others) > 0 {
		b.WriteString("\n")
	}
	if m.ask != nil {
		b.WriteString(m.ask.View())
	} else {
		b.WriteString(m.form.View())
	}
	b.WriteString("\n")
	switch {
	case m.saving:
		b.WriteString(st.Muted.Render("Starting the session…"))
	case m.err != nil:
		b.WriteString(st.Error.Render(st.Cells.Truncate("Could not start: "+m.err.Error(), max(20, m.width))))
	}
	return b.String()
}

// SetSize records the content size.
func (m *StartForm) SetSize(w, h int) {
	m.width, m.height = w, h
	m.form = m.form.WithWidth(min(w, 80))
}

// Title is the breadcrumb.
func (m *StartForm) Title() string { return "Act on behalf" }

// ShortHelp is the footer's help: the keys of the current state.
func (m *StartForm) ShortHelp() []tui.Binding { return m.keys() }

// FullHelp is every binding of the current state.
func (m *StartForm) FullHelp() [][]tui.Binding { return [][]tui.Binding{m.keys()} }

// CapturesKeys: the form takes text.
func (m *StartForm) CapturesKeys() bool { return true }

// formStyles is huh's base theme for the session's background.
func formStyles(s tui.Styles) *huh.Styles { return huh.ThemeBase(s.IsDark) }
