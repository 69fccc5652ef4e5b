package sshd

import (
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/policy"
)

func keyLine(t *testing.T) (string, gossh.PublicKey) {
	k := testKey(t)
	return strings.TrimSpace(string(gossh.MarshalAuthorizedKey(k))) + " someone@laptop", k
}

func TestParseAgents(t *testing.T) {
	alice, aliceKey := keyLine(t)
	alice2, alice2Key := keyLine(t)
	bob, bobKey := keyLine(t)
	set, err := ParseAgents([]byte(fmt.Sprintf(`
# the support team
[[agent]]
id = "alice"
name = "Alice Wanjiku"
role = "agent"
keys = [%q, %q]
loyalty_limit = 200

[[agent]]
id = "bob"
name = "Bob Otieno"
role = "supervisor"
keys = [%q]
`, alice, alice2, bob)))
	if err != nil {
		t.Fatal(err)
	}
	if set.Len() != 2 {
		t.Fatalf("%d agents", set.Len())
	}
	for _, k := range []gossh.PublicKey{aliceKey, alice2Key} {
		if a, ok := set.ByKey(k); !ok || a.ID != "alice" || a.Role != api.RoleAgent || !a.HasLoyaltyLimit || a.LoyaltyLimit != 200 {
			t.Fatalf("ByKey(alice's key) = %+v, %v", a, ok)
		}
	}
	if a, ok := set.ByKey(bobKey); !ok || a.ID != "bob" || a.HasLoyaltyLimit {
		t.Fatalf("ByKey(bob's key) = %+v, %v", a, ok)
	}
	if _, ok := set.ByKey(testKey(t)); ok {
		t.Fatal("a stranger's key found an agent")
	}
}

func TestParseAgentsRefuses(t *testing.T) {
	k1, _ := keyLine(t)
	k2, _ := keyLine(t)
	entry := func(id, role, keys string, extra ...string) string {
		return fmt.Sprintf("[[agent]]\nid = %q\nname = \"N\"\nrole = %q\nkeys = [%s]\n%s\n", id, role, keys, strings.Join(extra, "\n"))
	}
	q := func(s string) string { return fmt.Sprintf("%q", s) }
	cases := []struct{ name, file, want string }{
		{"empty", "", "no agents"},
		{"no id", entry("", "agent", q(k1)), "id is missing"},
		{"bad id", entry("a b", "agent", q(k1)), "id \"a b\""},
		{"no name", strings.Replace(entry("a", "agent", q(k1)), `name = "N"`, `name = " "`, 1), "name is missing"},
		{"control in name", strings.Replace(entry("a", "agent", q(k1)), `name = "N"`, `name = "N\u001b[2J"`, 1), "control characters"},
		{"unknown role", entry("a", "root", q(k1)), "role \"root\""},
		{"admin", entry("a", "admin", q(k1)), "role \"admin\""},
		{"negative limit", entry("a", "agent", q(k1), "loyalty_limit = -5"), "negative"},
		{"limit not a number", entry("a", "agent", q(k1), "loyalty_limit = \"lots\""), "line 6"},
		{"duplicate id", entry("a", "agent", q(k1)) + entry("a", "viewer", q(k2)), "listed twice"},
		{"one key, two agents", entry("a", "agent", q(k1)) + entry("b", "viewer", q(k1)), "also listed for \"a\""},
		{"same key twice", entry("a", "agent", q(k1)+", "+q(k1)), "listed twice"},
		{"two keys in one string", entry("a", "agent", q(k1+"\n"+k2)), "one key per string"},
		{"options", entry("a", "agent", q(`command="ls" `+k1)), "options"},
		{"garbage key", entry("a", "agent", q("ssh-ed25519 notbase64")), "not a public key"},
		{"unknown top-level table", "[server]\nport = 22\n" + entry("a", "agent", q(k1)), "unknown field"},
		{"agents not a table array", "agent = 3\n", "line 1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseAgents([]byte(tc.file))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to say %q", err, tc.want)
			}
		})
	}
}

func TestParseAgentsRefusesCertificates(t *testing.T) {
	caSigner, userKey := newTestSigner(t), testKey(t)
	cert := &gossh.Certificate{Key: userKey, CertType: gossh.UserCert, ValidPrincipals: []string{"a"}, ValidBefore: gossh.CertTimeInfinity}
	if err := cert.SignCert(rand.Reader, caSigner); err != nil {
		t.Fatal(err)
	}
	line := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(cert)))
	_, err := ParseAgents([]byte(fmt.Sprintf("[[agent]]\nid = \"a\"\nname = \"A\"\nrole = \"agent\"\nkeys = [%q]\n", line)))
	if err == nil || !strings.Contains(err.Error(), "certificates are not supported") {
		t.Fatalf("err = %v", err)
	}
}

