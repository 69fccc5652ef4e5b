package tui

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
)

// ctrl+c over an unsaved draft asks in the footer; a second ctrl+c
// quits, any other key goes back to the draft (and does its usual work).
func TestCtrlCAsksOverAnUnsavedDraft(t *testing.T) {
	for _, size := range []tea.WindowSizeMsg{{Width: 80, Height: 24}, {Width: 160, Height: 45}} {
		m, _ := testShell(t, Options{NoColor: true})
		send(t, m, size)
		form := newFake(m.Common(), "Edit profile")
		form.capture, form.dirty = true, true
		sendAll(t, m, PushMsg{Screen: form})
		if hasQuit(sendAll(t, m, keyCtrlC)) {
			t.Fatal("the first ctrl+c over a dirty draft quit")
		}
		if v := content(m); !strings.Contains(v, "press ctrl+c again to quit and discard it") {
			t.Fatalf("no question in the footer at %dx%d:\n%s", size.Width, size.Height, v)
		}
		if form.closed != 0 || len(form.keys) != 0 {
			t.Fatalf("the form was closed (%d) or got the key %v", form.closed, form.keys)
		}
		if !hasQuit(sendAll(t, m, keyCtrlC)) || form.closed != 1 {
			t.Fatal("the second ctrl+c did not quit")
		}
	}

	t.Run("another key goes back to the draft", func(t *testing.T) {
		m, _ := testShell(t, Options{})
		form := newFake(m.Common(), "Note")
		form.capture, form.dirty = true, true
		sendAll(t, m, PushMsg{Screen: form})
		sendAll(t, m, keyCtrlC)
		sendAll(t, m, keyText("x"))
		if len(form.keys) != 1 || form.keys[0] != "x" {
			t.Fatalf("the key after the question reached the form as %v", form.keys)
		}
		if strings.Contains(content(m), "ctrl+c again") {
			t.Errorf("the question stayed on screen:\n%s", content(m))
		}
		if hasQuit(sendAll(t, m, keyCtrlC)) {
			t.Fatal("ctrl+c after going back to the draft quit without asking again")
		}
	})
	t.Run("the question ends when its toast does", func(t *testing.T) {
		m, _ := testShell(t, Options{})
		form := newFake(m.Common(), "Note")
		form.dirty = true
		sendAll(t, m, PushMsg{Screen: form})
		send(t, m, keyCtrlC)
		send(t, m, toastExpiredMsg{id: m.status.toast.id})
		if hasQuit(sendAll(t, m, keyCtrlC)) {
			t.Fatal("ctrl+c quit after the question had gone from the screen")
		}
		// A newer toast hides the question too.
		send(t, m, ToastMsg{Kind: ToastInfo, Text: "saved elsewhere"})
		if hasQuit(sendAll(t, m, keyCtrlC)) {
			t.Fatal("ctrl+c quit after another toast replaced the question")
		}
	})
	t.Run("a clean screen quits at once", func(t *testing.T) {
		m, _ := testShell(t, Options{})
		form := newFake(m.Common(), "Note")
		form.capture = true
		sendAll(t, m, PushMsg{Screen: form})
		if !hasQuit(sendAll(t, m, keyCtrlC)) {
			t.Fatal("ctrl+c on a clean form did not quit")
		}
	})
}

func TestToastExpiryIgnoresStaleTicks(t *testing.T) {
	m, _ := testShell(t, Options{})
	first := send(t, m, ToastMsg{Kind: ToastInfo, Text: "first", TTL: time.Millisecond})
	if len(first) != 1 {
		t.Fatalf("toast scheduled %v", first)
	}
	firstExpiry, ok := first[0].(toastExpiredMsg)
	if !ok {
		t.Fatalf("toast timer gave %T", first[0])
	}
	second := send(t, m, ToastMsg{Kind: ToastError, Text: "second", TTL: time.Millisecond})
	secondExpiry := second[0].(toastExpiredMsg)
	send(t, m, firstExpiry)
	if !strings.Contains(content(m), "second") {
		t.Fatalf("the first toast's timer cleared the second:\n%s", content(m))
	}
	send(t, m, secondExpiry)
	if strings.Contains(content(m), "second") {
		t.Fatalf("the second toast did not expire:\n%s", content(m))
	}
}

