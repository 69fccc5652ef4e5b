package screens

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"frontdesk/api"
	"frontdesk/client/frontdesk"
	"frontdesk/tui"
)

// connectTo is an onboarding Connect that checks the typed key against
// the sandbox with GET /me, as the CLI does before it saves anything.
func connectTo(calls *atomic.Int32) func(ctx context.Context, l Login) (Connection, error) {
	return func(ctx context.Context, l Login) (Connection, error) {
		calls.Add(1)
		cl, err := frontdesk.New(frontdesk.Config{BaseURL: l.URL, KeyID: l.KeyID, Secret: l.Secret, MaxRetries: -1, Timeout: 5 * time.Second})
		if err != nil {
			return Connection{}, err
		}
		me, err := cl.Me(ctx)
		if err != nil {
			return Connection{}, errors.New("the store refused the key (nothing was saved): " + err.Error())
		}
		return Connection{Client: cl, Profile: tui.Profile{Name: l.Profile, Production: l.Production, ReadOnly: l.ReadOnly}, Agent: me}, nil
	}
}

func newOnboardingScreen(t *testing.T, ob Onboarding) *onboardingScreen {
	t.Helper()
	c := testCommon(api.RoleViewer, 100, 30)
	s := NewOnboarding(c, ob).(*onboardingScreen)
	s.SetSize(100, 30)
	s.Init()
	return s
}

// typeInto types text into the focused field; the commands huh returns
// (cursor blinks) are not run.
func typeInto(s tui.Screen, text string) {
	for _, r := range text {
		s.Update(key(string(r)))
	}
}

// submit presses k and returns the onboarding answer, if k started a
// connection, after handing it to the screen.
func submit(t *testing.T, s *onboardingScreen, k string) []tea.Msg {
	t.Helper()
	_, cmd := s.Update(key(k))
	if !s.busy {
		return nil
	}
	var out []tea.Msg
	for _, m := range run(t, cmd) {
		if a, ok := m.(onboardedMsg); ok {
			_, next := s.Update(a)
			out = append(out, run(t, next)...)
			continue
		}
		out = append(out, m)
	}
	return out
}

func TestOnboardingValidatesInline(t *testing.T) {
	var calls atomic.Int32
	s := newOnboardingScreen(t, Onboarding{Connect: connectTo(&calls)})
	typeInto(s, "ftp://store")
	if v := ansi.Strip(s.View()); !strings.Contains(v, `"ftp://store" is not an http:// or https:// address`) {
		t.Fatalf("no URL problem on the field:\n%s", v)
	}
	s.Update(key("tab"))
	typeInto(s, "cs_oops")
	if v := ansi.Strip(s.View()); !strings.Contains(v, "that is a secret (cs_…)") {
		t.Fatalf("no key id problem on the field:\n%s", v)
	}
	s.Update(key("tab"))
	s.Update(key("tab"))
	for range len("default") {
		s.Update(key("backspace"))
	}
	typeInto(s, "a b")
	msgs := submit(t, s, "ctrl+s")
	v := ansi.Strip(s.View())
	for _, want := range []string{"fix the marked field first", "paste the key's secret", `profile name "a b" may only hold`} {
		if !strings.Contains(v, want) {
			t.Errorf("after connect with problems the view lacks %q:\n%s", want, v)
		}
	}
	if calls.Load() != 0 || len(msgs) != 0 || s.busy {
		t.Fatalf("connect ran with invalid fields: %d calls, %v", calls.Load(), msgs)
	}
	if got := s.focused(); got != 0 {
		t.Errorf("focus on field %d, want the first with a problem (0)", got)
	}
}

// The secret is masked, and a refused key leaves the draft as typed and
// the error on the form; the right key then connects.
func TestOnboardingBadSecretKeepsTheDraft(t *testing.T) {
	env := newSandbox(t, 5)
	k := env.Keys["agent"]
	var calls atomic.Int32
	s := newOnboardingScreen(t, Onboarding{Connect: connectTo(&calls), Prefill: Login{URL: env.URL, KeyID: k.KeyID, Profile: "shop"}})
	s.Update(key("tab"))
	s.Update(key("tab")) // the secret
	wrong := "cs_wrongwrongwrong"
	typeInto(s, wrong)
	if v := s.View(); strings.Contains(v, wrong) || strings.Contains(v, "wrongwrong") {
		t.Fatalf("the secret is drawn:\n%s", v)
	}
	msgs := submit(t, s, "ctrl+s")
	if _, ok := findMsg[tui.NavigateMsg](msgs); ok {
		t.Fatal("a refused key continued into the console")
	}
	v := ansi.Strip(s.View())
	if !strings.Contains(v, "the store refused the key") || !strings.Contains(v, env.URL) || !strings.Contains(v, k.KeyID) || !strings.Contains(v, "shop") {
		t.Fatalf("after a refused key the form should keep the draft and show the error:\n%s", v)
	}
	if s.draft.Secret != wrong || strings.Contains(v, wrong) {
		t.Fatalf("the secret draft is %q (want it kept, not drawn)", s.draft.Secret)
	}
	for range len(wrong) {
		s.Update(key("backspace"))
	}
	typeInto(s, k.Secret)
	msgs = submit(t, s, "enter") // enter on a field moves on: not a connect
	if len(msgs) != 0 || calls.Load() != 1 {
		t.Fatalf("enter on the secret field connected: %v", msgs)
	}
	msgs = submit(t, s, "ctrl+s")
	nav, ok := findMsg[tui.NavigateMsg](msgs)
	conn, isConn := nav.To.(connectedMsg)
	if !ok || !isConn || conn.conn.Agent.AgentID != "test-agent" || conn.conn.Profile.Name != "shop" {
		t.Fatalf("the right key did not connect: %+v", msgs)
	}
	if strings.Contains(s.View(), k.Secret) {
		t.Fatal("the secret is drawn")
	}
}

