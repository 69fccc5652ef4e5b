package cli

import (
	"context"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/log/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/zalando/go-keyring"

	"frontdesk/config"
	"frontdesk/sandbox/sandboxtest"
	"frontdesk/screens"
	"frontdesk/tui"
	"frontdesk/tui/tuitest"
)

// frames wraps a console and keeps its latest frame for the test.
type frames struct {
	c     *screens.Console
	mu    sync.Mutex
	frame string
}

func (f *frames) Init() tea.Cmd { return f.c.Init() }
func (f *frames) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := f.c.Update(msg)
	f.snap()
	return f, cmd
}
func (f *frames) View() tea.View { f.snap(); return f.c.View() }
func (f *frames) snap() {
	v := ansi.Strip(f.c.View().Content)
	f.mu.Lock()
	f.frame = v
	f.mu.Unlock()
}

// waitFor polls the latest frame until it holds every text (10 s).
func (f *frames) waitFor(t *testing.T, texts ...string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		f.mu.Lock()
		fr := f.frame
		f.mu.Unlock()
		ok := true
		for _, s := range texts {
			ok = ok && strings.Contains(fr, s)
		}
		if ok {
			return fr
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited 10s for %q; the screen shows:\n%s", texts, fr)
		}
		time.Sleep(5 * time.Millisecond) // polling interval, not synchronisation
	}
}

