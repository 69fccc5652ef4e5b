package screens

import (
	"context"
	"strings"

	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/tui"
)

// notesPageSize is how many notes one server page holds.
const notesPageSize = 20

// notesLoadedMsg answers the Notes tab's request for page at.
type notesLoadedMsg struct {
	t    *notesTab
	seq  int
	at   int
	list client.Page[api.Note]
	err  error
}

// notesTab is the customer's internal support notes, newest first, a
// server page at a time, as text that scrolls. It brings `N` (add a
// note) to the whole profile.
type notesTab struct {
	tabBase
	l      load
	pg     pager[api.Note]
	scroll int
	add    Binding
}

func newNotesTab(p *Profile) tabComponent {
	t := &notesTab{tabBase: tabBase{p: p}, pg: newPager[api.Note](notesPageSize)}
	t.add = p.c.Keys.Note.With(p.needCustomer).Do(func() tea.Cmd { return tui.Push(noteForm(p.c, p.env, p.cust)) })
	return t
}

func (t *notesTab) kind() tab              { return tabNotes }
func (t *notesTab) Actions() []tui.Binding { return []tui.Binding{t.add} }
func (t *notesTab) Loads() []paneLoad      { return []paneLoad{{&t.l, t.fetch}} }
func (t *notesTab) Refresh() tea.Cmd       { return t.fetch() }

func (t *notesTab) Show() tea.Cmd {
	if t.l.wanted() {
		return t.fetch()
	}
	return nil
}

func (t *notesTab) Update(msg tea.Msg) tea.Cmd {
	m, ok := msg.(notesLoadedMsg)
	if !ok || m.t != t || !t.l.accept(m.seq, m.err) {
		return nil
	}
	if m.err != nil {
		return t.p.failed(&t.l, "load notes", m.err)
	}
	t.pg.take(m.at, m.list)
	return t.p.retryFailed()
}

// Saved goes back to the first page, where a new note is, and reads it
// again when next looked at.
func (t *notesTab) Saved(s formSave) tea.Cmd {
	if s.note != nil && s.note.CustomerID == t.p.id {
		t.l.stale()
		t.pg.reset()
	}
	return nil
}

func (t *notesTab) Move(d int) { t.scrollBy(&t.scroll, d, len(t.lines())) }

func (t *notesTab) PageBy(d int) tea.Cmd {
	return t.pg.turnThen(d, func() tea.Cmd { t.scroll = 0; return t.fetch() })
}

func (t *notesTab) fetch() tea.Cmd {
	cl, id, at, params := t.p.env.cl, t.p.id, t.pg.n, t.pg.params()
	return t.l.startPaced(t.p.c, func(ctx context.Context, seq int) tea.Msg {
		l, err := cl.ListNotes(ctx, id, params)
		return notesLoadedMsg{t: t, seq: seq, at: at, list: l, err: err}
	})
}

func (t *notesTab) View(lines []string) []string {
	return append(lines, t.window(t.scroll, t.lines())...)
}

// lines are the whole tab as text, for drawing and scrolling.
func (t *notesTab) lines() []string {
	st, w, env := t.p.c.Styles, t.width, t.p.env
	var out []string
	if s, ok := loadState(st, &t.l, "notes", w); ok {
		out = append(out, s...)
		if !t.l.loaded {
			return out
		}
	} else {
		out = append(out, statusLine(st, t.pg.status("note", "notes")+", newest first", "N adds a note", w))
	}
	if len(t.pg.items()) == 0 {
		return append(out, "", st.Muted.Render("No notes yet."))
	}
	for _, n := range t.pg.items() {
		head := env.dateTime(n.CreatedAt) + " · " + agentName(n.AgentName, n.AgentID) + " · " + env.ago(n.CreatedAt)
		out = append(out, "", st.Accent.Render(st.Cells.Truncate(head, w)))
		body := st.Cells.Block(n.Body)
		// Sanitized text holds no escape sequences, so wrapping it by
		// cells cannot cut one in half.
		for _, l := range strings.Split(st.Cells.Wrap(body, max(1, w-2)), "\n") {
			out = append(out, "  "+st.Value.Render(l))
		}
	}
	return out
}
