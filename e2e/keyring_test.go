// Package e2e drives the real frontdesk binary against a real sandbox API
// and real system services (here: a Secret Service keyring on D-Bus).
package e2e

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"frontdesk/sandbox/sandboxtest"
)

// needKeyringTools checks for a Linux Secret Service and its tools.
func needKeyringTools(t *testing.T, tools ...string) {
	t.Helper()
	if runtime.GOOS != "linux" {
		skipOrFail(t, "the Secret Service keyring tests run on Linux only")
	}
	needTools(t, "apt-get install -y gnome-keyring libsecret-tools dbus-x11", tools...)
}

// home is an isolated user: its own HOME and XDG directories, and an
// environment built from nothing (the test process's FRONTDESK_* and
// DBUS_SESSION_BUS_ADDRESS must not leak in).
type home struct {
	dir, config, state, data, runtime string
}

func newHome(t *testing.T) home {
	t.Helper()
	d := t.TempDir()
	h := home{dir: d, config: filepath.Join(d, "config"), state: filepath.Join(d, "state"),
		data: filepath.Join(d, "data"), runtime: filepath.Join(d, "run")}
	if err := os.Mkdir(h.runtime, 0o700); err != nil {
		t.Fatal(err)
	}
	return h
}

func (h home) env(extra ...string) []string {
	return append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + h.dir,
		"XDG_CONFIG_HOME=" + h.config,
		"XDG_STATE_HOME=" + h.state,
		"XDG_DATA_HOME=" + h.data, // gnome-keyring keeps its keyring files here
		"XDG_RUNTIME_DIR=" + h.runtime,
		"LANG=C.UTF-8",
	}, extra...)
}

type result struct {
	code           int
	stdout, stderr string
	args           []string
	env            []string
}

// run runs name with args, env and stdin, bounded by a deadline.
func run(t *testing.T, env []string, stdin string, name string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String(), args: append([]string{name}, args...), env: env}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		t.Fatalf("run %s: %v", name, err)
	}
	if ctx.Err() != nil {
		t.Fatalf("%s did not finish in time\nstdout:\n%s\nstderr:\n%s", name, r.stdout, r.stderr)
	}
	return r
}

// assertNoSecretInCommand checks, by construction, that the secret is in
// no argv and no environment the test hands to a process.
func assertNoSecretInCommand(t *testing.T, r result, secret string) {
	t.Helper()
	for _, a := range r.args {
		if strings.Contains(a, secret) {
			t.Fatalf("the secret is in argv: %q", r.args)
		}
	}
	for _, e := range r.env {
		if strings.Contains(e, secret) {
			t.Fatalf("the secret is in the environment: %q", e)
		}
	}
}

// keyringSession runs script under a private D-Bus session with an
// unlocked gnome-keyring: the keyring password is a throw-away one piped to
// the daemon. The script's stdin is stdin; $FD is the binary.
func keyringSession(t *testing.T, h home, bin, stdin, script string, extraEnv ...string) result {
	t.Helper()
	full := `set -u
printf '%s' 'throw-away-keyring-password' | gnome-keyring-daemon --unlock --components=secrets > "$HOME/gk.env" || { echo "gnome-keyring-daemon failed" >&2; exit 90; }
. "$HOME/gk.env"
export GNOME_KEYRING_CONTROL 2>/dev/null || true
` + script
	env := h.env(append([]string{"FD=" + bin}, extraEnv...)...)
	return run(t, env, stdin, "dbus-run-session", "--", "sh", "-c", full)
}

