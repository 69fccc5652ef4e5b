package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"frontdesk/api"
)

// fakeScreen is a screen that records what reaches it.
type fakeScreen struct {
	c       *Common
	title   string
	body    string
	w, h    int
	capture bool
	dirty   bool // holds an unsaved draft (Drafter)

	inits, closed int
	keys          []string
	msgs          []tea.Msg
	wheel         []tea.Mouse
	clicks        []tea.Mouse
	edits         int
}

func newFake(c *Common, title string) *fakeScreen {
	return &fakeScreen{c: c, title: title, body: "body of " + title}
}

func (s *fakeScreen) Init() tea.Cmd { s.inits++; return nil }

func (s *fakeScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		s.keys = append(s.keys, msg.String())
		if s.c.Fires(msg, s.c.Keys.Edit) {
			s.edits++
		}
		if s.capture && msg.String() == "esc" {
			s.capture = false // a focused input blurs on esc
		}
	case tea.MouseWheelMsg:
		s.wheel = append(s.wheel, msg.Mouse())
	case tea.MouseClickMsg:
		s.clicks = append(s.clicks, msg.Mouse())
	default:
		s.msgs = append(s.msgs, msg)
	}
	return s, nil
}

func (s *fakeScreen) View() string {
	var b strings.Builder
	b.WriteString(s.c.Styles.Title.Render(s.title))
	b.WriteString("\n")
	b.WriteString(s.body)
	return b.String()
}

func (s *fakeScreen) SetSize(w, h int)     { s.w, s.h = w, h }
func (s *fakeScreen) Title() string        { return s.title }
func (s *fakeScreen) CapturesKeys() bool   { return s.capture }
func (s *fakeScreen) Close()               { s.closed++ }
func (s *fakeScreen) Dirty() bool          { return s.dirty }
func (s *fakeScreen) ShortHelp() []Binding { return []Binding{s.c.Keys.Open, s.c.Keys.Edit} }
func (s *fakeScreen) FullHelp() [][]Binding {
	k := s.c.Keys
	return [][]Binding{{k.Up, k.Down, k.Open}, {k.Edit, k.New, k.Copy}}
}

