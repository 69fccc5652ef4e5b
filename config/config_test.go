package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func envMap(m map[string]string) Getenv {
	return func(k string) string { return m[k] }
}

func TestPathsFollowEnvNotProcess(t *testing.T) {
	// Two "sessions" with different environments in one process must get
	// different paths: nothing may be cached from the process environment.
	a := envMap(map[string]string{"XDG_CONFIG_HOME": "/a/cfg", "XDG_STATE_HOME": "/a/state", "HOME": "/a"})
	b := envMap(map[string]string{"HOME": "/b"})
	for _, tc := range []struct {
		name string
		fn   func(Getenv) (string, error)
		a, b string
	}{
		{"config file", DefaultFile, "/a/cfg/frontdesk/config.toml", "/b/.config/frontdesk/config.toml"},
		{"state dir", StateDir, "/a/state/frontdesk", "/b/.local/state/frontdesk"},
		{"log file", DefaultLogFile, "/a/state/frontdesk/frontdesk.log", "/b/.local/state/frontdesk/frontdesk.log"},
	} {
		got, err := tc.fn(a)
		if err != nil || got != tc.a {
			t.Errorf("%s(a) = %q, %v; want %q", tc.name, got, err, tc.a)
		}
		got, err = tc.fn(b)
		if err != nil || got != tc.b {
			t.Errorf("%s(b) = %q, %v; want %q", tc.name, got, err, tc.b)
		}
	}
	if _, err := DefaultFile(envMap(nil)); err == nil {
		t.Error("DefaultFile with no HOME and no XDG_CONFIG_HOME: want an error, not a guess")
	}
	// A relative XDG value is invalid per the spec and is ignored.
	got, _ := Dir(envMap(map[string]string{"XDG_CONFIG_HOME": "rel", "HOME": "/h"}))
	if got != "/h/.config/frontdesk" {
		t.Errorf("relative XDG_CONFIG_HOME: got %q", got)
	}
}

func TestResolveFileOrder(t *testing.T) {
	env := envMap(map[string]string{"FRONTDESK_CONFIG": "/env/c.toml", "HOME": "/h"})
	if got, _ := ResolveFile("/flag/c.toml", env); got != "/flag/c.toml" {
		t.Errorf("flag: got %q", got)
	}
	if got, _ := ResolveFile("", env); got != "/env/c.toml" {
		t.Errorf("env: got %q", got)
	}
	if got, _ := ResolveFile("", envMap(map[string]string{"HOME": "/h"})); got != "/h/.config/frontdesk/config.toml" {
		t.Errorf("default: got %q", got)
	}
}

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "frontdesk", "config.toml")
	c, err := Load(path)
	if err != nil || c.Exists || len(c.Profiles) != 0 {
		t.Fatalf("Load missing file = %+v, %v; want empty config", c, err)
	}
	if err := c.SetProfile("work", Profile{URL: "https://api.example.com", KeyID: "ck_work", Agent: "jane", Timeout: Duration(45 * time.Second)}); err != nil {
		t.Fatal(err)
	}
	if err := c.SetProfile("prod-1", Profile{Platform: "sfcc", URL: "https://prod.example.com/", KeyID: "ck_prod", Production: true, ReadOnly: true, Options: map[string]string{"site": "RefArch", "client-id": "aaaa-bbbb"}}); err != nil {
		t.Fatal(err)
	}
	if err := c.Use("work"); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	back, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !back.Exists || back.CurrentProfile != "work" {
		t.Errorf("loaded %+v", back)
	}
	if got := back.Profiles["work"]; !reflect.DeepEqual(got, c.Profiles["work"]) {
		t.Errorf("work: got %+v want %+v", got, c.Profiles["work"])
	}
	if got := back.Profiles["prod-1"]; !reflect.DeepEqual(got, c.Profiles["prod-1"]) {
		t.Errorf("prod-1: got %+v want %+v", got, c.Profiles["prod-1"])
	}
	raw, _ := os.ReadFile(path)
	if !strings.Contains(string(raw), `platform = 'sfcc'`) && !strings.Contains(string(raw), `platform = "sfcc"`) {
		t.Errorf("platform not written:\n%s", raw)
	}
	if strings.Count(string(raw), "platform") != 1 {
		t.Errorf("the default platform is written out (it should be left empty):\n%s", raw)
	}
	if !strings.Contains(string(raw), `timeout = '45s'`) && !strings.Contains(string(raw), `timeout = "45s"`) {
		t.Errorf("timeout not written as a duration string:\n%s", raw)
	}

	if !back.DeleteProfile("work") || back.CurrentProfile != "" {
		t.Errorf("DeleteProfile(current) should clear current_profile: %+v", back.File)
	}
	if back.DeleteProfile("work") {
		t.Error("DeleteProfile twice reported true")
	}
}

