package sshd_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	gossh "golang.org/x/crypto/ssh"

	"frontdesk/api"
	"frontdesk/cli"
	"frontdesk/policy"
	"frontdesk/sandbox/sandboxtest"
	"frontdesk/sshd"
	"frontdesk/tui"
)

const wait = 15 * time.Second

// customer is a seeded customer with a plain name and some points.
type customer struct {
	id           int64
	last, email  string
	pointsBefore int64
}

func pickCustomer(t testing.TB, env *sandboxtest.Env) customer {
	t.Helper()
	var c customer
	err := env.DB.QueryRow(`
		SELECT c.id, c.last_name, c.email, a.points_balance
		FROM customers c JOIN loyalty_accounts a ON a.customer_id = c.id
		WHERE c.status = 'active' AND a.points_balance > 100
		  AND c.last_name GLOB '[A-Z][a-z][a-z]*' AND c.last_name NOT GLOB '*[^A-Za-z]*'
		  AND c.email NOT GLOB '*[^A-Za-z0-9@._+-]*'
		ORDER BY c.id LIMIT 1`).Scan(&c.id, &c.last, &c.email, &c.pointsBefore)
	if err != nil {
		t.Fatalf("pick a customer: %v", err)
	}
	return c
}

func ledgerRows(t testing.TB, env *sandboxtest.Env, customerID int64) int {
	t.Helper()
	var n int
	if err := env.DB.QueryRow(`SELECT count(*) FROM loyalty_ledger WHERE customer_id = ?`, customerID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// headerLog records the gateway's API requests.
type headerLog struct {
	next http.RoundTripper
	mu   sync.Mutex
	reqs []http.Header
	// leases counts the requests for the sessions' places on the desk
	// (/gateway-sessions), which every session makes.
	leases int
}

func (h *headerLog) RoundTrip(r *http.Request) (*http.Response, error) {
	h.mu.Lock()
	h.reqs = append(h.reqs, r.Header.Clone())
	if strings.Contains(r.URL.Path, api.PathGatewaySessions) {
		h.leases++
	}
	h.mu.Unlock()
	return h.next.RoundTrip(r)
}

// count counts the requests other than the sessions' leases.
func (h *headerLog) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.reqs) - h.leases
}

func TestConsoleRendersAgentAndSearches(t *testing.T) {
	g := startGateway(t, gatewayOptions{})
	c := pickCustomer(t, g.env)
	con := g.openConsole(g.keys["agent"], 140, 30)
	// The header names the agent as GET /me (as that agent) answers.
	con.waitFor(wait, "frontdesk", "Amani Agent (agent)")
	con.send(c.last)
	con.waitFor(wait, c.email)
	con.send("\x1b") // leave the search box…
	con.waitGone(wait, "esc leave the box")
	con.send("q") // …and quit at the root
	code, err := con.wait(wait)
	if err != nil {
		t.Fatal(err)
	}
	if code != 0 {
		t.Fatalf("exit status %d after q, want 0", code)
	}
	g.waitLog(wait, "agent=test-agent", "command=console", "exit=0")
}

func TestConsoleTakesTheFilesWeakerRole(t *testing.T) {
	// The API knows test-agent as an agent; the agents file says viewer.
	// The console must act as a viewer: the header says so, and the
	// role-gated keys are refused with the reason.
	g := startGateway(t, gatewayOptions{demote: map[string]string{"agent": "viewer"}})
	con := g.openConsole(g.keys["agent"], 120, 30)
	con.waitFor(wait, "Amani Agent (viewer)")
	con.send("\x1b") // leave the search box
	con.waitGone(wait, "esc leave the box")
	con.send("n") // new customer: supervisors only
	con.waitFor(wait, "your role (viewer)")
}

func TestConsoleSizeAndResize(t *testing.T) {
	g := startGateway(t, gatewayOptions{})
	c := g.mustDial(g.keys["viewer"])
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	if err := sess.RequestPty("xterm", 12, 50, nil); err != nil {
		t.Fatal(err)
	}
	stdout, _ := sess.StdoutPipe()
	scr := newScreen(120, 30)
	go io.Copy(scr, stdout)
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	con := &console{t: t, scr: scr}
	con.waitFor(wait, "Terminal too small: 50×12")
	if err := sess.WindowChange(30, 120); err != nil {
		t.Fatal(err)
	}
	text := con.waitFor(wait, "Vera Viewer (viewer)")
	if strings.Contains(text, "Terminal too small") {
		t.Fatalf("still too small after the resize:\n%s", text)
	}
}

