package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// buildFrontdesk builds the binary of the module the benchmark runs in
// into dir.
func buildFrontdesk(ctx context.Context, dir string) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	gomod := strings.TrimSpace(string(out))
	if err != nil || gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("run from inside the frontdesk module (go env GOMOD: %q, %v), or pass --bin", gomod, err)
	}
	bin := filepath.Join(dir, "frontdesk")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	cmd.Dir = filepath.Dir(gomod)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
}

// mintKey makes a supervisor key for the benchmark's agent in the store
// (creating and migrating the file when it is new) with `sandbox keys
// create`. Minting first, rather than reading the key `serve` prints on
// a store's first start, works the same on a new and a reused store.
func mintKey(ctx context.Context, bin, dbPath string) (key, secret string, err error) {
	cmd := exec.CommandContext(ctx, bin, "sandbox", "keys", "create", "--db", dbPath,
		"--agent", "e2e-bench", "--name", "E2E Bench", "--role", "supervisor")
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			err = fmt.Errorf("%v: %s", err, ee.Stderr)
		}
		return "", "", fmt.Errorf("sandbox keys create: %w", err)
	}
	vals := keyValues(string(out))
	if vals["key"] == "" || vals["secret"] == "" {
		return "", "", fmt.Errorf("sandbox keys create printed no key and secret: %q", out)
	}
	return vals["key"], vals["secret"], nil
}

// keyValues reads "name: value" lines.
func keyValues(s string) map[string]string {
	vals := map[string]string{}
	for _, l := range strings.Split(s, "\n") {
		if k, v, ok := strings.Cut(l, ": "); ok {
			vals[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return vals
}

// sandboxServer is a `frontdesk sandbox serve` process.
type sandboxServer struct {
	cmd  *exec.Cmd
	URL  string
	logs string // its stderr
}

// startSandbox runs `sandbox serve` on a free loopback port, seeding
// customers into the store if it is empty (an existing store is served
// as it is), and waits until it listens. Seeding a million customers
// takes a minute or two.
func startSandbox(ctx context.Context, bin, dbPath string, customers int, logPath string) (*sandboxServer, error) {
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd := exec.Command(bin, "sandbox", "serve", "--addr", "127.0.0.1:0", "--db", dbPath, "--seed", strconv.Itoa(customers))
	cmd.Stderr = logf
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("sandbox serve: %w", err)
	}
	s := &sandboxServer{cmd: cmd, logs: logPath}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "url: "); ok {
				select {
				case urls <- strings.TrimSpace(v):
				default:
				}
			}
		}
		close(urls)
	}()
	deadline := time.NewTimer(15 * time.Minute)
	defer deadline.Stop()
	select {
	case u, ok := <-urls:
		if ok {
			s.URL = u
			return s, nil
		}
		s.stop()
		return nil, fmt.Errorf("sandbox serve exited before listening:\n%s", tail(logPath, 20))
	case <-deadline.C:
		s.stop()
		return nil, fmt.Errorf("sandbox serve did not listen within 15 minutes:\n%s", tail(logPath, 20))
	case <-ctx.Done():
		s.stop()
		return nil, ctx.Err()
	}
}

// stop ends the server with SIGTERM (it shuts down cleanly), then kills
// it if it has not exited after 10 s.
func (s *sandboxServer) stop() {
	if s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
}

// tail is the last n lines of a file, for error messages.
func tail(path string, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	b, _ := io.ReadAll(f)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
