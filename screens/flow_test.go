package screens

import (
	"context"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"frontdesk/api"
	"frontdesk/sandbox/sandboxtest"
	"frontdesk/tui"
)

// probe wraps the shell in a running program and keeps its latest frame
// where the test can read it: the raw output stream is a diff of frames,
// in which text already on screen is not written again.
type probe struct {
	shell *Console
	mu    sync.Mutex
	frame string
}

func (p *probe) Init() tea.Cmd { return p.shell.Init() }

func (p *probe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := p.shell.Update(msg)
	p.snap(p.shell.View().Content)
	return p, cmd
}

func (p *probe) View() tea.View {
	v := p.shell.View()
	p.snap(v.Content)
	return v
}

func (p *probe) snap(s string) {
	p.mu.Lock()
	p.frame = s
	p.mu.Unlock()
}

func (p *probe) Frame() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.frame
}

// waitFrame polls the latest frame until ok says yes, failing after 10s
// with the frame it saw last.
func (p *probe) waitFrame(t *testing.T, what string, ok func(string) bool) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		f := ansi.Strip(p.Frame())
		if ok(f) {
			return f
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited 10s for %s; the screen shows:\n%s", what, f)
		}
		time.Sleep(5 * time.Millisecond) // polling interval, not synchronisation
	}
}

func (p *probe) waitFor(t *testing.T, texts ...string) string {
	t.Helper()
	return p.waitFrame(t, strings.Join(texts, " and "), func(f string) bool {
		for _, s := range texts {
			if !strings.Contains(f, s) {
				return false
			}
		}
		return true
	})
}

// startConsole runs the whole console (shell and screens) against baseURL
// as role, without colour, in a w×h terminal.
func startConsole(t *testing.T, env *sandboxtest.Env, role, baseURL string, w, h int) (*teatest.TestModel, *probe) {
	t.Helper()
	return startConsoleWith(t, testConfig(), env, role, baseURL, w, h)
}

func startConsoleWith(t *testing.T, cfg Config, env *sandboxtest.Env, role, baseURL string, w, h int) (*teatest.TestModel, *probe) {
	t.Helper()
	return startConsoleColour(t, cfg, false, env, role, baseURL, w, h)
}

func startConsoleColour(t *testing.T, cfg Config, colour bool, env *sandboxtest.Env, role, baseURL string, w, h int) (*teatest.TestModel, *probe) {
	t.Helper()
	shell, err := NewShell(context.Background(), newClient(t, env, role, baseURL), cfg, tui.Options{
		Profile: tui.Profile{Name: "test"},
		NoColor: !colour,
	})
	if err != nil {
		t.Fatal(err)
	}
	p := &probe{shell: shell}
	profile := colorprofile.Ascii
	if colour {
		profile = colorprofile.TrueColor
	}
	tm := teatest.NewTestModel(t, p,
		teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(profile)))
	t.Cleanup(func() { tm.Quit() })
	return tm, p
}

func finish(t *testing.T, tm *teatest.TestModel) *Console {
	t.Helper()
	tm.Send(key("ctrl+c"))
	return tm.FinalModel(t, teatest.WithFinalTimeout(30*time.Second)).(*probe).shell
}

// Search by part of an email, open the customer, walk the tabs; the last
// frame is compared with a golden file (go test ./screens -run TestFlow
// -update rewrites them).
func TestFlowSearchOpenTabs(t *testing.T) {
	env := newSandbox(t, 60)
	cust, frag := pickCustomer(t, env.DB)
	tm, p := startConsole(t, env, api.RoleAgent, env.URL, 120, 36)
	p.waitFor(t, "page 1 of 2 · 60 customers", "Amani Agent (agent)")

	tm.Type(frag)
	p.waitFor(t, `1 customer matching "`+frag+`"`, cust.email)
	tm.Send(key("enter"))
	p.waitFor(t, "1 Overview", "Store metrics", "points · lifetime earned")
	tm.Send(key("2"))
	p.waitFor(t, "[2 Orders]", "Fulfilment")
	tm.Send(key("3"))
	p.waitFor(t, "[3 Loyalty]", "balance ")
	tm.Send(key("5"))
	p.waitFor(t, "[5 Activity]", "events: the newest")
	tm.Send(key("1"))
	p.waitFor(t, "[1 Overview]", "Spend, last 12 months")

	shell := finish(t, tm)
	if shell.Depth() != 2 || shell.Common().InFlight() != 0 {
		t.Fatalf("depth %d, in flight %d", shell.Depth(), shell.Common().InFlight())
	}
	golden.RequireEqual(t, shell.View().Content)
}