func TestAuthRefusals(t *testing.T) {
	g := startGateway(t, gatewayOptions{})
	asked := atomic.Bool{}
	cases := map[string][]gossh.AuthMethod{
		"unknown key": {gossh.PublicKeys(g.keys["stranger"])},
		"password":    {gossh.Password("hunter2")},
		"keyboard-interactive": {gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) {
			asked.Store(true)
			return []string{"hunter2"}, nil
		})},
		"none": nil,
		// CVE-2023-43809's shape: show the supervisor's public key, then
		// try a method that does not prove holding it.
		"offer a listed key, then keyboard-interactive": {
			gossh.PublicKeys(&liar{shown: g.keys["supervisor"], signs: g.keys["stranger"]}),
			gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) {
				asked.Store(true)
				return nil, nil
			}),
		},
		"offer a listed key, sign with another": {gossh.PublicKeys(&liar{shown: g.keys["supervisor"], signs: g.keys["stranger"]})},
	}
	for name, auth := range cases {
		t.Run(name, func(t *testing.T) {
			c, err := g.dialAuth(auth...)
			if err == nil {
				c.Close()
				t.Fatal("connected; want the authentication refused")
			}
			// x/crypto's server drops the connection on a signature that
			// does not verify; every other refusal is "unable to
			// authenticate". Either way: no session.
			if !strings.Contains(err.Error(), "unable to authenticate") && !strings.Contains(err.Error(), "handshake failed: EOF") {
				t.Fatalf("err = %v, want an authentication failure", err)
			}
		})
	}
	if asked.Load() {
		t.Error("the server offered keyboard-interactive")
	}
}

// liar shows one key's public half and signs with another key.
type liar struct{ shown, signs gossh.Signer }

func (l *liar) PublicKey() gossh.PublicKey { return l.shown.PublicKey() }
func (l *liar) Sign(r io.Reader, data []byte) (*gossh.Signature, error) {
	return l.signs.Sign(r, data)
}

func TestAgentsFileFailsClosed(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1})
	gw := env.Keys["gateway"]
	dir := t.TempDir()
	key := newSigner(t)
	valid := fmt.Sprintf("[[agent]]\nid = \"a\"\nname = \"A\"\nrole = \"agent\"\nkeys = [%q]\n", authorizedLine(key))
	cases := []struct {
		name, content string
		mode          os.FileMode
		want          string
	}{
		{"missing", "", 0, "does not exist"},
		{"empty", "", 0o600, "no agents"},
		{"only comments", "# nobody yet\n", 0o600, "no agents"},
		{"malformed", "[[agent]\nid = ", 0o600, "line 1"},
		{"unknown field", strings.Replace(valid, "keys =", "key =", 1), 0o600, "unknown field"},
		{"no keys", "[[agent]]\nid = \"a\"\nname = \"A\"\nrole = \"agent\"\nkeys = []\n", 0o600, "keys is empty"},
		{"admin role", strings.Replace(valid, `"agent"`, `"admin"`, 1), 0o600, "role \"admin\""},
		{"bad key", strings.Replace(valid, "ssh-ed25519 AAAA", "ssh-ed25519 ZZZZ", 1), 0o600, "not a public key"},
		{"key options", strings.Replace(valid, "keys = [\"", "keys = [\"from=\\\"10.0.0.1\\\" ", 1), 0o600, "options"},
		{"world-writable", valid, 0o666, "writable by group or others"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := dir + "/" + strings.ReplaceAll(tc.name, " ", "-") + ".toml"
			if tc.mode != 0 {
				writeFile(t, path, tc.content)
				if err := os.Chmod(path, tc.mode); err != nil {
					t.Fatal(err)
				}
			}
			_, err := sshd.New(sshd.Config{AgentsFile: path, HostKeyFile: dir + "/host",
				API: cli.GatewayAPI(env.URL, gw.KeyID, gw.Secret, 0)})
			if err == nil {
				t.Fatal("the gateway started")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to say %q", err, tc.want)
			}
		})
	}
}

