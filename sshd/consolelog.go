package sshd

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"

	"charm.land/log/v2"
)

// consoleLogger is the logger of one session's console: what the console
// records (a load that failed, an error it showed the agent) goes into the
// gateway's own log, one record per line with the agent's id and the
// session's key fingerprint, instead of nowhere. The console never logs a
// secret or a token (its client redacts them), and slog quotes every value,
// so nothing the API sent can forge a log line.
func consoleLogger(l *slog.Logger, agent, key string) *log.Logger {
	return log.NewWithOptions(&consoleLines{l: l, agent: agent, key: key}, log.Options{
		Level:     log.InfoLevel,
		Formatter: log.LogfmtFormatter,
	})
}

// consoleLines turns the console logger's logfmt lines into gateway
// records.
type consoleLines struct {
	l          *slog.Logger
	agent, key string

	mu  sync.Mutex
	buf bytes.Buffer
}

func (w *consoleLines) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	for {
		line, err := w.buf.ReadString('\n')
		if err != nil {
			// A part line waits for the rest.
			w.buf.Reset()
			w.buf.WriteString(line)
			return len(p), nil
		}
		line = strings.TrimRight(line, "\n")
		level := slog.LevelInfo
		switch {
		case strings.Contains(line, "level=error"):
			level = slog.LevelError
		case strings.Contains(line, "level=warn"):
			level = slog.LevelWarn
		}
		w.l.LogAttrs(context.Background(), level, "console", slog.String("agent", w.agent), slog.String("key", w.key), slog.String("record", line))
	}
}
