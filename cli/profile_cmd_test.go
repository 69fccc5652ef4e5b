package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"frontdesk/config"
)

func TestProfileListAndUse(t *testing.T) {
	e := newCredEnv(t)
	r := e.run("", "profile", "list")
	if r.code != 0 || !strings.Contains(r.stdout, "No profiles") || !strings.Contains(r.stdout, "auth login") {
		t.Errorf("empty list: %+v", r)
	}
	e.writeConfig("work", twoProfiles)

	r = e.run("", "profile", "list")
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 3 {
		t.Fatalf("list:\n%s", r.stdout)
	}
	if !strings.HasPrefix(lines[1], " ") || !strings.Contains(lines[1], "prod") || !strings.Contains(lines[1], "production,read-only") {
		t.Errorf("prod row: %q", lines[1])
	}
	if !strings.HasPrefix(lines[2], "*") || !strings.Contains(lines[2], "work") || !strings.Contains(lines[2], "http://work.example") {
		t.Errorf("work row (current): %q", lines[2])
	}

	if r := e.run("", "profile", "use", "prod"); r.code != 0 || !strings.Contains(r.stdout, "prod") {
		t.Errorf("use prod: %+v", r)
	}
	if c := e.loadConfig(); c.CurrentProfile != "prod" {
		t.Errorf("current = %q", c.CurrentProfile)
	}
	r = e.run("", "profile", "list", "--json")
	var rows []ProfileJSON
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil || len(rows) != 2 {
		t.Fatalf("%v %+v", err, r)
	}
	if !rows[0].Current || rows[0].Name != "prod" || !rows[0].Production || rows[1].Current || rows[1].Timeout != "3s" {
		t.Errorf("json rows: %+v", rows)
	}

	r = e.run("", "profile", "use", "staging")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "prod, work") {
		t.Errorf("use unknown: %+v", r)
	}
	if c := e.loadConfig(); c.CurrentProfile != "prod" {
		t.Errorf("a failed use changed current to %q", c.CurrentProfile)
	}
}

func TestProfileInfo(t *testing.T) {
	e := newCredEnv(t)
	r := e.run("", "info")
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	for _, w := range []string{
		e.configPath() + " (not created yet)",
		e.home + "/state/frontdesk/frontdesk.log",
		e.home + "/state/frontdesk\n",
		config.Backend() + ": reachable",
		"Profile:      none",
	} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("info lacks %q:\n%s", w, r.stdout)
		}
	}

	e.writeConfig("work", twoProfiles)
	e.vars[EnvAPISecret] = "cs_x"
	keyring.MockInitWithError(errNoBus)
	r = e.run("", "--log-file", e.home+"/x.log", "info", "--json")
	var info InfoJSON
	if err := json.Unmarshal([]byte(r.stdout), &info); err != nil || r.code != 0 {
		t.Fatalf("%v %+v", err, r)
	}
	if !info.ConfigExists || info.LogFile != e.home+"/x.log" || info.KeyringReachable || !strings.Contains(info.KeyringError, "session bus") ||
		info.Profile != "work" || info.ProfileFrom != "current_profile" || !info.SecretInEnv {
		t.Errorf("info: %+v", info)
	}
	if strings.Contains(r.stdout, "cs_x") {
		t.Error("info printed the secret")
	}

	// A broken config does not stop info: it is how you find the file.
	if err := writeFile(e.configPath(), "current_profile = \n"); err != nil {
		t.Fatal(err)
	}
	r = e.run("", "info")
	if r.code != 0 || !strings.Contains(r.stdout, "unreadable") || !strings.Contains(r.stdout, "config.toml:1:") {
		t.Errorf("info with a broken config: %+v", r)
	}
}
