package sshd_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"frontdesk/cli"
	"frontdesk/sandbox/sandboxtest"
	"frontdesk/sshd"
)

// gateway is a running test gateway on 127.0.0.1:0 in front of a sandbox.
type gateway struct {
	t      testing.TB
	env    *sandboxtest.Env
	srv    *sshd.Server
	addr   string
	agents string // the agents file
	// keys holds a key for "viewer", "agent" and "supervisor" (the
	// sandbox's test agents), each listed in the agents file, and
	// "stranger", listed nowhere.
	keys map[string]gossh.Signer
	log  *syncBuffer
	done chan error
}

type gatewayOptions struct {
	sandbox sandboxtest.Options
	// env, when set, is the desk to use instead of a new sandbox (several
	// gateways on one desk).
	env *sandboxtest.Env
	// mutate changes the config before the server is built.
	mutate func(*sshd.Config)
	// limits adds loyalty_limit to agents by role.
	limits map[string]int64
	// demote lists the sandbox agent's role in the agents file as
	// another, weaker one (sandbox role → file role).
	demote map[string]string
}

// roles of the sandbox's test agents the agents file lists.
var fileRoles = []string{"viewer", "agent", "supervisor"}

func newSigner(t testing.TB) gossh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func authorizedLine(s gossh.Signer) string {
	return strings.TrimSpace(string(gossh.MarshalAuthorizedKey(s.PublicKey())))
}