// testShell builds a shell at 100×30 with a fake root and a router that
// opens fake customer screens.
func testShell(t *testing.T, opts Options) (*Shell, *fakeScreen) {
	t.Helper()
	var root *fakeScreen
	opts.Root = func(c *Common) Screen { root = newFake(c, "Search"); return root }
	if opts.Router == nil {
		opts.Router = func(c *Common, msg tea.Msg) (tea.Cmd, bool) {
			switch msg := msg.(type) {
			case OpenCustomerMsg:
				return Push(newFake(c, "Customer "+string(msg.ID))), true
			case SearchMsg:
				s := newFake(c, "Search: "+msg.Query)
				return ResetTo(s), true
			}
			return nil, false
		}
	}
	if opts.Agent == nil && opts.LoadAgent == nil {
		opts.Agent = &api.Me{AgentID: "a1", Name: "Amina Otieno", Role: api.RoleAgent}
	}
	m, err := New(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	send(t, m, tea.WindowSizeMsg{Width: 100, Height: 30})
	return m, root
}

// send runs one Update and returns the messages its command produces
// (batches flattened; ticks longer than a test would wait left unrun).
func send(t *testing.T, m *Shell, msg tea.Msg) []tea.Msg {
	t.Helper()
	_, cmd := m.Update(msg)
	return collect(t, cmd)
}

func collect(t *testing.T, cmd tea.Cmd) []tea.Msg {
	t.Helper()
	if cmd == nil {
		return nil
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	select {
	case msg := <-done:
		if b, ok := msg.(tea.BatchMsg); ok {
			var out []tea.Msg
			for _, c := range b {
				out = append(out, collect(t, c)...)
			}
			return out
		}
		if msg == nil {
			return nil
		}
		return []tea.Msg{msg}
	case <-time.After(50 * time.Millisecond):
		// A timer (toast expiry, spinner tick): not run by unit tests.
		return []tea.Msg{pendingTimer{}}
	}
}

type pendingTimer struct{}

// sendAll feeds a message and then every message its commands produce,
// as the program would, until nothing is left. Timers are dropped.
func sendAll(t *testing.T, m *Shell, msg tea.Msg) []tea.Msg {
	t.Helper()
	var seen []tea.Msg
	queue := []tea.Msg{msg}
	for len(queue) > 0 && len(seen) < 100 {
		next := queue[0]
		queue = queue[1:]
		seen = append(seen, next)
		if _, ok := next.(pendingTimer); ok {
			continue
		}
		if _, ok := next.(tea.QuitMsg); ok {
			continue
		}
		queue = append(queue, send(t, m, next)...)
	}
	return seen
}

func hasQuit(msgs []tea.Msg) bool {
	for _, m := range msgs {
		if _, ok := m.(tea.QuitMsg); ok {
			return true
		}
	}
	return false
}

func typeText(t *testing.T, m *Shell, s string) {
	t.Helper()
	for _, r := range s {
		sendAll(t, m, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// content is the view as text: what the agent reads, styling removed.
func content(m *Shell) string { return ansi.Strip(m.View().Content) }

// raw is the view as the program gets it, styling included.
func raw(m *Shell) string { return m.View().Content }

func TestNavigationStack(t *testing.T) {
	m, root := testShell(t, Options{})
	if root.w != 100 || root.h != 30-headerLines-footerLines {
		t.Fatalf("root size %dx%d, want 100x%d", root.w, root.h, 30-headerLines-footerLines)
	}
	child := newFake(m.Common(), "Child")
	sendAll(t, m, PushMsg{Screen: child})
	if m.Depth() != 2 || m.Top() != child {
		t.Fatalf("after push depth %d, top %v", m.Depth(), m.Top().Title())
	}
	if child.inits != 1 || child.w != 100 || child.h != root.h {
		t.Fatalf("pushed screen: inits %d size %dx%d", child.inits, child.w, child.h)
	}
	if !strings.Contains(content(m), "Search › Child") {
		t.Errorf("breadcrumbs missing:\n%s", content(m))
	}
	grand := newFake(m.Common(), "Grandchild")
	sendAll(t, m, PushMsg{Screen: grand})
	replacement := newFake(m.Common(), "Replacement")
	sendAll(t, m, ReplaceMsg{Screen: replacement})
	if grand.closed != 1 || m.Top() != replacement || m.Depth() != 3 {
		t.Fatalf("replace: closed %d depth %d top %q", grand.closed, m.Depth(), m.Top().Title())
	}
	if msgs := sendAll(t, m, PopMsg{}); hasQuit(msgs) {
		t.Fatal("pop of a child quit")
	}
	if m.Top() != child || replacement.closed != 1 {
		t.Fatalf("pop: top %q, closed %d", m.Top().Title(), replacement.closed)
	}
	sendAll(t, m, PopMsg{})
	if m.Depth() != 1 || child.closed != 1 {
		t.Fatalf("second pop: depth %d", m.Depth())
	}
	if msgs := sendAll(t, m, PopMsg{}); !hasQuit(msgs) {
		t.Fatal("pop at the root did not quit")
	}
	newRoot := newFake(m.Common(), "New root")
	sendAll(t, m, PushMsg{Screen: newFake(m.Common(), "x")})
	sendAll(t, m, ResetMsg{Screen: newRoot})
	if m.Depth() != 1 || m.Top() != newRoot {
		t.Fatalf("reset: depth %d top %q", m.Depth(), m.Top().Title())
	}
}

func TestMessagesReachEveryScreenKeysOnlyTheTop(t *testing.T) {
	m, root := testShell(t, Options{})
	child := newFake(m.Common(), "Child")
	sendAll(t, m, PushMsg{Screen: child})
	type answer struct{ id int }
	sendAll(t, m, answer{7})
	if len(root.msgs) == 0 || root.msgs[len(root.msgs)-1] != (answer{7}) {
		t.Errorf("root below the top did not get the answer: %v", root.msgs)
	}
	if len(child.msgs) == 0 || child.msgs[len(child.msgs)-1] != (answer{7}) {
		t.Errorf("top did not get the answer: %v", child.msgs)
	}
	sendAll(t, m, keyText("x"))
	if len(root.keys) != 0 || len(child.keys) != 1 {
		t.Errorf("keys: root %v child %v, want only the top", root.keys, child.keys)
	}
}

func TestQuitAndBackKeys(t *testing.T) {
	t.Run("q at the root quits", func(t *testing.T) {
		m, _ := testShell(t, Options{})
		if !hasQuit(sendAll(t, m, keyText("q"))) {
			t.Fatal("q at the root did not quit")
		}
	})
	t.Run("q on a child goes back", func(t *testing.T) {
		m, _ := testShell(t, Options{})
		sendAll(t, m, PushMsg{Screen: newFake(m.Common(), "Child")})
		if hasQuit(sendAll(t, m, keyText("q"))) || m.Depth() != 1 {
			t.Fatalf("q on a child: depth %d", m.Depth())
		}
	})
	t.Run("esc goes back, not out", func(t *testing.T) {
		m, _ := testShell(t, Options{})
		sendAll(t, m, PushMsg{Screen: newFake(m.Common(), "Child")})
		sendAll(t, m, keyEsc)
		if m.Depth() != 1 {
			t.Fatalf("esc: depth %d", m.Depth())
		}
		if hasQuit(sendAll(t, m, keyEsc)) || m.Depth() != 1 {
			t.Fatal("esc at the root quit or popped")
		}
	})
	t.Run("typing q in an input types q", func(t *testing.T) {
		m, root := testShell(t, Options{})
		root.capture = true
		if hasQuit(sendAll(t, m, keyText("q"))) {
			t.Fatal("q quit while the screen captures keys")
		}
		if len(root.keys) != 1 || root.keys[0] != "q" {
			t.Fatalf("capturing screen got %v", root.keys)
		}
	})
	t.Run("esc in an input is the screen's", func(t *testing.T) {
		m, _ := testShell(t, Options{})
		child := newFake(m.Common(), "Form")
		child.capture = true
		sendAll(t, m, PushMsg{Screen: child})
		sendAll(t, m, keyEsc)
		if m.Depth() != 2 || len(child.keys) != 1 {
			t.Fatalf("esc in a form popped it (depth %d, keys %v)", m.Depth(), child.keys)
		}
		// The input blurred on esc; the next esc goes back.
		sendAll(t, m, keyEsc)
		if m.Depth() != 1 {
			t.Fatalf("second esc: depth %d", m.Depth())
		}
	})
	t.Run("ctrl+c quits from anywhere", func(t *testing.T) {
		m, root := testShell(t, Options{})
		root.capture = true
		child := newFake(m.Common(), "Form")
		child.capture = true
		sendAll(t, m, PushMsg{Screen: child})
		if !hasQuit(sendAll(t, m, keyCtrlC)) {
			t.Fatal("ctrl+c did not quit")
		}
		if child.closed != 1 || root.closed != 1 {
			t.Errorf("quit did not close the screens: %d %d", child.closed, root.closed)
		}
		m2, _ := testShell(t, Options{})
		sendAll(t, m2, keyText(":"))
		if !hasQuit(sendAll(t, m2, keyCtrlC)) {
			t.Fatal("ctrl+c in the palette did not quit")
		}
	})
}

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
		send(t, m, toastExpiredMsg{id: m.toast.id})
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

func TestDisabledBindingShowsReasonAndDoesNotFire(t *testing.T) {
	viewer := &api.Me{AgentID: "v1", Name: "Vera", Role: api.RoleViewer}
	m, root := testShell(t, Options{Agent: viewer})
	sendAll(t, m, keyText("e"))
	if len(root.keys) != 0 || root.edits != 0 {
		t.Fatalf("a disabled binding reached the screen: %v", root.keys)
	}
	if !strings.Contains(content(m), "edit profile: your role (viewer) cannot edit customers") {
		t.Errorf("no reason shown:\n%s", content(m))
	}

	agent, root2 := testShell(t, Options{})
	sendAll(t, agent, keyText("e"))
	if root2.edits != 1 {
		t.Fatalf("an agent's e did not edit: keys %v", root2.keys)
	}

	ro, root3 := testShell(t, Options{Profile: Profile{Name: "prod", ReadOnly: true}})
	sendAll(t, ro, keyText("e"))
	if root3.edits != 0 || !strings.Contains(content(ro), "edit profile: read-only profile") {
		t.Fatalf("read-only did not refuse e:\n%s", content(ro))
	}
}

func TestHelpOverlay(t *testing.T) {
	viewer := &api.Me{AgentID: "v1", Name: "Vera", Role: api.RoleViewer}
	m, root := testShell(t, Options{Agent: viewer, NoColor: true})
	sendAll(t, m, keyText("?"))
	v := content(m)
	for _, want := range []string{"Keys — Search", "enter  open", "your role (viewer) cannot edit customers", "your role (viewer) cannot create customers", "ctrl+c  quit", ":       command"} {
		if !strings.Contains(v, want) {
			t.Errorf("help lacks %q:\n%s", want, v)
		}
	}
	sendAll(t, m, keyText("j"))
	if len(root.keys) != 0 {
		t.Errorf("a key reached the screen under the help overlay")
	}
	sendAll(t, m, keyEsc)
	if strings.Contains(content(m), "Keys — Search") {
		t.Errorf("esc did not close help")
	}
	if m.Depth() != 1 {
		t.Errorf("esc closing help also popped")
	}
}

// manyKeys is a screen with more bindings than an 80x24 overlay shows,
// in groups as a profile has them.
type manyKeys struct{ *fakeScreen }

func (s manyKeys) FullHelp() [][]Binding {
	var groups [][]Binding
	for g := range 6 {
		var group []Binding
		for i := range 5 {
			n := g*5 + i
			group = append(group, Binding{Keys: []string{fmt.Sprintf("f%d", n+1)}, Help: fmt.Sprintf("action %02d", n), Dangerous: n == 7})
		}
		groups = append(groups, group)
	}
	return groups
}

// The help overlay scrolls: at 80x24 every binding can be reached with
// j, pgdn and G, and the overlay says when there is more below or above.
func TestHelpOverlayScrolls(t *testing.T) {
	m, _ := testShell(t, Options{NoColor: true})
	send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	sendAll(t, m, PushMsg{Screen: manyKeys{newFake(m.Common(), "Wanjiru Kamau")}})
	sendAll(t, m, keyText("?"))
	first := content(m)
	if !strings.Contains(first, "more below") || strings.Contains(first, "action 29") {
		t.Fatalf("the first page does not say there is more:\n%s", first)
	}
	if !strings.Contains(first, "action 07 !") || !strings.Contains(first, "! = asks you to confirm first") {
		t.Errorf("the ! mark is not explained:\n%s", first)
	}
	if n := len(strings.Split(first, "\n")); n != 24 {
		t.Fatalf("the frame is %d lines", n)
	}
	seen := map[string]bool{}
	look := func() string {
		v := content(m)
		for i := range 30 {
			if a := fmt.Sprintf("action %02d", i); strings.Contains(v, a) {
				seen[a] = true
			}
		}
		for _, g := range []string{"back / quit", "command"} {
			if strings.Contains(v, g) {
				seen[g] = true
			}
		}
		return v
	}
	look()
	for range 100 {
		if !strings.Contains(look(), "more below") {
			break
		}
		sendAll(t, m, keyText("j"))
	}
	if len(seen) != 32 {
		t.Fatalf("j reached %d of 32 bindings: %v", len(seen), seen)
	}
	if v := content(m); !strings.Contains(v, "more above") || strings.Contains(v, "more below") {
		t.Errorf("at the end:\n%s", v)
	}
	sendAll(t, m, keyText("g"))
	if v := content(m); strings.Contains(v, "more above") || !strings.Contains(v, "action 00") {
		t.Errorf("g did not go back to the top:\n%s", v)
	}
	sendAll(t, m, keyText("G"))
	if v := content(m); !strings.Contains(v, "ctrl+c") || !strings.Contains(v, "more above") {
		t.Errorf("G did not go to the end:\n%s", v)
	}
	sendAll(t, m, keyText("g"))
	sendAll(t, m, tea.KeyPressMsg{Code: tea.KeyPgDown})
	if v := content(m); strings.Contains(v, "lines 1–") {
		t.Errorf("pgdn did not scroll:\n%s", v)
	}
	send(t, m, tea.MouseWheelMsg{X: 5, Y: 5, Button: tea.MouseWheelUp})
	send(t, m, tea.MouseWheelMsg{X: 5, Y: 5, Button: tea.MouseWheelUp})
	send(t, m, tea.MouseWheelMsg{X: 5, Y: 5, Button: tea.MouseWheelUp})
	send(t, m, tea.MouseWheelMsg{X: 5, Y: 5, Button: tea.MouseWheelUp})
	if v := content(m); !strings.Contains(v, "lines 1–") {
		t.Errorf("the wheel did not scroll back up:\n%s", v)
	}

	// Reopened, it starts at the top; at 160x45 everything fits.
	sendAll(t, m, keyEsc)
	send(t, m, tea.WindowSizeMsg{Width: 160, Height: 45})
	sendAll(t, m, keyText("?"))
	v := content(m)
	if strings.Contains(v, "more below") || !strings.Contains(v, "action 00") || !strings.Contains(v, "action 29") || !strings.Contains(v, "ctrl+c") {
		t.Errorf("at 160x45 the whole list should show:\n%s", v)
	}
}

func TestPalette(t *testing.T) {
	t.Run("complete and open a customer", func(t *testing.T) {
		m, _ := testShell(t, Options{})
		sendAll(t, m, keyText(":"))
		if !m.palette.open {
			t.Fatal(": did not open the palette")
		}
		typeText(t, m, "cu")
		sendAll(t, m, keyTab)
		if got := m.palette.input.Value(); got != "customer " {
			t.Fatalf("tab completed to %q", got)
		}
		if !strings.Contains(content(m), ":customer ID — open a customer by id") {
			t.Errorf("completion note missing:\n%s", content(m))
		}
		typeText(t, m, "42")
		msgs := sendAll(t, m, keyEnter)
		var opened bool
		for _, msg := range msgs {
			if o, ok := msg.(OpenCustomerMsg); ok && o.ID == "42" {
				opened = true
			}
		}
		if !opened {
			t.Fatalf("enter did not ask for customer 42: %v", msgs)
		}
		if m.palette.open || m.Top().Title() != "Customer 42" {
			t.Fatalf("palette open %v, top %q", m.palette.open, m.Top().Title())
		}
	})
	t.Run("search resets to the search screen", func(t *testing.T) {
		m, _ := testShell(t, Options{})
		sendAll(t, m, PushMsg{Screen: newFake(m.Common(), "Customer 1")})
		sendAll(t, m, keyText(":"))
		typeText(t, m, "search jane doe")
		sendAll(t, m, keyEnter)
		if m.Depth() != 1 || m.Top().Title() != "Search: jane doe" {
			t.Fatalf("depth %d top %q", m.Depth(), m.Top().Title())
		}
	})
	t.Run("unknown command closes with the error; up brings the line back", func(t *testing.T) {
		m, _ := testShell(t, Options{})
		sendAll(t, m, keyText(":"))
		typeText(t, m, "frobnicate")
		sendAll(t, m, keyEnter)
		if m.palette.open {
			t.Fatal("the palette stayed open on an unknown command")
		}
		if !strings.Contains(content(m), `unknown command "frobnicate"`) {
			t.Errorf("no error shown:\n%s", content(m))
		}
		sendAll(t, m, keyText(":"))
		typeText(t, m, "cust")
		sendAll(t, m, tea.KeyPressMsg{Code: tea.KeyUp})
		if got := m.palette.input.Value(); got != "frobnicate" {
			t.Fatalf("up recalled %q", got)
		}
		sendAll(t, m, tea.KeyPressMsg{Code: tea.KeyDown})
		if got := m.palette.input.Value(); got != "cust" {
			t.Fatalf("down went back to %q, want the line being typed", got)
		}
		sendAll(t, m, keyEsc)
		if m.palette.open || m.Depth() != 1 {
			t.Fatal("esc did not close just the palette")
		}
	})
	// ":profile" (no name, refused by the palette) and ":profile nope"
	// (refused later by the Router) end the same way: the palette
	// closes and an error toast says why. Before, the first kept the
	// palette open and the second closed it.
	t.Run("profile with and without a name fail alike", func(t *testing.T) {
		router := func(c *Common, msg tea.Msg) (tea.Cmd, bool) {
			if p, ok := msg.(SwitchProfileMsg); ok {
				return Errorf("could not switch to profile %q: no such profile", p.Name), true
			}
			return nil, false
		}
		for _, line := range []string{"profile", "profile nope"} {
			m, _ := testShell(t, Options{Router: router, NoColor: true})
			send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
			sendAll(t, m, keyText(":"))
			typeText(t, m, line)
			sendAll(t, m, keyEnter)
			if m.palette.open || m.toast.kind != ToastError || m.toast.text == "" {
				t.Errorf(":%s: palette open %v, toast %+v", line, m.palette.open, m.toast)
			}
		}
	})
	t.Run("opening it does not move the screen", func(t *testing.T) {
		m, root := testShell(t, Options{})
		send(t, m, tea.WindowSizeMsg{Width: 60, Height: 20})
		h := root.h
		sendAll(t, m, keyText(":"))
		if root.h != h || !strings.Contains(content(m), "tab completes · ↑ recalls") {
			t.Errorf("content %d → %d lines:\n%s", h, root.h, content(m))
		}
	})
	t.Run("quit", func(t *testing.T) {
		m, _ := testShell(t, Options{})
		sendAll(t, m, keyText(":"))
		typeText(t, m, "q")
		if !hasQuit(sendAll(t, m, keyEnter)) {
			t.Fatal(":q did not quit")
		}
	})
	t.Run("profile without a router says what to do", func(t *testing.T) {
		m, _ := testShell(t, Options{})
		sendAll(t, m, keyText(":"))
		typeText(t, m, "profile prod")
		sendAll(t, m, keyEnter)
		if !strings.Contains(content(m), "frontdesk --profile prod") {
			t.Errorf("no advice shown:\n%s", content(m))
		}
	})
	t.Run("keys typed into the palette do not reach the screen", func(t *testing.T) {
		m, root := testShell(t, Options{})
		sendAll(t, m, keyText(":"))
		typeText(t, m, "qe?")
		if len(root.keys) != 0 || m.Depth() != 1 || !m.palette.open {
			t.Fatalf("palette leaked keys: %v", root.keys)
		}
	})
}

func TestParseCommand(t *testing.T) {
	m, _ := testShell(t, Options{})
	cmds := m.commands()
	tests := []struct {
		line, name, arg, err string
	}{
		{"customer 42", "customer", "42", ""},
		{":customer   42  ", "customer", "42", ""},
		{"c 42", "customer", "42", ""},
		{"CUSTOMER 7", "customer", "7", ""},
		{"search jane doe", "search", "jane doe", ""},
		{"search", "search", "", ""},
		{"q", "quit", "", ""},
		{"quit now", "", "", ":quit takes no argument"},
		{"customer", "", "", "usage: :customer ID"},
		{"customer 4 2", "", "", "usage: :customer ID (one word)"},
		{"profile", "", "", "usage: :profile NAME"},
		{"nope", "", "", `unknown command "nope": try :customer :search :profile :help :error :mouse :quit`},
		{"", "", "", "type a command: :customer :search :profile :help :error :mouse :quit"},
	}
	for _, tt := range tests {
		c, arg, err := parseCommand(cmds, tt.line)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("parse(%q) error %v, want %q", tt.line, err, tt.err)
			}
			continue
		}
		if err != nil || c.name != tt.name || arg != tt.arg {
			t.Errorf("parse(%q) = %q %q %v, want %q %q", tt.line, c.name, arg, err, tt.name, tt.arg)
		}
	}
	for _, tt := range []struct {
		in, want string
		n        int
	}{
		{"", "", 7}, {"c", "customer ", 1}, {"s", "search ", 1}, {"x", "x", 0}, {"search ja", "search ja", 0},
	} {
		got, names := complete(cmds, tt.in)
		if got != tt.want || len(names) != tt.n {
			t.Errorf("complete(%q) = %q %v, want %q (%d names)", tt.in, got, names, tt.want, tt.n)
		}
	}
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
		send(t, m, toastExpiredMsg{id: m.toast.id})
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
	send(t, m, toastExpiredMsg{id: m.toast.id})
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
	if m.showHelp {
		t.Fatal("esc did not close the error")
	}
	fresh, _ := testShell(t, Options{})
	sendAll(t, fresh, keyText(":"))
	typeText(t, fresh, "error")
	sendAll(t, fresh, keyEnter)
	if fresh.showHelp || !strings.Contains(content(fresh), "no error so far") {
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

func (userErr) Error() string       { return "raw" }
func (userErr) UserMessage() string { return "do this next" }

func TestTooSmall(t *testing.T) {
	m, root := testShell(t, Options{})
	for _, size := range []tea.WindowSizeMsg{{Width: 59, Height: 30}, {Width: 100, Height: 15}} {
		send(t, m, size)
		v := content(m)
		want := fmt.Sprintf("Terminal too small: %d×%d", size.Width, size.Height)
		if !strings.Contains(v, want) || strings.Contains(v, "body of Search") {
			t.Errorf("at %dx%d view is:\n%s", size.Width, size.Height, v)
		}
		// Mouse events are dropped rather than mapped onto a layout that
		// is not drawn.
		send(t, m, tea.MouseWheelMsg{X: 1, Y: 3, Button: tea.MouseWheelDown})
		if len(root.wheel) != 0 {
			t.Errorf("wheel reached the screen while too small")
		}
	}
	send(t, m, tea.WindowSizeMsg{Width: 60, Height: 16})
	if v := content(m); strings.Contains(v, "too small") || len(strings.Split(v, "\n")) != 16 {
		t.Errorf("at 60x16 the view is %d lines:\n%s", len(strings.Split(v, "\n")), v)
	}
}

func TestHeader(t *testing.T) {
	m, _ := testShell(t, Options{Profile: Profile{Name: "prod", Production: true, ReadOnly: true}, NoColor: true})
	lines := strings.Split(content(m), "\n")
	if !strings.Contains(lines[0], "PRODUCTION") || !strings.Contains(lines[0], "READ-ONLY") ||
		!strings.Contains(lines[0], "prod") || !strings.Contains(lines[0], "Amina Otieno (agent)") {
		t.Errorf("header line is %q", lines[0])
	}
	plain, _ := testShell(t, Options{Profile: Profile{Host: "api.shop.test"}})
	first := strings.Split(content(plain), "\n")[0]
	if strings.Contains(first, "PRODUCTION") || strings.Contains(first, "READ-ONLY") || !strings.Contains(first, "api.shop.test") {
		t.Errorf("non-production header is %q", first)
	}
	// The agent's name comes from the API: it is sanitized like any data.
	hostile := &api.Me{Name: "Eve\x1b]0;pwned\x07", Role: api.RoleAgent}
	h, _ := testShell(t, Options{Agent: hostile})
	if v := raw(h); strings.Contains(v, "\x1b]") || !strings.Contains(v, "Eve␛]0;pwned␇") {
		t.Errorf("hostile agent name not made inert:\n%q", strings.Split(v, "\n")[0])
	}
}

func TestAgentLoad(t *testing.T) {
	loaded := make(chan struct{}, 1)
	m, _ := testShell(t, Options{LoadAgent: func(ctx context.Context) (api.Me, error) {
		loaded <- struct{}{}
		return api.Me{Name: "Loaded Agent", Role: api.RoleSupervisor}, nil
	}})
	if !strings.Contains(content(m), "signing in…") {
		t.Errorf("header before /me:\n%s", content(m))
	}
	for _, msg := range collect(t, m.Init()) {
		sendAll(t, m, msg)
	}
	<-loaded
	if m.Common().Agent.Role != api.RoleSupervisor || !strings.Contains(content(m), "Loaded Agent (supervisor)") {
		t.Errorf("agent not loaded:\n%s", content(m))
	}
	if m.Common().InFlight() != 0 {
		t.Errorf("in flight %d after /me answered", m.Common().InFlight())
	}

	failing, _ := testShell(t, Options{LoadAgent: func(ctx context.Context) (api.Me, error) {
		return api.Me{}, errors.New("401 unauthorized: run frontdesk auth login")
	}})
	for _, msg := range collect(t, failing.Init()) {
		sendAll(t, failing, msg)
	}
	if !strings.Contains(content(failing), "run frontdesk auth login") {
		t.Errorf("failed /me not shown:\n%s", content(failing))
	}
	if first := strings.Split(content(failing), "\n")[0]; strings.Contains(first, "signing in…") || !strings.Contains(first, "not signed in") {
		t.Errorf("after a failed /me the header still waits: %q", first)
	}
}

func TestTheme(t *testing.T) {
	m, _ := testShell(t, Options{})
	if !m.Common().Styles.IsDark {
		t.Fatal("not dark before the terminal answers")
	}
	dark := raw(m)
	send(t, m, tea.BackgroundColorMsg{Color: lightGrey{}})
	if m.Common().Styles.IsDark {
		t.Fatal("a light background left the dark theme")
	}
	if raw(m) == dark {
		t.Error("the light theme draws the same as the dark one")
	}
}

type lightGrey struct{}

func (lightGrey) RGBA() (r, g, b, a uint32) { return 0xeeee, 0xeeee, 0xeeee, 0xffff }

func TestNoColorHasNoSGR(t *testing.T) {
	build := func(noColor bool) string {
		m, _ := testShell(t, Options{NoColor: noColor, Profile: Profile{Name: "prod", Production: true, ReadOnly: true}})
		send(t, m, ToastMsg{Kind: ToastError, Text: "boom"})
		send(t, m, tea.BackgroundColorMsg{Color: lightGrey{}})
		return raw(m)
	}
	if v := build(false); !strings.Contains(v, "\x1b[") {
		t.Fatal("the colour view has no SGR: the test below would prove nothing")
	}
	v := build(true)
	if strings.Contains(v, "\x1b[") {
		i := strings.Index(v, "\x1b[")
		t.Errorf("NO_COLOR view has an escape sequence near %q", v[max(0, i-20):min(len(v), i+20)])
	}
	m, _ := testShell(t, Options{NoColor: true})
	sendAll(t, m, keyText("?"))
	if strings.Contains(raw(m), "\x1b[") {
		t.Error("NO_COLOR help overlay has an escape sequence")
	}
}

func ansiWidth(s string) int { return ansi.StringWidth(s) }

func TestMouse(t *testing.T) {
	m, root := testShell(t, Options{})
	send(t, m, tea.MouseWheelMsg{X: 5, Y: headerLines + 3, Button: tea.MouseWheelDown})
	send(t, m, tea.MouseClickMsg{X: 7, Y: headerLines, Button: tea.MouseLeft})
	send(t, m, tea.MouseClickMsg{X: 7, Y: 0, Button: tea.MouseLeft})  // header
	send(t, m, tea.MouseClickMsg{X: 7, Y: 29, Button: tea.MouseLeft}) // footer
	if len(root.wheel) != 1 || root.wheel[0].Y != 3 || root.wheel[0].X != 5 || root.wheel[0].Button != tea.MouseWheelDown {
		t.Errorf("wheel: %+v", root.wheel)
	}
	if len(root.clicks) != 1 || root.clicks[0].Y != 0 || root.clicks[0].X != 7 {
		t.Errorf("clicks: %+v (header and footer clicks must not reach the screen)", root.clicks)
	}
	v := m.View()
	if v.MouseMode != tea.MouseModeCellMotion || !v.AltScreen {
		t.Errorf("view mouse mode %v alt screen %v", v.MouseMode, v.AltScreen)
	}
}

// ":mouse off" gives the mouse back to the terminal (drag selects text)
// for this session; ":mouse on" and ":mouse" (toggle) take it again.
func TestMouseOff(t *testing.T) {
	m, root := testShell(t, Options{})
	other, _ := testShell(t, Options{})
	run := func(line string) {
		sendAll(t, m, keyText(":"))
		typeText(t, m, line)
		sendAll(t, m, keyEnter)
	}
	run("mouse off")
	if v := m.View(); v.MouseMode != tea.MouseModeNone {
		t.Fatalf(":mouse off left mouse mode %v", v.MouseMode)
	}
	if !strings.Contains(content(m), "drag to select text") {
		t.Errorf("no word on what it did:\n%s", content(m))
	}
	if other.View().MouseMode != tea.MouseModeCellMotion {
		t.Error("another session lost its mouse")
	}
	run("mouse")
	if m.View().MouseMode != tea.MouseModeCellMotion {
		t.Fatal(":mouse did not toggle it back on")
	}
	run("mouse off")
	run("mouse on")
	if m.View().MouseMode != tea.MouseModeCellMotion {
		t.Fatal(":mouse on did not turn it on")
	}
	run("mouse sideways")
	if m.View().MouseMode != tea.MouseModeCellMotion || !strings.Contains(content(m), "usage: :mouse on|off") {
		t.Errorf("a bad argument:\n%s", content(m))
	}
	send(t, m, tea.MouseWheelMsg{X: 5, Y: headerLines + 3, Button: tea.MouseWheelDown})
	if len(root.wheel) != 1 {
		t.Error("the wheel does not reach the screen with the mouse on")
	}
	sendAll(t, m, keyText("?"))
	if !strings.Contains(strings.Join(strings.Fields(content(m)), " "), "to select text: shift+drag, or :mouse off") {
		t.Errorf("help does not say how to select text:\n%s", content(m))
	}
}

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
	send(t, m, spinner.TickMsg{ID: m.spinner.ID()})
	if m.spinning {
		t.Error("the spinner kept ticking with nothing in flight")
	}
}

func TestBannerLine(t *testing.T) {
	banner := ""
	m, root := testShell(t, Options{Banner: func() string { return banner }})
	h := root.h
	banner = "acting as Wanjiru Kamau — 14:59 left"
	send(t, m, struct{}{})
	if root.h != h-1 {
		t.Fatalf("banner did not shrink the content: %d → %d", h, root.h)
	}
	if lines := strings.Split(content(m), "\n"); !strings.Contains(lines[2], banner) || len(lines) != 30 {
		t.Errorf("banner line %q, %d lines", lines[2], len(lines))
	}
	banner = ""
	send(t, m, struct{}{})
	if root.h != h {
		t.Errorf("content did not grow back: %d", root.h)
	}
}

func TestViewIsExactlyTheTerminal(t *testing.T) {
	m, root := testShell(t, Options{})
	root.body = strings.Repeat(strings.Repeat("山", 80)+"\n", 100) // too wide and too tall
	lines := strings.Split(content(m), "\n")
	if len(lines) != 30 {
		t.Fatalf("view is %d lines, want 30", len(lines))
	}
	for i, l := range lines {
		if w := ansiWidth(l); w > 100 {
			t.Errorf("line %d is %d cells", i, w)
		}
	}
}

func TestNewNeedsRoot(t *testing.T) {
	if _, err := New(context.Background(), Options{}); err == nil {
		t.Fatal("New without Root succeeded")
	}
}

func BenchmarkShellView(b *testing.B) {
	c := NewCommon(context.Background(), Profile{Name: "prod", Production: true}, nil, false)
	var rows []string
	for i := range 60 {
		rows = append(rows, c.Styles.Value.Render(fmt.Sprintf("%-30s", fmt.Sprintf("Customer %d 山田 🎉", i)))+"  "+
			c.Styles.Muted.Render(fmt.Sprintf("customer%d@example.co.ke", i))+"  "+c.Styles.Success.Render("KES 12,345.00"))
	}
	m, err := New(context.Background(), Options{
		Profile: Profile{Name: "prod", Production: true},
		Agent:   &api.Me{Name: "Amina", Role: api.RoleAgent},
		Root: func(c *Common) Screen {
			s := newFake(c, "Search")
			s.body = strings.Join(rows, "\n")
			return s
		},
	})
	if err != nil {
		b.Fatal(err)
	}
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 60})
	m.Update(ToastMsg{Text: "saved"})
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}