func TestPermissions(t *testing.T) {
	home := t.TempDir()
	path, err := DefaultFile(envMap(map[string]string{"HOME": home}))
	if err != nil {
		t.Fatal(err)
	}
	c := &Config{Path: path}
	if err := c.SetProfile("a", Profile{URL: "http://127.0.0.1:1", KeyID: "ck_a"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if m := st.Mode().Perm(); m != 0o700 {
		t.Errorf("config dir mode %o, want 700", m)
	}
	st, err = os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if m := st.Mode().Perm(); m != 0o600 {
		t.Errorf("config file mode %o, want 600", m)
	}
	// A second save keeps the mode (the temp file is created 0600, not
	// through the umask).
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("after resave mode %o", st.Mode().Perm())
	}
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func TestAtomicWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.toml")
	c := &Config{Path: path}
	if err := c.SetProfile("old", Profile{URL: "http://old.example", KeyID: "ck_old"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	if names := listDir(t, dir); len(names) != 1 || names[0] != "config.toml" {
		t.Fatalf("after a save the directory holds %v; want only config.toml", names)
	}
	before, _ := os.ReadFile(path)

	t.Run("failed write leaves the old file", func(t *testing.T) {
		c2 := &Config{Path: path}
		if err := c2.SetProfile("new", Profile{URL: "http://new.example", KeyID: "ck_new"}); err != nil {
			t.Fatal(err)
		}
		var sawTemp bool
		c2.beforeRename = func(tmp string) error {
			// The new content is complete on disk, beside the old file.
			b, err := os.ReadFile(tmp)
			sawTemp = err == nil && strings.Contains(string(b), "ck_new")
			return errors.New("disk on fire")
		}
		if err := c2.Save(); err == nil || !strings.Contains(err.Error(), "disk on fire") {
			t.Fatalf("Save = %v, want the injected failure", err)
		}
		if !sawTemp {
			t.Error("the temp file did not hold the new content before the rename")
		}
		after, _ := os.ReadFile(path)
		if string(after) != string(before) {
			t.Errorf("old file changed by a failed write:\n%s", after)
		}
		if names := listDir(t, dir); len(names) != 1 {
			t.Errorf("failed write left %v behind", names)
		}
	})

	t.Run("rename failure cleans up", func(t *testing.T) {
		// A real failure: the target is a non-empty directory.
		target := filepath.Join(dir, "blocked")
		if err := os.MkdirAll(filepath.Join(target, "x"), 0o700); err != nil {
			t.Fatal(err)
		}
		c3 := &Config{Path: target}
		if err := c3.SetProfile("a", Profile{URL: "http://a.example", KeyID: "ck_a"}); err != nil {
			t.Fatal(err)
		}
		if err := c3.Save(); err == nil {
			t.Fatal("Save over a directory succeeded")
		}
		for _, n := range listDir(t, dir) {
			if strings.HasSuffix(n, ".tmp") {
				t.Errorf("temp file %s left behind", n)
			}
		}
	})

	t.Run("writes through a symlink", func(t *testing.T) {
		link := filepath.Join(t.TempDir(), "config.toml")
		if err := os.Symlink(path, link); err != nil {
			t.Fatal(err)
		}
		c4, err := Load(link)
		if err != nil {
			t.Fatal(err)
		}
		if err := c4.SetProfile("via-link", Profile{URL: "http://l.example", KeyID: "ck_l"}); err != nil {
			t.Fatal(err)
		}
		if err := c4.Save(); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("the symlink was replaced: %v %v", fi, err)
		}
		b, _ := os.ReadFile(path)
		if !strings.Contains(string(b), "via-link") {
			t.Errorf("target not updated:\n%s", b)
		}
	})
}

func TestMalformedMessages(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		want      []string // substrings of the message
		line, col int      // 0: not checked
	}{
		{"unterminated string", "current_profile = \"a\"\n[profiles.a]\nurl = \"http://x\nkey_id = \"ck_a\"\n",
			[]string{"config.toml:3:", "new lines"}, 3, 0},
		{"missing value", "[profiles.a]\nurl = \n", []string{"config.toml:2:7", "start of value"}, 2, 7},
		{"wrong type", "[profiles.a]\nurl = \"http://x\"\nkey_id = \"ck\"\nproduction = \"yes\"\n",
			[]string{"config.toml:4:14", "bool", `"profiles.a.production"`}, 4, 14},
		{"bad duration", "[profiles.a]\nurl = \"http://x\"\nkey_id = \"ck\"\ntimeout = \"soon\"\n",
			[]string{"config.toml:4:", `"30s"`}, 4, 0},
		{"unknown key", "[profiles.a]\nurl = \"http://x\"\nkey_id = \"ck\"\ncolour = \"red\"\n",
			[]string{"config.toml:4:1", `unknown key "profiles.a.colour"`, "known keys"}, 0, 0},
		{"unknown table", "[profiles.a]\nurl = \"http://x\"\nkey_id = \"ck\"\n\n[server]\nport = 1\n",
			[]string{"config.toml:5:", `unknown key "server"`}, 0, 0},
		{"bad profile name", "[profiles.\"my prod\"]\nurl = \"http://x\"\nkey_id = \"ck\"\n",
			[]string{"config.toml:1:", "letters, digits"}, 1, 0},
		{"missing url", "[profiles.a]\nkey_id = \"ck\"\n", []string{"config.toml:1:", "url is missing"}, 1, 0},
		{"current names nothing", "current_profile = \"b\"\n[profiles.a]\nurl = \"http://x\"\nkey_id = \"ck\"\n",
			[]string{"config.toml:1:", `"b" names no profile`, "profiles: a"}, 1, 0},
		{"bad platform", "[profiles.a]\nplatform = \"Store!\"\nurl = \"http://x\"\nkey_id = \"ck\"\n",
			[]string{"config.toml:1:", `platform "Store!" is not a platform name`}, 1, 0},
		{"password in url", "[profiles.a]\nurl = \"https://ck:cs_hunter2@x\"\nkey_id = \"ck\"\n",
			[]string{"must not hold a user name or password"}, 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("config.toml", []byte(tc.doc))
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
			if strings.Contains(msg, "hunter2") {
				t.Errorf("message quotes the secret: %q", msg)
			}
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error is %T, want *FileError", err)
			}
			if tc.line != 0 && fe.Line != tc.line {
				t.Errorf("line %d, want %d", fe.Line, tc.line)
			}
			if tc.col != 0 && fe.Column != tc.col {
				t.Errorf("column %d, want %d", fe.Column, tc.col)
			}
		})
	}
}