func TestCommandMode(t *testing.T) {
	headers := &headerLog{next: http.DefaultTransport}
	g := startGateway(t, gatewayOptions{
		limits: map[string]int64{"agent": 20},
		mutate: func(c *sshd.Config) { c.API.Transport = headers },
	})
	cust := pickCustomer(t, g.env)
	agent := g.keys["agent"]

	t.Run("show as JSON", func(t *testing.T) {
		r := g.run(agent, fmt.Sprintf("customers show %d --json", cust.id))
		var got api.CustomerEnvelope
		if r.exit != 0 || json.Unmarshal([]byte(r.stdout), &got) != nil || got.Customer.Email != cust.email {
			t.Fatalf("exit %d, stdout %q, stderr %q", r.exit, r.stdout, r.stderr)
		}
	})
	t.Run("search as JSON", func(t *testing.T) {
		r := g.run(agent, "customers search "+cust.last+" --json")
		var got api.CustomerList
		if r.exit != 0 || json.Unmarshal([]byte(r.stdout), &got) != nil || got.Total < 1 {
			t.Fatalf("exit %d, stdout %q, stderr %q", r.exit, r.stdout, r.stderr)
		}
	})
	exits := []struct {
		name, cmd string
		exit      int
		stderr    string
	}{
		{"not found", "customers show 99999999", 3, "not found"},
		{"usage", fmt.Sprintf("loyalty adjust %d", cust.id), 2, "--points is required"},
		{"not available", "sandbox serve --db /tmp/x.db", 2, "not available over ssh"},
		{"not available subcommand", "auth login", 2, "not available over ssh"},
		{"local flags refused", fmt.Sprintf("--log-file /tmp/frontdesk-gw.log customers show %d", cust.id), 2, "--log-file is not available over ssh"},
		{"unknown flag", "customers search x --nope", 2, "unknown flag"},
		{"over the file's limit", fmt.Sprintf("loyalty adjust %d --points 50 --reason goodwill --note 'late parcel'", cust.id), 4, "over your limit of 20"},
	}
	for _, tc := range exits {
		t.Run(tc.name, func(t *testing.T) {
			r := g.run(agent, tc.cmd)
			if r.exit != tc.exit || !strings.Contains(r.stderr, tc.stderr) {
				t.Fatalf("exit %d (want %d), stderr %q (want %q), stdout %q", r.exit, tc.exit, r.stderr, tc.stderr, r.stdout)
			}
		})
	}
	t.Run("conflict: more points than the balance", func(t *testing.T) {
		r := g.run(g.keys["supervisor"], fmt.Sprintf("loyalty adjust %d --points -1000000 --reason correction --note 'far too many'", cust.id))
		if r.exit != 5 {
			t.Fatalf("exit %d, want 5 (conflict); stderr %q", r.exit, r.stderr)
		}
	})
	t.Run("help lists only what works over ssh", func(t *testing.T) {
		r := g.run(agent, "help")
		if r.exit != 0 || !strings.Contains(r.stdout, "whoami") || !strings.Contains(r.stdout, "loyalty") ||
			strings.Contains(r.stdout, "sandbox") || strings.Contains(r.stdout, "--log-file") {
			t.Fatalf("exit %d\n%s", r.exit, r.stdout)
		}
	})
	t.Run("adjust", func(t *testing.T) {
		before := ledgerRows(t, g.env, cust.id)
		r := g.run(agent, fmt.Sprintf("loyalty adjust %d --points 15 --reason goodwill --note 'late parcel' --json", cust.id))
		var res api.AdjustmentResult
		if r.exit != 0 || json.Unmarshal([]byte(r.stdout), &res) != nil {
			t.Fatalf("exit %d, stdout %q, stderr %q", r.exit, r.stdout, r.stderr)
		}
		if ledgerRows(t, g.env, cust.id) != before+1 {
			t.Fatalf("ledger rows %d → %d, want one more", before, ledgerRows(t, g.env, cust.id))
		}
		var by string
		if err := g.env.DB.QueryRow(`SELECT agent_id FROM loyalty_ledger WHERE customer_id = ? ORDER BY id DESC LIMIT 1`, cust.id).Scan(&by); err != nil {
			t.Fatal(err)
		}
		if by != g.env.Agents["agent"] {
			t.Fatalf("the entry names %q, want the connected agent %q", by, g.env.Agents["agent"])
		}
		g.waitLog(wait, "agent=test-agent", `command="loyalty adjust"`, "exit=0", "key=SHA256:")
	})
	// Every request the gateway sent named an agent and said ssh.
	headers.mu.Lock()
	defer headers.mu.Unlock()
	if len(headers.reqs) == 0 {
		t.Fatal("no API requests recorded")
	}
	for _, h := range headers.reqs {
		if h.Get(api.HeaderAgent) == "" || h.Get(api.HeaderVia) != "ssh" {
			t.Fatalf("a request went out with %s=%q %s=%q", api.HeaderAgent, h.Get(api.HeaderAgent), api.HeaderVia, h.Get(api.HeaderVia))
		}
	}
}