// startOnboarding runs the onboarding console in a 120×34 terminal.
func startOnboarding(t *testing.T, cfg Config, ob Onboarding) (*teatest.TestModel, *probe) {
	t.Helper()
	return startOnboardingAt(t, cfg, ob, 120, 34)
}

// startOnboardingAt runs the onboarding console in a w×h terminal.
func startOnboardingAt(t *testing.T, cfg Config, ob Onboarding, w, h int) (*teatest.TestModel, *probe) {
	t.Helper()
	console, err := NewOnboardingShell(context.Background(), cfg, ob, tui.Options{NoColor: true})
	if err != nil {
		t.Fatal(err)
	}
	p := &probe{shell: console}
	tm := teatest.NewTestModel(t, p, teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	t.Cleanup(func() { tm.Quit() })
	return tm, p
}

// Onboarding → connect to a sandbox → the search, with the agent and the
// new profile in the header; the sandbox choice does the same.
func TestFlowOnboardingConnects(t *testing.T) {
	env := newSandbox(t, 12)
	k := env.Keys["supervisor"]
	var calls, sandboxes atomic.Int32
	ob := Onboarding{Connect: connectTo(&calls), Sandbox: func(ctx context.Context) (Connection, error) {
		sandboxes.Add(1)
		return connectTo(&calls)(ctx, Login{URL: env.URL, KeyID: env.Keys["viewer"].KeyID, Secret: env.Keys["viewer"].Secret, Profile: "demo"})
	}}
	tm, p := startOnboarding(t, testConfig(), ob)
	p.waitFor(t, "Connect frontdesk to your store", "or try the sandbox")
	tm.Type(env.URL)
	tm.Send(key("tab"))
	tm.Type(k.KeyID)
	tm.Send(key("tab"))
	tm.Type(k.Secret)
	tm.Send(key("tab"))
	tm.Send(key("tab"))
	tm.Send(key("tab"))
	tm.Send(key("tab")) // the Connect / sandbox choice
	tm.Send(key("enter"))
	f := p.waitFor(t, "Sifa Supervisor (supervisor)", "page 1 of 1 · 12 customers", "default")
	if strings.Contains(f, k.Secret) {
		t.Fatal("the secret is on screen")
	}
	shell := finish(t, tm)
	if shell.Depth() != 1 || shell.Common().Profile.Name != "default" || calls.Load() != 1 || sandboxes.Load() != 0 {
		t.Fatalf("depth %d, profile %+v, %d connects, %d sandboxes", shell.Depth(), shell.Common().Profile, calls.Load(), sandboxes.Load())
	}

	tm, p = startOnboarding(t, testConfig(), ob)
	p.waitFor(t, "Connect frontdesk to your store")
	for range 6 {
		tm.Send(key("tab"))
	}
	tm.Send(key("right")) // "or try the sandbox"
	tm.Send(key("enter"))
	p.waitFor(t, "Vera Viewer (viewer)", "12 customers", "demo")
	finish(t, tm)
	if sandboxes.Load() != 1 {
		t.Fatalf("%d sandboxes started", sandboxes.Load())
	}
}

// Requests that need a store are refused before there is one.
func TestOnboardingRefusesCustomerRequests(t *testing.T) {
	app := NewApp(nil, testConfig())
	c := testCommon(api.RoleViewer, 80, 20)
	for _, msg := range []tea.Msg{tui.OpenCustomerMsg{ID: "1"}, tui.SearchMsg{Query: "x"}} {
		cmd, ok := app.Route(c, msg)
		if !ok || !strings.Contains(strings.Join(toasts(run(t, cmd)), " "), "connect to a store first") {
			t.Errorf("%T before a store: %v", msg, toasts(run(t, cmd)))
		}
	}
}

// A refused key and a missing keyring are on screen at every size: the
// frame the terminal shows (the shell's, clipped to the terminal), not
// the screen's unclipped view. The status once sat under a form as tall
// as the screen and was cut off, leaving the agent with nothing.
func TestOnboardingErrorIsOnScreenAtEverySize(t *testing.T) {
	env := newSandbox(t, 3)
	k := env.Keys["agent"]
	var calls atomic.Int32
	refused := connectTo(&calls)
	noKeyring := func(ctx context.Context, l Login) (Connection, error) {
		return Connection{}, errors.New("no keyring is available (org.freedesktop.secrets is not provided by any service): install gnome-keyring, or set FRONTDESK_API_SECRET")
	}
	for _, size := range [][2]int{{160, 45}, {80, 24}, {60, 20}} {
		for _, tc := range []struct {
			name    string
			connect func(ctx context.Context, l Login) (Connection, error)
			want    []string
		}{
			{"refused key", refused, []string{"the store refused the key", "401", "request "}},
			{"no keyring", noKeyring, []string{"no keyring is available", "set FRONTDESK_API_SECRET"}},
		} {
			t.Run(fmt.Sprintf("%s at %dx%d", tc.name, size[0], size[1]), func(t *testing.T) {
				tm, p := startOnboardingAt(t, testConfig(), Onboarding{Connect: tc.connect,
					Prefill: Login{URL: env.URL, KeyID: k.KeyID, Profile: "shop"}}, size[0], size[1])
				p.waitFor(t, "Connect frontdesk to your store")
				tm.Send(key("tab"))
				tm.Send(key("tab")) // the secret
				tm.Type("cs_wrongwrongwrong")
				tm.Send(key("ctrl+s"))
				// The error is drawn whole (wrapped), so look for its
				// words in the frame with the line breaks taken out.
				f := p.waitFrame(t, strings.Join(tc.want, " and "), func(f string) bool {
					flat := strings.Join(strings.Fields(f), " ")
					for _, w := range tc.want {
						if !strings.Contains(flat, w) {
							return false
						}
					}
					return true
				})
				lines := strings.Split(f, "\n")
				if len(lines) != size[1] {
					t.Fatalf("the frame is %d lines, want %d", len(lines), size[1])
				}
				if !strings.Contains(f, "Secret") {
					t.Errorf("the form is gone:\n%s", f)
				}
				if strings.Contains(f, "signing in…") || !strings.Contains(lines[0], "not signed in") {
					t.Errorf("the header waits for a sign-in nobody started: %q", lines[0])
				}
				finishDiscarding(t, tm, p)
			})
		}
	}
}

// The two yes/no questions put Yes and No in the same columns (huh
// centred them in each title's width, so they sat at different places).
func TestOnboardingToggleButtonsLineUp(t *testing.T) {
	s := newOnboardingScreen(t, Onboarding{})
	var cols []int
	for _, l := range strings.Split(ansi.Strip(s.View()), "\n") {
		if strings.Contains(l, "Production store") || strings.Contains(l, "Read-only") {
			cols = append(cols, strings.Index(l, "Yes"), strings.Index(l, "No"))
		}
	}
	if len(cols) != 4 || cols[0] < 0 || cols[0] != cols[2] || cols[1] != cols[3] {
		t.Fatalf("Yes/No columns %v, want the same on both lines:\n%s", cols, ansi.Strip(s.View()))
	}
}

// A message longer than the room above the form says so, and ctrl+e
// shows all of it in place of the form; any key goes back.
func TestOnboardingWholeMessage(t *testing.T) {
	s := newOnboardingScreen(t, Onboarding{Connect: func(ctx context.Context, l Login) (Connection, error) {
		return Connection{}, errors.New(strings.Repeat("the keyring is locked ", 20) + "THE_END_OF_THE_ADVICE")
	}, Prefill: Login{URL: "http://127.0.0.1:9", KeyID: "ck_1"}})
	s.SetSize(60, 16)
	s.Update(key("tab"))
	s.Update(key("tab"))
	typeInto(s, "cs_x")
	submit(t, s, "ctrl+s")
	v := ansi.Strip(s.View())
	if strings.Contains(v, "THE_END_OF_THE_ADVICE") || !strings.Contains(v, "ctrl+e shows the whole message") {
		t.Fatalf("a cut message does not say how to read it:\n%s", v)
	}
	s.Update(key("ctrl+e"))
	if v := ansi.Strip(s.View()); !strings.Contains(v, "THE_END_OF_THE_ADVICE") || strings.Contains(v, "Secret") {
		t.Fatalf("ctrl+e did not show the whole message:\n%s", v)
	}
	s.Update(key("x"))
	if v := ansi.Strip(s.View()); !strings.Contains(v, "Secret") || s.draft.Secret != "cs_x" {
		t.Fatalf("a key did not go back to the form, or reached it (secret %q):\n%s", s.draft.Secret, v)
	}
}
