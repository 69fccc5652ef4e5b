package e2e

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// consoleTmux is one tmux server of its own (a unique -L socket) with one
// session, "fd", running sh in an isolated HOME, XDG and TMPDIR. Nothing
// of the developer's tmux or home is touched.
type consoleTmux struct {
	t      *testing.T
	socket string
	dir    string // the session's HOME, XDG dirs and TMPDIR live here
	tmp    string // TMPDIR of the session
	state  string // XDG_STATE_HOME of the session
}

// consoleNeedTmux skips (or fails when required) without tmux.
func consoleNeedTmux(t *testing.T) {
	t.Helper()
	needTools(t, "apt-get install -y tmux", "tmux")
}

// newConsoleTmux starts a w×h session whose PATH starts with bin's
// directory. set-clipboard is on, so an OSC 52 from the program lands in
// tmux's paste buffers, where the test can see it.
func newConsoleTmux(t *testing.T, bin string, w, h int) *consoleTmux {
	t.Helper()
	var rnd [6]byte
	rand.Read(rnd[:])
	dir := t.TempDir()
	x := &consoleTmux{t: t, socket: "frontdesk-e2e-" + hex.EncodeToString(rnd[:]), dir: dir,
		tmp: filepath.Join(dir, "tmp"), state: filepath.Join(dir, "state")}
	for _, d := range []string{"home", "config", "data", "cache", "state", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	conf := filepath.Join(dir, "tmux.conf")
	if err := os.WriteFile(conf, []byte("set -g set-clipboard on\nset -g status off\nset -g history-limit 1000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"HOME":            filepath.Join(dir, "home"),
		"XDG_CONFIG_HOME": filepath.Join(dir, "config"),
		"XDG_DATA_HOME":   filepath.Join(dir, "data"),
		"XDG_CACHE_HOME":  filepath.Join(dir, "cache"),
		"XDG_STATE_HOME":  x.state,
		"TMPDIR":          x.tmp,
		"PATH":            filepath.Dir(bin) + ":/usr/local/bin:/usr/bin:/bin",
		"PS1":             "$ ",
		"LANG":            "C.UTF-8",
	}
	// The environment goes on env's command line: tmux 3.3 lets the
	// client's PATH win over new-session -e.
	args := []string{"-f", conf, "new-session", "-d", "-s", "fd", "-x", strconv.Itoa(w), "-y", strconv.Itoa(h),
		"env", "-u", "FRONTDESK_API_URL", "-u", "FRONTDESK_API_KEY", "-u", "FRONTDESK_API_SECRET",
		"-u", "FRONTDESK_PROFILE", "-u", "FRONTDESK_CONFIG", "-u", "NO_COLOR"}
	for k, v := range env {
		args = append(args, k+"="+v)
	}
	args = append(args, "sh")
	x.tmux(args...)
	t.Cleanup(func() { exec.Command("tmux", "-L", x.socket, "kill-server").Run() })
	return x
}

// tmux runs a tmux command on this server and returns its output.
func (x *consoleTmux) tmux(args ...string) string {
	x.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", x.socket}, args...)...).CombinedOutput()
	if err != nil {
		x.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// run types a shell command line into the pane.
func (x *consoleTmux) run(line string) {
	x.t.Helper()
	x.tmux("send-keys", "-t", "fd", "-l", line)
	x.tmux("send-keys", "-t", "fd", "Enter")
}

// keys sends tmux key names ("Enter", "Escape", "C-c", "q") one by one.
func (x *consoleTmux) keys(keys ...string) {
	x.t.Helper()
	for _, k := range keys {
		x.tmux("send-keys", "-t", "fd", k)
	}
}

// typeText types text literally.
func (x *consoleTmux) typeText(text string) {
	x.t.Helper()
	x.tmux("send-keys", "-t", "fd", "-l", text)
}

// screen is what the pane shows now, as text.
func (x *consoleTmux) screen() string { return x.tmux("capture-pane", "-p", "-t", "fd") }

// display formats a tmux variable of the pane ("#{pane_title}").
func (x *consoleTmux) display(format string) string {
	return strings.TrimRight(x.tmux("display-message", "-p", "-t", "fd", format), "\n")
}

// buffers lists tmux's paste buffers: where an OSC 52 clipboard write
// from the program would land.
func (x *consoleTmux) buffers() string { return strings.TrimSpace(x.tmux("list-buffers")) }

// waitFor polls the pane until it shows every text, failing after
// timeout with what it showed last.
func (x *consoleTmux) waitFor(timeout time.Duration, texts ...string) string {
	x.t.Helper()
	return x.waitUntil(timeout, strings.Join(texts, " and "), func(s string) bool {
		for _, want := range texts {
			if !strings.Contains(s, want) {
				return false
			}
		}
		return true
	})
}

func (x *consoleTmux) waitUntil(timeout time.Duration, what string, ok func(string) bool) string {
	x.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s := x.screen()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			x.t.Fatalf("waited %s for %s; the pane shows:\n%s", timeout, what, s)
		}
		time.Sleep(10 * time.Millisecond) // polling interval, not synchronisation
	}
}
