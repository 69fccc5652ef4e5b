package forms

import (
	"context"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/tui"
	"frontdesk/tui/sanitize"
)

// keyBody is the note's field (the API's name).
const keyBody = "body"

// Note is the add-note form (N): multi-line text, saved with the agent's
// name by the server. enter is a new line; ctrl+s saves.
type Note struct {
	base
	cl   Client
	cust api.Customer
	body string
}

// NewNote opens the add-note form.
func NewNote(c *tui.Common, cl Client, cust api.Customer) tui.Screen {
	m := &Note{base: newBase(c, c.Keys.Note, "Add a note · "+displayName(cust)), cl: cl, cust: cust}
	f := &field{key: keyBody, label: "Note", value: &m.body}
	f.text = huh.NewText().Key(keyBody).Value(&m.body).CharLimit(api.MaxNoteBodyLen).Lines(8).
		ExternalEditor(false).Placeholder("What happened, what you did, what the next agent should know.")
	f.check = m.checkBody
	m.build(f)
	m.setFlow(draftFlow{
		dirty: m.Dirty,
		discard: func() tea.Cmd {
			return m.confirm("Discard this note?", "Nothing has been saved.", nil, tui.Pop, nil)
		},
		save:      m.save,
		multiline: true,
	})
	return m
}

func (m *Note) checkBody(v string) (string, string) {
	if strings.TrimSpace(v) == "" && !m.tried {
		return "", ""
	}
	if err := api.ValidateNoteBody(v); err != nil {
		return sanitize.Line(err.Error()), ""
	}
	return "", fmt.Sprintf("%d/%d", len([]rune(v)), api.MaxNoteBodyLen)
}

// Init focuses the text.
func (m *Note) Init() tea.Cmd {
	if m.refused != "" {
		return nil
	}
	return m.initForm()
}

// Title names the screen in the breadcrumbs.
func (m *Note) Title() string { return "Add note" }

// Dirty reports whether the agent typed anything.
func (m *Note) Dirty() bool { return strings.TrimSpace(m.body) != "" }

// Update handles keys and answers.
func (m *Note) Update(msg tea.Msg) (tui.Screen, tea.Cmd) {
	return m, m.route(m, msg, m.onAnswer, m.onKey, m.updateForm)
}

func (m *Note) save() tea.Cmd {
	if m.refuse("Cannot add the note: ") {
		return nil
	}
	m.tried = true
	m.refreshTitles()
	if len(m.problems()) > 0 {
		m.setError("Fix the note first: it needs at least 3 characters.")
		return nil
	}
	body := strings.TrimSpace(m.body)
	send := func() tea.Cmd {
		id := m.cust.ID
		return m.start(m, func(ctx context.Context) (any, error) {
			return m.cl.AddNote(ctx, id, body)
		})
	}
	if m.c.Confirm(m.binding) {
		return m.confirm(fmt.Sprintf("Add this note to %s on %s?", displayName(m.cust), productionLabel(m.c)), "",
			[]string{sanitize.Truncate(body, max(m.width-2, 10))}, send, nil)
	}
	return send()
}

func (m *Note) onAnswer(a answerMsg) tea.Cmd {
	if a.err == nil {
		n, _ := a.val.(api.Note)
		return tea.Batch(
			tui.Success("Note added to "+displayName(m.cust)+"'s profile."),
			tea.Sequence(tui.Pop(), emit(NoteAddedMsg{Note: n})),
		)
	}
	if client.IsTransport(a.err) || isCancel(a.err) {
		m.setError(explain(a.err) + " The note may or may not have been saved: check the Notes tab before trying again. Your text is kept.")
		return nil
	}
	m.fail(a.err, nil, nil)
	m.refreshTitles()
	return nil
}

// View draws the text, or a confirmation.
func (m *Note) View() string {
	if m.refused != "" {
		return m.refusedView()
	}
	sub := "saved with your name"
	if n := sanitize.Line(m.c.Agent.Name); n != "" {
		sub = "saved as " + n
	}
	if m.ask != nil {
		return m.frame(sub, m.questionView())
	}
	return m.frame(sub, m.form.View())
}
