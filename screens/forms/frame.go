package forms

import (
	"context"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"frontdesk/api"
	"frontdesk/tui"
	"frontdesk/tui/sanitize"
)

// base is what the four forms share: the huh form and its fields, the
// confirmation, the request in flight, the status line and the gating.
type base struct {
	c       *tui.Common
	th      themer
	binding tui.Binding // the action, for role and read-only gating
	title   string
	// refused says why the form may not be used at all (read-only
	// profile, role); the screen then shows it and saves nothing.
	refused string

	width, height int

	form   *huh.Form
	fields []*field

	ask *question

	saving bool
	seq    int
	cancel context.CancelFunc

	status    string
	statusErr bool

	serverErr map[string]rejected
	// tried is set by the first save: from then on empty required
	// fields are flagged too.
	tried bool

	// flow is how this form's draft takes its keys, and keys the
	// bindings of each state made from it (setFlow).
	flow draftFlow
	keys formKeys
}

func newBase(c *tui.Common, b tui.Binding, title string) base {
	return base{c: c, th: themer{c: c}, binding: b, title: title, refused: c.Reason(b), serverErr: map[string]rejected{}}
}

// build makes the huh form over fields (in order).
func (b *base) build(fields ...*field) {
	b.fields = fields
	hf := make([]huh.Field, len(fields))
	for i, f := range fields {
		f.setTitle(f.label)
		hf[i] = f.huh()
	}
	b.form = huh.NewForm(huh.NewGroup(hf...)).
		WithTheme(b.th.theme()).
		WithKeyMap(keyMap()).
		WithShowHelp(false).
		WithShowErrors(false)
	b.resize()
	b.refreshTitles()
}

// chrome is the lines the screen draws around the form: title, a blank
// line, and at the bottom a blank line and the status line.
const chrome = 4

func (b *base) resize() {
	if b.form == nil || b.width <= 0 {
		return
	}
	b.form.WithWidth(min(b.width, 76))
	b.form.WithHeight(max(b.height-chrome, 3))
}

// SetSize, CapturesKeys, ShortHelp, FullHelp and Close are the
// tui.Screen methods every form shares; a form with more state (the edit
// form's conflict choice) defines its own.

// SetSize sets the content size.
func (b *base) SetSize(w, h int) { b.setSize(w, h) }

// CapturesKeys is true: the form takes every key but ctrl+c.
func (b *base) CapturesKeys() bool { return true }

// ShortHelp is the footer's help.
func (b *base) ShortHelp() []tui.Binding { return b.formHelp() }

// FullHelp is the ? list.
func (b *base) FullHelp() [][]tui.Binding { return b.fullHelp() }

// Close cancels a request in flight.
func (b *base) Close() { b.stop() }

func (b *base) setSize(w, h int) {
	b.width, b.height = w, h
	b.resize()
}

func (b *base) initForm() tea.Cmd {
	if b.form == nil {
		return nil
	}
	return b.form.Init()
}

// frame draws a form screen: title, body, status line, in exactly w×h.
func (b *base) frame(subtitle, body string) string {
	s := b.c.Styles
	var sb strings.Builder
	sb.WriteString(s.Title.Render(s.Cells.Truncate(b.title, max(b.width-2, 1))))
	if subtitle != "" {
		sb.WriteString(s.Muted.Render("  " + subtitle))
	}
	sb.WriteString("\n\n")
	sb.WriteString(body)
	lines := strings.Split(sb.String(), "\n")
	status := ""
	switch {
	case b.status != "" && b.statusErr:
		status = s.Error.Render(wrapText(s.Cells, b.status, b.width))
	case b.status != "":
		status = s.Muted.Render(wrapText(s.Cells, b.status, b.width))
	}
	var sl []string
	if status != "" {
		sl = append([]string{""}, strings.Split(status, "\n")...)
	}
	return fit(s.Cells, lines, sl, b.width, b.height)
}

// fit lays out body lines and the bottom lines in exactly w×h: the body
// is cut if it would hide the bottom lines, every line is cut to w cells.
func fit(c sanitize.Cells, body, bottom []string, w, h int) string {
	if h <= 0 || w <= 0 {
		return ""
	}
	if len(bottom) > h {
		bottom = bottom[len(bottom)-h:]
	}
	room := h - len(bottom)
	if len(body) > room {
		body = body[:room]
	}
	out := make([]string, 0, h)
	out = append(out, body...)
	for len(out) < h-len(bottom) {
		out = append(out, "")
	}
	out = append(out, bottom...)
	for i, l := range out {
		if c.StringWidth(l) > w {
			l = c.Cut(l, w, "…")
		}
		out[i] = l
	}
	return strings.Join(out, "\n")
}

// wrapText wraps plain text to w cells, measured as c counts them.
func wrapText(c sanitize.Cells, s string, w int) string {
	if w <= 0 {
		return s
	}
	return c.Wordwrap(s, w)
}

// refusedView is what a form that may not be used shows.
func (b *base) refusedView() string {
	return b.frame("", b.c.Styles.Error.Render(wrapText(b.c.Styles.Cells, "This form cannot be used: "+b.refused+".", b.width))+"\n\n"+
		b.c.Styles.Muted.Render("Press esc to go back."))
}

func displayName(c api.Customer) string {
	n := strings.TrimSpace(sanitize.Line(c.Name()))
	if n == "" {
		n = "customer " + sanitize.Line(string(c.ID))
	}
	return n
}

func productionLabel(c *tui.Common) string {
	return sanitize.Line(c.Profile.Label()) + " (PRODUCTION)"
}

func emit(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
