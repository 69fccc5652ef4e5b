package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// paneTarget is the one pane the benchmark drives.
const paneTarget = "bench"

// tmuxServer is a tmux server of its own (a private -L socket) with one
// session running the console. Nothing of the user's tmux is touched.
type tmuxServer struct {
	socket string
	path   string // the socket file, which kill-server leaves behind
}

// startTmux starts a w×h session running argv with env added to the
// environment (frontdesk's own variables from the caller's are dropped).
func startTmux(ctx context.Context, dir string, w, h int, env map[string]string, argv []string) (*tmuxServer, error) {
	var rnd [6]byte
	rand.Read(rnd[:])
	t := &tmuxServer{socket: "frontdesk-e2e-bench-" + hex.EncodeToString(rnd[:])}
	conf := filepath.Join(dir, "tmux.conf")
	// remain-on-exit keeps the pane when the console dies, so the error
	// it printed can be shown.
	if err := os.WriteFile(conf, []byte("set -g status off\nset -g remain-on-exit on\nset -g history-limit 100\n"), 0o600); err != nil {
		return nil, err
	}
	args := []string{"-f", conf, "new-session", "-d", "-s", paneTarget, "-x", strconv.Itoa(w), "-y", strconv.Itoa(h), "env",
		"-u", "FRONTDESK_PROFILE", "-u", "FRONTDESK_CONFIG", "-u", "FRONTDESK_API_URL", "-u", "FRONTDESK_API_KEY", "-u", "FRONTDESK_API_SECRET"}
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		args = append(args, k+"="+env[k])
	}
	args = append(args, argv...)
	// window-size manual (set after the session exists: in the config file
	// it stops new-session) keeps the control client from resizing it.
	args = append(args, ";", "set", "-g", "window-size", "manual")
	if _, err := t.cmd(ctx, args...); err != nil {
		t.kill()
		return nil, err
	}
	out, err := t.cmd(ctx, "display-message", "-p", "#{socket_path}")
	if err != nil {
		t.kill()
		return nil, err
	}
	t.path = strings.TrimSpace(out)
	return t, nil
}

func (t *tmuxServer) cmd(ctx context.Context, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "tmux", append([]string{"-L", t.socket}, args...)...).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("tmux %s: %v: %s", args[0], err, strings.TrimSpace(string(out)))
	}
	return string(out), nil
}

// kill stops the server, the console with it, and removes its socket.
func (t *tmuxServer) kill() {
	exec.Command("tmux", "-L", t.socket, "kill-server").Run()
	if t.path != "" && strings.Contains(filepath.Base(t.path), t.socket) {
		os.Remove(t.path)
	}
}

// control is a tmux control-mode client (tmux -C attach). Commands go
// over its stdin with no process started per command, and tmux says
// "%output" each time the console writes to the pane: the benchmark
// captures the screen when, and only when, it may have changed.
type control struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser

	mu      sync.Mutex // one command at a time
	replies chan reply
	changed chan struct{}   // one slot: "the pane has had output since you last looked"
	done    chan struct{}   // the client ended
	rtts    []time.Duration // of every capture-pane
}

// reply is the output of one command, and when tmux finished sending it.
type reply struct {
	body string
	at   time.Time
	err  bool
}

func (t *tmuxServer) attach() (*control, error) {
	cmd := exec.Command("tmux", "-L", t.socket, "-C", "attach-session", "-t", paneTarget)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("tmux -C attach: %w", err)
	}
	c := &control{cmd: cmd, stdin: stdin, replies: make(chan reply, 4), changed: make(chan struct{}, 1), done: make(chan struct{})}
	go c.read(stdout)
	return c, nil
}

// read sorts tmux's lines into replies (between %begin and %end of our
// own commands, flag 1) and change notifications.
func (c *control) read(r io.Reader) {
	defer close(c.done)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	var (
		in, mine bool
		body     []string
	)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case !in && strings.HasPrefix(line, "%begin "):
			f := strings.Fields(line)
			in, mine, body = true, len(f) == 4 && f[3] == "1", body[:0]
		case in && (strings.HasPrefix(line, "%end ") || strings.HasPrefix(line, "%error ")):
			in = false
			if mine {
				c.replies <- reply{body: strings.Join(body, "\n"), at: time.Now(), err: strings.HasPrefix(line, "%error ")}
			}
		case in:
			body = append(body, line)
		case strings.HasPrefix(line, "%output "), strings.HasPrefix(line, "%extended-output "):
			select {
			case c.changed <- struct{}{}:
			default:
			}
		case strings.HasPrefix(line, "%exit"):
			return
		}
	}
}

