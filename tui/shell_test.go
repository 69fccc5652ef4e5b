package tui

import (
	"context"
	"strings"
	"testing"
	"time"

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

func (s *fakeScreen) SetSize(w, h int) { s.w, s.h = w, h }

func (s *fakeScreen) Title() string { return s.title }

func (s *fakeScreen) CapturesKeys() bool { return s.capture }

func (s *fakeScreen) Close() { s.closed++ }

func (s *fakeScreen) Dirty() bool { return s.dirty }

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

func TestNewNeedsRoot(t *testing.T) {
	if _, err := New(context.Background(), Options{}); err == nil {
		t.Fatal("New without Root succeeded")
	}
}
