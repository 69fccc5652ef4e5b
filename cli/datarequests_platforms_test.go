package cli

import (
	"strings"
	"testing"

	"frontdesk/sandbox"
)

// Only the desk server answers data requests: every platform driver
// refuses export-data and erase with the reason, exit 6, before any call.
func TestDataRequestsRefusedOnPlatforms(t *testing.T) {
	for _, name := range sandbox.Dialects {
		if name == "frontdesk" {
			continue // the desk's own contract: TestCustomersExportDataAndErase
		}
		t.Run(name, func(t *testing.T) {
			e, _, _ := onDialect(t, name, 5)
			for _, args := range [][]string{
				{"customers", "export-data", "1"},
				{"customers", "erase", "1", "--reason", "erasure request T-1"},
			} {
				r := e.run("", args...)
				if r.code != ExitUnsupported || !strings.Contains(r.stderr, "keeps its customers itself") || r.stdout != "" {
					t.Fatalf("%v on %s: %+v", args, name, r)
				}
			}
		})
	}
}
