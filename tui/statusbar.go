package tui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// statusBar is the footer's first lines: the toast (with its expiry),
// the spinner while work is in flight, the ctrl+c question over an
// unsaved draft, and the last error, which :error shows whole.
type statusBar struct {
	toast toastState
	seq   int
	// quitArmed is the id of the toast that asked "press ctrl+c again to
	// quit and discard the draft": while it is shown, ctrl+c quits. 0 is
	// not armed.
	quitArmed int
	// lastError is the text of the last error toast, for ":error".
	lastError string

	spinner  spinner.Model
	spinning bool
}

type toastState struct {
	kind ToastKind
	text string
	id   int
}

// toastExpiredMsg clears the toast with this id, if it is still shown.
type toastExpiredMsg struct{ id int }

func newStatusBar() statusBar {
	return statusBar{spinner: spinner.New(spinner.WithSpinner(spinner.MiniDot))}
}

// show replaces the toast and schedules its expiry. The expiry carries
// the toast's id, so an older toast's timer cannot clear a newer one.
func (b *statusBar) show(t ToastMsg) tea.Cmd {
	// A new toast hides the ctrl+c question, so it no longer holds.
	b.quitArmed = 0
	b.seq++
	b.toast = toastState{kind: t.Kind, text: t.Text, id: b.seq}
	if t.Kind == ToastError {
		b.lastError = t.Text
	}
	ttl := t.TTL
	if ttl <= 0 {
		ttl = ToastTTL
		if t.Kind == ToastError {
			ttl = ErrorToastTTL
		}
	}
	id := b.seq
	return tea.Tick(ttl, func(time.Time) tea.Msg { return toastExpiredMsg{id: id} })
}

// expire clears the toast with id if it is still shown.
func (b *statusBar) expire(id int) {
	if id == b.toast.id {
		b.toast = toastState{}
	}
	if id == b.quitArmed {
		b.quitArmed = 0 // the question is no longer on screen
	}
}

// askQuit shows the question a first ctrl+c over a draft asks; while it
// is on screen, quitAsked is true.
func (b *statusBar) askQuit() tea.Cmd {
	cmd := b.show(ToastMsg{Kind: ToastError, Text: "Unsaved draft: press ctrl+c again to quit and discard it; any other key goes back to it."})
	b.quitArmed = b.toast.id
	return cmd
}

func (b *statusBar) quitAsked() bool { return b.quitArmed != 0 }

// dismissQuit answers the question "no": any key but ctrl+c.
func (b *statusBar) dismissQuit() {
	if b.quitArmed == 0 {
		return
	}
	if b.toast.id == b.quitArmed {
		b.toast = toastState{}
	}
	b.quitArmed = 0
}

// spin starts the spinner when work is in flight and it is not turning.
func (b *statusBar) spin(inFlight int) tea.Cmd {
	if inFlight > 0 && !b.spinning {
		b.spinning = true
		return b.spinner.Tick
	}
	return nil
}

// tick turns the spinner; the tick chain ends once nothing is in flight.
func (b *statusBar) tick(msg spinner.TickMsg, inFlight int) tea.Cmd {
	if inFlight == 0 {
		b.spinning = false
		return nil
	}
	var cmd tea.Cmd
	b.spinner, cmd = b.spinner.Update(msg)
	return cmd
}

// lines is the spinner and the toast, wrapped to width on up to
// maxStatusLines lines. An error longer than that ends with a line saying
// that :error shows all of it. Empty when there is nothing to say.
func (b *statusBar) lines(st Styles, width, inFlight int) []string {
	var spin string
	if inFlight > 0 {
		spin = b.spinner.View() + " "
	}
	room := max(1, width-st.Cells.StringWidth(spin))
	var lines []string
	switch {
	case b.toast.text != "":
		s := st.ToastInfo
		switch b.toast.kind {
		case ToastSuccess:
			s = st.ToastSuccess
		case ToastError:
			s = st.ToastError
		}
		all := Wrap(st.Cells, b.toast.text, room, 0)
		if len(all) > maxStatusLines && b.toast.kind == ToastError {
			all = append(Wrap(st.Cells, b.toast.text, room, maxStatusLines-1), "(:error shows the whole message)")
		} else if len(all) > maxStatusLines {
			all = Wrap(st.Cells, b.toast.text, room, maxStatusLines)
		}
		lines = styleLines(s, all)
	case spin != "":
		lines = []string{st.Muted.Render("working…")}
	}
	if spin != "" && len(lines) > 0 {
		lines[0] = spin + lines[0]
		for i := 1; i < len(lines); i++ {
			lines[i] = strings.Repeat(" ", st.Cells.StringWidth(spin)) + lines[i]
		}
	}
	return lines
}

// styleLines renders every line with s.
func styleLines(s lipgloss.Style, lines []string) []string {
	for i, l := range lines {
		lines[i] = s.Render(l)
	}
	return lines
}