// run sends one command line and waits for its reply.
func (c *control) run(ctx context.Context, line string) (reply, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	sent := time.Now()
	if _, err := io.WriteString(c.stdin, line+"\n"); err != nil {
		return reply{}, fmt.Errorf("tmux control: %w", err)
	}
	t := time.NewTimer(10 * time.Second)
	defer t.Stop()
	select {
	case r := <-c.replies:
		if r.err {
			return r, fmt.Errorf("tmux: %s: %s", line, r.body)
		}
		if strings.HasPrefix(line, "capture-pane ") {
			c.rtts = append(c.rtts, r.at.Sub(sent))
		}
		return r, nil
	case <-c.done:
		return reply{}, errors.New("tmux control client ended (did the console exit?)")
	case <-t.C:
		return reply{}, fmt.Errorf("tmux did not answer %q in 10s", line)
	case <-ctx.Done():
		return reply{}, ctx.Err()
	}
}

// screen is the pane's text now, and when tmux sent it.
func (c *control) screen(ctx context.Context) (string, time.Time, error) {
	r, err := c.run(ctx, "capture-pane -p -t "+paneTarget)
	return r.body, r.at, err
}

// typeKey types text literally (send-keys -l) and returns when tmux has
// written it to the console's terminal.
func (c *control) typeKey(ctx context.Context, text string) (time.Time, error) {
	r, err := c.run(ctx, "send-keys -t "+paneTarget+" -l "+tmuxQuote(text))
	return r.at, err
}

// press sends one tmux key name ("Enter", "C-u", "2").
func (c *control) press(ctx context.Context, key string) (time.Time, error) {
	r, err := c.run(ctx, "send-keys -t "+paneTarget+" "+tmuxQuote(key))
	return r.at, err
}

// waitFor captures the screen each time it changes until ok accepts it,
// and returns when tmux sent that screen. It gives up after timeout,
// saying what the pane showed last.
func (c *control) waitFor(ctx context.Context, timeout time.Duration, what string, ok func(screen string) bool) (time.Time, string, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	// A fallback poll, in case a change slipped between notifications.
	fallback := time.NewTicker(50 * time.Millisecond)
	defer fallback.Stop()
	for {
		select {
		case <-c.changed: // whatever changed before this capture is in it
		default:
		}
		s, at, err := c.screen(ctx)
		if err != nil {
			return at, s, err
		}
		if ok(s) {
			return at, s, nil
		}
		select {
		case <-c.changed:
		case <-fallback.C:
		case <-c.done:
			return at, s, fmt.Errorf("waiting for %s: the tmux client ended; the pane showed:\n%s", what, s)
		case <-deadline.C:
			return at, s, fmt.Errorf("waited %s for %s; the pane shows:\n%s", timeout, what, s)
		case <-ctx.Done():
			return at, s, ctx.Err()
		}
	}
}

// roundTrips are the durations of every capture so far, from writing
// the command to reading its %end: the resolution of a measurement.
func (c *control) roundTrips() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.rtts...)
}

// close detaches the client.
func (c *control) close() {
	c.stdin.Close()
	select {
	case <-c.done:
	case <-time.After(2 * time.Second):
		c.cmd.Process.Kill()
	}
	c.cmd.Wait()
}

// tmuxQuote quotes s as one argument of a tmux command line: single
// quotes, inside which tmux takes everything literally; a single quote
// itself goes in double quotes.
func tmuxQuote(s string) string {
	var b strings.Builder
	for i, part := range strings.Split(s, "'") {
		if i > 0 {
			b.WriteString(`"'"`)
		}
		if part != "" {
			b.WriteString("'" + part + "'")
		}
	}
	if b.Len() == 0 {
		return "''"
	}
	return b.String()
}
