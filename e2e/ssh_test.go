package e2e

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/sandbox/sandboxtest"
	"frontdesk/server"
)

// The SSH gateway end to end: the real binary serving, the real OpenSSH
// client connecting, tmux as the agent's terminal.

const gwWait = 20 * time.Second

// gwNeed skips (or with FRONTDESK_E2E_REQUIRED=1 fails) without the tools.
func gwNeed(t *testing.T, tools ...string) {
	t.Helper()
	needTools(t, "apt-get install -y openssh-client tmux", tools...)
}

// gwKey makes an OpenSSH key pair; it returns the private key's path.
func gwKey(t *testing.T, dir, name string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name+"@laptop", "-f", path).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	return path
}

func gwPub(t *testing.T, key string) string {
	t.Helper()
	b, err := os.ReadFile(key + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// gwAgents writes an agents file for the sandbox's test agents.
func gwAgents(t *testing.T, path string, env *sandboxtest.Env, keys map[string]string, roles ...string) {
	t.Helper()
	var b strings.Builder
	for _, role := range roles {
		fmt.Fprintf(&b, "[[agent]]\nid = %q\nname = %q\nrole = %q\nkeys = [%q]\n\n", env.Agents[role], "Test "+role, role, gwPub(t, keys[role]))
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

// gwServer is a running `frontdesk ssh serve`.
type gwServer struct {
	cmd    *exec.Cmd
	port   string
	log    string // --log-file
	stderr *gwLines
	// exited is closed when the process has ended; exitErr is then
	// Wait's answer.
	exited  chan struct{}
	exitErr error
}

// gwLines collects a stream's lines and signals each one.
type gwLines struct {
	mu      sync.Mutex
	lines   []string
	changed chan struct{}
}

func (l *gwLines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

func (l *gwLines) read(r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		l.mu.Lock()
		l.lines = append(l.lines, sc.Text())
		l.mu.Unlock()
		select {
		case l.changed <- struct{}{}:
		default:
		}
	}
}

var gwListening = regexp.MustCompile(`frontdesk ssh gateway on 127\.0\.0\.1:(\d+) `)

func gwStart(t *testing.T, bin, dir, agents string, env *sandboxtest.Env) *gwServer {
	t.Helper()
	return gwStartOn(t, bin, dir, agents, env.URL, env.Keys["gateway"])
}

// gwStartOn starts a gateway in front of the desk server at url, with
// its gateway key gw.
func gwStartOn(t *testing.T, bin, dir, agents, url string, gw server.Key) *gwServer {
	t.Helper()
	s := &gwServer{log: filepath.Join(dir, "gateway.log"), stderr: &gwLines{changed: make(chan struct{}, 1)}, exited: make(chan struct{})}
	s.cmd = exec.Command(bin, "ssh", "serve", "--addr", "127.0.0.1:0", "--agents", agents,
		"--host-key", filepath.Join(dir, "state", "host_ed25519"), "--log-file", s.log)
	s.cmd.Env = []string{
		"HOME=" + filepath.Join(dir, "home"),
		"XDG_CONFIG_HOME=" + filepath.Join(dir, "home", ".config"),
		"PATH=" + os.Getenv("PATH"),
		"FRONTDESK_API_URL=" + url,
		"FRONTDESK_API_KEY=" + gw.KeyID,
		"FRONTDESK_API_SECRET=" + gw.Secret,
	}
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go s.stderr.read(stderr)
	go func() {
		s.exitErr = s.cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-s.exited:
		default:
			s.cmd.Process.Kill() // our own child, by its pid
			<-s.exited
		}
		if t.Failed() {
			log, _ := os.ReadFile(s.log)
			t.Logf("gateway stderr:\n%s\ngateway log:\n%s", s.stderr.String(), log)
		}
	})
	deadline := time.NewTimer(gwWait)
	defer deadline.Stop()
	for {
		if m := gwListening.FindStringSubmatch(s.stderr.String()); m != nil {
			s.port = m[1]
			return s
		}
		select {
		case <-s.stderr.changed:
		case <-s.exited:
			t.Fatalf("the gateway exited before listening: %v\n%s", s.exitErr, s.stderr.String())
		case <-deadline.C:
			t.Fatalf("the gateway did not say where it listens within %s:\n%s", gwWait, s.stderr.String())
		}
	}
}

// sshArgs are the OpenSSH options of every connection: no config, no
// agent keys, no host key prompts, no passwords typed.
func (s *gwServer) sshArgs(identities ...string) []string {
	args := []string{"-F", "/dev/null", "-p", s.port,
		"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes",
		"-o", "BatchMode=yes", "-o", "LogLevel=ERROR"}
	for _, id := range identities {
		args = append(args, "-i", id)
	}
	return args
}

type gwResult struct {
	stdout, stderr string
	exit           int
}

// ssh runs one remote command (no PTY) with the given identities.
func (s *gwServer) ssh(t *testing.T, remote string, identities ...string) gwResult {
	t.Helper()
	return s.sshWith(t, nil, remote, identities...)
}

func (s *gwServer) sshWith(t *testing.T, extra []string, remote string, identities ...string) gwResult {
	t.Helper()
	args := append(s.sshArgs(identities...), extra...)
	args = append(args, "127.0.0.1", remote)
	ctx, cancel := context.WithTimeout(context.Background(), gwWait)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ssh", args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	r := gwResult{stdout: out.String(), stderr: errOut.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.exit = ee.ExitCode()
	case err != nil:
		t.Fatalf("ssh %s: %v", remote, err)
	}
	return r
}

// waitLog waits until the gateway's log file has every one of want.
func (s *gwServer) waitLog(t *testing.T, want ...string) string {
	t.Helper()
	var text string
	gwPoll(t, gwWait, func() bool {
		b, _ := os.ReadFile(s.log)
		text = string(b)
		for _, w := range want {
			if !strings.Contains(text, w) {
				return false
			}
		}
		return true
	}, func() string { return fmt.Sprintf("the gateway log has no %q:\n%s", want, text) })
	return text
}

// gwPoll checks ok every 20 ms until it holds or the deadline passes.
func gwPoll(t *testing.T, timeout time.Duration, ok func() bool, failure func() string) {
	t.Helper()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for !ok() {
		select {
		case <-tick.C:
		case <-deadline.C:
			t.Fatal(failure())
		}
	}
}

// gwTmux is one tmux server with one window running ssh.
type gwTmux struct {
	t        *testing.T
	sock     string
	exitFile string
}

func gwOpenConsole(t *testing.T, s *gwServer, key string, w, h int) *gwTmux {
	t.Helper()
	dir := t.TempDir()
	x := &gwTmux{t: t, sock: filepath.Join(dir, "tmux.sock"), exitFile: filepath.Join(dir, "ssh-exit")}
	ssh := "ssh -tt " + strings.Join(s.sshArgs(key), " ") + " 127.0.0.1"
	// The window runs ssh and then writes its exit status, so the test
	// sees how the connection ended.
	script := fmt.Sprintf("%s; echo $? > %s", ssh, x.exitFile)
	x.tmux("-f", "/dev/null", "new-session", "-d", "-s", "gw", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h),
		"env", "-i", "PATH="+os.Getenv("PATH"), "HOME="+dir, "TERM=xterm-256color", "sh", "-c", script)
	t.Cleanup(func() { exec.Command("tmux", "-S", x.sock, "kill-server").Run() })
	return x
}

