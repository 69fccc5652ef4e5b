package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"frontdesk/client"
	storedriver "frontdesk/client/store"
	"frontdesk/config"
)

// The platform is --platform, then FRONTDESK_PLATFORM, then the
// profile's, then frontdesk; connect builds that driver.
func TestPlatformSelection(t *testing.T) {
	e := newCredEnv(t)
	e.writeConfig("shop", map[string]config.Profile{
		"shop": {Platform: "store", URL: "http://shop.example", KeyID: "ck_shop"},
		"desk": {URL: "http://desk.example", KeyID: "ck_desk"},
	})
	for _, p := range []string{"shop/ck_shop", "desk/ck_desk"} {
		if err := keyring.Set("frontdesk", p, "cs_x"); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	for _, tc := range []struct {
		name, profile, env, flag string
		want, from               string
	}{
		{"the profile's", "shop", "", "", "store", platformFromProfile},
		{"default", "desk", "", "", "", ""},
		{"environment over profile", "desk", "store", "", "store", platformFromEnv},
		{"flag over environment", "shop", "store", "frontdesk", "frontdesk", platformFromFlag},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.vars[EnvPlatform] = tc.env
			a := e.app(tc.profile)
			a.Flags.Platform = tc.flag
			c, err := a.Credentials(ctx)
			if err != nil || c.Platform != tc.want || c.PlatformFrom != tc.from {
				t.Fatalf("platform %q from %q, err %v; want %q from %q", c.Platform, c.PlatformFrom, err, tc.want, tc.from)
			}
			p, err := connect(c)
			if err != nil {
				t.Fatal(err)
			}
			_, isStore := p.(*storedriver.Client)
			if isStore != (tc.want == PlatformStore) {
				t.Fatalf("connect built %T for platform %q", p, tc.want)
			}
		})
	}
	delete(e.vars, EnvPlatform)

	// An unknown platform is a usage error naming the known ones, from
	// the flag, the environment or the file alike.
	for _, args := range [][]string{
		{"--platform", "magento", "customers", "search", "jane"},
		{"--platform", "Store", "customers", "show", "1"},
	} {
		r := e.run("", args...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, "frontdesk, store") || !strings.Contains(r.stderr, "unknown platform") {
			t.Errorf("%v: %+v", args, r)
		}
	}
	e.vars[EnvPlatform] = "magento"
	if r := e.run("", "customers", "search", "jane"); r.code != ExitUsage || !strings.Contains(r.stderr, `"magento"`) || !strings.Contains(r.stderr, "chec, sfcc, tybrite, openapi") {
		t.Errorf("FRONTDESK_PLATFORM=magento: %+v", r)
	}
	delete(e.vars, EnvPlatform)
}

// `frontdesk info` names the platform and what it can and cannot do,
// with the driver's sentence.
func TestInfoListsCapabilities(t *testing.T) {
	e := newCredEnv(t)
	e.vars[EnvPlatform] = "store"
	r := e.run("", "info", "--json")
	if r.code != ExitOK {
		t.Fatalf("info: %+v", r)
	}
	var info InfoJSON
	if err := json.Unmarshal([]byte(r.stdout), &info); err != nil {
		t.Fatal(err)
	}
	if info.Platform != "store" || info.PlatformFrom != EnvPlatform || len(info.Capabilities) != len(client.AllCapabilities) {
		t.Fatalf("info: %+v", info)
	}
	got := map[string]CapabilityJSON{}
	for _, c := range info.Capabilities {
		got[c.Name] = c
	}
	if c := got[string(client.CapEditCustomer)]; c.Supported || c.Reason != storedriver.ReasonReadOnly {
		t.Errorf("edit: %+v", c)
	}
	if c := got[string(client.CapLoyalty)]; !c.Supported || c.Reason != "" {
		t.Errorf("loyalty: %+v", c)
	}

	r = e.run("", "info")
	for _, w := range []string{"Platform:     store (from FRONTDESK_PLATFORM)", "Cannot:       orders: " + storedriver.ReasonNoOrders} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("info lacks %q:\n%s", w, r.stdout)
		}
	}
	delete(e.vars, EnvPlatform)
	r = e.run("", "info", "--json")
	if err := json.Unmarshal([]byte(r.stdout), &info); err != nil || info.Platform != "frontdesk" || info.PlatformFrom != "default" {
		t.Fatalf("default: %+v %v", info, err)
	}
	for _, c := range info.Capabilities {
		if !c.Supported {
			t.Errorf("frontdesk lacks %s", c.Name)
		}
	}
	if r := e.run("", "--platform", "nope", "info"); r.code != ExitUsage {
		t.Errorf("info on an unknown platform: %+v", r)
	}
}

// `auth login --platform` with a name frontdesk does not speak saves
// nothing and says which it does.
func TestAuthLoginUnknownPlatform(t *testing.T) {
	e := newCredEnv(t)
	r := e.run("cs_x\n", "auth", "login", "--platform", "shopify", "--url", "http://127.0.0.1:1", "--key", "ck_x")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "frontdesk, store") {
		t.Fatalf("%+v", r)
	}
	assertNothingWritten(t, e, r, "ck_x")
}
