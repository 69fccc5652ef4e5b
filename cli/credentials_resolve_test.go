package cli

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"frontdesk/config"
)

var twoProfiles = map[string]config.Profile{
	"work": {URL: "http://work.example", KeyID: "ck_work", Agent: "amani", Timeout: config.Duration(3 * time.Second)},
	"prod": {URL: "https://prod.example", KeyID: "ck_prod", Production: true, ReadOnly: true},
}

func TestCredentialsNothingConfigured(t *testing.T) {
	e := newCredEnv(t)
	_, err := e.app("").Credentials(context.Background())
	if !errors.Is(err, ErrNoCredentials) {
		t.Fatalf("err = %v; want ErrNoCredentials", err)
	}
	for _, w := range []string{"frontdesk auth login --url", "--key", "frontdesk demo", EnvAPISecret} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("message %q lacks %q", err, w)
		}
	}
	// The command line says the same, exit 1.
	if r := e.run("", "auth", "status"); r.code != ExitError || !strings.Contains(r.stderr, "auth login") {
		t.Errorf("auth status with nothing configured: %+v", r)
	}
}

func TestCredentialsFromKeyring(t *testing.T) {
	e := newCredEnv(t)
	e.writeConfig("work", twoProfiles)
	if err := keyring.Set("frontdesk", "work/ck_work", "cs_work"); err != nil {
		t.Fatal(err)
	}
	if err := keyring.Set("frontdesk", "prod/ck_prod", "cs_prod"); err != nil {
		t.Fatal(err)
	}
	c, err := e.app("").Credentials(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := Credentials{Profile: "work", URL: "http://work.example", KeyID: "ck_work", Secret: "cs_work",
		SecretSource: SecretFromKeyring, Agent: "amani", Timeout: 3 * time.Second}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got %+v\nwant %+v", c, want)
	}

	// FRONTDESK_PROFILE beats current_profile; --profile beats both.
	e.vars[EnvProfile] = "prod"
	c, err = e.app("").Credentials(context.Background())
	if err != nil || c.Profile != "prod" || c.Secret != "cs_prod" || !c.Production || !c.ReadOnly {
		t.Errorf("FRONTDESK_PROFILE=prod: %+v, %v", c, err)
	}
	c, err = e.app("work").Credentials(context.Background())
	if err != nil || c.Profile != "work" {
		t.Errorf("--profile work with FRONTDESK_PROFILE=prod: %+v, %v", c, err)
	}
}

func TestCredentialsEnvSecretOverridesKeyring(t *testing.T) {
	e := newCredEnv(t)
	e.writeConfig("work", twoProfiles)
	if err := keyring.Set("frontdesk", "work/ck_work", "cs_keyring"); err != nil {
		t.Fatal(err)
	}
	e.vars[EnvAPISecret] = "cs_env"
	c, err := e.app("").Credentials(context.Background())
	if err != nil || c.Secret != "cs_env" || c.SecretSource != SecretFromEnv || c.URL != "http://work.example" {
		t.Errorf("got %+v, %v", c, err)
	}
	// With the env secret set, a broken keyring does not matter.
	keyring.MockInitWithError(errors.New("dbus: no session bus"))
	if _, err := e.app("").Credentials(context.Background()); err != nil {
		t.Errorf("env secret with no keyring: %v", err)
	}
}

func TestCredentialsSecretMissing(t *testing.T) {
	e := newCredEnv(t)
	e.writeConfig("work", twoProfiles)
	_, err := e.app("").Credentials(context.Background())
	var nc *NoCredentialsError
	if !errors.As(err, &nc) || !errors.Is(err, ErrNoCredentials) {
		t.Fatalf("err = %v; want *NoCredentialsError", err)
	}
	if nc.Profile != "work" || nc.KeyID != "ck_work" || nc.URL != "http://work.example" {
		t.Errorf("onboarding prefill = %+v", nc)
	}
	if !strings.Contains(err.Error(), "auth login --profile work --url http://work.example --key ck_work") {
		t.Errorf("message %q does not give the command to run", err)
	}
}

func TestCredentialsKeyringUnavailable(t *testing.T) {
	e := newCredEnv(t)
	e.writeConfig("work", twoProfiles)
	cause := errors.New("The name org.freedesktop.secrets was not provided by any .service files")
	keyring.MockInitWithError(cause)
	_, err := e.app("").Credentials(context.Background())
	var ku *config.KeyringUnavailableError
	if !errors.As(err, &ku) || !errors.Is(err, cause) {
		t.Fatalf("err = %v; want *config.KeyringUnavailableError wrapping the cause", err)
	}
	if errors.Is(err, ErrNoCredentials) {
		t.Error("an unavailable keyring must not look like 'nothing configured' (that would send the user to onboarding in a loop)")
	}
	r := e.run("", "auth", "status")
	if r.code != ExitError || !strings.Contains(r.stderr, "no keyring here") || !strings.Contains(r.stderr, EnvAPISecret) {
		t.Errorf("auth status with no keyring: %+v", r)
	}
}

