package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	toml "github.com/pelletier/go-toml/v2"
)

// Profile is one API endpoint and key the console can act through. It never
// holds the secret: that lives in the keyring (or FRONTDESK_API_SECRET).
type Profile struct {
	// Platform names the store's platform, the driver that speaks to it
	// ("frontdesk", "store", …); empty means "frontdesk". The CLI knows
	// which names exist; the file only has to spell one.
	Platform   string `toml:"platform,omitempty"`
	URL        string `toml:"url"`
	KeyID      string `toml:"key_id"`
	Production bool   `toml:"production,omitempty"`
	ReadOnly   bool   `toml:"read_only,omitempty"`
	// MaskPII masks email, phone and addresses on this profile whatever
	// the role (the desk masks a viewer's answers itself): for screens
	// others can see. A masked field is shown after a reveal with a
	// reason, which the desk's audit trail records.
	MaskPII bool     `toml:"mask_pii,omitempty"`
	Agent   string   `toml:"agent,omitempty"`
	Timeout Duration `toml:"timeout,omitempty"`
	// Options are the platform's own settings (an SFCC site and client
	// id, …): names the platform's driver declares, never a secret.
	Options map[string]string `toml:"options,omitempty"`
}

// Duration is a time.Duration written as a Go duration string ("30s", "2m")
// in the config file.
type Duration time.Duration

// UnmarshalText parses "30s"-style durations.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil || v < 0 {
		return fmt.Errorf("timeout %q is not a duration: write it like \"30s\" or \"2m\"", b)
	}
	*d = Duration(v)
	return nil
}

// MarshalText writes the duration as "30s".
func (d Duration) MarshalText() ([]byte, error) {
	return []byte(time.Duration(d).String()), nil
}

// File is the config file's content.
type File struct {
	CurrentProfile string             `toml:"current_profile,omitempty"`
	Profiles       map[string]Profile `toml:"profiles,omitempty"`
	// Views are saved searches, in the order the console numbers them
	// (views.go).
	Views []View `toml:"views,omitempty"`
}

// Config is a config file and where it lives. The zero value of File is an
// empty config; Load returns one when the file does not exist yet.
type Config struct {
	Path string
	File
	// Exists reports whether the file was there when it was loaded.
	Exists bool

	// beforeRename runs between writing the temp file and renaming it over
	// Path; tests use it to fail a write half way.
	beforeRename func(tmp string) error
}

// Load reads the config file at path. A file that does not exist yet is an
// empty config, not an error. A malformed file, an unknown key, an invalid
// profile or a secret written into the file is an error naming the line.
func Load(path string) (*Config, error) {
	c := &Config{Path: path}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	c.Exists = true
	f, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	c.File = f
	return c, nil
}

// Parse decodes and validates a config document; name is used in messages.
func Parse(name string, data []byte) (File, error) {
	// Scan the syntax first: a secret in the file must be refused before
	// anything else is said about it, and the scan records where every key
	// is so later checks can name a line too.
	keys, scanErr := scanKeys(data)
	if scanErr != nil {
		// The decoder reports syntax errors with a line, a column and a
		// message; let it speak, and fall back to the scanner's words.
		var f File
		if err := toml.Unmarshal(data, &f); err != nil {
			return File{}, decodeErr(name, err)
		}
		return File{}, decodeErr(name, scanErr)
	}
	for _, k := range keys {
		if isSecretKey(k.path) {
			return File{}, &SecretInFileError{Path: name, Line: k.line, Key: strings.Join(k.path, ".")}
		}
	}

	var f File
	dec := toml.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return File{}, decodeErr(name, err)
	}
	if err := f.validate(name, keys); err != nil {
		return File{}, err
	}
	return f, nil
}

// knownKeys is listed in the "unknown key" message so a typo is easy to fix.
const knownKeys = "current_profile, in [profiles.NAME]: platform, url, key_id, production, read_only, mask_pii, agent, timeout, and in [[views]]: name, query, sort"

