package cli

import (
	"strings"
	"testing"
)

func TestPlatformOptions(t *testing.T) {
	drv := platformDriver{name: "sfcc", options: []PlatformOption{
		{Name: "site", About: "the site id", Required: true},
		{Name: "list", About: "the customer list"},
	}}
	if err := drv.checkOptions(map[string]string{"site": "RefArch"}, "--option"); err != nil {
		t.Errorf("a required option set: %v", err)
	}
	err := drv.checkOptions(map[string]string{"list": "x"}, "--option")
	if err == nil || !strings.Contains(err.Error(), "needs site (the site id)") {
		t.Errorf("site missing: %v", err)
	}
	err = drv.checkOptions(map[string]string{"site": "a", "colour": "red"}, "--option")
	if err == nil || !strings.Contains(err.Error(), `no option "colour"`) || !strings.Contains(err.Error(), "site, list") {
		t.Errorf("an unknown option: %v", err)
	}
	if err := (platformDriver{name: "store"}).checkOptions(map[string]string{"site": "a"}, "--option"); err == nil || !strings.Contains(err.Error(), "it takes none") {
		t.Errorf("an option on a platform without any: %v", err)
	}

	opts, err := parseOptions([]string{"site=RefArch", " client-id = a=b "}, "--option")
	if err != nil || opts["site"] != "RefArch" || opts["client-id"] != "a=b" {
		t.Errorf("parse: %v %v", opts, err)
	}
	for _, bad := range []string{"site", "=x", "Site=x", "site=a\x1bb"} {
		if _, err := parseOptions([]string{bad}, "--option"); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

// FRONTDESK_API_OPTIONS gives the options with FRONTDESK_API_URL and _KEY.
func TestOptionsFromEnvironment(t *testing.T) {
	e := newCredEnv(t)
	e.vars[EnvAPIURL], e.vars[EnvAPIKey], e.vars[EnvAPISecret] = "http://env.example", "ck_env", "cs_env"
	e.vars[EnvAPIOptions] = "site=RefArch, list=main"
	c, err := e.app("").Credentials(t.Context())
	if err != nil || c.Options["site"] != "RefArch" || c.Options["list"] != "main" {
		t.Fatalf("got %+v, %v", c.Options, err)
	}
	e.vars[EnvAPIOptions] = "site"
	if _, err := e.app("").Credentials(t.Context()); err == nil || !strings.Contains(err.Error(), EnvAPIOptions) {
		t.Fatalf("a malformed %s: %v", EnvAPIOptions, err)
	}
}
