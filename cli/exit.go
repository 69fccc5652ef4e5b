package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// Exit codes (DESIGN.md).
const (
	ExitOK         = 0
	ExitError      = 1
	ExitUsage      = 2
	ExitNotFound   = 3
	ExitPermission = 4
	ExitConflict   = 5
	// ExitUnsupported: the platform cannot do this at all (DESIGN.md,
	// "Platforms"); the message is the driver's reason.
	ExitUnsupported = 6
)

// UsageError marks an error in how the command was called (exit 2).
type UsageError struct{ Err error }

func (e UsageError) Error() string { return e.Err.Error() }
func (e UsageError) Unwrap() error { return e.Err }

// Usagef makes a UsageError.
func Usagef(format string, args ...any) error {
	return UsageError{Err: fmt.Errorf(format, args...)}
}

// ExitCoder is an error that knows its exit code; API errors implement it
// through exitCodeForAPI.
type ExitCoder interface{ ExitCode() int }

// ExitCode maps an error to the process exit code.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ue UsageError
	if errors.As(err, &ue) {
		return ExitUsage
	}
	var ec ExitCoder
	if errors.As(err, &ec) {
		return ec.ExitCode()
	}
	if code, ok := exitCodeForAPI(err); ok {
		return code
	}
	// cobra's own argument errors are plain errors.
	msg := err.Error()
	if strings.HasPrefix(msg, "unknown command") || strings.HasPrefix(msg, "accepts ") ||
		strings.HasPrefix(msg, "requires ") || strings.HasPrefix(msg, "unknown flag") ||
		strings.HasPrefix(msg, "required flag") {
		return ExitUsage
	}
	return ExitError
}

func printError(w io.Writer, err error) {
	if w == nil || err == nil {
		return
	}
	fmt.Fprintf(w, "Error: %s\n", err)
}
