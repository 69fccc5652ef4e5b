package forms

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"frontdesk/api"
	"frontdesk/tui"
)

// The edit form's conflict: someone else saved the customer while the
// agent edited (412). It shows both sides field by field and lets the
// agent re-apply their changes on the new version, keep editing, or
// discard.

// conflict is a 412: the server's current customer and the choice.
type conflict struct {
	server api.Customer
	from   int64 // the version the agent edited
	rows   []diffRow
	choice string
	form   *huh.Form
}

// diffRow is one field that differs between the server and the agent.
type diffRow struct {
	key, label, server, yours, was string
	serverChanged                  bool
}

// Conflict choices.
const (
	choiceReapply = "reapply"
	choiceEdit    = "edit"
	choiceDiscard = "discard"
)

// showConflict builds the 412 view: the fields where the server and the
// agent differ, and the choice.
func (m *EditProfile) showConflict(server api.Customer) tea.Cmd {
	now := draftOf(server)
	var rows []diffRow
	keys, names := m.d.keys(), m.d
	if len(now.Addresses) > len(m.d.Addresses) {
		keys, names = now.keys(), now
	}
	for _, k := range keys {
		sv, yv, wv := now.get(k), m.d.get(k), m.was.get(k)
		if sv == yv || (sv == wv && yv == wv) {
			continue
		}
		rows = append(rows, diffRow{key: k, label: names.label(k), server: sv, yours: yv, was: wv, serverChanged: sv != wv})
	}
	cf := &conflict{server: server, from: m.orig.Version, rows: rows, choice: choiceReapply}
	cf.form = huh.NewForm(huh.NewGroup(
		huh.NewSelect[string]().Key("choice").
			Title("What now?").
			Options(
				huh.NewOption("Re-apply my changes on top of version "+fmt.Sprint(server.Version), choiceReapply),
				huh.NewOption("Keep editing on version "+fmt.Sprint(server.Version), choiceEdit),
				huh.NewOption("Discard my changes", choiceDiscard),
			).
			Value(&cf.choice),
	)).WithTheme(m.th.theme()).WithKeyMap(keyMap()).WithShowHelp(false).WithShowErrors(false)
	if m.width > 0 {
		cf.form.WithWidth(min(m.width, 76))
	}
	m.conflict = cf
	m.status = ""
	return cf.form.Init()
}

// conflictKeys are the keys of the conflict choice: enter takes the
// highlighted choice, esc keeps editing, ↑/↓ move in the select (its own
// keys), and tab goes nowhere (huh would leave the select and complete
// the form).
func (m *EditProfile) conflictKeys() []tui.Binding {
	k := m.c.Keys
	return []tui.Binding{
		{Keys: []string{"enter"}, Help: "choose", Run: func() tea.Cmd { return m.resolve(m.conflict.choice) }},
		{Keys: []string{"up", "down"}, HelpKey: "↑/↓", Help: "move"},
		k.Cancel.WithHelp("keep editing").Do(func() tea.Cmd { return m.resolve(choiceEdit) }),
		hidden(k.NextField.Do(noop)),
		hidden(k.PrevField.Do(noop)),
	}
}

// onConflictKey runs the conflict's binding for k, or gives k to the
// select.
func (m *EditProfile) onConflictKey(k tea.KeyPressMsg) tea.Cmd {
	if cmd, ok := m.c.Dispatch(k, m.onConflict); ok {
		return cmd
	}
	f, cmd := m.conflict.form.Update(k)
	m.conflict.form = f.(*huh.Form)
	return cmd
}

// resolve acts on the agent's choice after a conflict.
func (m *EditProfile) resolve(choice string) tea.Cmd {
	server := m.conflict.server
	m.conflict = nil
	switch choice {
	case choiceDiscard:
		return tea.Batch(
			tui.Info("Your changes were discarded; the profile shows the current version."),
			tea.Sequence(tui.Pop(), emit(CustomerSavedMsg{Customer: server})),
		)
	case choiceEdit:
		msg := fmt.Sprintf("Now editing on version %d: the other changes are in the form, yours are kept. ctrl+s saves.", server.Version)
		if m.rebase(server, true) {
			msg = fmt.Sprintf("Now editing on version %d. Its addresses changed too: your address changes were not kept, enter them again. ctrl+s saves.", server.Version)
		}
		m.setInfo(msg)
		return m.initForm()
	}
	if m.rebase(server, true) {
		// Re-applying would silently lose the address changes: let the
		// agent see the new addresses and enter them again.
		m.setInfo(fmt.Sprintf("Now editing on version %d. Its addresses changed too: your address changes were not kept, enter them again. ctrl+s saves.", server.Version))
		return m.initForm()
	}
	if m.patch().Empty() {
		return tea.Batch(
			tui.Info("Nothing to re-apply: the store already has your values."),
			tea.Sequence(tui.Pop(), emit(CustomerSavedMsg{Customer: server})),
		)
	}
	return tea.Batch(m.initForm(), m.save())
}

func (m *EditProfile) conflictView() string {
	s := m.c.Styles
	cf := m.conflict
	var sb strings.Builder
	sb.WriteString(s.Warning.Render(wrapText(s.Cells, fmt.Sprintf(
		"Someone else saved this customer while you were editing (version %d → %d).", cf.from, cf.server.Version), m.width)))
	sb.WriteString("\n\n")
	if len(cf.rows) == 0 {
		sb.WriteString(s.Muted.Render("Their changes do not touch the fields you changed."))
		sb.WriteString("\n")
	} else {
		lw, cw := 14, max(min((m.width-18)/2, 32), 8)
		sb.WriteString(s.TableHeader.Render("  " + s.Cells.Pad("Field", lw) + "  " + s.Cells.Pad("On the server now", cw) + "  " + "Yours"))
		sb.WriteString("\n")
		for _, r := range cf.rows {
			mark := "  "
			if r.serverChanged {
				mark = s.Warning.Render("* ")
			}
			yours := s.Strong.Render(s.Cells.Truncate(orEmpty(r.yours), cw))
			if r.yours == r.was {
				yours = s.Muted.Render("(you did not change it)")
			}
			sb.WriteString(mark + s.Cells.Pad(r.label, lw) + "  " + s.Cells.Pad(orEmpty(r.server), cw) + "  " + yours)
			sb.WriteString("\n")
		}
		sb.WriteString(s.Muted.Render("* changed on the server since you opened the form"))
		sb.WriteString("\n")
	}
	if mine := changedKeys(m.was, m.d); len(mine) > 0 {
		names := make([]string, len(mine))
		for i, k := range mine {
			names[i] = strings.ToLower(m.d.label(k))
		}
		sb.WriteString(s.Muted.Render(wrapText(s.Cells, "Re-applying sends only your changes ("+strings.Join(names, ", ")+") on top of the new version.", m.width)))
		sb.WriteString("\n")
	}
	sb.WriteString("\n")
	sb.WriteString(cf.form.View())
	return sb.String()
}

func orEmpty(s string) string {
	if s == "" {
		return "(empty)"
	}
	return s
}
