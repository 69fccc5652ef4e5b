package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// requiredEnv makes missing tools a failure instead of a skip (CI sets it).
const requiredEnv = "FRONTDESK_E2E_REQUIRED"

// needTools skips (or, with FRONTDESK_E2E_REQUIRED=1, fails) when a tool
// the test drives is not installed; install says how to get them.
func needTools(t *testing.T, install string, tools ...string) {
	t.Helper()
	var missing []string
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if len(missing) > 0 {
		skipOrFail(t, "missing "+strings.Join(missing, ", ")+": install them with `"+install+"`")
	}
}

func skipOrFail(t *testing.T, msg string) {
	t.Helper()
	if os.Getenv(requiredEnv) == "1" {
		t.Fatal(msg + " (" + requiredEnv + "=1)")
	}
	t.Skip(msg)
}

// build holds the one frontdesk binary the tests of this run share: one
// go build instead of one per test.
var build struct {
	once sync.Once
	dir  string
	bin  string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if build.dir != "" {
		os.RemoveAll(build.dir)
	}
	os.Exit(code)
}

// buildFrontdesk builds the binary once per test run and returns its path.
func buildFrontdesk(t *testing.T) string {
	t.Helper()
	build.once.Do(func() {
		build.dir, build.err = os.MkdirTemp("", "frontdesk-e2e-bin-")
		if build.err != nil {
			return
		}
		build.bin = filepath.Join(build.dir, "frontdesk")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		if out, err := exec.CommandContext(ctx, "go", "build", "-o", build.bin, "frontdesk").CombinedOutput(); err != nil {
			build.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if build.err != nil {
		t.Fatal(build.err)
	}
	return build.bin
}
