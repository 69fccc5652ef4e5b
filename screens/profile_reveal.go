package screens

import (
	"slices"

	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
	"frontdesk/screens/forms"
	"frontdesk/tui"
)

// Masked personal data on the profile. A viewer's customer comes masked
// from the desk server, and every customer on a mask_pii profile from the
// client; the overview, the orders and the search list show the masks as
// they came. v asks for a field and a reason and shows that field, in this
// view only: the profile keeps it (revealed) and drops it with the view,
// so it is never cached across customers or sessions.

// maskedFields are the fields of the customer shown masked and not yet
// revealed here, in api.RevealFields' order.
func (p *Profile) maskedFields() []string {
	if !p.custL.loaded {
		return nil
	}
	var out []string
	c := p.cust
	if api.IsMasked(c.Email) {
		out = append(out, api.RevealEmail)
	}
	if api.IsMasked(c.Phone) {
		out = append(out, api.RevealPhone)
	}
	if slices.ContainsFunc(c.Addresses, addressMasked) {
		out = append(out, api.RevealAddresses)
	}
	return slices.DeleteFunc(out, func(f string) bool { _, ok := p.revealed[f]; return ok })
}

func addressMasked(a api.Address) bool {
	return api.IsMasked(a.Address1) || api.IsMasked(a.Address2) || api.IsMasked(a.Zip)
}

// masked reports whether the customer came with any field masked
// (revealed or not).
func (p *Profile) masked() bool {
	c := p.cust
	return api.IsMasked(c.Email) || api.IsMasked(c.Phone) || slices.ContainsFunc(c.Addresses, addressMasked)
}

// canReveal says why v does nothing now ("" when it works).
func (p *Profile) canReveal() string {
	if r := p.needCustomer(); r != "" {
		return r
	}
	if len(p.maskedFields()) == 0 {
		return "nothing is masked here"
	}
	return ""
}

// canEdit says why e does nothing now: besides loading, a masked
// customer is not edited, so a save never writes a mask back.
func (p *Profile) canEdit() string {
	if r := p.needCustomer(); r != "" {
		return r
	}
	if p.masked() {
		return "email, phone and addresses are masked here; edit on a profile that shows them"
	}
	return ""
}

func (p *Profile) openReveal() tea.Cmd {
	return tui.Push(forms.NewReveal(p.c, p.env.cl, p.cust, p.maskedFields()))
}

// onRevealed keeps a reveal's answer for this view.
func (p *Profile) onRevealed(msg forms.RevealedMsg) tea.Cmd {
	if msg.Result.CustomerID != p.id {
		return nil
	}
	if p.revealed == nil {
		p.revealed = map[string]api.RevealResult{}
	}
	p.revealed[msg.Result.Field] = msg.Result
	return tui.Success("Revealed the " + msg.Result.Field + " for this view; the audit trail records it.")
}

// shown is the customer as the overview draws it: as loaded, with the
// fields revealed in this view unmasked.
func (p *Profile) shown() api.Customer {
	c := p.cust
	if r, ok := p.revealed[api.RevealEmail]; ok {
		c.Email = r.Value
	}
	if r, ok := p.revealed[api.RevealPhone]; ok {
		c.Phone = r.Value
	}
	if r, ok := p.revealed[api.RevealAddresses]; ok {
		c.Addresses = r.Addresses
	}
	return c
}
