package e2e

import (
	"bufio"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// served is a frontdesk server process a test started: the lines it
// printed (`url:`, `key:`, `secret:`, a dialect's options) and the
// process, stopped with SIGTERM when the test ends unless the test
// stopped it.
type served struct {
	cmd    *exec.Cmd
	Lines  map[string]string
	stderr *strings.Builder
	done   chan error
}

// serve runs `frontdesk args…` and waits (up to a minute) until it has
// printed `url:` and each of want.
func serve(t *testing.T, bin string, args []string, want ...string) *served {
	t.Helper()
	return serveWith(t, bin, nil, args, want...)
}

// serveWith is serve with more environment variables (NAME=VALUE).
func serveWith(t *testing.T, bin string, env []string, args []string, want ...string) *served {
	t.Helper()
	cmd := exec.Command(bin, args...)
	home := t.TempDir()
	cmd.Env = append([]string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, "cfg"), "XDG_STATE_HOME=" + filepath.Join(home, "state"), "PATH=/usr/bin:/bin"}, env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &served{cmd: cmd, Lines: map[string]string{}, stderr: &strings.Builder{}, done: make(chan error, 1)}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.done <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState != nil {
			return
		}
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			<-s.done
			t.Errorf("%s did not stop on SIGTERM", strings.Join(args[:2], " "))
		}
	})
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	need := append([]string{"url"}, want...)
	deadline := time.After(60 * time.Second)
	for !s.has(need) {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("frontdesk %s ended before printing %v:\n%s", strings.Join(args, " "), need, s.stderr.String())
			}
			if k, v, ok := strings.Cut(l, ": "); ok {
				s.Lines[k] = v
			}
		case <-deadline:
			t.Fatalf("frontdesk %s printed no %v in time:\n%s", strings.Join(args, " "), need, s.stderr.String())
		}
	}
	go func() {
		for range lines {
		}
	}()
	return s
}

func (s *served) has(names []string) bool {
	for _, n := range names {
		if s.Lines[n] == "" {
			return false
		}
	}
	return true
}

// URL is the `url:` the server printed.
func (s *served) URL() string { return s.Lines["url"] }

// stop sends SIGTERM and returns the exit error (nil for status 0),
// waiting at most timeout.
func (s *served) stop(t *testing.T, timeout time.Duration) error {
	t.Helper()
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		return err
	case <-time.After(timeout):
		s.cmd.Process.Kill()
		<-s.done
		t.Fatalf("the server did not stop within %s of SIGTERM:\n%s", timeout, s.stderr.String())
		return nil
	}
}

// dialectServe runs `frontdesk sandbox serve --dialect NAME` on a seeded
// SQLite file and returns what it printed: url and the dialect's
// credentials (key, secret, its options); it waits for each of want.
// It is stopped (SIGTERM) when the test ends.
func dialectServe(t *testing.T, bin, dialect, dbPath, customers string, want ...string) map[string]string {
	t.Helper()
	s := serve(t, bin, []string{"sandbox", "serve", "--db", dbPath, "--seed", customers, "--dialect", dialect, "--addr", "127.0.0.1:0"}, want...)
	return s.Lines
}
