package config

import (
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary bytes as the config file: Parse never panics,
// and what it accepts is a file every profile of which validates, so a
// hand-edited file that parses is one the CLI can use.
func FuzzParse(f *testing.F) {
	f.Add([]byte("current_profile = 'work'\n[profiles.work]\nurl = 'https://s.example'\nkey_id = 'ck_1'\n"))
	f.Add([]byte("[profiles.p]\nplatform = 'sfcc'\nurl = 'https://x'\nkey_id = 'k'\n[profiles.p.options]\nsite = 'RefArch'\n"))
	f.Add([]byte("[profiles.x]\ntimeout = '-3s'\n"))
	f.Add([]byte("\xff\xfe[[profiles]]"))
	f.Add([]byte("[profiles.a]\nkey_id = 'cs_secret'\nurl = 'http://u:p@h'\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("fuzz.toml", data)
		if err != nil {
			if strings.Contains(err.Error(), "cs_") && strings.Contains(string(data), "cs_") && strings.Contains(err.Error(), "cs_secret") {
				t.Fatalf("the error echoes a secret: %v", err)
			}
			return
		}
		for name, p := range file.Profiles {
			if err := ValidateProfileName(name); err != nil {
				t.Fatalf("accepted profile name %q: %v", name, err)
			}
			if err := p.Validate(); err != nil {
				t.Fatalf("accepted profile %q that does not validate: %v", name, err)
			}
		}
	})
}
