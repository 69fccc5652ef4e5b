package forms

import (
	"context"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/tui"
	"frontdesk/tui/sanitize"
)

// createKeys is the new-customer form's fields: no status (new customers
// are active).
var createKeys = []string{keyEmail, keyFirstName, keyLastName, keyPhone, keyAddress1, keyAddress2, keyCity, keyState, keyZip, keyCountry}

// NewCustomerForm is the new-customer form (n, supervisors): email,
// names, phone and an optional address, with the same validation as the
// edit form and the server.
type NewCustomerForm struct {
	base
	cl Client
	d  customerDraft
}

// NewCustomer opens the new-customer form.
func NewCustomer(c *tui.Common, cl Client) tui.Screen {
	m := &NewCustomerForm{base: newBase(c, c.Keys.New, "New customer"), cl: cl}
	m.d.Status = api.StatusActive
	m.d.Addresses = []addressDraft{{Type: "shipping", Default: true}}
	m.build(customerFields(&m.d, createKeys, func(k, v string) (string, string) {
		if k == keyPhone && strings.TrimSpace(v) == "" {
			return "", "optional"
		}
		if _, _, ok := parseAddrKey(k); ok {
			// The address is optional: only checked once any of it is typed.
			return checkField(k, v, m.d, m.tried && !emptyAddress(draftAddress(m.d, 0)))
		}
		return checkField(k, v, m.d, m.tried)
	})...)
	m.setFlow(draftFlow{
		dirty: m.Dirty,
		discard: func() tea.Cmd {
			return m.confirm("Discard this new customer?", "Nothing has been created.", nil, tui.Pop, nil)
		},
		save: m.save,
	})
	return m
}

// Init focuses the email.
func (m *NewCustomerForm) Init() tea.Cmd {
	if m.refused != "" {
		return nil
	}
	return m.initForm()
}

// Title names the screen in the breadcrumbs.
func (m *NewCustomerForm) Title() string { return "New customer" }

// Dirty reports whether the agent typed anything.
func (m *NewCustomerForm) Dirty() bool {
	for _, k := range createKeys {
		if strings.TrimSpace(m.d.get(k)) != "" {
			return true
		}
	}
	return false
}

// Update handles keys and answers.
func (m *NewCustomerForm) Update(msg tea.Msg) (tui.Screen, tea.Cmd) {
	return m, m.route(m, msg, m.onAnswer, m.onKey, m.updateForm)
}

// create is the body the save sends.
func (m *NewCustomerForm) create() api.CustomerCreate {
	in := api.CustomerCreate{
		Email:     strings.TrimSpace(m.d.Email),
		FirstName: strings.TrimSpace(m.d.FirstName),
		LastName:  strings.TrimSpace(m.d.LastName),
		Phone:     strings.TrimSpace(m.d.Phone),
	}
	if n, err := api.NormalizePhone(in.Phone); err == nil {
		in.Phone = n
	}
	if a := draftAddress(m.d, 0); !emptyAddress(a) {
		a.Default = true
		in.Addresses = []api.Address{a}
	}
	return in
}

func (m *NewCustomerForm) save() tea.Cmd {
	if m.refuse("Cannot create customers: ") {
		return nil
	}
	m.tried = true
	if cmd, bad := m.flagProblems(); bad {
		return cmd
	}
	in := m.create()
	send := func() tea.Cmd {
		return m.start(m, func(ctx context.Context) (any, error) {
			return m.cl.CreateCustomer(ctx, in)
		})
	}
	if m.c.Confirm(m.binding) {
		name := sanitize.Line(strings.TrimSpace(in.FirstName + " " + in.LastName))
		return m.confirm(fmt.Sprintf("Create %s <%s> on %s?", name, sanitize.Line(in.Email), productionLabel(m.c)), "", nil, send, nil)
	}
	return send()
}

func (m *NewCustomerForm) onAnswer(a answerMsg) tea.Cmd {
	if a.err == nil {
		c, _ := a.val.(api.Customer)
		return tea.Batch(
			tui.Success(fmt.Sprintf("Created %s (customer %s).", displayName(c), sanitize.Line(string(c.ID)))),
			// Pop first: the receiver pushes the new customer's profile.
			tea.Sequence(tui.Pop(), emit(CustomerCreatedMsg{Customer: c})),
		)
	}
	err := a.err
	switch {
	case client.IsCode(err, api.CodeDuplicateEmail):
		m.serverErr[keyEmail] = rejected{value: m.d.Email, msg: "another customer already has this email"}
		m.setError("The email is taken: use another address, or search for the existing customer. Nothing was created.")
		m.refreshTitles()
		return m.focus(m.fieldByKey(keyEmail))
	case client.IsTransport(err) || isCancel(err):
		m.setError(explain(err) + " The customer may or may not have been created: search for the email before trying again. What you typed is kept.")
		return nil
	}
	if f := m.fail(err, nil, nil); f != nil {
		m.refreshTitles()
		return m.focus(f)
	}
	return nil
}

// View draws the form, or a confirmation.
func (m *NewCustomerForm) View() string {
	if m.refused != "" {
		return m.refusedView()
	}
	if m.ask != nil {
		return m.frame("", m.questionView())
	}
	return m.frame("", m.form.View())
}