// The orders tab in colour (dark theme: the fake terminal never reports
// its background): order statuses are coloured. The golden file holds the
// raw styling sequences; a mismatch is shown with them quoted.
func TestFlowOrdersInColour(t *testing.T) {
	env := newSandbox(t, 60)
	cust, _ := pickCustomer(t, env.DB)
	tm, p := startConsoleColour(t, testConfig(), true, env, api.RoleAgent, env.URL, 120, 30)
	// The header names the agent once GET /me answers: wait for it, so a
	// loaded machine's late answer does not change the golden frame.
	p.waitFor(t, "page 1 of 2", "Amani Agent (agent)")
	tm.Send(key("esc"))
	tm.Type(":customer " + string(cust.id))
	tm.Send(key("enter"))
	p.waitFor(t, "Store metrics")
	tm.Send(key("2"))
	p.waitFor(t, "Fulfilment", "status: all (f)")
	shell := finish(t, tm)
	f := shell.View().Content
	if !strings.Contains(f, "\x1b[") {
		t.Fatal("the colour frame has no styling")
	}
	golden.RequireEqual(t, f)
}

// A viewer sees edit actions refused with the reason, and greyed with it
// in the help.
func TestFlowViewerIsRefusedWithAReason(t *testing.T) {
	env := newSandbox(t, 20)
	cust, _ := pickCustomer(t, env.DB)
	tm, p := startConsole(t, env, api.RoleViewer, env.URL, 120, 36)
	p.waitFor(t, "Vera Viewer (viewer)", "page 1 of 1")
	tm.Send(key("esc")) // out of the search box, so : opens the palette
	tm.Type(":customer " + string(cust.id))
	tm.Send(key("enter"))
	// A viewer sees the email masked (the desk masks a viewer's answers).
	v := p.waitFor(t, api.MaskEmail(cust.email), "Store metrics")
	if strings.Contains(v, cust.email) {
		t.Fatalf("the viewer's profile shows %s:\n%s", cust.email, v)
	}
	tm.Send(key("e"))
	p.waitFor(t, "edit profile: your role (viewer) cannot edit customers")
	tm.Send(key("?"))
	f := p.waitFor(t, "Keys — ")
	for _, want := range []string{"adjust points — your role (viewer) cannot adjust loyalty points", "add note — your role (viewer) cannot add notes"} {
		if !strings.Contains(f, want) {
			t.Errorf("the help lacks %q:\n%s", want, f)
		}
	}
	tm.Send(key("esc"))
	// v reveals the email after a reason, in this view.
	tm.Send(key("v"))
	p.waitFor(t, "Reveal", "Reason")
	tm.Send(key("tab"))
	tm.Type("caller verification")
	tm.Send(key("ctrl+s"))
	p.waitFor(t, cust.email, "Store metrics")
	finish(t, tm)
	page := apiData[api.AuditPage](t, env, "/audit?action="+api.ActionCustomerReveal+"&customer_id="+string(cust.id))
	if len(page.Entries) != 1 || page.Entries[0].AgentID != env.Agents["viewer"] {
		t.Errorf("reveal rows: %+v", page.Entries)
	}
}

// The API goes away mid-session: an error toast, the console still
// answers keys, and ctrl+r recovers once the API is back.
func TestFlowAPIStoppedMidSession(t *testing.T) {
	env := newSandbox(t, 20)
	sw := sandboxtest.NewProxy(t, env.URL)
	cust, _ := pickCustomer(t, env.DB)
	tm, p := startConsole(t, env, api.RoleAgent, sw.URL, 120, 36)
	p.waitFor(t, "page 1 of 1")
	tm.Send(key("esc")) // out of the search box, so : opens the palette
	tm.Type(":customer " + string(cust.id))
	tm.Send(key("enter"))
	p.waitFor(t, cust.email, "Store metrics")

	sw.Down(true)
	tm.Send(key("ctrl+r"))
	p.waitFor(t, "cannot reach the store")
	tm.Send(key("2"))
	p.waitFor(t, "[2 Orders]", "Could not load orders (press ctrl+r to retry)")
	tm.Send(key("?"))
	p.waitFor(t, "Keys — ")
	tm.Send(key("esc"))
	p.waitFrame(t, "the help to close", func(f string) bool { return !strings.Contains(f, "Keys — ") })

	sw.Down(false)
	tm.Send(key("ctrl+r"))
	p.waitFor(t, "[2 Orders]", "Fulfilment")
	tm.Send(key("1"))
	f := p.waitFor(t, "[1 Overview]", cust.email)
	if strings.Contains(f, "Could not load") {
		t.Fatalf("the overview still shows an error after recovery:\n%s", f)
	}
	finish(t, tm)
}

