package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// runPlain runs the command tree with no environment at all and empty
// stdin: enough for commands that fail before reading config or calling
// an API.
func runPlain(t *testing.T, args ...string) runResult {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb}, args)
	return runResult{code: code, stdout: out.String(), stderr: errb.String()}
}

func TestUnknownSubcommandIsAUsageError(t *testing.T) {
	cases := []struct {
		args  []string
		word  string // the unknown command the error names
		group string
		valid []string // some of the valid commands it lists
	}{
		{[]string{"customers", "update", "42"}, "update", "frontdesk customers", []string{"search", "show"}},
		{[]string{"orders", "show", "42"}, "show", "frontdesk orders", []string{"list"}},
		{[]string{"loyalty", "set", "42"}, "set", "frontdesk loyalty", []string{"adjust", "show"}},
		{[]string{"auth", "whoami"}, "whoami", "frontdesk auth", []string{"login", "logout", "status"}},
		{[]string{"profile", "delete", "x"}, "delete", "frontdesk profile", []string{"list", "use"}},
		{[]string{"sandbox", "start"}, "start", "frontdesk sandbox", []string{"keys", "serve"}},
		{[]string{"sandbox", "keys", "revoke", "ck_1"}, "revoke", "frontdesk sandbox keys", []string{"create"}},
		{[]string{"session", "stop", "ses_1"}, "stop", "frontdesk session", []string{"end", "list", "start"}},
		{[]string{"audit", "show"}, "show", "frontdesk audit", []string{"list", "verify"}},
		{[]string{"ssh", "start"}, "start", "frontdesk ssh", []string{"serve"}},
		{[]string{"completion", "tcsh"}, "tcsh", "frontdesk completion", []string{"bash", "fish", "powershell", "zsh"}},
		{[]string{"custmers", "show", "42"}, "custmers", "frontdesk", []string{"customers", "completion", "man"}},
		// A flag before the unknown word does not hide it.
		{[]string{"customers", "--no-color", "update"}, "update", "frontdesk customers", []string{"search", "show"}},
		// help on something that is not a command is the same mistake.
		{[]string{"help", "customers", "update"}, "update", "frontdesk customers", []string{"search", "show"}},
		{[]string{"help", "bogus"}, "bogus", "frontdesk", []string{"customers"}},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			r := runPlain(t, c.args...)
			if r.code != ExitUsage {
				t.Errorf("exit %d, want %d (usage)\nstdout: %s\nstderr: %s", r.code, ExitUsage, r.stdout, r.stderr)
			}
			want := `unknown command "` + c.word + `" for "` + c.group + `"`
			if !strings.Contains(r.stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
			}
			for _, v := range c.valid {
				if !strings.Contains(r.stderr, v) {
					t.Errorf("stderr does not list %q as valid:\n%s", v, r.stderr)
				}
			}
			if r.stdout != "" {
				t.Errorf("a usage error printed help on stdout:\n%s", r.stdout)
			}
		})
	}
	t.Run("suggests the nearest command", func(t *testing.T) {
		r := runPlain(t, "custmers")
		if !strings.Contains(r.stderr, "did you mean customers?") {
			t.Errorf("stderr: %s", r.stderr)
		}
	})
}

// A group named alone still shows its help, and succeeds.
func TestGroupWithoutSubcommandShowsHelp(t *testing.T) {
	for _, group := range [][]string{{"customers"}, {"sandbox", "keys"}, {"completion"}, {"help", "customers"}} {
		r := runPlain(t, group...)
		if r.code != ExitOK || r.stderr != "" {
			t.Errorf("%v: exit %d, stderr %q", group, r.code, r.stderr)
		}
		if !strings.Contains(r.stdout, "Available Commands") {
			t.Errorf("%v: no list of commands in the help:\n%s", group, r.stdout)
		}
	}
}

func TestCompletion(t *testing.T) {
	for shell, marker := range map[string]string{
		"bash":       "# bash completion V2 for frontdesk",
		"zsh":        "#compdef frontdesk",
		"fish":       "# fish completion for frontdesk",
		"powershell": "# powershell completion for frontdesk",
	} {
		r := runPlain(t, "completion", shell)
		if r.code != ExitOK || !strings.Contains(r.stdout, marker) {
			t.Errorf("completion %s: exit %d, stdout starts %.80q, stderr %s", shell, r.code, r.stdout, r.stderr)
		}
	}
	// The scripts call back into the binary; those calls complete from
	// the same tree.
	r := runPlain(t, "__complete", "customers", "s")
	if r.code != ExitOK || !strings.Contains(r.stdout, "search") || !strings.Contains(r.stdout, "show") {
		t.Errorf("__complete customers s: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runPlain(t, "__complete", "")
	if !strings.Contains(r.stdout, "completion") || !strings.Contains(r.stdout, "man") {
		t.Errorf("__complete '': completion and man are not offered:\n%s", r.stdout)
	}
}

// Flags with a fixed set of values complete to that set.
func TestCompletionOfFlagValues(t *testing.T) {
	r := runPlain(t, "__complete", "orders", "list", "42", "--status", "")
	for _, want := range []string{"delivered", "cancelled"} {
		if !strings.Contains(r.stdout, want+"\n") {
			t.Errorf("--status does not complete to %q:\n%s", want, r.stdout)
		}
	}
	r = runPlain(t, "__complete", "loyalty", "adjust", "42", "--reason", "good")
	if !strings.HasPrefix(r.stdout, "goodwill\n") {
		t.Errorf("--reason good: %q", r.stdout)
	}
}

// Every entry of flagValues names a command and flag that exist, so a
// renamed flag cannot silently lose its completion.
func TestFlagValuesNameRealFlags(t *testing.T) {
	root := NewRoot(Env{})
	for path, flags := range flagValues {
		cmd, rest, err := root.Find(strings.Fields(path))
		if err != nil || len(rest) > 0 || cmd == root {
			t.Errorf("%q is not a command", path)
			continue
		}
		for flag := range flags {
			if cmd.Flags().Lookup(flag) == nil {
				t.Errorf("%s has no --%s", path, flag)
			}
		}
	}
}
