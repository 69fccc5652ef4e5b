package sandboxtest

import (
	"errors"
	"net/http"
	"slices"
	"testing"

	"frontdesk/api/contract"
)

// ContractTransport is a transport for an API client (frontdesk.Config's
// Transport) that checks every request it sends and every response it
// gets against api/openapi.yaml, failing t on each violation. Violations
// on responses with one of the skip statuses are not reported (statuses
// only a test's own fault proxy makes, not the server's).
func ContractTransport(t testing.TB, skip ...int) http.RoundTripper {
	t.Helper()
	v, err := loadContract()
	if err != nil {
		t.Fatalf("sandboxtest: load the contract: %v", err)
	}
	return v.Transport(http.DefaultTransport.(*http.Transport).Clone(), func(err error) {
		var viol *contract.Violation
		if errors.As(err, &viol) && slices.Contains(skip, viol.Status) {
			return
		}
		t.Errorf("%v", err)
	})
}
