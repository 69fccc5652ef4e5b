package forms

import (
	"fmt"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
)

// field is one input of a form, bound to a string of the screen's draft.
type field struct {
	key   string // the API's field name, as error.fields names it
	label string
	value *string

	input *huh.Input
	sel   *huh.Select[string]
	text  *huh.Text

	// check returns what is wrong with v ("" if nothing) and, when it is
	// fine, a hint worth showing (the phone number as it will be saved).
	check func(v string) (problem, hint string)

	title string // the title last given to the huh field
	// inline marks a one-line select (←/→ choose), where ↑/↓ are free
	// to move between fields as in an input.
	inline bool
}

// moves reports whether ↑/↓ move between fields on f (rather than
// within it).
func (f *field) moves() bool { return f.input != nil || (f.sel != nil && f.inline) }

func (f *field) huh() huh.Field {
	switch {
	case f.input != nil:
		return f.input
	case f.sel != nil:
		return f.sel
	}
	return f.text
}

func (f *field) setTitle(t string) {
	f.title = t
	switch {
	case f.input != nil:
		f.input.Title(t)
	case f.sel != nil:
		f.sel.Title(t)
	default:
		f.text.Title(t)
	}
}

// rejected is a value the server refused for a field, and why. It shows
// on the field for as long as the field still holds that value.
type rejected struct{ value, msg string }

// problem is what is wrong with f now: the server's word while the value
// is the one it refused, else the form's own check.
func (b *base) problem(f *field) (problem, hint string) {
	v := *f.value
	if r, ok := b.serverErr[f.key]; ok && r.value == v {
		return r.msg, ""
	}
	if f.check == nil {
		return "", ""
	}
	return f.check(v)
}

// refreshTitles puts each field's problem or hint in its title, so the
// error sits on the field and changes as the agent types. huh builds its
// view in Update, so a changed title is followed by a no-op update.
func (b *base) refreshTitles() {
	if b.form == nil {
		return
	}
	s := b.c.Styles
	changed := false
	for _, f := range b.fields {
		t := f.label
		if p, h := b.problem(f); p != "" {
			t += s.Error.Render("  ✗ " + p)
		} else if h != "" {
			t += s.Muted.Render("  · " + h)
		}
		if t != f.title {
			f.setTitle(t)
			changed = true
		}
	}
	if changed {
		b.form.Update(repaintMsg{})
	}
}

// repaintMsg makes huh rebuild its view; no field reacts to it.
type repaintMsg struct{}

// problems lists the fields with a problem, in form order.
func (b *base) problems() []*field {
	var out []*field
	for _, f := range b.fields {
		if p, _ := b.problem(f); p != "" {
			out = append(out, f)
		}
	}
	return out
}

func (b *base) firstProblem() *field {
	if p := b.problems(); len(p) > 0 {
		return p[0]
	}
	return nil
}

func (b *base) fieldByKey(k string) *field {
	for _, f := range b.fields {
		if f.key == k {
			return f
		}
	}
	return nil
}

// flagProblems shows every field's problem and reports whether there is
// any; if so the status line counts them and the first gets the focus.
func (b *base) flagProblems() (tea.Cmd, bool) {
	b.refreshTitles()
	if bad := b.problems(); len(bad) > 0 {
		b.setError(fmt.Sprintf("Fix the %s marked ✗ first.", plural(len(bad), "field")))
		return b.focus(bad[0]), true
	}
	return nil, false
}

func (b *base) focused() *field {
	if b.form == nil {
		return nil
	}
	hf := b.form.GetFocusedField()
	for _, f := range b.fields {
		if f.huh() == hf {
			return f
		}
	}
	return nil
}

func (b *base) index(f *field) int {
	for i, g := range b.fields {
		if g == f {
			return i
		}
	}
	return -1
}

// focus moves the focus to f.
func (b *base) focus(f *field) tea.Cmd {
	cur := b.index(b.focused())
	to := b.index(f)
	if cur < 0 || to < 0 {
		return nil
	}
	var cmds []tea.Cmd
	for ; cur < to; cur++ {
		cmds = append(cmds, b.form.NextField())
	}
	for ; cur > to; cur-- {
		cmds = append(cmds, b.form.PrevField())
	}
	return tea.Batch(cmds...)
}

// onLast reports whether the focus is on the last field.
func (b *base) onLast() bool {
	f := b.focused()
	return f != nil && b.index(f) == len(b.fields)-1
}

// nextField moves the focus to the next field (tab). It never moves past
// the last field: huh would then complete the form.
func (b *base) nextField() tea.Cmd {
	if b.focused() == nil || b.onLast() {
		return nil
	}
	return b.form.NextField()
}

// prevField moves the focus to the previous field (shift+tab).
func (b *base) prevField() tea.Cmd {
	f := b.focused()
	if f == nil || b.index(f) == 0 {
		return nil
	}
	return b.form.PrevField()
}

// navigate handles the fields' own moves: enter on an input goes to the
// next field, and ↑/↓ move between fields where the field does not use
// them itself. It reports false for any other key.
func (b *base) navigate(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	f := b.focused()
	if f == nil {
		return nil, false
	}
	switch k := msg.String(); {
	case (k == "enter" && f.text == nil) || (k == "down" && f.moves()):
		return b.nextField(), true
	case k == "up" && f.moves():
		return b.prevField(), true
	}
	return nil, false
}

// updateForm hands msg to the huh form (keys the screen did not take,
// and every message that is not the screen's own: huh's internal ones).
// A paste while saving or asking is dropped: it would change a draft
// that is no longer on screen.
func (b *base) updateForm(msg tea.Msg) tea.Cmd {
	if _, ok := msg.(tea.PasteMsg); ok && (b.saving || b.ask != nil) {
		return nil
	}
	if b.ask != nil {
		m, cmd := b.ask.form.Update(msg)
		b.ask.form = m.(*huh.Form)
		return cmd
	}
	if b.form == nil {
		return nil
	}
	m, cmd := b.form.Update(msg)
	b.form = m.(*huh.Form)
	b.refreshTitles()
	return cmd
}
