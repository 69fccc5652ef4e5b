package sshd

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

// What a session's console logs reaches the gateway's log, with the agent
// and key, at its level, one record per line, and a hostile value cannot
// forge a line of the gateway's log.
func TestConsoleLoggerReachesTheGatewayLog(t *testing.T) {
	var out bytes.Buffer
	gw := slog.New(slog.NewTextHandler(&out, nil))
	l := consoleLogger(gw, "amani", "SHA256:abc")
	l.Error("search customers", "query", "wan", "err", "the store answered 503\nlevel=INFO msg=forged")
	l.Info("profile opened", "id", "42")
	l.Debug("not kept")

	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d gateway records, want 2:\n%s", len(lines), out.String())
	}
	for _, want := range []string{"level=ERROR", "msg=console", "agent=amani", "key=SHA256:abc", "search customers", "query=wan", "503"} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("the error record lacks %q: %s", want, lines[0])
		}
	}
	if strings.Contains(out.String(), "\nlevel=INFO msg=forged") {
		t.Errorf("a value forged a gateway log line:\n%s", out.String())
	}
	if !strings.Contains(lines[1], "level=INFO") || !strings.Contains(lines[1], "profile opened") {
		t.Errorf("the info record: %s", lines[1])
	}
}