func TestCredentialsFromEnvironment(t *testing.T) {
	t.Run("all three, no config", func(t *testing.T) {
		e := newCredEnv(t)
		e.vars[EnvAPIURL], e.vars[EnvAPIKey], e.vars[EnvAPISecret] = "http://env.example", "ck_env", "cs_env"
		c, err := e.app("").Credentials(context.Background())
		want := Credentials{URL: "http://env.example", KeyID: "ck_env", Secret: "cs_env", SecretSource: SecretFromEnv}
		if err != nil || !reflect.DeepEqual(c, want) {
			t.Errorf("got %+v, %v", c, err)
		}
	})
	t.Run("no HOME at all", func(t *testing.T) {
		e := newCredEnv(t)
		e.vars = map[string]string{EnvAPIURL: "http://env.example", EnvAPIKey: "ck_env", EnvAPISecret: "cs_env"}
		if c, err := e.app("").Credentials(context.Background()); err != nil || c.Secret != "cs_env" {
			t.Errorf("got %+v, %v", c, err)
		}
		delete(e.vars, EnvAPIKey)
		if _, err := e.app("").Credentials(context.Background()); err == nil || !strings.Contains(err.Error(), "HOME") {
			t.Errorf("without HOME and without env credentials: %v", err)
		}
	})
	t.Run("url and key override the profile", func(t *testing.T) {
		e := newCredEnv(t)
		e.writeConfig("work", twoProfiles)
		e.vars[EnvAPIURL], e.vars[EnvAPIKey], e.vars[EnvAPISecret] = "http://other.example", "ck_other", "cs_other"
		c, err := e.app("").Credentials(context.Background())
		if err != nil || c.URL != "http://other.example" || c.KeyID != "ck_other" || c.Profile != "" {
			t.Errorf("got %+v, %v", c, err)
		}
	})
	t.Run("url and key with the secret in the keyring", func(t *testing.T) {
		e := newCredEnv(t)
		e.writeConfig("work", twoProfiles)
		if err := keyring.Set("frontdesk", "prod/ck_prod", "cs_prod"); err != nil {
			t.Fatal(err)
		}
		e.vars[EnvAPIURL], e.vars[EnvAPIKey] = "https://prod-replica.example", "ck_prod"
		c, err := e.app("").Credentials(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		// The production key keeps its production and read-only marks.
		if c.Secret != "cs_prod" || c.SecretSource != SecretFromKeyring || c.Profile != "prod" || !c.Production || !c.ReadOnly ||
			c.URL != "https://prod-replica.example" {
			t.Errorf("got %+v", c)
		}
	})
	t.Run("url and key, no secret anywhere", func(t *testing.T) {
		e := newCredEnv(t)
		e.vars[EnvAPIURL], e.vars[EnvAPIKey] = "http://env.example", "ck_env"
		_, err := e.app("").Credentials(context.Background())
		if err == nil || !strings.Contains(err.Error(), EnvAPISecret) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("only one of url and key", func(t *testing.T) {
		e := newCredEnv(t)
		e.vars[EnvAPIURL] = "http://env.example"
		_, err := e.app("").Credentials(context.Background())
		if err == nil || !strings.Contains(err.Error(), EnvAPIKey+" is not") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("bad url", func(t *testing.T) {
		e := newCredEnv(t)
		e.vars[EnvAPIURL], e.vars[EnvAPIKey], e.vars[EnvAPISecret] = "env.example", "ck_env", "cs_env"
		if _, err := e.app("").Credentials(context.Background()); err == nil || !strings.Contains(err.Error(), EnvAPIURL) {
			t.Errorf("err = %v", err)
		}
	})
}

func TestCredentialsUnknownProfile(t *testing.T) {
	e := newCredEnv(t)
	e.writeConfig("work", twoProfiles)
	_, err := e.app("staging").Credentials(context.Background())
	if err == nil || errors.Is(err, ErrNoCredentials) {
		t.Fatalf("err = %v", err)
	}
	for _, w := range []string{`"staging"`, "--profile", "prod, work"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("message %q lacks %q", err, w)
		}
	}
}

func TestCredentialsBadConfig(t *testing.T) {
	e := newCredEnv(t)
	e.vars[EnvConfig] = e.home + "/custom.toml"
	if err := writeFile(e.vars[EnvConfig], "[profiles.a]\nurl = \"http://x\"\nkey_id = \"ck\"\nsecret = \"cs_leaked\"\n"); err != nil {
		t.Fatal(err)
	}
	r := e.run("", "auth", "status")
	if r.code != ExitError || !strings.Contains(r.stderr, "custom.toml:4") || !strings.Contains(r.stderr, "never reads secrets from files") {
		t.Errorf("FRONTDESK_CONFIG with a secret: %+v", r)
	}
	if strings.Contains(r.stderr+r.stdout, "cs_leaked") {
		t.Error("the secret from the file was printed")
	}
	// --config wins over FRONTDESK_CONFIG.
	r = e.run("", "--config", e.home+"/other.toml", "profile", "list")
	if r.code != 0 || !strings.Contains(r.stdout, "other.toml") {
		t.Errorf("--config: %+v", r)
	}
}
