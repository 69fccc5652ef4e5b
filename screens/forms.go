package screens

import (
	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
	"frontdesk/screens/forms"
	"frontdesk/tui"
)

// The forms live in package screens/forms; these build them for the
// profile and the search, and read what they send after a save.

func adjustForm(c *tui.Common, e *env, cust api.Customer, balance int64) tui.Screen {
	return forms.NewAdjustLoyalty(c, e.cl, cust, balance)
}

func noteForm(c *tui.Common, e *env, cust api.Customer) tui.Screen {
	return forms.NewNote(c, e.cl, cust)
}

func eraseForm(c *tui.Common, e *env, cust api.Customer) tui.Screen {
	return forms.NewErase(c, e.cl, cust)
}

func newCustomerForm(c *tui.Common, e *env) tui.Screen {
	return forms.NewCustomer(c, e.cl)
}

// formSave is what a form's message says was saved.
type formSave struct {
	customer   *api.Customer
	loyaltyFor api.ID
	balance    int64
	note       *api.Note
}

// about reports whether the save was to customer id.
func (s formSave) about(id api.ID) bool {
	return (s.customer != nil && s.customer.ID == id) || (s.loyaltyFor != "" && s.loyaltyFor == id) ||
		(s.note != nil && s.note.CustomerID == id)
}

// savedByForm reads a form's after-save message; the zero formSave for
// any other message.
func savedByForm(msg tea.Msg) formSave {
	switch m := msg.(type) {
	case forms.CustomerSavedMsg:
		return formSave{customer: &m.Customer}
	case forms.LoyaltyAdjustedMsg:
		return formSave{loyaltyFor: m.CustomerID, balance: m.Result.PointsBalance}
	case forms.NoteAddedMsg:
		return formSave{note: &m.Note}
	}
	return formSave{}
}

// customerCreated reads the new-customer form's message.
func customerCreated(msg tea.Msg) (api.Customer, bool) {
	m, ok := msg.(forms.CustomerCreatedMsg)
	return m.Customer, ok
}