// Typing fast against a slow store (90–240 ms an answer, 40 ms a key)
// never has more than one search in flight, coalesces the keys into a few
// requests, and ends showing the results of the final text.
func TestFlowTypingAgainstASlowStore(t *testing.T) {
	env := newSandbox(t, 20)
	sw := sandboxtest.NewProxy(t, env.URL)
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(1, 2))
	sw.SetDelay(func() time.Duration {
		mu.Lock()
		defer mu.Unlock()
		return 90*time.Millisecond + time.Duration(rng.Int64N(int64(150*time.Millisecond)))
	})
	tm, p := startConsoleWith(t, testConfig(), env, api.RoleAgent, sw.URL, 120, 36)
	p.waitFor(t, "page 1 of 1")
	start := sw.Searches()
	query := "hostile-emoj"
	for _, r := range query {
		tm.Send(key(string(r)))
		time.Sleep(40 * time.Millisecond) // a typist's pace, not synchronisation
	}
	f := p.waitFrame(t, "the final text's results", func(f string) bool {
		return strings.Contains(f, `1 customer matching "`+query+`"`) && !strings.Contains(f, "searching")
	})
	if !strings.Contains(f, "hostile-emoji") {
		t.Fatalf("the final results do not show the customer:\n%s", f)
	}
	n := sw.Searches() - start
	if n < 1 || n > 4 {
		t.Fatalf("typing %d characters sent %d search requests, want 1 to 4", len(query), n)
	}
	if m := sw.MaxInFlight(); m != 1 {
		t.Fatalf("%d searches were in flight at once, want never more than 1", m)
	}
	t.Logf("%d keys, %d requests", len(query), n)
	finish(t, tm)
}

// :search from deep in the stack starts over with that query.
func TestFlowPaletteSearchResets(t *testing.T) {
	env := newSandbox(t, 20)
	cust, _ := pickCustomer(t, env.DB)
	tm, p := startConsole(t, env, api.RoleAgent, env.URL, 120, 36)
	p.waitFor(t, "page 1 of 1")
	tm.Send(key("esc")) // out of the search box, so : opens the palette
	tm.Type(":customer " + string(cust.id))
	tm.Send(key("enter"))
	p.waitFor(t, "Store metrics")
	tm.Type(":search hostile-")
	tm.Send(key("enter"))
	p.waitFor(t, `12 customers matching "hostile-"`)
	shell := finish(t, tm)
	if shell.Depth() != 1 {
		t.Fatalf(":search left %d screens on the stack, want 1", shell.Depth())
	}
}

// The "done when", from the keyboard on the whole console: find a
// customer by part of their email, edit their phone, give them 50 points
// for a late delivery, read their last order. The profile shows each
// change once its form has saved, and the store has exactly one new
// ledger entry.
func TestFlowDoneWhen(t *testing.T) {
	env := newSandbox(t, 40)
	cust, frag := pickCustomer(t, env.DB)
	var entriesBefore int
	if err := env.DB.QueryRow(`SELECT count(*) FROM loyalty_ledger WHERE customer_id = ?`, string(cust.id)).Scan(&entriesBefore); err != nil {
		t.Fatal(err)
	}
	tm, p := startConsole(t, env, api.RoleAgent, env.URL, 120, 40)
	p.waitFor(t, "page 1 of 1")
	tm.Type(frag)
	p.waitFor(t, `1 customer matching "`+frag+`"`)
	tm.Send(key("enter"))
	p.waitFor(t, "Store metrics", cust.email)

	// Edit the phone: the third field of the edit form.
	tm.Send(key("e"))
	p.waitFor(t, "Edit profile")
	for _, k := range []string{"tab", "tab", "tab", "ctrl+u"} {
		tm.Send(key(k))
	}
	tm.Type("0711 222 333")
	p.waitFor(t, "+254711222333")
	tm.Send(key("ctrl+s"))
	p.waitFrame(t, "the profile with the new phone", func(f string) bool {
		return strings.Contains(f, "Store metrics") && strings.Contains(f, "Phone           +254711222333") && !strings.Contains(f, "Edit profile")
	})

	// 50 points of goodwill for a late delivery.
	tm.Send(key("a"))
	p.waitFor(t, "Adjust points")
	tm.Type("50")
	tm.Send(key("tab"))
	tm.Send(key("tab"))
	tm.Type("late delivery")
	tm.Send(key("ctrl+s"))
	p.waitFor(t, "the balance is now")
	tm.Send(key("3"))
	p.waitFor(t, "late delivery", "+50")
	var entriesAfter int
	if err := env.DB.QueryRow(`SELECT count(*) FROM loyalty_ledger WHERE customer_id = ?`, string(cust.id)).Scan(&entriesAfter); err != nil {
		t.Fatal(err)
	}
	if entriesAfter != entriesBefore+1 {
		t.Fatalf("the ledger has %d entries, want exactly one more than %d", entriesAfter, entriesBefore)
	}

	// The last order.
	tm.Send(key("2"))
	p.waitFor(t, "Fulfilment")
	tm.Send(key("enter"))
	p.waitFor(t, "Items", "Subtotal")
	shell := finish(t, tm)
	if shell.Depth() != 3 {
		t.Fatalf("stack depth %d, want search › profile › order", shell.Depth())
	}
	var phone string
	if err := env.DB.QueryRow(`SELECT phone FROM customers WHERE id = ?`, string(cust.id)).Scan(&phone); err != nil || phone != "+254711222333" {
		t.Fatalf("the store has phone %q (%v)", phone, err)
	}
}