// agentsTOML writes an agents file for the given roles.
func agentsTOML(env *sandboxtest.Env, keys map[string]gossh.Signer, roles []string, limits map[string]int64, demote ...map[string]string) string {
	var b strings.Builder
	for _, role := range roles {
		fileRole := role
		for _, d := range demote {
			if r, ok := d[role]; ok {
				fileRole = r
			}
		}
		fmt.Fprintf(&b, "[[agent]]\nid = %q\nname = %q\nrole = %q\nkeys = [%q]\n", env.Agents[role], "File "+role, fileRole, authorizedLine(keys[role]))
		if lim, ok := limits[role]; ok {
			fmt.Fprintf(&b, "loyalty_limit = %d\n", lim)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func startGateway(t testing.TB, o gatewayOptions) *gateway {
	t.Helper()
	env := o.env
	if env == nil {
		env = sandboxtest.New(t, o.sandbox)
	}
	dir := t.TempDir()
	g := &gateway{t: t, env: env, keys: map[string]gossh.Signer{}, log: newSyncBuffer(), agents: filepath.Join(dir, "agents.toml"), done: make(chan error, 1)}
	for _, r := range append([]string{"stranger"}, fileRoles...) {
		g.keys[r] = newSigner(t)
	}
	writeFile(t, g.agents, agentsTOML(env, g.keys, fileRoles, o.limits, o.demote))
	gw := env.Keys["gateway"]
	cfg := sshd.Config{
		AgentsFile:  g.agents,
		HostKeyFile: filepath.Join(dir, "host_key"),
		API:         cli.GatewayAPI(env.URL, gw.KeyID, gw.Secret, 0),
		Logger:      slog.New(slog.NewTextHandler(g.log, nil)),
		Console:     cli.SSHConsole,
		Command:     cli.SSHCommand("", false),
		RateLimit:   -1,
	}
	if o.mutate != nil {
		o.mutate(&cfg)
	}
	srv, err := sshd.New(cfg)
	if err != nil {
		t.Fatalf("start gateway: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g.srv, g.addr = srv, ln.Addr().String()
	go func() { g.done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-g.done; err != nil {
			t.Errorf("Serve: %v", err)
		}
		if t.Failed() {
			t.Logf("gateway log:\n%s", g.log.String())
		}
	})
	return g
}

// dial connects with the given auth methods.
func (g *gateway) dialAuth(auth ...gossh.AuthMethod) (*gossh.Client, error) {
	return gossh.Dial("tcp", g.addr, &gossh.ClientConfig{
		User:            "anyone",
		Auth:            auth,
		HostKeyCallback: gossh.FixedHostKey(g.srv.HostKey()),
		Timeout:         10 * time.Second,
	})
}

func (g *gateway) dial(key gossh.Signer) (*gossh.Client, error) {
	return g.dialAuth(gossh.PublicKeys(key))
}

func (g *gateway) mustDial(key gossh.Signer) *gossh.Client {
	g.t.Helper()
	c, err := g.dial(key)
	if err != nil {
		g.t.Fatalf("dial: %v", err)
	}
	g.t.Cleanup(func() { c.Close() })
	return c
}

// result of one command over SSH.
type result struct {
	stdout, stderr string
	exit           int
}

// run runs a command (no PTY) and returns its output and exit status.
func (g *gateway) run(key gossh.Signer, cmd string) result {
	g.t.Helper()
	c := g.mustDial(key)
	return runOn(g.t, c, cmd)
}

func runOn(t testing.TB, c *gossh.Client, cmd string) result {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatalf("new session: %v", err)
	}
	defer sess.Close()
	var out, errOut bytes.Buffer
	sess.Stdout, sess.Stderr = &out, &errOut
	err = sess.Run(cmd)
	r := result{stdout: out.String(), stderr: errOut.String()}
	var ee *gossh.ExitError
	switch {
	case errors.As(err, &ee):
		r.exit = ee.ExitStatus()
	case err != nil:
		t.Fatalf("run %q: %v (stderr %q)", cmd, err, r.stderr)
	}
	return r
}

// console is an interactive PTY session read through a screen.
type console struct {
	t      testing.TB
	client *gossh.Client
	sess   *gossh.Session
	stdin  io.WriteCloser
	scr    *screen
	done   chan error // Wait's answer
	copied chan struct{}
}

func (g *gateway) openConsole(key gossh.Signer, w, h int) *console {
	g.t.Helper()
	c := g.mustDial(key)
	con, err := openConsoleOn(c, w, h)
	if err != nil {
		g.t.Fatal(err)
	}
	con.t = g.t
	g.t.Cleanup(func() { con.sess.Close() })
	return con
}

func openConsoleOn(c *gossh.Client, w, h int) (*console, error) {
	sess, err := c.NewSession()
	if err != nil {
		return nil, fmt.Errorf("new session: %w", err)
	}
	if err := sess.RequestPty("xterm-256color", h, w, gossh.TerminalModes{gossh.ECHO: 0}); err != nil {
		return nil, fmt.Errorf("pty: %w", err)
	}
	stdin, err := sess.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := sess.StdoutPipe()
	if err != nil {
		return nil, err
	}
	// A terminal shows both streams; the gateway's last words (why it
	// ended a session) come on stderr.
	stderr, err := sess.StderrPipe()
	if err != nil {
		return nil, err
	}
	con := &console{client: c, sess: sess, stdin: stdin, scr: newScreen(w, h), done: make(chan error, 1), copied: make(chan struct{})}
	go func() {
		io.Copy(con.scr, stdout)
		close(con.copied)
	}()
	go io.Copy(con.scr, stderr)
	if err := sess.Shell(); err != nil {
		return nil, fmt.Errorf("shell: %w", err)
	}
	go func() { con.done <- sess.Wait() }()
	return con, nil
}

// waitFor waits until the screen shows every one of want, failing the
// test at the deadline with what it shows instead.
func (c *console) waitFor(timeout time.Duration, want ...string) string {
	c.t.Helper()
	text, err := c.await(timeout, want...)
	if err != nil {
		c.t.Fatal(err)
	}
	return text
}

// await is waitFor returning an error (for goroutines).
func (c *console) await(timeout time.Duration, want ...string) (string, error) {
	return c.until(timeout, func(text string) bool { return containsAll(text, want) }, fmt.Sprintf("show %q", want))
}

// waitGone waits until the screen no longer shows s.
func (c *console) waitGone(timeout time.Duration, s string) string {
	c.t.Helper()
	text, err := c.until(timeout, func(text string) bool { return !strings.Contains(text, s) }, fmt.Sprintf("stop showing %q", s))
	if err != nil {
		c.t.Fatal(err)
	}
	return text
}

func (c *console) until(timeout time.Duration, ok func(string) bool, what string) (string, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		text := c.scr.String()
		if ok(text) {
			return text, nil
		}
		select {
		case <-c.scr.changed:
		case <-deadline.C:
			return text, fmt.Errorf("after %s the screen does not %s; it shows:\n%s", timeout, what, text)
		}
	}
}

func containsAll(s string, want []string) bool {
	for _, w := range want {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}

func (c *console) send(s string) {
	c.t.Helper()
	if _, err := io.WriteString(c.stdin, s); err != nil {
		c.t.Fatalf("send %q: %v", s, err)
	}
}

// wait waits for the session to end and returns its exit status (-1 when
// the connection went away without one).
func (c *console) wait(timeout time.Duration) (int, error) {
	select {
	case err := <-c.done:
		var ee *gossh.ExitError
		var missing *gossh.ExitMissingError
		switch {
		case err == nil:
			return 0, nil
		case errors.As(err, &ee):
			return ee.ExitStatus(), nil
		case errors.As(err, &missing):
			return -1, nil
		}
		return -1, err
	case <-time.After(timeout):
		return -1, fmt.Errorf("the session did not end within %s; the screen shows:\n%s", timeout, c.scr.String())
	}
}

// syncBuffer is a bytes.Buffer safe for the log handler's concurrent
// writes, which signals every write.
type syncBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{}
}

func newSyncBuffer() *syncBuffer { return &syncBuffer{changed: make(chan struct{}, 1)} }

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case s.changed <- struct{}{}:
	default:
	}
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitLog waits until the gateway's log contains every one of want.
func (g *gateway) waitLog(timeout time.Duration, want ...string) string {
	g.t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s := g.log.String()
		if containsAll(s, want) {
			return s
		}
		select {
		case <-g.log.changed:
		case <-deadline.C:
			g.t.Fatalf("the gateway log has no %q after %s:\n%s", want, timeout, s)
		}
	}
}

// waitSessions polls until the gateway has n open sessions (a session's
// last bookkeeping runs just after the client has seen it end).
func (g *gateway) waitSessions(timeout time.Duration, n int) {
	g.t.Helper()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for g.srv.Sessions() != n {
		select {
		case <-tick.C:
		case <-deadline.C:
			g.t.Fatalf("the gateway has %d open sessions after %s, want %d", g.srv.Sessions(), timeout, n)
		}
	}
}
