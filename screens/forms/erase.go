package forms

import (
	"context"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/policy"
	"frontdesk/tui"
	"frontdesk/tui/sanitize"
)

// Erase form field keys (the API's names).
const (
	keyEraseReason = "reason"
	keyConfirm     = "confirm_email"
)

// EraseBinding is the console's erase action (":erase" on a profile):
// a supervisor's, and a change.
var EraseBinding = tui.Binding{Help: "erase customer", Policy: policy.EraseCustomer, Mutates: true, Dangerous: true}

// Erase is the erase-customer form: the reason, and the customer's email
// typed to confirm (a mismatch refuses before anything is sent, and the
// server checks it again). It always asks once more before sending.
type Erase struct {
	base
	cl            Client
	cust          api.Customer
	reason, email string
}

// NewErase opens the erase form for cust. A platform that cannot erase
// (client.DataRequests) is refused with its reason.
func NewErase(c *tui.Common, cl Client, cust api.Customer) tui.Screen {
	m := &Erase{base: newBase(c, EraseBinding, "Erase customer · "+displayName(cust)), cl: cl, cust: cust}
	if _, ok := cl.(client.DataRequests); !ok && m.refused == "" {
		m.refused = client.NoDataRequests("this platform").Error()
	}
	reason := &field{key: keyEraseReason, label: "Reason", value: &m.reason}
	reason.input = huh.NewInput().Key(keyEraseReason).Value(&m.reason).CharLimit(api.MaxEraseReasonLen).
		Placeholder("why: the request or ticket (no personal data; it is kept)")
	reason.check = m.checkReason
	confirm := &field{key: keyConfirm, label: "Type the customer's email to confirm", value: &m.email}
	confirm.input = huh.NewInput().Key(keyConfirm).Value(&m.email).CharLimit(320).Placeholder(sanitize.Line(cust.Email))
	confirm.check = m.checkEmail
	m.build(reason, confirm)
	m.setFlow(draftFlow{
		dirty: m.Dirty,
		discard: func() tea.Cmd {
			return m.confirm("Leave without erasing?", "Nothing has been sent.", nil, tui.Pop, nil)
		},
		save: m.save,
	})
	return m
}

func (m *Erase) checkReason(v string) (string, string) {
	if strings.TrimSpace(v) == "" && !m.tried {
		return "", ""
	}
	return api.ValidateErase(api.CustomerErase{Reason: v})["reason"], ""
}

func (m *Erase) checkEmail(v string) (string, string) {
	if strings.TrimSpace(v) == "" && !m.tried {
		return "", ""
	}
	if !strings.EqualFold(strings.TrimSpace(v), m.cust.Email) {
		return "not the customer's email: type it as the profile shows it", ""
	}
	return "", ""
}

// Init focuses the reason.
func (m *Erase) Init() tea.Cmd {
	if m.refused != "" {
		return nil
	}
	return m.initForm()
}

// Title names the screen in the breadcrumbs.
func (m *Erase) Title() string { return "Erase customer" }

// Dirty reports whether the agent typed anything.
func (m *Erase) Dirty() bool { return strings.TrimSpace(m.reason+m.email) != "" }

// Update handles keys and answers.
func (m *Erase) Update(msg tea.Msg) (tui.Screen, tea.Cmd) {
	return m, m.route(m, msg, m.onAnswer, m.onKey, m.updateForm)
}

func (m *Erase) save() tea.Cmd {
	if m.refuse("Cannot erase: ") {
		return nil
	}
	m.tried = true
	m.refreshTitles()
	if len(m.problems()) > 0 {
		m.setError("Fix the fields first: a reason, and the customer's email exactly.")
		return nil
	}
	m.status, m.statusErr = "", false
	dr, ok := m.cl.(client.DataRequests)
	if !ok {
		m.setError(client.NoDataRequests("this platform").Error())
		return nil
	}
	in := api.CustomerErase{Reason: strings.TrimSpace(m.reason), ConfirmEmail: strings.TrimSpace(m.email)}
	send := func() tea.Cmd {
		id := m.cust.ID
		return m.start(m, func(ctx context.Context) (any, error) {
			return dr.EraseCustomer(ctx, id, in)
		})
	}
	return m.confirm(fmt.Sprintf("Erase %s's personal data on %s? This cannot be undone.", displayName(m.cust), productionLabel(m.c)),
		"Profile, addresses, order addresses, notes and audit payloads are replaced; totals and dates stay.",
		[]string{"reason: " + sanitize.Truncate(in.Reason, max(m.width-10, 10))}, send, nil)
}

func (m *Erase) onAnswer(a answerMsg) tea.Cmd {
	if a.err == nil {
		res, _ := a.val.(api.CustomerEraseResult)
		text := displayName(m.cust) + "'s personal data was erased."
		if res.AlreadyErased {
			text = "The customer had been erased already; nothing changed."
		}
		return tea.Batch(
			tui.Success(text),
			tea.Sequence(tui.Pop(), emit(CustomerSavedMsg{Customer: res.Customer})),
		)
	}
	if client.IsTransport(a.err) || isCancel(a.err) {
		m.setError(explain(a.err) + " The erasure may or may not have happened: erasing again is safe.")
		return nil
	}
	m.fail(a.err, nil, nil)
	m.refreshTitles()
	return nil
}

// View draws the fields, or a confirmation.
func (m *Erase) View() string {
	if m.refused != "" {
		return m.refusedView()
	}
	if m.ask != nil {
		return m.frame("irreversible", m.questionView())
	}
	return m.frame("irreversible", m.form.View())
}