func TestSecretKeyRefused(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		line      int
		key       string
	}{
		{"in a profile", "[profiles.a]\nurl = \"http://x\"\nkey_id = \"ck_a\"\nsecret = \"cs_hunter2\"\n", 4, "profiles.a.secret"},
		{"top level", "secret = \"cs_hunter2\"\n", 1, "secret"},
		{"api_secret", "[profiles.a]\nurl = \"http://x\"\nkey_id = \"ck_a\"\napi_secret = \"cs_hunter2\"\n", 4, "profiles.a.api_secret"},
		{"inline table", "profiles = { a = { url = \"http://x\", key_id = \"ck\", secret = \"cs_hunter2\" } }\n", 1, "profiles.a.secret"},
		{"dotted key", "[profiles]\na.url = \"http://x\"\na.key_id = \"ck\"\n\na.Secret = \"cs_hunter2\"\n", 5, "profiles.a.Secret"},
		{"table in unknown table", "[extra]\nx = 1\n[extra.secrets]\nk = \"cs_hunter2\"\n", 3, "extra.secrets"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("config.toml", []byte(tc.doc))
			var se *SecretInFileError
			if !errors.As(err, &se) {
				t.Fatalf("Parse = %v; want *SecretInFileError", err)
			}
			if se.Line != tc.line || se.Key != tc.key {
				t.Errorf("line %d key %q; want %d %q", se.Line, se.Key, tc.line, tc.key)
			}
			msg := err.Error()
			for _, w := range []string{"keyring", "FRONTDESK_API_SECRET", "auth login"} {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
			if strings.Contains(msg, "hunter2") {
				t.Errorf("message quotes the secret: %q", msg)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	for _, n := range []string{"a", "work", "prod-eu_1", "X9"} {
		if err := ValidateProfileName(n); err != nil {
			t.Errorf("ValidateProfileName(%q) = %v", n, err)
		}
	}
	for _, n := range []string{"", "a b", "a/b", "a.b", "é", strings.Repeat("a", 65), "a\x1b"} {
		if err := ValidateProfileName(n); err == nil {
			t.Errorf("ValidateProfileName(%q) = nil", n)
		}
	}
	if err := ValidateKeyID("cs_verysecret"); err == nil || strings.Contains(err.Error(), "verysecret") {
		t.Errorf("ValidateKeyID(secret) = %v; want an error that does not echo it", err)
	}
	for _, u := range []string{"ftp://x", "x.example.com", "http://", "https://"} {
		if err := ValidateURL(u); err == nil {
			t.Errorf("ValidateURL(%q) = nil", u)
		}
	}
	var f File
	if err := f.SetProfile("bad name", Profile{URL: "http://x", KeyID: "ck"}); err == nil {
		t.Error("SetProfile accepted a bad name")
	}
	c := &Config{Path: filepath.Join(t.TempDir(), "c.toml")}
	c.CurrentProfile = "ghost"
	if err := c.Save(); err == nil {
		t.Error("Save wrote a config whose current_profile names nothing")
	}
	if _, err := os.Stat(c.Path); err == nil {
		t.Error("an invalid config was written")
	}
}

func TestValidateOption(t *testing.T) {
	for _, tc := range []struct {
		name, value string
		ok          bool
	}{
		{"site", "RefArch", true},
		{"client-id", "aaaa-bbbb", true},
		{"Site", "x", false},
		{"", "x", false},
		{"site", "a\nb", false},
		{"site", strings.Repeat("x", 501), false},
	} {
		if err := ValidateOption(tc.name, tc.value); (err == nil) != tc.ok {
			t.Errorf("ValidateOption(%q, %q) = %v", tc.name, tc.value, err)
		}
	}
	p := Profile{URL: "http://a.example", KeyID: "ck_a", Options: map[string]string{"Bad Name": "x"}}
	if err := p.Validate(); err == nil || !strings.Contains(err.Error(), "Bad Name") {
		t.Errorf("a bad option name passed profile validation: %v", err)
	}
}
