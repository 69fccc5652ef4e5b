package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"

	"charm.land/log/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/config"
	"frontdesk/screens"
	"frontdesk/tui"
)

// runConsole opens the console on this run's credentials (profile,
// keyring or FRONTDESK_API_*).
func (a *App) runConsole(ctx context.Context) error {
	creds, err := a.Credentials(ctx)
	if nc := (*NoCredentialsError)(nil); errors.As(err, &nc) {
		// Nothing set up yet: at a terminal the console asks for it (or
		// starts the sandbox) rather than exiting. With nobody at a
		// terminal (a script, a pipe) a form would wait for ever, so say
		// what to set up and exit.
		if _, ok := a.stdinTerminal(); ok {
			return a.runOnboarding(ctx, nc)
		}
	}
	if err != nil {
		return asUsage(err)
	}
	logs, err := a.openConsoleLog()
	if err != nil {
		return err
	}
	defer logs.Close()
	cl, err := a.consoleClient(creds, logs.logger)
	if err != nil {
		where := "the credentials"
		if creds.Profile != "" {
			where = fmt.Sprintf("profile %q", creds.Profile)
		}
		return UsageError{Err: fmt.Errorf("%s: %w", where, err)}
	}
	profile := tui.Profile{Name: creds.Profile, Host: hostOf(creds.URL), Production: creds.Production, ReadOnly: creds.ReadOnly}
	err = a.runShell(ctx, cl, profile, logs.logger, nil)
	a.sayWhereLogsWent(logs.path)
	return err
}

// runShell runs the console until the agent quits or ctx ends. The
// terminal is the run's own streams; the program restores it on exit,
// also after a panic in a screen.
func (a *App) runShell(ctx context.Context, cl client.Platform, profile tui.Profile, logger *log.Logger, agent *api.Me) error {
	shell, err := screens.NewShell(ctx, cl, a.consoleConfig(logger), tui.Options{
		Profile: profile,
		NoColor: a.NoColor(),
		Logger:  logger,
		Agent:   agent,
	})
	if err != nil {
		return err
	}
	return a.runProgram(ctx, shell, logger, profile.Label())
}

// consoleLog is the console's log file: the console owns the terminal,
// so nothing may be logged there.
type consoleLog struct {
	path   string
	file   *os.File
	logger *log.Logger
}

// openConsoleLog opens --log-file, or the default log file under the XDG
// state directory, for appending (mode 0600: logs name customers). With
// no home directory to put it in, the console logs nowhere rather than
// on the screen.
func (a *App) openConsoleLog() (*consoleLog, error) {
	path := a.Flags.LogFile
	if path == "" {
		p, err := config.DefaultLogFile(a.Getenv)
		if err != nil {
			return &consoleLog{logger: log.New(io.Discard)}, nil
		}
		path = p
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("log file %s: %w (pass --log-file to put it elsewhere)", path, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("log file %s: %w (pass --log-file to put it elsewhere)", path, err)
	}
	logger := log.NewWithOptions(f, log.Options{
		Level:           log.DebugLevel,
		ReportTimestamp: true,
		TimeFormat:      "2006-01-02T15:04:05.000Z07:00",
		Formatter:       log.LogfmtFormatter,
		Prefix:          "console",
	})
	return &consoleLog{path: path, file: f, logger: logger}, nil
}

// Close closes the file.
func (l *consoleLog) Close() error {
	if l.file == nil {
		return nil
	}
	return l.file.Close()
}

// sayWhereLogsWent tells the agent, once the terminal is theirs again,
// where to look if something went wrong.
func (a *App) sayWhereLogsWent(path string) {
	if path == "" || a.Env.Stderr == nil {
		return
	}
	fmt.Fprintf(a.Env.Stderr, "frontdesk: logs are in %s\n", path)
}

// hostOf is the host of an API URL, for the header when no profile is
// named.
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	return u.Host
}
