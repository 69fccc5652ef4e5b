package sshd_test

import (
	"encoding/json"
	"strings"
	"testing"

	"frontdesk/api"
)

// Over the gateway, a viewer (by the API's records, or only by the agents
// file: test-agent demoted) gets email and phone masked in every command's
// output, and `customers reveal` shows one field and is an audit row.
func TestGatewayMasksViewers(t *testing.T) {
	g := startGateway(t, gatewayOptions{demote: map[string]string{"agent": "viewer"}})
	var id, email, phone string
	if err := g.env.DB.QueryRow(`SELECT id, email, phone FROM customers WHERE phone <> '' ORDER BY id LIMIT 1`).Scan(&id, &email, &phone); err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"viewer", "agent"} {
		r := g.run(g.keys[who], "customers show "+id+" --json")
		if r.exit != 0 {
			t.Fatalf("%s: show exit %d: %s", who, r.exit, r.stderr)
		}
		var c api.CustomerEnvelope
		if err := json.Unmarshal([]byte(r.stdout), &c); err != nil {
			t.Fatalf("%s: %v\n%s", who, err, r.stdout)
		}
		if c.Customer.Email != api.MaskEmail(email) || c.Customer.Phone != api.MaskPhone(phone) || strings.Contains(r.stdout, email) {
			t.Errorf("%s over ssh sees %q %q, want masks", who, c.Customer.Email, c.Customer.Phone)
		}
		r = g.run(g.keys[who], "customers search "+email[:4]+" --json")
		if r.exit != 0 || strings.Contains(r.stdout, email) || strings.Contains(r.stdout, phone) {
			t.Errorf("%s: search over ssh exit %d shows values:\n%s", who, r.exit, r.stdout)
		}
		r = g.run(g.keys[who], "customers reveal "+id+" email --reason 'caller verification' --json")
		var res api.RevealResult
		if r.exit != 0 || json.Unmarshal([]byte(r.stdout), &res) != nil || res.Value != email {
			t.Errorf("%s: reveal over ssh exit %d %q %q, want %q", who, r.exit, r.stdout, r.stderr, email)
		}
	}
	var page api.AuditPage
	g.env.Do(t, "supervisor", "GET", "/audit?action="+api.ActionCustomerReveal+"&customer_id="+id, nil).Data(t, &page)
	if len(page.Entries) != 2 {
		t.Fatalf("%d reveal rows, want 2", len(page.Entries))
	}
	for _, e := range page.Entries {
		if e.Via != "ssh" {
			t.Errorf("reveal row via %q, want ssh", e.Via)
		}
	}
}
