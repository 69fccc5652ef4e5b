package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"frontdesk/cli"
	"frontdesk/sandbox/sandboxtest"
)

// consoleRun runs the CLI with the keys typed on stdin (a pipe, as a
// terminal would deliver them) and returns the exit code and stderr.
func consoleRun(t *testing.T, vars map[string]string, keys string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := cli.Run(ctx, cli.Env{
		Stdin: strings.NewReader(keys), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return vars[k] },
	}, args)
	return code, out.String(), errb.String()
}

func TestDemoCustomersIsValidated(t *testing.T) {
	for _, n := range []string{"0", "-3", "2000001", "many"} {
		code, _, stderr := consoleRun(t, map[string]string{"HOME": t.TempDir()}, "", "demo", "--customers", n)
		if code != 2 {
			t.Errorf("demo --customers %s: exit %d, want 2 (usage)\n%s", n, code, stderr)
		}
		if n != "many" && !strings.Contains(stderr, "between 1 and 2000000") {
			t.Errorf("demo --customers %s says %q", n, stderr)
		}
	}
}

// With nothing set up the console opens on the onboarding screen instead
// of exiting; quitting it writes nothing.
func TestConsoleWithoutCredentials(t *testing.T) {
	home := t.TempDir()
	vars := map[string]string{"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, "config"), "XDG_STATE_HOME": filepath.Join(home, "state")}
	// stdin is a pipe, not a terminal: nobody could fill in the onboarding
	// form, so the run says what to set up and exits instead of waiting.
	code, stdout, stderr := consoleRun(t, vars, "\x03")
	if code != cli.ExitUsage {
		t.Fatalf("frontdesk with nothing set up and no terminal: exit %d, want %d; stderr %q\nstdout %q", code, cli.ExitUsage, stderr, stdout)
	}
	for _, want := range []string{"frontdesk auth login", "frontdesk demo", "FRONTDESK_API_SECRET"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not mention %q: %q", want, stderr)
		}
	}
	if strings.Contains(stdout, "\x1b[?1049h") {
		t.Errorf("the console opened with no terminal: %q", stdout)
	}
	if _, err := os.Stat(filepath.Join(home, "config")); !os.IsNotExist(err) {
		t.Errorf("a run with nothing set up wrote the config directory: %v", err)
	}
}

// The console runs on FRONTDESK_API_* credentials, quits on ctrl+c, and
// logs to the default file under the XDG state directory, never to the
// terminal.
func TestConsoleRunsAndLogsToAFile(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 20})
	home := t.TempDir()
	k := env.Keys["agent"]
	vars := map[string]string{
		"HOME": home, "XDG_STATE_HOME": filepath.Join(home, "state"), "XDG_CONFIG_HOME": filepath.Join(home, "config"),
		"FRONTDESK_API_URL": env.URL, "FRONTDESK_API_KEY": k.KeyID, "FRONTDESK_API_SECRET": k.Secret,
	}
	code, stdout, stderr := consoleRun(t, vars, "\x03")
	logPath := filepath.Join(home, "state", "frontdesk", "frontdesk.log")
	if code != 0 {
		t.Fatalf("exit %d\nstderr: %s", code, stderr)
	}
	if !strings.Contains(stderr, "logs are in "+logPath) {
		t.Errorf("stderr does not say where the logs are: %q", stderr)
	}
	if strings.Contains(stdout, "level=") || strings.Contains(stdout, "console started") {
		t.Errorf("a log line reached the terminal:\n%q", stdout)
	}
	st, err := os.Stat(logPath)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("log file mode %v, want 0600 (logs name customers)", st.Mode().Perm())
	}
	logs, _ := os.ReadFile(logPath)
	if !strings.Contains(string(logs), "console started") || strings.Contains(string(logs), k.Secret) {
		t.Errorf("log file: want the start logged and no secret:\n%s", logs)
	}
}

func TestDemoKeepsTheStoreItWasGiven(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "demo.db")
	logFile := filepath.Join(dir, "demo.log")
	vars := map[string]string{"HOME": dir}
	for range 2 { // the second run finds the store seeded and keyed
		code, _, stderr := consoleRun(t, vars, "\x03", "demo", "--customers", "15", "--db", db, "--log-file", logFile)
		if code != 0 {
			t.Fatalf("exit %d\nstderr: %s", code, stderr)
		}
		if !strings.Contains(stderr, "the demo store is kept in "+db) || !strings.Contains(stderr, "logs are in "+logFile) {
			t.Fatalf("stderr: %q", stderr)
		}
	}
	logs, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(logs), `msg="demo store ready"`); n != 2 {
		t.Fatalf("%d demo runs logged, want 2:\n%s", n, logs)
	}
	if !strings.Contains(string(logs), "seeded=true") || !strings.Contains(string(logs), "seeded=false") {
		t.Errorf("the first run should seed and the second reuse the store:\n%s", logs)
	}
}