// TestKeyringRoundTrip: against a real Secret Service, `auth login` stores
// the secret, commands find it with no secret in the environment,
// secret-tool sees it, and `auth logout` removes it.
func TestKeyringRoundTrip(t *testing.T) {
	needKeyringTools(t, "dbus-run-session", "gnome-keyring-daemon", "secret-tool")
	bin := buildFrontdesk(t)
	sb := sandboxtest.New(t, sandboxtest.Options{Customers: 20})
	key := sb.Keys["agent"]
	h := newHome(t)
	query := someLastName(t, sb.DB)

	script := `
echo "== login"
"$FD" auth login --url "$URL" --key "$KEY" || exit 11
echo "== status"
"$FD" auth status --json < /dev/null || exit 12
echo "== search"
"$FD" customers search "$QUERY" --json < /dev/null || exit 13
echo "== lookup"
secret-tool lookup service frontdesk username "default/$KEY" || exit 14
echo
echo "== logout"
"$FD" auth logout < /dev/null || exit 15
echo "== lookup after logout"
if secret-tool lookup service frontdesk username "default/$KEY"; then echo "still stored" >&2; exit 16; fi
echo "== status after logout"
"$FD" auth status < /dev/null && exit 17
echo "== done"
`
	r := keyringSession(t, h, bin, key.Secret+"\n", script, "URL="+sb.URL, "KEY="+key.KeyID, "QUERY="+query)
	assertNoSecretInCommand(t, r, key.Secret)
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	section := func(name string) string {
		_, after, _ := strings.Cut(r.stdout, "== "+name+"\n")
		s, _, _ := strings.Cut(after, "\n== ")
		return s
	}
	if s := section("login"); !strings.Contains(s, "Amani Agent") || !strings.Contains(s, "Secret Service") {
		t.Errorf("login said:\n%s", s)
	}
	var st struct {
		SecretSource string `json:"secret_source"`
		API          struct{ Verified bool }
	}
	if err := json.Unmarshal([]byte(section("status")), &st); err != nil || st.SecretSource != "keyring" || !st.API.Verified {
		t.Errorf("status: %v %+v\n%s", err, st, section("status"))
	}
	if s := section("search"); !strings.Contains(s, query) {
		t.Errorf("search for %q did not find it:\n%s", query, s)
	}
	if s := strings.TrimSpace(section("lookup")); s != key.Secret {
		t.Errorf("secret-tool found %q in the keyring, want the secret", s)
	}
	if !strings.Contains(r.stdout, "== done") || !strings.Contains(r.stderr, "no secret stored") {
		t.Errorf("after logout, status should say the secret is gone:\nstdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}
}

// TestNoKeyringNoDBus: with no D-Bus session at all, `auth login` fails
// with the plain "no keyring" message, exit 1, and writes nothing.
func TestNoKeyringNoDBus(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the Secret Service is a Linux keyring")
	}
	bin := buildFrontdesk(t)
	sb := sandboxtest.New(t, sandboxtest.Options{Customers: -1})
	key := sb.Keys["agent"]
	for name, extra := range map[string][]string{
		"unset":            nil,
		"pointing nowhere": {"DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/frontdesk-test-bus"},
	} {
		t.Run(name, func(t *testing.T) {
			h := newHome(t)
			r := run(t, h.env(extra...), key.Secret+"\n", bin, "auth", "login", "--url", sb.URL, "--key", key.KeyID)
			assertNoSecretInCommand(t, r, key.Secret)
			if r.code != 1 {
				t.Errorf("exit %d, want 1\nstderr: %s", r.code, r.stderr)
			}
			for _, w := range []string{"no keyring here", "gnome-keyring", "FRONTDESK_API_SECRET"} {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q: %s", w, r.stderr)
				}
			}
			if strings.Contains(r.stdout+r.stderr, key.Secret) {
				t.Error("the secret was printed")
			}
			for _, d := range []string{h.config, h.data} {
				if _, err := os.Stat(d); err == nil {
					t.Errorf("%s was created by a failed login", d)
				}
			}
		})
	}
}

