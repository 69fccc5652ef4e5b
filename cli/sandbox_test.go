package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"frontdesk/api"
)

// serveOutput is written by a running command and read by the test.
type serveOutput struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *serveOutput) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *serveOutput) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var (
	keyLine    = regexp.MustCompile(`(?m)^key: (ck_[0-9a-f]+)$`)
	secretLine = regexp.MustCompile(`(?m)^secret: (cs_[0-9a-f]+)$`)
	urlLine    = regexp.MustCompile(`(?m)^url: (http://127\.0\.0\.1:\d+)$`)
)

// startServe runs `sandbox serve` until the returned stop is called, and
// waits for its url line.
func startServe(t *testing.T, args ...string) (stdout *serveOutput, url string, stop func() int) {
	t.Helper()
	stdout = &serveOutput{}
	stderr := &serveOutput{}
	ctx, cancel := context.WithCancel(context.Background())
	code := make(chan int, 1)
	go func() {
		code <- Run(ctx, Env{Stdout: stdout, Stderr: stderr}, append([]string{"sandbox", "serve", "--addr", "127.0.0.1:0"}, args...))
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if m := urlLine.FindStringSubmatch(stdout.String()); m != nil {
			url = m[1]
			break
		}
		select {
		case c := <-code:
			cancel()
			t.Fatalf("serve exited with %d before serving\nstdout: %s\nstderr: %s", c, stdout, stderr)
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve printed no url line\nstdout: %s\nstderr: %s", stdout, stderr)
		}
	}
	stopped := false
	stop = func() int {
		if stopped {
			return 0
		}
		stopped = true
		cancel()
		select {
		case c := <-code:
			return c
		case <-time.After(20 * time.Second):
			t.Fatal("serve did not stop after its context ended")
			return -1
		}
	}
	t.Cleanup(func() { stop() })
	return stdout, url, stop
}

func getMe(t *testing.T, url, key, secret string) api.Me {
	t.Helper()
	req, _ := http.NewRequest("GET", url+api.Base+"/me", nil)
	req.SetBasicAuth(key, secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var env struct{ Data api.Me }
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&env) != nil {
		t.Fatalf("GET /me: %d", resp.StatusCode)
	}
	return env.Data
}

func TestSandboxServeAndKeys(t *testing.T) {
	db := filepath.Join(t.TempDir(), "s.db")
	out, url, stop := startServe(t, "--db", db, "--seed", "5")
	k, s := keyLine.FindStringSubmatch(out.String()), secretLine.FindStringSubmatch(out.String())
	if k == nil || s == nil {
		t.Fatalf("first start printed no key pair:\n%s", out)
	}
	if me := getMe(t, url, k[1], s[1]); me.Role != api.RoleSupervisor {
		t.Fatalf("bootstrap key: %+v", me)
	}

	// keys create works while the server runs on the same file.
	var kout, kerr bytes.Buffer
	code := Run(context.Background(), Env{Stdout: &kout, Stderr: &kerr}, []string{"sandbox", "keys", "create",
		"--db", db, "--agent", "amina", "--name", "Amina Njoroge", "--role", "agent", "--loyalty-limit", "250", "--gateway"})
	if code != 0 {
		t.Fatalf("keys create: exit %d: %s", code, kerr.String())
	}
	k2, s2 := keyLine.FindStringSubmatch(kout.String()), secretLine.FindStringSubmatch(kout.String())
	if k2 == nil || s2 == nil || strings.Count(kout.String(), "\n") != 2 {
		t.Fatalf("keys create printed:\n%s", kout.String())
	}
	if me := getMe(t, url, k2[1], s2[1]); me.AgentID != "amina" || me.Role != api.RoleAgent || me.LoyaltyLimit != 250 || !me.Gateway {
		t.Fatalf("new key: %+v", me)
	}
	if c := stop(); c != 0 {
		t.Fatalf("serve exited with %d after its context ended", c)
	}

	// A second start prints no key: the file has keys.
	out, _, stop = startServe(t, "--db", db, "--seed", "5")
	if c := stop(); c != 0 {
		t.Fatalf("second serve exit %d", c)
	}
	if keyLine.MatchString(out.String()) || secretLine.MatchString(out.String()) {
		t.Fatalf("second start printed a key:\n%s", out)
	}
}

