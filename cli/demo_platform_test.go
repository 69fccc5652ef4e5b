package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `demo --platform store` serves the sandbox in the store dialect and
// opens the console on it with the store driver.
func TestDemoOnTheStorePlatform(t *testing.T) {
	dir := t.TempDir()
	logFile := filepath.Join(dir, "demo.log")
	code, _, stderr := consoleRun(t, map[string]string{"HOME": dir}, "\x03", "--platform", "store", "demo", "--customers", "15", "--log-file", logFile)
	if code != 0 {
		t.Fatalf("exit %d\nstderr: %s", code, stderr)
	}
	logs, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"dialect=store", `msg="demo store ready"`} {
		if !strings.Contains(string(logs), w) {
			t.Errorf("the log lacks %q:\n%s", w, logs)
		}
	}
}