// decodeErr turns go-toml's errors into one message with the file, line,
// column and what was expected. It never quotes the document's lines: a
// malformed file may have a secret pasted into it.
func decodeErr(name string, err error) error {
	var strict *toml.StrictMissingError
	if errors.As(err, &strict) {
		var b strings.Builder
		for i, e := range strict.Errors {
			if i > 0 {
				b.WriteString("; ")
			}
			line, col := e.Position()
			fmt.Fprintf(&b, "%s:%d:%d: unknown key %q", name, line, col, strings.Join(e.Key(), "."))
		}
		fmt.Fprintf(&b, " (known keys: %s)", knownKeys)
		return &FileError{Path: name, Msg: b.String(), Err: err}
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, col := de.Position()
		msg := strings.TrimPrefix(de.Error(), "toml: ")
		if k := de.Key(); len(k) > 0 {
			msg = fmt.Sprintf("%s (key %q)", msg, strings.Join(k, "."))
		}
		return &FileError{Path: name, Line: line, Column: col, Msg: fmt.Sprintf("%s:%d:%d: %s", name, line, col, msg), Err: err}
	}
	return &FileError{Path: name, Msg: fmt.Sprintf("%s: %s", name, strings.TrimPrefix(err.Error(), "toml: ")), Err: err}
}

// FileError is a config file that cannot be used as it is. Msg names the
// file and, when known, the line and column.
type FileError struct {
	Path         string
	Line, Column int // 0 when the problem has no single place
	Msg          string
	Err          error
}

func (e *FileError) Error() string { return "config: " + e.Msg }
func (e *FileError) Unwrap() error { return e.Err }

// SecretInFileError refuses a config file that holds a secret: secrets only
// live in the keyring or FRONTDESK_API_SECRET, never in a file that gets
// copied, backed up and shared.
type SecretInFileError struct {
	Path string
	Line int
	Key  string
}

func (e *SecretInFileError) Error() string {
	return fmt.Sprintf("config: %s:%d: key %q holds a secret, and frontdesk never reads secrets from files. "+
		"Delete that line, then store the secret in the OS keyring with `frontdesk auth login --url URL --key ck_…` "+
		"(it asks for the secret), or set FRONTDESK_API_SECRET in the environment. "+
		"Treat the secret as exposed: it has been on disk", e.Path, e.Line, e.Key)
}

func isSecretKey(path []string) bool {
	for _, p := range path {
		if strings.Contains(strings.ToLower(p), "secret") {
			return true
		}
	}
	return false
}

// validate checks what TOML types cannot: profile names, URLs, key ids and
// that current_profile names a profile.
func (f *File) validate(name string, keys []keyPos) error {
	lineOf := func(path ...string) int {
		for _, k := range keys {
			if slices.Equal(k.path, path) {
				return k.line
			}
		}
		return 0
	}
	where := func(line int) string {
		if line > 0 {
			return fmt.Sprintf("%s:%d", name, line)
		}
		return name
	}
	for _, pn := range slices.Sorted(maps.Keys(f.Profiles)) {
		p := f.Profiles[pn]
		line := lineOf("profiles", pn)
		if err := ValidateProfileName(pn); err != nil {
			return &FileError{Path: name, Line: line, Msg: fmt.Sprintf("%s: %v", where(line), err)}
		}
		if err := p.Validate(); err != nil {
			return &FileError{Path: name, Line: line, Msg: fmt.Sprintf("%s: profile %q: %v", where(line), pn, err)}
		}
	}
	if err := f.validateViews(name, keys); err != nil {
		return err
	}
	if f.CurrentProfile != "" {
		if _, ok := f.Profiles[f.CurrentProfile]; !ok {
			line := lineOf("current_profile")
			return &FileError{Path: name, Line: line, Msg: fmt.Sprintf("%s: current_profile %q names no profile (profiles: %s)",
				where(line), f.CurrentProfile, orNone(f.Names()))}
		}
	}
	return nil
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// ValidateProfileName accepts 1–64 letters, digits, '-' and '_': names end
// up in TOML keys, keyring entries and the console's header.
func ValidateProfileName(name string) error {
	if name == "" {
		return errors.New("profile name is empty: use letters, digits, - and _")
	}
	if len(name) > 64 {
		return fmt.Errorf("profile name %q is longer than 64 characters", name)
	}
	for _, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_'
		if !ok {
			return fmt.Errorf("profile name %q may only hold letters, digits, - and _", name)
		}
	}
	return nil
}

// Validate checks a profile's platform name, URL and key id.
func (p Profile) Validate() error {
	if err := ValidatePlatformName(p.Platform); err != nil {
		return err
	}
	if err := ValidateURL(p.URL); err != nil {
		return err
	}
	if err := ValidateKeyID(p.KeyID); err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(p.Options)) {
		if err := ValidateOption(name, p.Options[name]); err != nil {
			return err
		}
	}
	return nil
}

