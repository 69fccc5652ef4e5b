package sandboxtest

import (
	"log/slog"
	"testing"
)

// testLogger sends the server's log lines to t.Log, which shows them only
// when the test fails or runs with -v, so a failing test shows its
// requests. httptest.Server.Close waits for running handlers, so nothing
// logs after the test is over.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(tbWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tbWriter struct{ t testing.TB }

func (w tbWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(string(p[:len(p)-1]))
	return len(p), nil
}
