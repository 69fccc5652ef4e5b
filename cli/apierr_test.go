package cli

import (
	"errors"
	"fmt"
	"testing"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/config"
)

func TestExitCodeForAPI(t *testing.T) {
	for _, tc := range []struct {
		status int
		code   string
		want   int
	}{
		{404, api.CodeNotFound, ExitNotFound},
		{401, api.CodeUnauthorized, ExitPermission},
		{403, api.CodeForbidden, ExitPermission},
		{403, api.CodeOverLimit, ExitPermission},
		{409, api.CodeDuplicateEmail, ExitConflict},
		{412, api.CodeVersionMismatch, ExitConflict},
		{422, api.CodeInsufficientPoints, ExitConflict},
		{400, api.CodeValidation, ExitUsage},
		{400, api.CodeBadRequest, ExitError},
		{428, api.CodeIfMatchRequired, ExitError},
		{429, api.CodeRateLimited, ExitError},
		{500, api.CodeInternal, ExitError},
		{502, client.CodeBadResponse, ExitError},
	} {
		err := printable(fmt.Errorf("context: %w", &client.APIError{Status: tc.status, Code: tc.code}))
		if got := ExitCode(err); got != tc.want {
			t.Errorf("%d %s: exit %d, want %d", tc.status, tc.code, got, tc.want)
		}
	}
	if got := ExitCode(printable(fmt.Errorf("loyalty: %w", client.Unsupported(client.CapLoyalty, "this store has no loyalty points")))); got != ExitUnsupported {
		t.Errorf("unsupported: exit %d, want %d", got, ExitUnsupported)
	}
	if _, ok := exitCodeForAPI(errors.New("plain")); ok {
		t.Error("a plain error mapped as an API error")
	}
	if got := ExitCode(asUsage(errors.New("no credentials"))); got != ExitUsage {
		t.Errorf("credentials error: exit %d", got)
	}
	if got := ExitCode(asUsage(fmt.Errorf("resolve: %w", &config.KeyringUnavailableError{Op: "read", Backend: "secret service", Err: errors.New("no bus")}))); got != ExitError {
		t.Errorf("keyring unavailable: exit %d, want 1", got)
	}
	if got := ExitCode(asUsage(exitWithError{ExitPermission, errors.New("x")})); got != ExitPermission {
		t.Errorf("coded credentials error: exit %d", got)
	}
}

func TestPrintableErrorIsInert(t *testing.T) {
	err := printable(&client.APIError{Status: 404, Code: "not_found", Message: "customer \x1b]0;pwned\x07 not found"})
	if s := err.Error(); s == "" || containsAny(s, "\x1b\x07") {
		t.Fatalf("Error() = %q", s)
	}
	if !client.IsNotFound(err) {
		t.Fatal("printable hides the APIError")
	}
}

func containsAny(s, chars string) bool {
	for _, c := range chars {
		for _, r := range s {
			if r == c {
				return true
			}
		}
	}
	return false
}
