package screens

import (
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/tui"
)

// Lookup is the start screen on a platform that cannot search customers
// (client.CapSearch missing): it says why, and opens the customer whose id
// the agent types. The profile screen then reads the customer and says so
// when there is none with that id.
type Lookup struct {
	c   *tui.Common
	env *env

	input         textinput.Model
	inBox         bool
	width, height int

	box, boxEmpty, out []Binding
}

// start is the screen a session starts on, and returns to on a new
// search: the customer search, or Lookup where the platform has none.
func (e *env) start(c *tui.Common, query string) tui.Screen {
	if e.caps().Has(client.CapSearch) {
		return newSearch(c, e, query)
	}
	return newLookup(c, e, query)
}

func newLookup(c *tui.Common, e *env, text string) *Lookup {
	in := newBox(c, "Customer id: ", "the id from the store · ? help · : command", text)
	l := &Lookup{c: c, env: e, input: in, inBox: true}
	k := c.Keys
	open := k.Open.WithHelp("open the customer").Do(l.open)
	leave := Binding{Keys: []string{"esc"}, Help: "leave the box"}.Do(l.leave)
	newC := capable(e.caps(), k.New.Do(l.newCustomer), client.CapCreateCustomer)
	l.box = []Binding{open, leave}
	l.boxEmpty = []Binding{k.Help.Do(tui.ShowHelp), k.Palette.Do(tui.OpenPalette), open, leave}
	l.out = []Binding{k.Search.WithHelp("type an id").Do(l.focus), open, newC}
	return l
}

func (l *Lookup) Init() tea.Cmd { return nil }

func (l *Lookup) Title() string { return "Open a customer" }

// CapturesKeys is true while the box has the keys.
func (l *Lookup) CapturesKeys() bool { return l.inBox }

// GlobalKeysLive: ? and : work in the empty box.
func (l *Lookup) GlobalKeysLive() bool { return !l.inBox || l.input.Value() == "" }

func (l *Lookup) SetSize(w, h int) {
	l.width, l.height = w, h
	l.input.SetWidth(max(1, w-l.c.Styles.Cells.Width(l.input.Prompt)-1))
}

func (l *Lookup) keys() []Binding {
	switch {
	case !l.inBox:
		return l.out
	case l.input.Value() == "":
		return l.boxEmpty
	}
	return l.box
}

// ShortHelp is the footer's: the box's own keys (the shell adds ? and :).
func (l *Lookup) ShortHelp() []Binding {
	if l.inBox {
		return l.box
	}
	return l.out
}

func (l *Lookup) FullHelp() [][]Binding { return [][]Binding{l.keys()} }

func (l *Lookup) Update(msg tea.Msg) (tui.Screen, tea.Cmd) {
	key, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return l, nil
	}
	if cmd, ok := l.c.Dispatch(key, l.keys()); ok || !l.inBox {
		return l, cmd
	}
	var cmd tea.Cmd
	l.input, cmd = l.input.Update(key)
	return l, cmd
}

// open opens the profile of the id in the box.
func (l *Lookup) open() tea.Cmd {
	id := strings.TrimSpace(l.input.Value())
	if id == "" {
		l.focus()
		return tui.Info("type a customer's id first")
	}
	return func() tea.Msg { return tui.OpenCustomerMsg{ID: api.ID(id)} }
}

func (l *Lookup) newCustomer() tea.Cmd { return tui.Push(newCustomerForm(l.c, l.env)) }

func (l *Lookup) leave() tea.Cmd {
	l.inBox = false
	l.input.Blur()
	return nil
}

func (l *Lookup) focus() tea.Cmd {
	l.inBox = true
	l.input.Focus()
	return nil
}

// Refocus puts the keys back in the box when the screen is on top again.
func (l *Lookup) Refocus() tea.Cmd { return l.focus() }

// View draws the box and why there is no search.
func (l *Lookup) View() string {
	if l.width <= 0 || l.height <= 0 {
		return ""
	}
	st := l.c.Styles
	why := l.env.caps().Why(client.CapSearch)
	if why == "" {
		why = "this platform cannot search customers"
	}
	lines := []string{l.input.View(), ""}
	for _, s := range tui.Wrap(st.Cells, "No customer search: "+why+".", l.width, 0) {
		lines = append(lines, st.Muted.Render(s))
	}
	lines = append(lines, "")
	for _, s := range tui.Wrap(st.Cells, "Type a customer's id (from an order, an email or the store's admin) and press enter to open their profile.", l.width, 0) {
		lines = append(lines, st.Muted.Render(s))
	}
	return fitLines(lines, l.width, l.height)
}

// Cursor is the box's cursor while it has the keys.
func (l *Lookup) Cursor() *tea.Cursor {
	if !l.inBox {
		return nil
	}
	return l.input.Cursor()
}