func TestSandboxUsageErrors(t *testing.T) {
	db := filepath.Join(t.TempDir(), "u.db")
	for _, args := range [][]string{
		{"sandbox", "serve"},
		{"sandbox", "serve", "--db", db, "--seed", "-1"},
		{"sandbox", "serve", "--db", db, "--addr", "nonsense"},
		{"sandbox", "serve", "--db", db, "extra"},
		{"sandbox", "keys", "create", "--agent", "a", "--name", "A", "--role", "agent"},
		{"sandbox", "keys", "create", "--db", db, "--agent", "a", "--name", "A", "--role", "root"},
		{"sandbox", "keys", "create", "--db", db, "--name", "A", "--role", "agent"},
		{"sandbox", "keys", "create", "--db", db, "--agent", "a", "--name", "A", "--role", "agent", "--loyalty-limit", "-5"},
		{"sandbox", "keys", "create", "--db", db, "--agent", "a", "--name", "A", "--role", "agent", "--bogus"},
	} {
		var out, errOut bytes.Buffer
		if code := Run(context.Background(), Env{Stdout: &out, Stderr: &errOut}, args); code != ExitUsage {
			t.Errorf("%v: exit %d, want %d (stderr %s)", args, code, ExitUsage, errOut.String())
		}
		if out.Len() != 0 {
			t.Errorf("%v printed on stdout: %s", args, out.String())
		}
	}
}

// A key that could not do what its role is for is refused at creation:
// an agent key without --loyalty-limit (it could not move one point), and
// a limit on a role it does not cap. A key made says what it may do.
func TestKeysCreateSaysWhatTheKeyMayDo(t *testing.T) {
	db := filepath.Join(t.TempDir(), "k.db")
	run := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := Run(context.Background(), Env{Stdout: &out, Stderr: &errOut}, append([]string{"sandbox", "keys", "create", "--db", db}, args...))
		return code, out.String(), errOut.String()
	}
	if code, out, errs := run("--agent", "a1", "--name", "Amina", "--role", "agent"); code != ExitUsage || out != "" || !strings.Contains(errs, "needs --loyalty-limit") {
		t.Fatalf("an agent key without a limit: %d %q %q", code, out, errs)
	}
	if code, _, errs := run("--agent", "s1", "--name", "Sifa", "--role", "supervisor", "--loyalty-limit", "50"); code != ExitUsage || !strings.Contains(errs, "caps role agent only") {
		t.Fatalf("a limit on a supervisor: %d %q", code, errs)
	}
	code, out, errs := run("--agent", "a1", "--name", "Amina", "--role", "agent", "--loyalty-limit", "500")
	if code != ExitOK || !strings.Contains(out, "secret: cs_") || !strings.Contains(errs, "Amina (agent) may read customers") ||
		!strings.Contains(errs, "adjust at most 500 points at a time") || strings.Contains(errs, "create customers") {
		t.Fatalf("an agent key: %d %q %q", code, out, errs)
	}
	code, _, errs = run("--agent", "a0", "--name", "Zero", "--role", "agent", "--loyalty-limit", "0")
	if code != ExitOK || !strings.Contains(errs, "not adjust loyalty points (its limit is 0)") {
		t.Fatalf("an agent key with limit 0: %d %q", code, errs)
	}
	code, _, errs = run("--agent", "v1", "--name", "Vera", "--role", "viewer")
	if code != ExitOK || !strings.Contains(errs, "not adjust loyalty points") || strings.Contains(errs, "edit customers") {
		t.Fatalf("a viewer key: %d %q", code, errs)
	}
}