func TestViewerCannotAdjust(t *testing.T) {
	headers := &headerLog{next: http.DefaultTransport}
	g := startGateway(t, gatewayOptions{mutate: func(c *sshd.Config) { c.API.Transport = headers }})
	cust := pickCustomer(t, g.env)
	before, sent := ledgerRows(t, g.env, cust.id), headers.count()
	r := g.run(g.keys["viewer"], fmt.Sprintf("loyalty adjust %d --points 50 --reason goodwill --note 'late parcel'", cust.id))
	// The policy's sentence, the one the server and the console say.
	want := policy.CheckLoyalty(policy.Actor{Role: api.RoleViewer}, 50).Error()
	if want != "your role (viewer) cannot adjust loyalty points" {
		t.Fatalf("the policy says %q", want)
	}
	if r.exit != 4 || !strings.Contains(r.stderr, "refused by the SSH gateway: "+want) {
		t.Fatalf("exit %d (want 4), stderr %q", r.exit, r.stderr)
	}
	if n := ledgerRows(t, g.env, cust.id); n != before {
		t.Fatalf("ledger rows %d → %d", before, n)
	}
	if n := headers.count(); n != sent {
		t.Fatalf("the gateway sent %d API requests for a refused adjustment; it must refuse before asking", n-sent)
	}
}

func TestReloadEndsRemovedAgentsSessions(t *testing.T) {
	g := startGateway(t, gatewayOptions{})
	agent := g.openConsole(g.keys["agent"], 120, 30)
	viewer := g.openConsole(g.keys["viewer"], 120, 30)
	agent.waitFor(wait, "Amani Agent (agent)")
	viewer.waitFor(wait, "Vera Viewer (viewer)")

	// A broken file changes nothing.
	writeFile(t, g.agents, "[[agent]]\nid = ")
	if err := g.srv.Reload(); err == nil {
		t.Fatal("a malformed agents file reloaded")
	}
	if r := g.run(g.keys["agent"], "whoami"); r.exit != 0 {
		t.Fatalf("after a failed reload the agent is refused: exit %d %s", r.exit, r.stderr)
	}

	// Without the agent: their console ends, the viewer's stays.
	g.waitSessions(wait, 2) // the whoami session has closed
	writeFile(t, g.agents, agentsTOML(g.env, g.keys, []string{"viewer", "supervisor"}, nil))
	if err := g.srv.Reload(); err != nil {
		t.Fatal(err)
	}
	code, err := agent.wait(wait)
	if err != nil {
		t.Fatal(err)
	}
	if code != 1 {
		t.Fatalf("the removed agent's console ended with %d, want 1", code)
	}
	agent.waitFor(wait, "access to this gateway was removed")
	if _, err := g.dial(g.keys["agent"]); err == nil {
		t.Fatal("the removed agent can still connect")
	}
	viewer.send("Wanj")
	viewer.waitFor(wait, "Wanj")
	select {
	case err := <-viewer.done:
		t.Fatalf("the viewer's session ended: %v", err)
	default:
	}
	g.waitLog(wait, "sessions_ended=1")
}

func TestMaxSessions(t *testing.T) {
	g := startGateway(t, gatewayOptions{mutate: func(c *sshd.Config) { c.MaxSessions = 2 }})
	for _, role := range []string{"agent", "viewer"} {
		g.openConsole(g.keys[role], 100, 30).waitFor(wait, "frontdesk")
	}
	r := g.run(g.keys["supervisor"], "whoami")
	if r.exit != 1 || !strings.Contains(r.stderr, "all 2 sessions of this gateway are in use") {
		t.Fatalf("exit %d, stderr %q", r.exit, r.stderr)
	}
}

