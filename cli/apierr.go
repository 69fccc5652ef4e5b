package cli

import (
	"errors"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/tui/sanitize"
)

// exitCodeForAPI maps an answer from the store to the exit codes of
// DESIGN.md:
//
//	404                        → 3 not found
//	401, 403                   → 4 permission (bad key, weak role, over the loyalty limit)
//	409, 412, 422              → 5 conflict (duplicate, stale version, insufficient points, key reused)
//	400 validation_error       → 2 usage
//	anything else (400 bad_request, 428, 429, 5xx, a non-API body) → 1
//
// A 400 validation_error is 2, not 1: it names the fields the user gave
// that the store refused, so like a bad flag the fix is to change the
// input, and a script must not retry it unchanged. A 400 bad_request
// means the request itself was malformed — a bug in frontdesk or a
// version mismatch, not the user's input — so it stays 1. Transport
// failures (no answer at all) are 1 as well.
func exitCodeForAPI(err error) (int, bool) {
	var ae *client.APIError
	if !errors.As(err, &ae) || ae == nil {
		return 0, false
	}
	switch {
	case client.IsUnsupported(ae):
		return ExitUnsupported, true
	case client.IsNotFound(ae):
		return ExitNotFound, true
	case client.IsPermission(ae):
		return ExitPermission, true
	case client.IsConflict(ae):
		return ExitConflict, true
	case ae.Kind() == client.KindInvalid && ae.Code == api.CodeValidation:
		return ExitUsage, true
	}
	return ExitError, true
}

// printable wraps an error whose text may carry strings from the API (a
// hostile customer name echoed in a message) so that printing it cannot
// drive the terminal; errors.As/Is and the exit code still see the
// original.
func printable(err error) error {
	if err == nil {
		return nil
	}
	return printableError{err}
}

type printableError struct{ err error }

func (e printableError) Error() string { return sanitize.Block(e.err.Error()) }
func (e printableError) Unwrap() error { return e.err }

// exitWithError is an error with a fixed exit code (ExitCoder), for
// refusals decided locally (a read-only profile).
type exitWithError struct {
	code int
	err  error
}

func (e exitWithError) Error() string { return e.err.Error() }
func (e exitWithError) Unwrap() error { return e.err }
func (e exitWithError) ExitCode() int { return e.code }