func runConsoleModel(t *testing.T, c *screens.Console) (*teatest.TestModel, *frames) {
	t.Helper()
	f := &frames{c: c}
	tm := teatest.NewTestModel(t, f, teatest.WithInitialTermSize(120, 34),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	t.Cleanup(func() { tm.Quit() })
	return tm, f
}

// keyMsg is the press of a key as the key map spells it.
var keyMsg = tuitest.Key

var discard = log.New(io.Discard)

// Onboarding's Connect verifies before it writes: a wrong secret leaves
// no config and no keyring entry; the right one saves the profile (made
// current) and the secret, and nothing else holds the secret.
func TestOnboardConnectVerifiesBeforeSaving(t *testing.T) {
	sb := sandboxtest.New(t, sandboxtest.Options{Customers: -1})
	k := sb.Keys["agent"]
	e := newCredEnv(t)
	ob := e.app("").onboarding(&NoCredentialsError{}, discard, &demoStores{})
	ctx := context.Background()

	_, err := ob.Connect(ctx, screens.Login{Profile: "shop", URL: sb.URL, KeyID: k.KeyID, Secret: "cs_wrong"})
	if err == nil || !strings.Contains(err.Error(), "nothing was saved") || !strings.Contains(err.Error(), "refused key") {
		t.Fatalf("a wrong secret: %v", err)
	}
	if _, err := os.Stat(e.configPath()); !os.IsNotExist(err) {
		t.Fatalf("a refused key wrote the config: %v", err)
	}
	if _, ok := storedSecret("shop", k.KeyID); ok {
		t.Fatal("a refused key was stored")
	}

	conn, err := ob.Connect(ctx, screens.Login{Profile: "shop", URL: sb.URL + "/", KeyID: k.KeyID, Secret: k.Secret, Production: true})
	if err != nil {
		t.Fatal(err)
	}
	if conn.Agent.AgentID != "test-agent" || conn.Profile != (tui.Profile{Name: "shop", Host: strings.TrimPrefix(sb.URL, "http://"), Production: true}) {
		t.Fatalf("connection: agent %+v, profile %+v", conn.Agent, conn.Profile)
	}
	c := e.loadConfig()
	if p := c.Profiles["shop"]; c.CurrentProfile != "shop" || p.URL != sb.URL || p.KeyID != k.KeyID || !p.Production {
		t.Fatalf("config after onboarding: %+v", c.File)
	}
	if v, _ := storedSecret("shop", k.KeyID); v != k.Secret {
		t.Fatalf("keyring holds %q", v)
	}
	if hits := grepTree(t, e.home, k.Secret); len(hits) > 0 {
		t.Fatalf("the secret is on disk: %v", hits)
	}
}

// Without a keyring, Connect says so plainly, names FRONTDESK_API_SECRET
// and writes nothing (it does not even ask the store).
func TestOnboardConnectWithoutKeyring(t *testing.T) {
	sb := sandboxtest.New(t, sandboxtest.Options{Customers: -1})
	k := sb.Keys["agent"]
	e := newCredEnv(t)
	keyring.MockInitWithError(errNoBus)
	ob := e.app("").onboarding(&NoCredentialsError{}, discard, &demoStores{})
	_, err := ob.Connect(context.Background(), screens.Login{Profile: "default", URL: sb.URL, KeyID: k.KeyID, Secret: k.Secret})
	if err == nil || !strings.Contains(err.Error(), "no keyring here") || !strings.Contains(err.Error(), "FRONTDESK_API_SECRET") {
		t.Fatalf("no keyring: %v", err)
	}
	if _, err := os.Stat(e.configPath()); !os.IsNotExist(err) {
		t.Fatalf("the config was written: %v", err)
	}
}

// The whole first run: onboarding typed into the console, connect, the
// search with the agent; then :profile switches to another profile of
// the same config and the header follows.
func TestFlowOnboardingThenSwitchProfile(t *testing.T) {
	sb := sandboxtest.New(t, sandboxtest.Options{Customers: 8})
	k, sup := sb.Keys["agent"], sb.Keys["supervisor"]
	e := newCredEnv(t)
	// A second profile exists already, with its secret stored.
	e.writeConfig("", map[string]config.Profile{"other": {URL: sb.URL, KeyID: sup.KeyID, ReadOnly: true}})
	if err := keyring.Set(config.Service, config.SecretUser("other", sup.KeyID), sup.Secret); err != nil {
		t.Fatal(err)
	}
	a := e.app("")
	_, err := a.Credentials(context.Background())
	nc, ok := err.(*NoCredentialsError)
	if !ok {
		t.Fatalf("no current profile should need onboarding, got %v", err)
	}
	console, err := screens.NewOnboardingShell(context.Background(), a.consoleConfig(discard), a.onboarding(nc, discard, &demoStores{}),
		tui.Options{NoColor: true, Logger: discard})
	if err != nil {
		t.Fatal(err)
	}
	tm, f := runConsoleModel(t, console)
	f.waitFor(t, "Connect frontdesk to your store")
	tm.Type(sb.URL)
	tm.Send(keyMsg("tab"))
	tm.Type(k.KeyID)
	tm.Send(keyMsg("tab"))
	tm.Type(k.Secret)
	tm.Send(keyMsg("ctrl+s"))
	fr := f.waitFor(t, "frontdesk · default", "Amani Agent (agent)", "page 1 of 1")
	if strings.Contains(fr, k.Secret) {
		t.Fatal("the secret is on screen")
	}
	if v, _ := storedSecret("default", k.KeyID); v != k.Secret {
		t.Fatalf("keyring holds %q", v)
	}

	tm.Send(keyMsg("esc"))
	tm.Type(":profile nope")
	tm.Send(keyMsg("enter"))
	f.waitFor(t, `could not switch to profile "nope"`, "profiles: default, other")
	tm.Type(":profile other")
	tm.Send(keyMsg("enter"))
	f.waitFor(t, "frontdesk · other", "READ-ONLY", "Sifa Supervisor (supervisor)")
	tm.Send(keyMsg("ctrl+c"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(30*time.Second))
	if hits := grepTree(t, e.home, k.Secret); len(hits) > 0 {
		t.Fatalf("the secret is on disk: %v", hits)
	}
}

// With FRONTDESK_API_URL and _KEY set, every profile is overridden:
// switching says so instead of pretending.
func TestSwitchProfileRefusedUnderEnvCredentials(t *testing.T) {
	e := newCredEnv(t)
	e.vars[EnvAPIURL], e.vars[EnvAPIKey] = "http://127.0.0.1:1", "ck_x"
	_, err := e.app("").connectProfile(context.Background(), "other", discard)
	if err == nil || !strings.Contains(err.Error(), "override every profile") {
		t.Fatalf("switch under env credentials: %v", err)
	}
}

// A profile whose secret is missing prefills the form and says why.
func TestOnboardingPrefillsFromTheProfile(t *testing.T) {
	e := newCredEnv(t)
	e.writeConfig("shop", map[string]config.Profile{"shop": {URL: "https://shop.example.com", KeyID: "ck_shop"}})
	a := e.app("")
	_, err := a.Credentials(context.Background())
	nc, ok := err.(*NoCredentialsError)
	if !ok {
		t.Fatalf("a profile without a stored secret: %v", err)
	}
	ob := a.onboarding(nc, discard, &demoStores{})
	if ob.Prefill != (screens.Login{Profile: "shop", URL: "https://shop.example.com", KeyID: "ck_shop"}) || !strings.Contains(ob.Note, `profile "shop"`) {
		t.Fatalf("prefill %+v, note %q", ob.Prefill, ob.Note)
	}
	console, err := screens.NewOnboardingShell(context.Background(), a.consoleConfig(discard), ob, tui.Options{NoColor: true})
	if err != nil {
		t.Fatal(err)
	}
	tm, f := runConsoleModel(t, console)
	f.waitFor(t, `No secret is stored for profile "shop"`, "https://shop.example.com", "ck_shop", "> shop")
	tm.Send(keyMsg("esc")) // does not quit and lose the form
	tm.Type("x")
	f.waitFor(t, "https://shop.example.comx")
	tm.Send(keyMsg("ctrl+c")) // asks first: something was typed
	f.waitFor(t, "press ctrl+c again to quit and discard it")
	tm.Send(keyMsg("ctrl+c"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(30*time.Second))
}

// "or try the sandbox" starts the demo store in this process, as a
// supervisor; it is stopped when the console ends.
func TestOnboardingSandbox(t *testing.T) {
	e := newCredEnv(t)
	demos := &demoStores{customers: 20}
	ob := e.app("").onboarding(&NoCredentialsError{}, discard, demos)
	ctx := context.Background()
	conn, err := ob.Sandbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = demos.Close(ctx) })
	if conn.Agent.Role != "supervisor" || conn.Profile.Name != "demo" {
		t.Fatalf("sandbox connection: %+v %+v", conn.Agent, conn.Profile)
	}
	if err := demos.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Client.Me(ctx); err == nil {
		t.Fatal("the sandbox still answers after the console ended")
	}
	if _, err := os.Stat(e.configPath()); !os.IsNotExist(err) {
		t.Fatalf("the sandbox wrote a profile: %v", err)
	}
}