// ValidateOption accepts a platform option: a name of 1–32 lowercase
// letters, digits and dashes ("client-id"), and a value of at most 500
// characters without control characters. Whether the platform has such
// an option is the CLI's to say.
func ValidateOption(name, value string) error {
	if name == "" || len(name) > 32 || strings.ContainsFunc(name, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') }) {
		return fmt.Errorf("option %q is not an option name: use lowercase letters, digits and dashes, e.g. client-id", name)
	}
	if len(value) > 500 {
		return fmt.Errorf("option %s is longer than 500 characters", name)
	}
	if strings.ContainsFunc(value, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return fmt.Errorf("option %s holds control characters", name)
	}
	return nil
}

// ValidatePlatformName accepts "" (the default platform) or 1–32
// lowercase letters and digits: a name such as "store". Whether a
// driver of that name exists is the CLI's to say.
func ValidatePlatformName(s string) error {
	if s == "" {
		return nil
	}
	if len(s) > 32 || strings.ContainsFunc(s, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') }) {
		return fmt.Errorf("platform %q is not a platform name: use lowercase letters, e.g. platform = \"store\"", s)
	}
	return nil
}

// ValidateURL accepts an absolute http or https URL with a host.
func ValidateURL(s string) error {
	if s == "" {
		return errors.New("url is missing: add url = \"https://…\"")
	}
	u, err := url.Parse(s)
	if strings.Contains(s, "@") || (err == nil && u.User != nil) {
		// A password in the URL would be a secret on disk.
		return errors.New("url must not hold a user name or password: the key goes in key_id and the secret in the keyring")
	}
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("url %q is not an http:// or https:// address", s)
	}
	return nil
}

// ValidateKeyID accepts a key id: printable, no spaces, not a secret.
func ValidateKeyID(s string) error {
	if s == "" {
		return errors.New("key_id is missing: add key_id = \"ck_…\"")
	}
	if strings.HasPrefix(s, "cs_") {
		// Do not echo it: it is a secret.
		return errors.New("key_id looks like a secret (cs_…): put the key id (ck_…) there, and give the secret to `frontdesk auth login` on stdin")
	}
	if len(s) > 200 {
		return errors.New("key_id is longer than 200 characters")
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f {
			return fmt.Errorf("key_id %q holds spaces or control characters", s)
		}
	}
	return nil
}

// Names lists the profiles, sorted.
func (f *File) Names() []string {
	return slices.Sorted(maps.Keys(f.Profiles))
}

// Profile returns the named profile.
func (f *File) Profile(name string) (Profile, bool) {
	p, ok := f.Profiles[name]
	return p, ok
}

// SetProfile adds or replaces a profile after validating it.
func (f *File) SetProfile(name string, p Profile) error {
	if err := ValidateProfileName(name); err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return fmt.Errorf("profile %q: %w", name, err)
	}
	if f.Profiles == nil {
		f.Profiles = map[string]Profile{}
	}
	f.Profiles[name] = p
	return nil
}

// DeleteProfile removes a profile, and clears current_profile when it named
// it. It reports whether the profile existed.
func (f *File) DeleteProfile(name string) bool {
	if _, ok := f.Profiles[name]; !ok {
		return false
	}
	delete(f.Profiles, name)
	if f.CurrentProfile == name {
		f.CurrentProfile = ""
	}
	return true
}

// Use makes name the current profile.
func (f *File) Use(name string) error {
	if _, ok := f.Profiles[name]; !ok {
		return fmt.Errorf("no profile %q (profiles: %s)", name, orNone(f.Names()))
	}
	f.CurrentProfile = name
	return nil
}

// Marshal encodes the config as TOML, with a header saying where secrets go.
func (f *File) Marshal() ([]byte, error) {
	body, err := toml.Marshal(f)
	if err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	var b bytes.Buffer
	b.WriteString("# frontdesk profiles. Secrets are never stored here: they live in the OS\n")
	b.WriteString("# keyring (`frontdesk auth login`) or in FRONTDESK_API_SECRET.\n\n")
	b.Write(body)
	return b.Bytes(), nil
}

// Save validates the config and writes it atomically to Path: the directory
// is created with mode 0700, the file written with mode 0600 to a temp file
// beside it, synced, and renamed over the old one, so a crash or a full disk
// leaves either the old file or the new one, never half of either.
func (c *Config) Save() error {
	data, err := c.Marshal()
	if err != nil {
		return err
	}
	// Refuse to write what Load would refuse to read.
	if _, err := Parse(c.Path, data); err != nil {
		return fmt.Errorf("refusing to save an invalid config: %w", err)
	}
	if err := writeAtomic(c.Path, data, c.beforeRename); err != nil {
		return err
	}
	c.Exists = true
	return nil
}
