package forms

import (
	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
	"frontdesk/tui"
)

// stub is a placeholder screen until the real forms land.
type stub struct {
	c     *tui.Common
	title string
}

func (s *stub) Init() tea.Cmd { return nil }
func (s *stub) Update(msg tea.Msg) (tui.Screen, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && k.String() == "esc" {
		return s, tui.Pop()
	}
	return s, nil
}
func (s *stub) View() string              { return s.title }
func (s *stub) SetSize(int, int)          {}
func (s *stub) Title() string             { return s.title }
func (s *stub) ShortHelp() []tui.Binding  { return nil }
func (s *stub) FullHelp() [][]tui.Binding { return nil }
func (s *stub) CapturesKeys() bool        { return true }

// NewEditProfile opens the edit-profile form on cust.
func NewEditProfile(c *tui.Common, cl Client, cust api.Customer) tui.Screen {
	return &stub{c: c, title: "Edit profile"}
}

// NewAdjustLoyalty opens the loyalty adjustment form; balance is the
// customer's current points balance.
func NewAdjustLoyalty(c *tui.Common, cl Client, cust api.Customer, balance int64) tui.Screen {
	return &stub{c: c, title: "Adjust points"}
}

// NewNote opens the add-note form.
func NewNote(c *tui.Common, cl Client, cust api.Customer) tui.Screen {
	return &stub{c: c, title: "Add note"}
}

// NewCustomer opens the new-customer form.
func NewCustomer(c *tui.Common, cl Client) tui.Screen {
	return &stub{c: c, title: "New customer"}
}
