//go:build linux

package cli

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"frontdesk/sandbox/sandboxtest"
)

// lockedBuffer is a bytes.Buffer safe to read while a command writes it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestAuthLoginHiddenPrompt runs `auth login` with a real terminal on
// stdin: it must ask at a prompt with echo off, so the secret typed never
// comes back on the terminal.
func TestAuthLoginHiddenPrompt(t *testing.T) {
	sb := sandboxtest.New(t, sandboxtest.Options{Customers: -1})
	key := sb.Keys["agent"]
	e := newCredEnv(t)

	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	defer ptmx.Close()

	// Everything the terminal shows.
	var screen lockedBuffer
	copied := make(chan struct{})
	go func() {
		_, _ = io.Copy(&screen, ptmx)
		close(copied)
	}()

	var stdout, stderr lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(context.Background(), Env{Stdin: tty, Stdout: &stdout, Stderr: &stderr, Getenv: e.getenv},
			[]string{"auth", "login", "--url", sb.URL, "--key", key.KeyID})
	}()

	// Type the secret only once echo is off: typed earlier, the terminal
	// would echo it whatever the program does next.
	deadline := time.Now().Add(30 * time.Second)
	for {
		tio, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
		if err != nil {
			t.Fatal(err)
		}
		if tio.Lflag&unix.ECHO == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("echo never turned off; stderr: %q", stderr.String())
		}
		time.Sleep(5 * time.Millisecond) // polling the terminal state, with a deadline
	}
	if !strings.Contains(stderr.String(), "input hidden") {
		t.Errorf("no prompt on stderr: %q", stderr.String())
	}
	if _, err := ptmx.Write([]byte(key.Secret + "\n")); err != nil {
		t.Fatal(err)
	}

	var code int
	select {
	case code = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("login did not finish")
	}
	if code != ExitOK {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout.String(), stderr.String())
	}
	if v, ok := storedSecret("default", key.KeyID); !ok || v != key.Secret {
		t.Errorf("stored %q, %v", v, ok)
	}
	// Echo is back on for the user's shell.
	tio, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil || tio.Lflag&unix.ECHO == 0 {
		t.Errorf("echo left off after the prompt: %v", err)
	}
	tty.Close()
	<-copied
	if strings.Contains(screen.String(), key.Secret) {
		t.Errorf("the secret was echoed on the terminal: %q", screen.String())
	}
}
