package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"frontdesk/config"
)

// credEnv is an isolated home for one test: its own HOME and XDG
// directories in t.TempDir(), a mocked keyring, and an environment map.
//
// go-keyring's mock replaces that package's provider, so tests using
// credEnv must not call t.Parallel.
type credEnv struct {
	t    *testing.T
	home string
	vars map[string]string
}

func newCredEnv(t *testing.T) *credEnv {
	t.Helper()
	// A bus address, so config.SystemKeyring's no-bus check lets calls
	// through to the mock.
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/frontdesk-mock-bus")
	keyring.MockInit()
	home := t.TempDir()
	return &credEnv{t: t, home: home, vars: map[string]string{
		"HOME":            home,
		"XDG_CONFIG_HOME": filepath.Join(home, "cfg"),
		"XDG_STATE_HOME":  filepath.Join(home, "state"),
	}}
}

func (e *credEnv) getenv(k string) string { return e.vars[k] }

func (e *credEnv) configPath() string {
	return filepath.Join(e.home, "cfg", "frontdesk", "config.toml")
}

// app is an App on this environment, for calling methods directly.
func (e *credEnv) app(profileFlag string) *App {
	return &App{Env: Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, Getenv: e.getenv},
		Flags: GlobalFlags{Profile: profileFlag}}
}

type runResult struct {
	code           int
	stdout, stderr string
}

// run runs the command tree with stdin and args, like the binary would.
func (e *credEnv) run(stdin string, args ...string) runResult {
	e.t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: e.getenv}, args)
	return runResult{code: code, stdout: out.String(), stderr: errb.String()}
}

// writeConfig writes a config file through the config package.
func (e *credEnv) writeConfig(current string, profiles map[string]config.Profile) {
	e.t.Helper()
	c := &config.Config{Path: e.configPath()}
	for n, p := range profiles {
		if err := c.SetProfile(n, p); err != nil {
			e.t.Fatal(err)
		}
	}
	c.CurrentProfile = current
	if err := c.Save(); err != nil {
		e.t.Fatal(err)
	}
}

func (e *credEnv) loadConfig() *config.Config {
	e.t.Helper()
	c, err := config.Load(e.configPath())
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// storedSecret reads go-keyring directly, not through the code under test.
func storedSecret(profile, keyID string) (string, bool) {
	v, err := keyring.Get("frontdesk", profile+"/"+keyID)
	return v, err == nil
}

// grepTree reports files under dir whose content holds needle.
func grepTree(t *testing.T, dir, needle string) []string {
	t.Helper()
	var hits []string
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err == nil && bytes.Contains(b, []byte(needle)) {
			hits = append(hits, p)
		}
		return nil
	})
	return hits
}

func writeFile(path, content string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(content), 0o600)
}

// errNoBus is what go-keyring says when there is no D-Bus session.
var errNoBus = errors.New("dbus: couldn't determine address of session bus")
