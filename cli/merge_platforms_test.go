package cli

import (
	"strings"
	"testing"

	"frontdesk/client"
	"frontdesk/sandbox"
)

// TestMergeOnPlatformsWithoutIt: only the desk server merges customers;
// on every other platform `customers merge` exits 6 with the platform's
// sentence, before asking anything of the store.
func TestMergeOnPlatformsWithoutIt(t *testing.T) {
	tried := 0
	for _, name := range sandbox.Dialects {
		drv, err := platformNamed(name)
		if err != nil {
			t.Fatal(err)
		}
		if drv.caps().Has(client.CapMerge) {
			continue
		}
		tried++
		t.Run(name, func(t *testing.T) {
			e, drv, _ := onDialect(t, name, 5)
			for _, args := range [][]string{{"customers", "merge", "1", "2", "--yes"}, {"customers", "merge", "1", "2", "--dry-run", "--json"}} {
				r := e.run("", args...)
				if r.code != ExitUnsupported || !strings.Contains(r.stderr, drv.caps().Why(client.CapMerge)) || r.stdout != "" {
					t.Fatalf("%v on %s: %+v", args, name, r)
				}
			}
		})
	}
	if tried == 0 {
		t.Fatal("every dialect merges customers; the test would prove nothing")
	}
}
