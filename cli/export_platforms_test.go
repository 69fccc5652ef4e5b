package cli

import (
	"encoding/csv"
	"strings"
	"testing"

	"frontdesk/client"
	"frontdesk/sandbox"
)

// TestExportOnEveryPlatform: customers export pages with each driver's
// own cursors, and writes every customer once where the platform can
// search; elsewhere it exits 6 with the platform's sentence and writes
// nothing.
func TestExportOnEveryPlatform(t *testing.T) {
	for _, name := range sandbox.Dialects {
		t.Run(name, func(t *testing.T) {
			e, drv, run := onDialect(t, name, 230)
			caps := drv.caps()
			r := e.run("", "customers", "export")
			if !caps.Has(client.CapSearch) {
				if r.code != ExitUnsupported || !strings.Contains(r.stderr, caps.Why(client.CapSearch)) || r.stdout != "" {
					t.Fatalf("export on a platform without search: %+v", r)
				}
				return
			}
			if r.code != ExitOK || r.stderr != "" {
				t.Fatalf("export: %+v", r)
			}
			rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			var n int
			if err := run.DB.QueryRow(`SELECT count(*) FROM customers`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for _, row := range rows[1:] {
				if seen[row[0]] {
					t.Fatalf("customer %s exported twice", row[0])
				}
				seen[row[0]] = true
			}
			if len(seen) != n {
				t.Fatalf("exported %d customers, the platform has %d", len(seen), n)
			}
		})
	}
}
