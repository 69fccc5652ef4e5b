package cli

import (
	"errors"
	"net"
	"os"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"frontdesk/sandbox/sandboxtest"
)

func TestAuthLogin(t *testing.T) {
	sb := sandboxtest.New(t, sandboxtest.Options{Customers: -1})
	key := sb.Keys["agent"]
	e := newCredEnv(t)

	r := e.run(key.Secret+"\n", "auth", "login", "--url", sb.URL, "--key", key.KeyID)
	if r.code != ExitOK {
		t.Fatalf("login: %+v", r)
	}
	for _, w := range []string{"Amani Agent", "test-agent", "role agent", `Profile "default"`, "the current profile", "default/" + key.KeyID} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("login output lacks %q:\n%s", w, r.stdout)
		}
	}
	if v, ok := storedSecret("default", key.KeyID); !ok || v != key.Secret {
		t.Errorf("keyring holds %q, %v", v, ok)
	}
	c := e.loadConfig()
	if c.CurrentProfile != "default" || c.Profiles["default"].URL != sb.URL || c.Profiles["default"].KeyID != key.KeyID {
		t.Errorf("config after login: %+v", c.File)
	}
	if hits := grepTree(t, e.home, key.Secret); len(hits) > 0 {
		t.Errorf("the secret is on disk: %v", hits)
	}
	if strings.Contains(r.stdout+r.stderr, key.Secret) {
		t.Error("the secret was printed")
	}
	st, err := os.Stat(e.configPath())
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("config mode: %v %v", st, err)
	}

	// A second profile named with --profile becomes current, with its marks.
	sup := sb.Keys["supervisor"]
	r = e.run(sup.Secret+"\r\n", "--profile", "prod", "auth", "login", "--url", sb.URL+"/", "--key", sup.KeyID, "--production", "--read-only")
	if r.code != ExitOK {
		t.Fatalf("login prod: %+v", r)
	}
	c = e.loadConfig()
	if p := c.Profiles["prod"]; c.CurrentProfile != "prod" || !p.Production || !p.ReadOnly || p.URL != sb.URL {
		t.Errorf("after login --profile prod: %+v", c.File)
	}
	if v, _ := storedSecret("prod", sup.KeyID); v != sup.Secret {
		t.Errorf("the CRLF-terminated secret was stored as %q", v)
	}

	// A login to the default profile without --profile keeps prod current,
	// and moving "default" to a new key removes the old key's secret.
	view := sb.Keys["viewer"]
	r = e.run(view.Secret, "auth", "login", "--url", sb.URL, "--key", view.KeyID)
	if r.code != ExitOK {
		t.Fatalf("re-login default: %+v", r)
	}
	if !strings.Contains(r.stdout, "profile use default") {
		t.Errorf("no hint how to switch:\n%s", r.stdout)
	}
	c = e.loadConfig()
	if c.CurrentProfile != "prod" || c.Profiles["default"].KeyID != view.KeyID {
		t.Errorf("after re-login: %+v", c.File)
	}
	if _, ok := storedSecret("default", key.KeyID); ok {
		t.Error("the old key's secret was left in the keyring")
	}

	// The credentials resolve to what was stored.
	cr, err := e.app("").Credentials(t.Context())
	if err != nil || cr.Profile != "prod" || cr.Secret != sup.Secret || cr.SecretSource != SecretFromKeyring || !cr.Production {
		t.Errorf("credentials after login: %+v, %v", cr, err)
	}
}

// assertNothingWritten checks that a failed login left no config file and
// no keyring entry.
func assertNothingWritten(t *testing.T, e *credEnv, r runResult, keyID string) {
	t.Helper()
	if _, err := os.Stat(e.configPath()); err == nil {
		t.Errorf("a config file was written: %+v", r)
	}
	if _, ok := storedSecret("default", keyID); ok {
		t.Error("a secret was stored")
	}
}

