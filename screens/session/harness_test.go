package session_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/client/frontdesk"
	"frontdesk/sandbox/sandboxtest"
	"frontdesk/screens/session"
	"frontdesk/tui"
	"frontdesk/tui/tuitest"
)

// newAPIClient is an agent's client on the sandbox, every exchange held
// against the contract.
func newAPIClient(t *testing.T, env *sandboxtest.Env, role string) *frontdesk.Client {
	t.Helper()
	k := env.Keys[role]
	cl, err := frontdesk.New(frontdesk.Config{
		BaseURL: env.URL, KeyID: k.KeyID, Secret: k.Secret,
		Transport: sandboxtest.ContractTransport(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

// host stands in for the profile screen: it wires the pieces the way the
// profile will (keys o, O, c, r; edits through Acting.Client; every
// message forwarded to Acting).
type host struct {
	c      *tui.Common
	a      *session.Acting
	cl     *frontdesk.Client
	id     api.ID
	status string
}

type phoneSavedMsg struct {
	c   api.Customer
	err error
}

func (h *host) Init() tea.Cmd { return nil }

func (h *host) Update(msg tea.Msg) (tui.Screen, tea.Cmd) {
	if cmd, ok := h.a.Update(msg); ok {
		return h, cmd
	}
	switch msg := msg.(type) {
	case session.StartedMsg:
		h.status = "started " + string(msg.CustomerID)
	case session.EndedMsg:
		h.status = "ended " + string(msg.CustomerID)
		if msg.Err != nil {
			h.status += ": " + msg.Err.Error()
		}
	case phoneSavedMsg:
		if msg.err != nil {
			h.status = "save failed: " + msg.err.Error()
		} else {
			h.status = "phone saved " + msg.c.Phone
		}
	case tea.KeyPressMsg:
		switch msg.String() {
		case "o":
			return h, tui.Push(h.a.StartForm(h.id, "Jane Wanjiru"))
		case "O":
			return h, h.a.End()
		case "c":
			return h, tui.Push(session.NewCoupons(h.c, h.a))
		case "r":
			return h, tui.Push(session.NewPasswordReset(h.c, h.a))
		case "p":
			// What the edit form does on save, with the client the profile
			// hands it while acting.
			cl, id, ctx := h.a.Client(h.cl), h.id, h.c.Context()
			return h, h.c.Track(func() tea.Msg {
				cur, err := cl.GetCustomer(ctx, id)
				if err != nil {
					return phoneSavedMsg{err: err}
				}
				phone := "+254711999888"
				c, err := cl.PatchCustomer(ctx, id, client.CustomerVersion(cur), api.CustomerPatch{Phone: &phone})
				return phoneSavedMsg{c: c, err: err}
			})
		}
	}
	return h, nil
}

func (h *host) View() string              { return "host: " + h.status }
func (h *host) SetSize(int, int)          {}
func (h *host) Title() string             { return "Jane Wanjiru" }
func (h *host) ShortHelp() []tui.Binding  { return nil }
func (h *host) FullHelp() [][]tui.Binding { return nil }
func (h *host) CapturesKeys() bool        { return false }

// recorder keeps the last frame the program drew, so the test can wait
// for what the agent would see.
type recorder struct {
	*tui.Shell
	mu   sync.Mutex
	last string
}

func (r *recorder) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := r.Shell.Update(msg)
	return r, cmd
}

func (r *recorder) View() tea.View {
	v := r.Shell.View()
	r.mu.Lock()
	r.last = v.Content
	r.mu.Unlock()
	return v
}

func (r *recorder) frame() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last
}

// waitFrame polls the drawn frame until ok, failing after 20 s (the
// machine may be busy; a pass takes milliseconds).
func waitFrame(t *testing.T, r *recorder, what string, ok func(string) bool) string {
	t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	for {
		f := r.frame()
		if ok(f) {
			return f
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s; the screen shows:\n%s", what, f)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func contains(s string) func(string) bool {
	return func(f string) bool { return strings.Contains(f, s) }
}

// console starts the shell with the host on customer id and returns the
// running program, its frame recorder and the Acting state.
func console(t *testing.T, env *sandboxtest.Env, clk *sandboxtest.Clock, id api.ID) (*teatest.TestModel, *recorder, **session.Acting) {
	t.Helper()
	return consoleOn(t, env, clk, id, tui.Profile{})
}

// consoleOn is console on a given profile (a production store).
func consoleOn(t *testing.T, env *sandboxtest.Env, clk *sandboxtest.Clock, id api.ID, profile tui.Profile) (*teatest.TestModel, *recorder, **session.Acting) {
	t.Helper()
	cl := newAPIClient(t, env, "agent")
	me, err := cl.Me(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var acting *session.Acting
	shell, err := tui.New(context.Background(), tui.Options{
		NoColor: true,
		Agent:   &me,
		Profile: profile,
		Root: func(c *tui.Common) tui.Screen {
			acting = session.NewActing(c, cl, session.Options{Now: clk.Now, Tick: 10 * time.Millisecond})
			return &host{c: c, a: acting, cl: cl, id: id}
		},
		Banner: func() string {
			if acting == nil {
				return ""
			}
			return acting.Banner()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{Shell: shell}
	tm := teatest.NewTestModel(t, rec, teatest.WithInitialTermSize(100, 30),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	return tm, rec, &acting
}

func newJane(t *testing.T, env *sandboxtest.Env) api.ID {
	t.Helper()
	r := env.Do(t, "supervisor", "POST", "/customers", api.CustomerCreate{
		Email: "jane.wanjiru@example.co.ke", FirstName: "Jane", LastName: "Wanjiru", Phone: "0712 345 678",
	})
	var out api.CustomerEnvelope
	r.Data(t, &out)
	return out.Customer.ID
}

// key is the press of a key as the key map spells it.
var key = tuitest.Key