// TestNoSecretLeaks: a whole session — login, search, adjust, logout —
// with debug logging to a file leaves the secret in no file under the
// config and state dirs, not in the log, and not in anything printed.
func TestNoSecretLeaks(t *testing.T) {
	needKeyringTools(t, "dbus-run-session", "gnome-keyring-daemon")
	bin := buildFrontdesk(t)
	sb := sandboxtest.New(t, sandboxtest.Options{Customers: 20})
	key := sb.Keys["agent"]
	h := newHome(t)
	logFile := filepath.Join(h.state, "frontdesk", "debug.log")
	query := someLastName(t, sb.DB)
	id := someCustomerID(t, sb.DB)

	script := `
"$FD" --log-file "$LOG" auth login --url "$URL" --key "$KEY" || exit 11
"$FD" --log-file "$LOG" auth status < /dev/null || exit 12
"$FD" --log-file "$LOG" customers search "$QUERY" < /dev/null || exit 13
"$FD" --log-file "$LOG" customers search "$QUERY" --json < /dev/null || exit 14
"$FD" --log-file "$LOG" loyalty adjust "$ID" --points 25 --reason goodwill --note "e2e leak test" < /dev/null || exit 15
"$FD" --log-file "$LOG" auth logout --forget < /dev/null || exit 16
"$FD" --log-file "$LOG" info < /dev/null || exit 17
`
	r := keyringSession(t, h, bin, key.Secret+"\n", script,
		"URL="+sb.URL, "KEY="+key.KeyID, "QUERY="+query, "ID="+id, "LOG="+logFile)
	assertNoSecretInCommand(t, r, key.Secret)
	if strings.Contains(script, key.Secret) {
		t.Fatal("the secret is in the script")
	}
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	// The run did what it says, so there was something to leak.
	if !strings.Contains(r.stdout, query) {
		t.Errorf("search output lacks %q:\n%s", query, r.stdout)
	}
	if st, err := os.Stat(logFile); err != nil || st.Size() == 0 {
		t.Errorf("no debug log was written at %s: %v", logFile, err)
	} else if b, _ := os.ReadFile(logFile); !bytes.Contains(b, []byte(key.KeyID)) && !bytes.Contains(b, []byte("/me")) {
		t.Errorf("the debug log does not look like it logged the requests:\n%s", b)
	}

	for _, dir := range []string{h.config, h.state} {
		if hits := grepTree(t, dir, key.Secret); len(hits) > 0 {
			t.Errorf("the secret is in %v", hits)
		}
	}
	if strings.Contains(r.stdout, key.Secret) || strings.Contains(r.stderr, key.Secret) {
		t.Error("the secret was printed")
	}
	// The part of the secret after its prefix, in case something printed
	// it re-encoded around the prefix.
	if tail := strings.TrimPrefix(key.Secret, "cs_"); len(tail) >= 8 {
		for _, dir := range []string{h.config, h.state} {
			if hits := grepTree(t, dir, tail); len(hits) > 0 {
				t.Errorf("the secret's body is in %v", hits)
			}
		}
		if strings.Contains(r.stdout+r.stderr, tail) {
			t.Error("the secret's body was printed")
		}
	}
}

func grepTree(t *testing.T, dir, needle string) []string {
	t.Helper()
	var hits []string
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if b, err := os.ReadFile(p); err == nil && bytes.Contains(b, []byte(needle)) {
			hits = append(hits, p)
		}
		return nil
	})
	return hits
}

func someLastName(t *testing.T, db *sql.DB) string {
	t.Helper()
	var name string
	// A plain ASCII name: the seed also holds hostile ones on purpose.
	err := db.QueryRow(`SELECT last_name FROM customers WHERE status = 'active' AND last_name GLOB '[A-Z][a-z][a-z]*' AND last_name NOT GLOB '*[^A-Za-z]*' ORDER BY id LIMIT 1`).Scan(&name)
	if err != nil {
		t.Fatalf("pick a customer: %v", err)
	}
	return name
}

func someCustomerID(t *testing.T, db *sql.DB) string {
	t.Helper()
	var id string
	if err := db.QueryRow(`SELECT CAST(id AS TEXT) FROM customers WHERE status = 'active' ORDER BY id LIMIT 1`).Scan(&id); err != nil {
		t.Fatalf("pick a customer: %v", err)
	}
	return id
}