func (x *gwTmux) tmux(args ...string) string {
	x.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", x.sock}, args...)...).CombinedOutput()
	if err != nil {
		x.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (x *gwTmux) screen() string {
	out, err := exec.Command("tmux", "-S", x.sock, "capture-pane", "-p", "-t", "gw").CombinedOutput()
	if err != nil {
		return "(no pane: " + strings.TrimSpace(string(out)) + ")"
	}
	return string(out)
}

func (x *gwTmux) waitFor(want ...string) string {
	x.t.Helper()
	var text string
	gwPoll(x.t, gwWait, func() bool {
		text = x.screen()
		for _, w := range want {
			if !strings.Contains(text, w) {
				return false
			}
		}
		return true
	}, func() string { return fmt.Sprintf("the console does not show %q:\n%s", want, text) })
	return text
}

func (x *gwTmux) waitGone(gone string) {
	x.t.Helper()
	var text string
	gwPoll(x.t, gwWait, func() bool { text = x.screen(); return !strings.Contains(text, gone) },
		func() string { return fmt.Sprintf("the console still shows %q:\n%s", gone, text) })
}

// exitStatus waits for ssh to end and returns its exit status.
func (x *gwTmux) exitStatus() string {
	x.t.Helper()
	var status string
	gwPoll(x.t, gwWait, func() bool {
		b, err := os.ReadFile(x.exitFile)
		status = strings.TrimSpace(string(b))
		return err == nil && status != ""
	}, func() string { return "ssh did not end; the console shows:\n" + x.screen() })
	return status
}

type gwCustomer struct {
	id           int64
	last, email  string
	balance, row int64
}

func gwPickCustomer(t *testing.T, env *sandboxtest.Env) gwCustomer {
	t.Helper()
	var c gwCustomer
	if err := env.DB.QueryRow(`
		SELECT c.id, c.last_name, c.email, a.points_balance
		FROM customers c JOIN loyalty_accounts a ON a.customer_id = c.id
		WHERE c.status = 'active' AND c.last_name NOT GLOB '*[^A-Za-z]*' AND length(c.last_name) > 3
		ORDER BY c.id LIMIT 1`).Scan(&c.id, &c.last, &c.email, &c.balance); err != nil {
		t.Fatal(err)
	}
	return c
}

func gwLedger(t *testing.T, env *sandboxtest.Env, id int64) (rows, balance int64) {
	t.Helper()
	if err := env.DB.QueryRow(`SELECT count(*) FROM loyalty_ledger WHERE customer_id = ?`, id).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if err := env.DB.QueryRow(`SELECT points_balance FROM loyalty_accounts WHERE customer_id = ?`, id).Scan(&balance); err != nil {
		t.Fatal(err)
	}
	return rows, balance
}

func TestSSHGateway(t *testing.T) {
	gwNeed(t, "ssh", "ssh-keygen", "tmux")
	env := sandboxtest.New(t, sandboxtest.Options{RateLimit: -1})
	bin := buildFrontdesk(t)
	dir := t.TempDir()
	keys := map[string]string{}
	for _, role := range []string{"viewer", "agent", "supervisor", "stranger"} {
		keys[role] = gwKey(t, dir, role)
	}
	agents := filepath.Join(dir, "agents.toml")
	gwAgents(t, agents, env, keys, "viewer", "agent", "supervisor")
	s := gwStart(t, bin, dir, agents, env)
	cust := gwPickCustomer(t, env)

	t.Run("host key created 0600", func(t *testing.T) {
		st, err := os.Stat(filepath.Join(dir, "state", "host_ed25519"))
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("host key: %v, mode %v", err, st.Mode())
		}
	})

	t.Run("a command without a PTY changes the balance once", func(t *testing.T) {
		rows, balance := gwLedger(t, env, cust.id)
		cmd := fmt.Sprintf("loyalty adjust %d --points 25 --reason goodwill --note 'late parcel' --idempotency-key e2e-ssh-1 --json", cust.id)
		r := s.ssh(t, cmd, keys["agent"])
		if r.exit != 0 || !strings.Contains(r.stdout, `"points_balance"`) {
			t.Fatalf("exit %d\nstdout %s\nstderr %s", r.exit, r.stdout, r.stderr)
		}
		// The same command again (a retry) is a replay: nothing changes.
		if r := s.ssh(t, cmd, keys["agent"]); r.exit != 0 || !strings.Contains(r.stderr, "replayed") {
			t.Fatalf("retry: exit %d, stderr %q", r.exit, r.stderr)
		}
		rows2, balance2 := gwLedger(t, env, cust.id)
		if rows2 != rows+1 || balance2 != balance+25 {
			t.Fatalf("ledger %d → %d rows, balance %d → %d; want one row and +25", rows, rows2, balance, balance2)
		}
		s.waitLog(t, "agent="+env.Agents["agent"], `command="loyalty adjust"`, "key=SHA256:", "remote=127.0.0.1:", "exit=0", "duration=")
	})

	t.Run("a viewer's adjustment is refused", func(t *testing.T) {
		rows, _ := gwLedger(t, env, cust.id)
		r := s.ssh(t, fmt.Sprintf("loyalty adjust %d --points 25 --reason goodwill --note 'late parcel'", cust.id), keys["viewer"])
		if r.exit != 4 {
			t.Fatalf("exit %d, want 4; stderr %q", r.exit, r.stderr)
		}
		if rows2, _ := gwLedger(t, env, cust.id); rows2 != rows {
			t.Fatalf("ledger %d → %d rows", rows, rows2)
		}
	})

	t.Run("JSON and exit statuses travel back", func(t *testing.T) {
		// A viewer's answer carries the email masked.
		if r := s.ssh(t, fmt.Sprintf("customers show %d --json", cust.id), keys["viewer"]); r.exit != 0 || !strings.Contains(r.stdout, api.MaskEmail(cust.email)) || strings.Contains(r.stdout, cust.email) {
			t.Fatalf("show: exit %d\n%s%s", r.exit, r.stdout, r.stderr)
		}
		if r := s.ssh(t, "customers show 99999999", keys["viewer"]); r.exit != 3 {
			t.Fatalf("missing customer: exit %d, want 3", r.exit)
		}
		var number, buyer string
		if err := env.DB.QueryRow(`SELECT o.number, c.email FROM orders o JOIN customers c ON c.id = o.customer_id
			WHERE c.email NOT LIKE 'hostile-%' ORDER BY o.id DESC LIMIT 1`).Scan(&number, &buyer); err != nil {
			t.Fatal(err)
		}
		if r := s.ssh(t, "orders find "+number+" --json", keys["viewer"]); r.exit != 0 || !strings.Contains(r.stdout, api.MaskEmail(buyer)) || strings.Contains(r.stdout, buyer) ||
			!strings.Contains(r.stdout, `"number": "`+number+`"`) {
			t.Fatalf("orders find %s: exit %d\n%s%s", number, r.exit, r.stdout, r.stderr)
		}
		if r := s.ssh(t, "orders find FD-99999999", keys["viewer"]); r.exit != 3 {
			t.Fatalf("unknown order: exit %d, want 3; stderr %q", r.exit, r.stderr)
		}
		if r := s.ssh(t, "sandbox keys create --db x", keys["supervisor"]); r.exit != 2 || !strings.Contains(r.stderr, "not available over ssh") {
			t.Fatalf("sandbox over ssh: exit %d, stderr %q", r.exit, r.stderr)
		}
	})

	t.Run("a stranger's key, a password and keyboard-interactive are refused", func(t *testing.T) {
		if r := s.ssh(t, "whoami", keys["stranger"]); r.exit != 255 || !strings.Contains(r.stderr, "Permission denied (publickey)") {
			t.Fatalf("stranger: exit %d, stderr %q", r.exit, r.stderr)
		}
		r := s.sshWith(t, []string{"-o", "PubkeyAuthentication=no", "-o", "PreferredAuthentications=password,keyboard-interactive"}, "whoami")
		// The server offers publickey only, so the client has nothing
		// else to try.
		if r.exit != 255 || !strings.Contains(r.stderr, "Permission denied (publickey)") {
			t.Fatalf("password: exit %d, stderr %q", r.exit, r.stderr)
		}
	})

	t.Run("an offered key that does not sign grants nothing (CVE-2023-43809)", func(t *testing.T) {
		// OpenSSH offers the supervisor's public key (the server accepts
		// it as a candidate), cannot sign with it (no private key), then
		// signs with the viewer's key: the session is the viewer's.
		pubOnly := filepath.Join(t.TempDir(), "supervisor.pub")
		if err := os.WriteFile(pubOnly, []byte(gwPub(t, keys["supervisor"])+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		r := s.ssh(t, "whoami --json", pubOnly, keys["viewer"])
		if r.exit != 0 || !strings.Contains(r.stdout, `"agent_id": "`+env.Agents["viewer"]+`"`) || !strings.Contains(r.stdout, `"role": "viewer"`) {
			t.Fatalf("whoami: exit %d\n%s%s", r.exit, r.stdout, r.stderr)
		}
		rows, _ := gwLedger(t, env, cust.id)
		r = s.ssh(t, fmt.Sprintf("loyalty adjust %d --points 25 --reason goodwill --note 'via a borrowed key'", cust.id), pubOnly, keys["viewer"])
		if rows2, _ := gwLedger(t, env, cust.id); r.exit != 4 || rows2 != rows {
			t.Fatalf("adjust: exit %d (want 4), ledger %d → %d", r.exit, rows, rows2)
		}
		if r := s.ssh(t, "whoami", pubOnly); r.exit != 255 {
			t.Fatalf("the supervisor's public key alone: exit %d", r.exit)
		}
	})

	t.Run("the console in tmux: a search, then q", func(t *testing.T) {
		x := gwOpenConsole(t, s, keys["agent"], 120, 30)
		x.waitFor("frontdesk", "Amani Agent (agent)")
		x.tmux("send-keys", "-t", "gw", "-l", cust.last)
		x.waitFor(`matching "`+cust.last+`"`, cust.email)
		x.tmux("send-keys", "-t", "gw", "Escape")
		x.waitGone("esc leave the box")
		x.tmux("send-keys", "-t", "gw", "q")
		if status := x.exitStatus(); status != "0" {
			t.Fatalf("ssh exited %s after q, want 0 (a clean close)", status)
		}
		s.waitLog(t, "command=console", "exit=0")
	})

	t.Run("SIGHUP reloads the agents file", func(t *testing.T) {
		gwAgents(t, agents, env, keys, "agent", "supervisor")
		if err := s.cmd.Process.Signal(syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
		s.waitLog(t, `msg="agents file reloaded" agents=2`)
		if r := s.ssh(t, "whoami", keys["viewer"]); r.exit != 255 {
			t.Fatalf("the removed viewer: exit %d", r.exit)
		}
		if r := s.ssh(t, "whoami", keys["agent"]); r.exit != 0 {
			t.Fatalf("the agent after the reload: exit %d, %s", r.exit, r.stderr)
		}
	})

	t.Run("SIGTERM tells the console and stops within 10 s", func(t *testing.T) {
		x := gwOpenConsole(t, s, keys["supervisor"], 120, 30)
		x.waitFor("Sifa Supervisor (supervisor)")
		start := time.Now()
		if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		x.waitFor("The gateway is shutting down")
		select {
		case <-s.exited:
			if s.exitErr != nil {
				t.Fatalf("the gateway exited with %v", s.exitErr)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the gateway did not exit within 10 s of SIGTERM")
		}
		t.Logf("stopped %s after SIGTERM", time.Since(start).Round(time.Millisecond))
		if status := x.exitStatus(); status != "1" {
			t.Fatalf("ssh exited %s, want 1 (the gateway ended the session)", status)
		}
		s.waitLog(t, "ssh gateway stopped")
	})
}
