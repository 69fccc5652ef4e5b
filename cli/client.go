package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"frontdesk/client"
	"frontdesk/config"
)

// NewClient builds the platform from this run's credentials (profile,
// keyring or FRONTDESK_API_*). A run that cannot get credentials, or whose
// URL or key is malformed, was not set up right: that is a usage error
// (exit 2) unless the error already carries its own exit code.
func (a *App) NewClient(ctx context.Context) (client.Platform, error) {
	cl, _, err := a.newClientWithCredentials(ctx)
	return cl, err
}

// newClientWithCredentials is NewClient that also returns the credentials,
// for commands that honour a profile's read-only mark.
func (a *App) newClientWithCredentials(ctx context.Context) (client.Platform, Credentials, error) {
	if a.Env.Remote != nil {
		return a.Env.Remote.client()
	}
	creds, err := a.Credentials(ctx)
	if err != nil {
		return nil, Credentials{}, asUsage(err)
	}
	cl, err := connect(creds, logTo(a.apiLogger()))
	if err != nil {
		where := "the credentials"
		if creds.Profile != "" {
			where = fmt.Sprintf("profile %q", creds.Profile)
		}
		return nil, Credentials{}, UsageError{Err: fmt.Errorf("%s: %w", where, err)}
	}
	return cl, creds, nil
}

// asUsage marks a credentials error as a usage error (exit 2: missing or
// malformed FRONTDESK_API_*, no profile, no stored secret) unless it
// already decides its exit code. A keyring that is not there at all is
// the machine's problem, not the call's: it stays 1, as in `auth login`.
func asUsage(err error) error {
	var ue UsageError
	var ec ExitCoder
	var ku *config.KeyringUnavailableError
	if errors.As(err, &ue) || errors.As(err, &ec) || errors.As(err, &ku) {
		return err
	}
	return UsageError{Err: err}
}

// apiLogger logs API calls at Debug to --log-file (secrets redacted by
// the client); nil without one. Each record opens, appends and closes the
// file, so a command run inside the long-lived SSH gateway leaks no file
// handle and needs no cleanup.
func (a *App) apiLogger() *slog.Logger {
	if a.Flags.LogFile == "" {
		return nil
	}
	w := appendFile(a.Flags.LogFile)
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// appendFile is an io.Writer that appends each write to a file created
// with mode 0600 (logs may name customers).
type appendFile string

func (p appendFile) Write(b []byte) (int, error) {
	if err := os.MkdirAll(filepath.Dir(string(p)), 0o700); err != nil {
		return 0, err
	}
	f, err := os.OpenFile(string(p), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return 0, err
	}
	n, err := f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, err
}