func TestLoadAgentsFile(t *testing.T) {
	dir := t.TempDir()
	k, _ := keyLine(t)
	path := filepath.Join(dir, "agents.toml")
	if err := os.WriteFile(path, []byte(fmt.Sprintf("[[agent]]\nid = \"a\"\nname = \"A\"\nrole = \"viewer\"\nkeys = [%q]\n", k)), 0o640); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadAgents(path); err != nil {
		t.Fatalf("a 0640 file: %v", err)
	}
	if err := os.Chmod(path, 0o620); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadAgents(path); err == nil || !strings.Contains(err.Error(), "chmod go-w") {
		t.Fatalf("a group-writable file: %v", err)
	}
	if _, err := LoadAgents(dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("a directory: %v", err)
	}
	if _, err := LoadAgents(""); err == nil || !strings.Contains(err.Error(), "--agents") {
		t.Fatalf("no path: %v", err)
	}
}

func TestSameGrant(t *testing.T) {
	k1, k2 := testKey(t), testKey(t)
	a := &Agent{ID: "a", Role: "agent", Keys: []gossh.PublicKey{k1, k2}}
	cases := []struct {
		name string
		b    *Agent
		want bool
	}{
		{"unchanged", &Agent{ID: "a", Role: "agent", Keys: []gossh.PublicKey{k1}}, true},
		{"role changed", &Agent{ID: "a", Role: "viewer", Keys: []gossh.PublicKey{k1}}, false},
		{"limit added", &Agent{ID: "a", Role: "agent", Keys: []gossh.PublicKey{k1}, HasLoyaltyLimit: true}, false},
		{"session key removed", &Agent{ID: "a", Role: "agent", Keys: []gossh.PublicKey{k2}}, false},
	}
	for _, tc := range cases {
		if got := a.sameGrant(tc.b, k1); got != tc.want {
			t.Errorf("%s: sameGrant = %v", tc.name, got)
		}
	}
}

func TestPolicy(t *testing.T) {
	viewer := &Agent{ID: "v", Role: api.RoleViewer}
	agent := &Agent{ID: "a", Role: api.RoleAgent, HasLoyaltyLimit: true, LoyaltyLimit: 100}
	sup := &Agent{ID: "s", Role: api.RoleSupervisor}
	if err := viewer.CheckAdjust(1); err == nil {
		t.Error("a viewer may adjust")
	} else if ec, ok := err.(interface{ ExitCode() int }); !ok || ec.ExitCode() != 4 {
		t.Errorf("refusal %T exits %v, want 4", err, ec)
	}
	for _, p := range []int64{100, -100, 1} {
		if err := agent.CheckAdjust(p); err != nil {
			t.Errorf("agent, %d points: %v", p, err)
		}
	}
	for _, p := range []int64{101, -101} {
		if err := agent.CheckAdjust(p); err == nil || !strings.Contains(err.Error(), "over your limit of 100") {
			t.Errorf("agent, %d points: %v", p, err)
		}
	}
	if err := sup.CheckAdjust(1_000_000); err != nil {
		t.Errorf("supervisor without a file limit: %v", err)
	}
	if err := agent.Check(policy.CreateCustomer); err == nil {
		t.Error("an agent may create customers")
	}
	// The refusals are the policy's, in its words and with its codes.
	for _, tc := range []struct {
		err  error
		want error
	}{
		{agent.CheckAdjust(101), policy.CheckLoyalty(policy.Actor{Role: api.RoleAgent, LoyaltyLimit: 100, Limited: true}, 101)},
		{viewer.Check(policy.EditCustomer), policy.Check(policy.Actor{Role: api.RoleViewer}, policy.EditCustomer)},
	} {
		var ae *client.APIError
		r := tc.want.(*policy.Refusal)
		if tc.err == nil || tc.err.Error() != "refused by the SSH gateway: "+r.Error() ||
			!errors.As(tc.err, &ae) || ae.Status != 403 || ae.Code != r.Code() {
			t.Errorf("refusal %v (%+v), want the policy's %q as %s", tc.err, ae, r, r.Code())
		}
	}

	// The file can only lower what the API says.
	me := agent.lower(api.Me{AgentID: "a", Role: api.RoleSupervisor, LoyaltyLimit: 0})
	if me.Role != api.RoleAgent || me.LoyaltyLimit != 100 {
		t.Errorf("lower(supervisor) = %+v", me)
	}
	me = sup.lower(api.Me{AgentID: "s", Role: api.RoleViewer})
	if me.Role != api.RoleViewer {
		t.Errorf("the file raised the API's viewer to %q", me.Role)
	}
	me = agent.lower(api.Me{AgentID: "a", Role: api.RoleAgent, LoyaltyLimit: 50})
	if me.LoyaltyLimit != 50 {
		t.Errorf("the file raised the API's limit 50 to %d", me.LoyaltyLimit)
	}
	me = (&Agent{ID: "a", Role: api.RoleAgent}).lower(api.Me{AgentID: "a", Role: api.RoleSupervisor})
	if me.Role != api.RoleAgent || me.LoyaltyLimit != api.MaxAbsPoints {
		t.Errorf("an API supervisor filed as an agent without a limit = %+v, want agent with no practical limit", me)
	}
	me = sup.lower(api.Me{AgentID: "s", Role: api.RoleAgent, LoyaltyLimit: 500})
	if me.Role != api.RoleAgent || me.LoyaltyLimit != 500 {
		t.Errorf("an API agent filed as supervisor = %+v", me)
	}
}
