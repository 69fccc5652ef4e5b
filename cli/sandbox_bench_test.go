package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func runBenchCmd(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	code = Run(ctx, Env{Stdout: &out, Stderr: &errOut, Getenv: func(k string) string { return env[k] }},
		append([]string{"sandbox", "bench", "search"}, args...))
	return code, out.String(), errOut.String()
}

// TestSandboxBenchSearch runs the command end to end on a small SQLite
// store (bench/search's tests cover PostgreSQL and the baselines).
func TestSandboxBenchSearch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bench.db")
	code, out, errOut := runBenchCmd(t, map[string]string{"FRONTDESK_TEST_POSTGRES": "postgres://127.0.0.1:1/none"},
		"--customers", "1500", "--sqlite", path, "--postgres", "", "--no-baselines", "--runs", "1")
	if code != 0 {
		t.Fatalf("exit %d\nstderr:\n%s", code, errOut)
	}
	if !strings.Contains(out, "| query | sort | page | total | SQLite p50 / p95 |\n|---|---|---|---|---|\n") ||
		!strings.Contains(out, "| `Otieno` | name | 1 | ") {
		t.Errorf("stdout is not the table:\n%s", out)
	}
	if strings.Contains(out, "[1/") || !strings.Contains(errOut, "[1/") || !strings.Contains(errOut, "PostgreSQL: skipped") {
		t.Errorf("progress belongs on stderr, the table on stdout\nstdout:\n%s\nstderr:\n%s", out, errOut)
	}
}

// TestSandboxBenchSearchPostgresDefault: without --postgres the URL comes
// from FRONTDESK_TEST_POSTGRES, then FRONTDESK_POSTGRES (here one nothing
// listens on, so the run stops at connecting).
func TestSandboxBenchSearchPostgresDefault(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bench.db")
	for _, name := range []string{"FRONTDESK_TEST_POSTGRES", "FRONTDESK_POSTGRES"} {
		code, _, errOut := runBenchCmd(t, map[string]string{name: "postgres://postgres@127.0.0.1:1/none?connect_timeout=5"},
			"--customers", "300", "--sqlite", path, "--no-baselines", "--runs", "1")
		if code != ExitError || !strings.Contains(errOut, "connect to PostgreSQL") {
			t.Errorf("%s set: exit %d, want 1 and a connection error\n%s", name, code, errOut)
		}
	}
}

func TestSandboxBenchSearchUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--customers", "0"}, "--customers must be at least 12"},
		{[]string{"--customers", "11"}, "--customers must be at least 12"},
		{[]string{"--runs", "0"}, "must be at least 1"},
		{[]string{"--baseline-timeout", "0s"}, "--baseline-timeout must be a positive duration"},
		{[]string{"--postgres", "mysql://x"}, "is not a postgres:// URL"},
		{[]string{"--schema", "Bench; DROP"}, "--schema"},
		{[]string{"extra"}, "takes no arguments"},
	} {
		code, _, errOut := runBenchCmd(t, nil, tc.args...)
		if code != ExitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want %d and %q", tc.args, code, errOut, ExitUsage, tc.want)
		}
	}
	code, out, _ := runBenchCmd(t, nil, "--help")
	for _, want := range []string{"--customers", "--sqlite", "--postgres", "--schema", "--runs", "--baseline-runs",
		"--baseline-timeout", "--no-baselines", "FRONTDESK_TEST_POSTGRES", "MISMATCH", "pg_trgm", "(default 1000000)", "(default 21)", "(default 5s)"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("--help (exit %d) does not mention %s:\n%s", code, want, out)
		}
	}
}
