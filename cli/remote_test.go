package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"frontdesk/api"
	"frontdesk/client/frontdesk"
	"frontdesk/sandbox/sandboxtest"
	"frontdesk/sshd"
)

// remoteRun runs a command line as an agent connected to the gateway.
func remoteRun(t *testing.T, env *sandboxtest.Env, agent *sshd.Agent, readOnly bool, args ...string) (code int, name, stdout, stderr string) {
	t.Helper()
	gw := env.Keys["gateway"]
	cl, err := frontdesk.New(frontdesk.Config{BaseURL: env.URL, KeyID: gw.KeyID, Secret: gw.Secret, Agent: agent.ID, Via: frontdesk.ViaSSH})
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code, name = RunRemote(context.Background(), Env{
		Stdout: &out, Stderr: &errOut,
		Remote: &Remote{Agent: agent, KeyFingerprint: "SHA256:test", Client: cl, Profile: "gw", ReadOnly: readOnly},
	}, args)
	return code, name, out.String(), errOut.String()
}

func TestRunRemote(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 10})
	var id string
	if err := env.DB.QueryRow(`SELECT c.id FROM customers c JOIN loyalty_accounts a ON a.customer_id = c.id WHERE a.points_balance > 50 ORDER BY c.id LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	var number string
	if err := env.DB.QueryRow(`SELECT number FROM orders WHERE customer_id = ? ORDER BY id LIMIT 1`, id).Scan(&number); err != nil {
		t.Fatal(err)
	}
	viewer := &sshd.Agent{ID: env.Agents["viewer"], Name: "Vera", Role: api.RoleViewer}
	agent := &sshd.Agent{ID: env.Agents["agent"], Name: "Amani", Role: api.RoleAgent, HasLoyaltyLimit: true, LoyaltyLimit: 10}
	adjust := func(points int) []string {
		return []string{"loyalty", "adjust", id, "--points", fmt.Sprint(points), "--reason", "goodwill", "--note", "late parcel"}
	}
	cases := []struct {
		name   string
		agent  *sshd.Agent
		args   []string
		code   int
		cmd    string
		stdout string
		stderr string
	}{
		// nil, as an SSH session without a command gives: the help, and
		// never the gateway process's own os.Args.
		{"no command", viewer, nil, 0, "help", "whoami", ""},
		{"help", viewer, []string{"help"}, 0, "help", "customers", ""},
		{"whoami", agent, []string{"whoami", "--json"}, 0, "whoami", `"loyalty_limit": 10`, ""},
		{"show", viewer, []string{"customers", "show", id, "--json"}, 0, "customers show", `"customer"`, ""},
		{"order by number", viewer, []string{"orders", "find", "#" + strings.TrimLeft(strings.TrimPrefix(number, "FD-"), "0"), "--json"}, 0, "orders find", `"number": "` + number + `"`, ""},
		{"unknown order", viewer, []string{"orders", "find", "FD-99999999"}, 3, "orders find", "", "FD-99999999"},
		{"a parent alone shows its help", viewer, []string{"loyalty"}, 0, "loyalty", "adjust", ""},
		{"local command", viewer, []string{"auth", "status"}, 2, "unavailable", "", "`auth status` is not available over ssh"},
		{"the list names the nested group", viewer, []string{"auth", "status"}, 2, "unavailable", "", "loyalty adjust|show, loyalty bulk apply|plan"},
		{"bulk reads stdin, not the gateway's files", agent, []string{"loyalty", "bulk", "plan", "/etc/fixes.csv"}, 2, "loyalty bulk plan", "", "over ssh the CSV comes on stdin"},
		{"bulk writes stdout, not the gateway's files", agent, []string{"loyalty", "bulk", "apply", "-", "--out", "/tmp/x"}, 2, "loyalty bulk apply", "", "--out is not available over ssh"},
		{"a bulk command's --profile", agent, []string{"loyalty", "bulk", "plan", "-", "--profile", "prod"}, 2, "loyalty bulk plan", "", "--profile is not available over ssh"},
		{"unknown subcommand", viewer, []string{"customers", "create"}, 2, "unavailable", "", "not available over ssh"},
		{"console", viewer, []string{"demo"}, 2, "unavailable", "", "not available over ssh"},
		{"a local file", viewer, []string{"audit", "verify", "--db", "/var/lib/store.db"}, 2, "unavailable", "", "`audit verify` is not available over ssh"},
		{"on-behalf sessions", viewer, []string{"session", "start", "1"}, 2, "unavailable", "", "not available over ssh"},
		{"local config", viewer, []string{"--config", "/etc/passwd", "customers", "show", id}, 2, "customers show", "", "--config is not available over ssh"},
		{"local profile", viewer, []string{"customers", "show", id, "--profile=prod"}, 2, "customers show", "", "--profile is not available over ssh"},
		{"viewer adjusts", viewer, adjust(5), 4, "loyalty adjust", "", "your role (viewer) cannot adjust loyalty points"},
		{"over the file's limit", agent, adjust(11), 4, "loyalty adjust", "", "over your limit of 10"},
		{"within the limit", agent, adjust(10), 0, "loyalty adjust", "Adjusted customer", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, name, stdout, stderr := remoteRun(t, env, tc.agent, false, tc.args...)
			if code != tc.code || name != tc.cmd || !strings.Contains(stdout, tc.stdout) || !strings.Contains(stderr, tc.stderr) {
				t.Fatalf("code %d (want %d), name %q (want %q)\nstdout %q (want %q)\nstderr %q (want %q)",
					code, tc.code, name, tc.cmd, stdout, tc.stdout, stderr, tc.stderr)
			}
		})
	}

	t.Run("help hides what does not work over ssh", func(t *testing.T) {
		_, _, stdout, _ := remoteRun(t, env, viewer, false, "help")
		for _, hidden := range []string{"sandbox", "auth", "profile", "demo", "--log-file", "--config", "completion"} {
			if strings.Contains(stdout, hidden) {
				t.Errorf("help mentions %q:\n%s", hidden, stdout)
			}
		}
	})
	t.Run("a read-only gateway profile refuses changes", func(t *testing.T) {
		code, _, _, stderr := remoteRun(t, env, agent, true, adjust(1)...)
		if code != ExitPermission || !strings.Contains(stderr, "read-only") {
			t.Fatalf("code %d, stderr %q", code, stderr)
		}
	})
	t.Run("merge", func(t *testing.T) {
		var keep, drop string
		if err := env.DB.QueryRow(`SELECT min(id), max(id) FROM (SELECT id FROM customers WHERE status = 'active' AND id <> ? ORDER BY id DESC LIMIT 2)`, id).Scan(&keep, &drop); err != nil {
			t.Fatal(err)
		}
		sup := &sshd.Agent{ID: env.Agents["supervisor"], Name: "Sifa", Role: api.RoleSupervisor}
		if code, name, _, stderr := remoteRun(t, env, agent, false, "customers", "merge", keep, drop, "--yes"); code != ExitPermission || name != "customers merge" || !strings.Contains(stderr, "cannot merge customers") {
			t.Fatalf("an agent merges over ssh: %d %q %q", code, name, stderr)
		}
		// No terminal over ssh: --yes or --dry-run.
		if code, _, _, stderr := remoteRun(t, env, sup, false, "customers", "merge", keep, drop); code != ExitUsage || !strings.Contains(stderr, "--yes") {
			t.Fatalf("merge without --yes over ssh: %d %q", code, stderr)
		}
		code, _, stdout, stderr := remoteRun(t, env, sup, false, "customers", "merge", keep, drop, "--yes")
		if code != 0 || !strings.Contains(stdout, "Merged customer "+drop+" into "+keep) {
			t.Fatalf("merge over ssh: %d\n%s\n%s", code, stdout, stderr)
		}
		var via string
		if err := env.DB.QueryRow(`SELECT via FROM audit_log WHERE action = ? AND customer_id = ?`, api.ActionCustomerMerge, keep).Scan(&via); err != nil || via != "ssh" {
			t.Fatalf("the merge's audit row: via %q, %v", via, err)
		}
	})
	t.Run("whoami", func(t *testing.T) {
		_, _, stdout, _ := remoteRun(t, env, viewer, false, "whoami", "--json")
		var w struct {
			AgentID, Role, Via, KeyFingerprint string
			LoyaltyLimit                       *int64
		}
		if err := json.Unmarshal([]byte(stdout), &struct {
			AgentID        *string `json:"agent_id"`
			Role           *string `json:"role"`
			Via            *string `json:"via"`
			KeyFingerprint *string `json:"key_fingerprint"`
			LoyaltyLimit   **int64 `json:"loyalty_limit"`
		}{&w.AgentID, &w.Role, &w.Via, &w.KeyFingerprint, &w.LoyaltyLimit}); err != nil {
			t.Fatal(err)
		}
		if w.AgentID != viewer.ID || w.Role != "viewer" || w.Via != "ssh" || w.KeyFingerprint != "SHA256:test" || w.LoyaltyLimit != nil {
			t.Fatalf("whoami = %+v", w)
		}
	})
}
