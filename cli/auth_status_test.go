package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"frontdesk/config"
	"frontdesk/sandbox/sandboxtest"
)

func TestAuthStatus(t *testing.T) {
	sb := sandboxtest.New(t, sandboxtest.Options{Customers: -1})
	key := sb.Keys["agent"]
	e := newCredEnv(t)
	if r := e.run(key.Secret+"\n", "auth", "login", "--url", sb.URL, "--key", key.KeyID, "--production"); r.code != 0 {
		t.Fatalf("login: %+v", r)
	}

	r := e.run("", "auth", "status")
	if r.code != ExitOK {
		t.Fatalf("status: %+v", r)
	}
	for _, w := range []string{"default [PRODUCTION]", sb.URL, key.KeyID, "in the keyring", "Amani Agent (test-agent)", "Role:        agent", "answers ("} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("status lacks %q:\n%s", w, r.stdout)
		}
	}

	r = e.run("", "auth", "status", "--json")
	var st StatusJSON
	if err := json.Unmarshal([]byte(r.stdout), &st); err != nil || r.code != 0 {
		t.Fatalf("status --json: %v %+v", err, r)
	}
	if st.Profile != "default" || st.SecretSource != "keyring" || !st.Production || !st.API.Verified || st.Me == nil ||
		st.Me.Role != "agent" || st.Me.AgentID != "test-agent" || st.Latency == nil {
		t.Errorf("status json: %+v", st)
	}

	t.Run("secret from the environment", func(t *testing.T) {
		e.vars[EnvAPISecret] = key.Secret
		defer delete(e.vars, EnvAPISecret)
		r := e.run("", "auth", "status", "--json")
		var st StatusJSON
		if err := json.Unmarshal([]byte(r.stdout), &st); err != nil || st.SecretSource != "environment" || !st.API.Verified {
			t.Errorf("%v %+v", err, r)
		}
		if r := e.run("", "auth", "status"); !strings.Contains(r.stdout, "from the environment (FRONTDESK_API_SECRET)") {
			t.Errorf("%+v", r)
		}
	})

	t.Run("refused key exits 4", func(t *testing.T) {
		e.vars[EnvAPISecret] = "cs_wrong"
		defer delete(e.vars, EnvAPISecret)
		r := e.run("", "auth", "status")
		if r.code != ExitPermission || !strings.Contains(r.stdout, "refused the key") || !strings.Contains(r.stderr, "auth login") {
			t.Errorf("%+v", r)
		}
		if strings.Contains(r.stdout+r.stderr, "cs_wrong") {
			t.Error("the secret was printed")
		}
	})

	t.Run("unreachable API is reported, not fatal", func(t *testing.T) {
		e2 := newCredEnv(t)
		e2.writeConfig("down", map[string]config.Profile{"down": {URL: "http://" + closedAddr(t), KeyID: "ck_x"}})
		if err := keyring.Set("frontdesk", "down/ck_x", "cs_x"); err != nil {
			t.Fatal(err)
		}
		r := e2.run("", "auth", "status")
		if r.code != ExitOK || !strings.Contains(r.stdout, "unreachable") || !strings.Contains(r.stdout, "connection refused") {
			t.Errorf("%+v", r)
		}
		r = e2.run("", "auth", "status", "--json")
		var st StatusJSON
		if err := json.Unmarshal([]byte(r.stdout), &st); err != nil || st.API.Reachable || st.API.Error == "" || st.Me != nil || st.Latency != nil {
			t.Errorf("%v %+v", err, r)
		}
	})
}

func TestAuthLogout(t *testing.T) {
	sb := sandboxtest.New(t, sandboxtest.Options{Customers: -1})
	key := sb.Keys["agent"]
	e := newCredEnv(t)
	for _, p := range []string{"a", "b"} {
		if r := e.run(key.Secret+"\n", "--profile", p, "auth", "login", "--url", sb.URL, "--key", key.KeyID); r.code != 0 {
			t.Fatalf("login %s: %+v", p, r)
		}
	}
	// b is current (named last with --profile); log out of a by name.
	r := e.run("", "--profile", "a", "auth", "logout")
	if r.code != 0 || !strings.Contains(r.stdout, `Removed the secret for profile "a"`) {
		t.Errorf("logout a: %+v", r)
	}
	if _, ok := storedSecret("a", key.KeyID); ok {
		t.Error("a's secret is still stored")
	}
	if _, ok := storedSecret("b", key.KeyID); !ok {
		t.Error("b's secret went too")
	}
	if _, ok := e.loadConfig().Profiles["a"]; !ok {
		t.Error("logout without --forget deleted the profile")
	}
	// Again: nothing stored, not an error.
	if r := e.run("", "--profile", "a", "auth", "logout"); r.code != 0 || !strings.Contains(r.stdout, "No secret was stored") {
		t.Errorf("second logout: %+v", r)
	}
	// The current profile, forgotten.
	r = e.run("", "auth", "logout", "--forget")
	if r.code != 0 || !strings.Contains(r.stdout, `Deleted profile "b"`) || !strings.Contains(r.stdout, "profile use") {
		t.Errorf("logout --forget: %+v", r)
	}
	c := e.loadConfig()
	if _, ok := c.Profiles["b"]; ok || c.CurrentProfile != "" {
		t.Errorf("after --forget: %+v", c.File)
	}
	if _, ok := storedSecret("b", key.KeyID); ok {
		t.Error("b's secret is still stored")
	}
	// No current profile left: say so.
	if r := e.run("", "auth", "logout"); r.code != ExitError || !strings.Contains(r.stderr, "--profile") {
		t.Errorf("logout with no current profile: %+v", r)
	}
	// No keyring: a plain error, the profile stays.
	keyring.MockInitWithError(errNoBus)
	if r := e.run("", "--profile", "a", "auth", "logout", "--forget"); r.code != ExitError || !strings.Contains(r.stderr, "no keyring here") {
		t.Errorf("logout without a keyring: %+v", r)
	}
	keyring.MockInit()
	if _, ok := e.loadConfig().Profiles["a"]; !ok {
		t.Error("a failed logout deleted the profile")
	}
}