func TestRateLimitPerIP(t *testing.T) {
	g := startGateway(t, gatewayOptions{mutate: func(c *sshd.Config) { c.RateLimit, c.RateBurst = 0.001, 3 }})
	for i := range 3 {
		c, err := g.dial(g.keys["viewer"])
		if err != nil {
			t.Fatalf("connection %d of the burst: %v", i+1, err)
		}
		c.Close()
	}
	if c, err := g.dial(g.keys["viewer"]); err == nil {
		c.Close()
		t.Fatal("a 4th connection within the burst window was let in")
	}
	g.waitLog(wait, "ssh connection rate limited")
}

func TestIdleTimeout(t *testing.T) {
	g := startGateway(t, gatewayOptions{mutate: func(c *sshd.Config) { c.IdleTimeout = 500 * time.Millisecond }})
	con := g.openConsole(g.keys["viewer"], 100, 30)
	code, err := con.wait(wait)
	if err != nil {
		t.Fatal(err)
	}
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	con.waitFor(wait, "idle for too long")
}

func TestPanicEndsOnlyThatSession(t *testing.T) {
	g := startGateway(t, gatewayOptions{mutate: func(c *sshd.Config) {
		next := c.Command
		c.Command = func(ctx context.Context, r sshd.CommandRequest) (int, string) {
			if len(r.Args) > 0 && r.Args[0] == "boom" {
				panic("boom")
			}
			return next(ctx, r)
		}
		console := c.Console
		c.Console = func(ctx context.Context, cl *sshd.Client, o tui.Options) (tea.Model, error) {
			if cl.Agent().Role == api.RoleSupervisor {
				return panicky{}, nil
			}
			return console(ctx, cl, o)
		}
	}})
	viewer := g.openConsole(g.keys["viewer"], 100, 30)
	viewer.waitFor(wait, "Vera Viewer (viewer)")
	if r := g.run(g.keys["agent"], "boom"); r.exit != 1 {
		t.Fatalf("a panicking command exited %d, want 1 (stderr %q)", r.exit, r.stderr)
	}
	sup := g.openConsole(g.keys["supervisor"], 100, 30)
	sup.waitFor(wait, "about to panic")
	sup.send("x")
	if code, err := sup.wait(wait); err != nil || code != 1 {
		t.Fatalf("the panicking console: exit %d, %v; want 1", code, err)
	}
	sup.waitFor(wait, "internal error")
	g.waitLog(wait, "ssh console panicked", "a screen bug", "ssh session panicked")
	viewer.send("Wanj")
	viewer.waitFor(wait, "Wanj")
	if r := g.run(g.keys["agent"], "whoami"); r.exit != 0 {
		t.Fatalf("after the panics: exit %d", r.exit)
	}
}

// panicky is a console that panics on its first key.
type panicky struct{}

func (panicky) Init() tea.Cmd { return nil }
func (panicky) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(tea.KeyPressMsg); ok {
		panic("a screen bug")
	}
	return panicky{}, nil
}
func (panicky) View() tea.View { return tea.NewView("about to panic") }

func TestShutdownTellsConsolesAndLetsCommandsFinish(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{})
	g := startGateway(t, gatewayOptions{mutate: func(c *sshd.Config) {
		c.ShutdownNotice = 2 * time.Second
		next := c.Command
		c.Command = func(ctx context.Context, r sshd.CommandRequest) (int, string) {
			if len(r.Args) > 0 && r.Args[0] == "slow" {
				close(started)
				<-release
				fmt.Fprintln(r.Stdout, "finished")
				return 0, "slow"
			}
			return next(ctx, r)
		}
	}})
	con := g.openConsole(g.keys["agent"], 120, 30)
	con.waitFor(wait, "Amani Agent (agent)")
	slow := make(chan result, 1)
	c := g.mustDial(g.keys["viewer"])
	go func() { slow <- runOn(t, c, "slow") }()
	<-started

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	stopped := make(chan error, 1)
	go func() { stopped <- g.srv.Shutdown(ctx) }()
	con.waitFor(wait, "The gateway is shutting down")
	if _, err := g.dial(g.keys["agent"]); err == nil {
		t.Error("a new connection was accepted while shutting down")
	}
	code, err := con.wait(wait)
	if err != nil || code != 1 {
		t.Fatalf("console: exit %d, %v", code, err)
	}
	close(release)
	r := <-slow
	if r.exit != 0 || !strings.Contains(r.stdout, "finished") {
		t.Fatalf("the command under way was cut: exit %d, stdout %q", r.exit, r.stdout)
	}
	if err := <-stopped; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
}