// An error toast is wrapped over up to four footer lines, so the cause,
// the advice and the request id survive at 80 columns; the content gives
// up the lines while it shows and gets them back after.
func TestErrorToastWraps(t *testing.T) {
	long := "cannot reach the store at http://127.0.0.1:41234/: no answer in time (after 3 attempts) — the store is slow or unreachable; try again, or raise the timeout (request req_0123456789abcdef)"
	for _, size := range []tea.WindowSizeMsg{{Width: 80, Height: 24}, {Width: 60, Height: 16}, {Width: 200, Height: 50}} {
		m, root := testShell(t, Options{NoColor: true})
		send(t, m, size)
		h := root.h
		send(t, m, ToastMsg{Kind: ToastError, Text: long})
		v := content(m)
		lines := strings.Split(v, "\n")
		if len(lines) != size.Height {
			t.Fatalf("%dx%d: the frame is %d lines", size.Width, size.Height, len(lines))
		}
		flat := strings.Join(strings.Fields(strings.Join(lines[len(lines)-5:], " ")), " ")
		if !strings.Contains(flat, "try again, or raise the timeout (request req_0123456789abcdef)") {
			t.Errorf("%dx%d: the error lost its advice or request id:\n%s", size.Width, size.Height, v)
		}
		if size.Width < 200 && root.h >= h {
			t.Errorf("%dx%d: the content kept %d lines under a %d-line footer", size.Width, size.Height, root.h, m.footerH)
		}
		if !strings.Contains(lines[len(lines)-1], "? help") {
			t.Errorf("%dx%d: the key help is gone: %q", size.Width, size.Height, lines[len(lines)-1])
		}
		send(t, m, toastExpiredMsg{id: m.status.toast.id})
		if root.h != h || strings.Contains(content(m), "raise the timeout") {
			t.Errorf("%dx%d: after the toast the content is %d lines (was %d)", size.Width, size.Height, root.h, h)
		}
	}
	// Longer than four lines: cut, the cut is marked, and :error shows
	// the whole message (scrolling if need be) after the toast is gone.
	m, _ := testShell(t, Options{NoColor: true})
	send(t, m, tea.WindowSizeMsg{Width: 60, Height: 16})
	send(t, m, ToastMsg{Kind: ToastError, Text: strings.Repeat("very long error ", 40) + "THE_END"})
	lines := strings.Split(content(m), "\n")
	if len(lines) != 16 || !strings.HasSuffix(strings.TrimSpace(lines[len(lines)-3]), "…") ||
		!strings.Contains(lines[len(lines)-2], ":error shows the whole message") {
		t.Errorf("a too long toast:\n%s", content(m))
	}
	send(t, m, toastExpiredMsg{id: m.status.toast.id})
	sendAll(t, m, keyText(":"))
	typeText(t, m, "error")
	sendAll(t, m, keyEnter)
	if v := content(m); !strings.Contains(v, "Last error") || !strings.Contains(v, "very long error") || !strings.Contains(v, "more below") {
		t.Fatalf(":error did not show the error:\n%s", v)
	}
	sendAll(t, m, keyText("G"))
	if v := content(m); !strings.Contains(v, "THE_END") {
		t.Fatalf("G did not reach the end of the error:\n%s", v)
	}
	sendAll(t, m, keyEsc)
	if m.help.open {
		t.Fatal("esc did not close the error")
	}
	fresh, _ := testShell(t, Options{})
	sendAll(t, fresh, keyText(":"))
	typeText(t, fresh, "error")
	sendAll(t, fresh, keyEnter)
	if fresh.help.open || !strings.Contains(content(fresh), "no error so far") {
		t.Errorf(":error with no error:\n%s", content(fresh))
	}
}

func TestToastHelpers(t *testing.T) {
	for _, tt := range []struct {
		cmd  tea.Cmd
		kind ToastKind
		text string
	}{
		{Info("hi"), ToastInfo, "hi"},
		{Success("saved"), ToastSuccess, "saved"},
		{Errorf("bad %d", 1), ToastError, "bad 1"},
		{ErrorFrom(fmt.Errorf("save: %w", userErr{})), ToastError, "do this next"},
		{ErrorFrom(errors.New("plain")), ToastError, "plain"},
	} {
		got := tt.cmd().(ToastMsg)
		if got.Kind != tt.kind || got.Text != tt.text {
			t.Errorf("got %+v, want %v %q", got, tt.kind, tt.text)
		}
	}
	if ErrorFrom(nil) != nil {
		t.Error("ErrorFrom(nil) is not nil")
	}
}

type userErr struct{}

func (userErr) Error() string { return "raw" }

func (userErr) UserMessage() string { return "do this next" }

func TestSpinnerWhileInFlight(t *testing.T) {
	m, _ := testShell(t, Options{})
	type loaded struct{}
	cmd := m.Common().Track(func() tea.Msg { return loaded{} })
	msgs := send(t, m, struct{}{}) // any Update notices the work
	var ticking bool
	for _, msg := range msgs {
		if _, ok := msg.(spinner.TickMsg); ok {
			ticking = true
		}
		if _, ok := msg.(pendingTimer); ok {
			ticking = true // the spinner's tick is a timer
		}
	}
	if !ticking {
		t.Fatalf("no spinner tick started: %v", msgs)
	}
	if !strings.Contains(content(m), "working…") {
		t.Errorf("footer does not show work in flight:\n%s", content(m))
	}
	out := sendAll(t, m, cmd())
	var delivered bool
	for _, msg := range out {
		if _, ok := msg.(loaded); ok {
			delivered = true
		}
	}
	if !delivered || m.Common().InFlight() != 0 {
		t.Fatalf("done: delivered %v, in flight %d", delivered, m.Common().InFlight())
	}
	if strings.Contains(content(m), "working…") {
		t.Error("spinner still shown after the work ended")
	}
	send(t, m, spinner.TickMsg{ID: m.status.spinner.ID()})
	if m.status.spinning {
		t.Error("the spinner kept ticking with nothing in flight")
	}
}
