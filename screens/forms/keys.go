package forms

import (
	tea "charm.land/bubbletea/v2"

	"frontdesk/tui"
)

// A form's keys are data: each state of the form (editing the draft, a
// question open, a save in flight, refused) has one list of bindings,
// each carrying its action. The form captures keys, so it runs them
// itself through Common.Dispatch, which gates them (policy's sentence
// when refused); the footer (ShortHelp) and ? (FullHelp) show the same
// list. Keys no binding takes go to the focused field.
//
// The screen handles these keys, not huh, so that moving between fields
// is synchronous and enter on the last field saves instead of completing
// (and so closing) the huh form.

// draftFlow is how one form's draft differs in its keys.
type draftFlow struct {
	dirty func() bool
	// discard asks before a dirty draft is dropped; its Yes leaves.
	discard func() tea.Cmd
	save    func() tea.Cmd
	// multiline is a form whose one field is a text: enter is a new line
	// there, and tab has nowhere to go (huh would complete the form).
	multiline bool
}

// formKeys are the bindings of each state of a form.
type formKeys struct {
	// save is the key map's Save with the form's policy action and its
	// save: ctrl+s, and enter on the last field of a one-line form.
	save tui.Binding
	// draft: editing (save, next and previous field, cancel).
	draft []tui.Binding
	// ask: a question is open (yes, no, answer).
	ask []tui.Binding
	// saving: a save is in flight (esc cancels it; other keys wait).
	saving []tui.Binding
	// refused: the form may not be used (esc goes back; other keys do
	// nothing, the form says why).
	refused []tui.Binding
}

// noop is the action of a key that a state swallows on purpose.
func noop() tea.Cmd { return nil }

// hidden returns a copy of b that help does not list.
func hidden(b tui.Binding) tui.Binding {
	b.Hidden = true
	return b
}

// setFlow makes the form's key lists from the shared key map and d.
func (b *base) setFlow(d draftFlow) {
	k := b.c.Keys
	b.flow = d
	save := k.Save.Do(d.save)
	// Saving is what the form does: policy gates the key on that action
	// (role, read-only profile) and says its sentence.
	save.Policy = b.binding.Policy
	cancel := k.Cancel.Do(func() tea.Cmd {
		if !d.dirty() {
			return tui.Pop()
		}
		return d.discard()
	})
	next, prev := k.NextField.Do(b.nextField), k.PrevField.Do(b.prevField)
	draft := []tui.Binding{save, next, prev, cancel}
	if d.multiline {
		// enter is a new line (the field's own key); tab and shift+tab
		// have nowhere to go.
		newLine := tui.Binding{Keys: []string{"enter"}, Help: "new line"}
		draft = []tui.Binding{save, newLine, cancel, hidden(next.Do(noop)), hidden(prev.Do(noop))}
	}
	b.keys = formKeys{
		save:    save,
		draft:   draft,
		ask:     b.askKeys(),
		saving:  []tui.Binding{k.Cancel.WithHelp("cancel the save").Do(b.cancelSave)},
		refused: []tui.Binding{k.Cancel.WithHelp("back").Do(tui.Pop)},
	}
}

// keysNow is the list of the form's current state.
func (b *base) keysNow() []tui.Binding {
	switch {
	case b.refused != "":
		return b.keys.refused
	case b.ask != nil:
		return b.keys.ask
	case b.saving:
		return b.keys.saving
	}
	return b.keys.draft
}

// onKey handles a key of a form without states of its own: the binding
// of the current state, else the focused field.
func (b *base) onKey(k tea.KeyPressMsg) tea.Cmd {
	if cmd, busy := b.busyKey(k); busy {
		return cmd
	}
	return b.draftKey(k)
}

// busyKey handles a key while the draft is not the form's to edit
// (refused, a question open, a save in flight): that state's binding,
// and nothing for any other key. It reports false when the draft should
// handle the key.
func (b *base) busyKey(k tea.KeyPressMsg) (tea.Cmd, bool) {
	if b.refused == "" && b.ask == nil && !b.saving {
		return nil, false
	}
	cmd, _ := b.c.Dispatch(k, b.keysNow())
	return cmd, true
}

// draftKey handles a key on the draft: the draft's bindings (save, next,
// previous, cancel), then enter on the last field of a one-line form
// (save, gated as ctrl+s is), then the fields' own moves, then the huh
// form.
func (b *base) draftKey(k tea.KeyPressMsg) tea.Cmd {
	if cmd, ok := b.c.Dispatch(k, b.keys.draft); ok {
		return cmd
	}
	if b.flow.multiline {
		return b.updateForm(k)
	}
	if k.String() == "enter" && b.onLast() {
		enter := b.keys.save
		enter.Keys = []string{"enter"}
		cmd, _ := b.c.Dispatch(k, []tui.Binding{enter})
		return cmd
	}
	if cmd, ok := b.navigate(k); ok {
		return cmd
	}
	return b.updateForm(k)
}

// cancelSave is esc while a save is in flight.
func (b *base) cancelSave() tea.Cmd {
	b.stop()
	b.setInfo("Cancelling…")
	return nil
}

// formHelp is the short help of a form screen: the current state's
// bindings.
func (b *base) formHelp() []tui.Binding { return b.keysNow() }

// fullHelp is the ? list: the current state's bindings.
func (b *base) fullHelp() [][]tui.Binding { return [][]tui.Binding{b.keysNow()} }