func TestAuthLoginFailuresSaveNothing(t *testing.T) {
	sb := sandboxtest.New(t, sandboxtest.Options{Customers: -1})
	key := sb.Keys["agent"]

	t.Run("bad secret exits 4", func(t *testing.T) {
		e := newCredEnv(t)
		r := e.run("cs_wrong\n", "auth", "login", "--url", sb.URL, "--key", key.KeyID)
		if r.code != ExitPermission || !strings.Contains(r.stderr, "refused") || !strings.Contains(r.stderr, "nothing was saved") {
			t.Errorf("%+v", r)
		}
		assertNothingWritten(t, e, r, key.KeyID)
	})
	t.Run("no keyring exits 1", func(t *testing.T) {
		e := newCredEnv(t)
		keyring.MockInitWithError(errors.New("dbus: DBUS_SESSION_BUS_ADDRESS not set"))
		r := e.run(key.Secret+"\n", "auth", "login", "--url", sb.URL, "--key", key.KeyID)
		if r.code != ExitError {
			t.Errorf("exit %d: %+v", r.code, r)
		}
		// It says what login was doing (storing the secret) and the way
		// forward without a keyring: the environment, or the docs.
		for _, w := range []string{"no keyring here to store the API secret", "gnome-keyring", EnvAPIURL, EnvAPIKey, EnvAPISecret, "docs/credentials.md"} {
			if !strings.Contains(r.stderr, w) {
				t.Errorf("stderr lacks %q: %s", w, r.stderr)
			}
		}
		if strings.Contains(r.stderr, "read") {
			t.Errorf("login stores a secret, yet the message speaks of reading: %s", r.stderr)
		}
		keyring.MockInit()
		assertNothingWritten(t, e, r, key.KeyID)
	})
	t.Run("unreachable API", func(t *testing.T) {
		e := newCredEnv(t)
		r := e.run(key.Secret+"\n", "auth", "login", "--url", "http://"+closedAddr(t), "--key", key.KeyID)
		if r.code != ExitError || !strings.Contains(r.stderr, "nothing was saved") {
			t.Errorf("%+v", r)
		}
		assertNothingWritten(t, e, r, key.KeyID)
	})
	t.Run("empty stdin", func(t *testing.T) {
		e := newCredEnv(t)
		r := e.run("", "auth", "login", "--url", sb.URL, "--key", key.KeyID)
		if r.code != ExitError || !strings.Contains(r.stderr, "no secret given") {
			t.Errorf("%+v", r)
		}
		assertNothingWritten(t, e, r, key.KeyID)
	})
	t.Run("secret passed as the key", func(t *testing.T) {
		e := newCredEnv(t)
		r := e.run("", "auth", "login", "--url", sb.URL, "--key", key.Secret)
		if r.code != ExitUsage || strings.Contains(r.stderr, key.Secret) {
			t.Errorf("%+v", r)
		}
		assertNothingWritten(t, e, r, key.KeyID)
	})
	t.Run("no secret flag exists", func(t *testing.T) {
		e := newCredEnv(t)
		r := e.run("", "auth", "login", "--url", sb.URL, "--key", key.KeyID, "--secret", key.Secret)
		if r.code != ExitUsage {
			t.Errorf("--secret accepted: %+v", r)
		}
		assertNothingWritten(t, e, r, key.KeyID)
	})
	t.Run("bad profile name", func(t *testing.T) {
		e := newCredEnv(t)
		r := e.run(key.Secret, "--profile", "my prod", "auth", "login", "--url", sb.URL, "--key", key.KeyID)
		if r.code != ExitUsage {
			t.Errorf("%+v", r)
		}
		assertNothingWritten(t, e, r, key.KeyID)
	})
	t.Run("missing flags", func(t *testing.T) {
		e := newCredEnv(t)
		r := e.run(key.Secret, "auth", "login", "--url", sb.URL)
		if r.code != ExitUsage || !strings.Contains(r.stderr, "key") {
			t.Errorf("%+v", r)
		}
	})
}

// closedAddr is a 127.0.0.1 address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
