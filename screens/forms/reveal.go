package forms

import (
	"context"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/tui"
)

// The reveal form's fields.
const (
	keyRevealField  = "field"
	keyRevealReason = "reason"
)

// RevealedMsg is sent when a reveal answered: the one field unmasked, for
// the profile of Result.CustomerID to show in that view only.
type RevealedMsg struct{ Result api.RevealResult }

// Reveal is the reveal form (v on a masked profile): which field, and
// why. The reason is required; the desk appends an audit row with it.
type Reveal struct {
	base
	cl            client.Platform
	cust          api.Customer
	field, reason string
}

// NewReveal opens the reveal form for cust's masked fields (fields, in
// api.RevealFields' order; the first is chosen).
func NewReveal(c *tui.Common, cl client.Platform, cust api.Customer, fields []string) tui.Screen {
	m := &Reveal{base: newBase(c, c.Keys.Reveal, "Reveal · "+displayName(cust)), cl: cl, cust: cust}
	opts := make([]huh.Option[string], len(fields))
	for i, f := range fields {
		opts[i] = huh.NewOption(f, f)
	}
	if len(fields) > 0 {
		m.field = fields[0]
	}
	which := &field{key: keyRevealField, label: "Field", value: &m.field, inline: true}
	which.sel = huh.NewSelect[string]().Key(keyRevealField).Options(opts...).Value(&m.field).Inline(true)
	why := &field{key: keyRevealReason, label: "Reason", value: &m.reason}
	why.input = huh.NewInput().Key(keyRevealReason).Value(&m.reason).CharLimit(api.MaxRevealReason).
		Placeholder("why you need to see it (kept in the audit trail)")
	why.check = m.checkReason
	m.build(which, why)
	m.setFlow(draftFlow{
		dirty:   m.Dirty,
		discard: func() tea.Cmd { return tui.Pop() },
		save:    m.save,
	})
	return m
}

func (m *Reveal) checkReason(v string) (string, string) {
	if strings.TrimSpace(v) == "" && !m.tried {
		return "", ""
	}
	return api.ValidateReveal(api.RevealRequest{Field: api.RevealEmail, Reason: v})[keyRevealReason], ""
}

// Init focuses the field choice.
func (m *Reveal) Init() tea.Cmd {
	if m.refused != "" {
		return nil
	}
	return m.initForm()
}

// Title names the screen in the breadcrumbs.
func (m *Reveal) Title() string { return "Reveal" }

// Dirty reports whether the agent typed a reason.
func (m *Reveal) Dirty() bool { return strings.TrimSpace(m.reason) != "" }

// Update handles keys and answers.
func (m *Reveal) Update(msg tea.Msg) (tui.Screen, tea.Cmd) {
	return m, m.route(m, msg, m.onAnswer, m.onKey, m.updateForm)
}

func (m *Reveal) save() tea.Cmd {
	if m.refuse("Cannot reveal: ") {
		return nil
	}
	m.tried = true
	m.refreshTitles()
	if len(m.problems()) > 0 {
		m.setError("Say why you need to see it first: the reason goes into the audit trail.")
		return nil
	}
	id, field, reason := m.cust.ID, m.field, strings.TrimSpace(m.reason)
	return m.start(m, func(ctx context.Context) (any, error) {
		return client.Reveal(ctx, m.cl, id, field, reason)
	})
}

func (m *Reveal) onAnswer(a answerMsg) tea.Cmd {
	if a.err == nil {
		res, _ := a.val.(api.RevealResult)
		return tea.Sequence(tui.Pop(), emit(RevealedMsg{Result: res}))
	}
	m.fail(a.err, nil, nil)
	m.refreshTitles()
	return nil
}

// View draws the form.
func (m *Reveal) View() string {
	if m.refused != "" {
		return m.refusedView()
	}
	return m.frame("shown in this view only; the audit trail records who, which field and why", m.form.View())
}
