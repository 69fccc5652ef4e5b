package cli

import (
	"strings"
	"testing"

	"frontdesk/client"
	"frontdesk/sandbox"
)

// TestBulkPlanWithoutLoyalty: on a platform that cannot adjust points,
// bulk plan exits 6 with the platform's sentence and writes no plan.
func TestBulkPlanWithoutLoyalty(t *testing.T) {
	tried := 0
	for _, name := range sandbox.Dialects {
		drv, err := platformNamed(name)
		if err != nil {
			t.Fatal(err)
		}
		if drv.caps().Has(client.CapLoyaltyAdjust) {
			continue
		}
		tried++
		t.Run(name, func(t *testing.T) {
			e, drv, _ := onDialect(t, name, 5)
			r := e.run("customer,points,reason,note\n1,5,goodwill,late delivery\n", "loyalty", "bulk", "plan", "-")
			if r.code != ExitUnsupported || !strings.Contains(r.stderr, drv.caps().Why(client.CapLoyaltyAdjust)) || r.stdout != "" {
				t.Fatalf("bulk plan on %s: %+v", name, r)
			}
		})
	}
	if tried == 0 {
		t.Fatal("every dialect adjusts points; the test would prove nothing")
	}
}
