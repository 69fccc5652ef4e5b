package forms

import (
	"context"
	"net"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/client/frontdesk"
	"frontdesk/sandbox/sandboxtest"
	"frontdesk/tui"
	"frontdesk/tui/tuitest"
)

// key builds the KeyPressMsg a terminal sends for a key name.
var key = tuitest.Key

// typeText is the key presses of typing s.
func typeText(s string) []tea.Msg {
	var out []tea.Msg
	for _, r := range s {
		out = append(out, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return out
}

// keys is the presses of named keys.
func keys(names ...string) []tea.Msg {
	out := make([]tea.Msg, len(names))
	for i, n := range names {
		out[i] = key(n)
	}
	return out
}

// clearField empties an input the way an agent would: ctrl+u deletes
// everything before the cursor, which focus leaves at the end.
func clearField() []tea.Msg { return keys("ctrl+u") }

// send feeds msgs to s one by one and returns the last command.
func send(t *testing.T, s tui.Screen, msgs ...tea.Msg) tea.Cmd {
	t.Helper()
	var cmd tea.Cmd
	for _, m := range msgs {
		var next tui.Screen
		next, cmd = s.Update(m)
		if next != s {
			t.Fatalf("Update returned another screen %T", next)
		}
	}
	return cmd
}

// run executes cmd and everything it batches or sequences, and returns
// the messages that arrive within a short deadline each. Timers (cursor
// blinks) are left behind: they answer after the deadline.
func run(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	ch := make(chan tea.Msg, 1)
	go func() { ch <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-ch:
	case <-time.After(3 * time.Second):
		return nil
	}
	if msg == nil {
		return nil
	}
	if b, ok := msg.(tea.BatchMsg); ok {
		return runAll(b, true)
	}
	// tea.Sequence's message is an unexported []tea.Cmd.
	if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeFor[tea.Cmd]() {
		cmds := make([]tea.Cmd, v.Len())
		for i := range cmds {
			cmds[i] = v.Index(i).Interface().(tea.Cmd)
		}
		return runAll(cmds, false)
	}
	if d, ok := msg.(tui.DoneMsg); ok {
		return []tea.Msg{d.Msg}
	}
	return []tea.Msg{msg}
}

// runAll runs the commands of a batch (at once) or a sequence (in
// order) with runQuick.
func runAll(cmds []tea.Cmd, concurrent bool) []tea.Msg {
	out := make([][]tea.Msg, len(cmds))
	var wg sync.WaitGroup
	for i, c := range cmds {
		if !concurrent {
			out[i] = runQuick(c)
			continue
		}
		wg.Go(func() { out[i] = runQuick(c) })
	}
	wg.Wait()
	var all []tea.Msg
	for _, m := range out {
		all = append(all, m...)
	}
	return all
}

// runQuick is run for the commands a batch or sequence holds, which
// answer at once (navigation, toasts): one still running 100ms after it
// started is a timer (a cursor blink) and is dropped.
func runQuick(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	started := make(chan struct{})
	ch := make(chan []tea.Msg, 1)
	go func() {
		close(started)
		ch <- run(cmd)
	}()
	<-started
	select {
	case m := <-ch:
		return m
	case <-time.After(100 * time.Millisecond):
		return nil
	}
}

// find returns the first message of type T in msgs.
func find[T any](msgs []tea.Msg) (T, bool) {
	for _, m := range msgs {
		if v, ok := m.(T); ok {
			return v, true
		}
	}
	var zero T
	return zero, false
}

// plain is a view without escape sequences.
func plain(s string) string { return ansi.Strip(s) }

// env is a sandbox with a client and a session context per role.
type env struct {
	*sandboxtest.Env
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return &env{sandboxtest.New(t, sandboxtest.Options{Customers: 20, RateLimit: -1})}
}

// client returns a client for role; cfg may change the config.
func (e *env) client(t *testing.T, role string, cfg ...func(*frontdesk.Config)) *frontdesk.Client {
	t.Helper()
	k := e.Keys[role]
	c := frontdesk.Config{BaseURL: e.URL, KeyID: k.KeyID, Secret: k.Secret, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond}
	for _, f := range cfg {
		f(&c)
	}
	cl, err := frontdesk.New(c)
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

// common is a session context for role, with the agent from GET /me,
// drawn without colour.
func (e *env) common(t *testing.T, role string, p tui.Profile) *tui.Common {
	t.Helper()
	return e.commonColor(t, role, p, true)
}

func (e *env) commonColor(t *testing.T, role string, p tui.Profile, noColor bool) *tui.Common {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	me, err := e.client(t, role).Me(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c := tui.NewCommon(ctx, p, nil, noColor)
	c.Agent = me
	c.Width, c.Height = 80, 30
	return c
}

func (e *env) customer(t *testing.T, id api.ID) api.Customer {
	t.Helper()
	c, err := e.client(t, "supervisor").GetCustomer(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// firstCustomer is an ordinary (non-hostile) active seeded customer.
func (e *env) firstCustomer(t *testing.T) api.Customer {
	t.Helper()
	list, err := e.client(t, "supervisor").SearchCustomers(context.Background(), client.SearchParams{Sort: api.SortName, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range list.Items {
		if c.Status != api.StatusActive || api.ValidateEmail(c.Email) != nil || c.Phone == "" || strings.Contains(c.Email, "hostile") {
			continue
		}
		if full := e.customer(t, c.ID); len(full.Addresses) > 0 {
			return full
		}
	}
	t.Fatal("no ordinary customer in the seed")
	return api.Customer{}
}

// deadURL is a URL on which nothing listens.
func deadURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

// harness is a minimal shell for teatest flows: a stack of screens, keys
// to the top one, other messages to all, tracked answers unwrapped,
// toasts and the forms' messages recorded. Tests read what it recorded
// through snapshot, which is safe while the program runs.
type harness struct {
	c     *tui.Common
	stack []tui.Screen

	mu      sync.Mutex
	changed chan struct{}
	toasts  []tui.ToastMsg
	got     []tea.Msg
	view    string
	popped  int
}

func newHarness(c *tui.Common, s tui.Screen) *harness {
	h := &harness{c: c, stack: []tui.Screen{s}, changed: make(chan struct{}, 1)}
	s.SetSize(c.Width, c.Height)
	h.view = s.View()
	return h
}

func (h *harness) Init() tea.Cmd { return h.stack[len(h.stack)-1].Init() }

func (h *harness) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	return h, h.update(msg)
}

func (h *harness) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tui.DoneMsg:
		return h.update(msg.Msg)
	case tea.WindowSizeMsg:
		// The content area is the whole terminal here.
		h.c.Width, h.c.Height = msg.Width, msg.Height
		for _, s := range h.stack {
			s.SetSize(msg.Width, msg.Height)
		}
		return nil
	case tui.PushMsg:
		msg.Screen.SetSize(h.c.Width, h.c.Height)
		h.stack = append(h.stack, msg.Screen)
		return msg.Screen.Init()
	case tui.PopMsg:
		h.mu.Lock()
		h.popped++
		h.mu.Unlock()
		if n := len(h.stack); n > 0 {
			if cl, ok := h.stack[n-1].(tui.Closer); ok {
				cl.Close()
			}
			h.stack = h.stack[:n-1]
		}
		return nil
	case tui.ToastMsg:
		h.mu.Lock()
		h.toasts = append(h.toasts, msg)
		h.mu.Unlock()
		return nil
	case CustomerSavedMsg, LoyaltyAdjustedMsg, NoteAddedMsg, CustomerCreatedMsg, RevealedMsg:
		h.mu.Lock()
		h.got = append(h.got, msg)
		h.mu.Unlock()
	case tea.KeyPressMsg:
		if n := len(h.stack); n > 0 {
			_, cmd := h.stack[n-1].Update(msg)
			return cmd
		}
		return nil
	}
	var cmds []tea.Cmd
	for _, s := range h.stack {
		_, cmd := s.Update(msg)
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}

// View draws the top screen. The program calls it after every Update,
// on the same goroutine, so this is where the snapshot is taken.
func (h *harness) View() tea.View {
	v := "(no screen)"
	if n := len(h.stack); n > 0 {
		v = h.stack[n-1].View()
	}
	h.mu.Lock()
	h.view = v
	h.mu.Unlock()
	select {
	case h.changed <- struct{}{}:
	default:
	}
	return tea.NewView(v)
}

type snapshot struct {
	toasts []tui.ToastMsg
	got    []tea.Msg
	view   string // plain text
	popped int
}

func (h *harness) snapshot() snapshot {
	h.mu.Lock()
	defer h.mu.Unlock()
	return snapshot{toasts: append([]tui.ToastMsg(nil), h.toasts...), got: append([]tea.Msg(nil), h.got...), view: plain(h.view), popped: h.popped}
}

// waitFor waits until cond holds for a snapshot, or fails after the
// deadline showing the last snapshot. It wakes on every update: no
// sleeping.
func (h *harness) waitFor(t *testing.T, what string, cond func(s snapshot) bool) snapshot {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		s := h.snapshot()
		if cond(s) {
			return s
		}
		select {
		case <-h.changed:
		case <-deadline:
			t.Fatalf("timed out waiting for %s; screen:\n%s\ntoasts: %+v\nmessages: %+v", what, s.view, s.toasts, s.got)
		}
	}
}

func (s snapshot) toast(kind tui.ToastKind) string {
	for i := len(s.toasts) - 1; i >= 0; i-- {
		if s.toasts[i].Kind == kind {
			return s.toasts[i].Text
		}
	}
	return ""
}
