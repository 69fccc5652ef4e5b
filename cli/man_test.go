package cli

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"
)

func manPage(t *testing.T) string {
	t.Helper()
	var out, errb bytes.Buffer
	env := Env{Stdout: &out, Stderr: &errb, Getenv: func(k string) string {
		if k == "SOURCE_DATE_EPOCH" {
			return "1767225600" // 2026-01-01
		}
		return ""
	}}
	if code := Run(context.Background(), env, []string{"man"}); code != ExitOK {
		t.Fatalf("man: exit %d: %s", code, errb.String())
	}
	return out.String()
}

func TestManPage(t *testing.T) {
	page := manPage(t)
	if !strings.HasPrefix(page, `.TH FRONTDESK 1 "2026-01-01" `) {
		t.Errorf("title line: %.80q", page)
	}
	// A paragraph of the help text is one roff line: the help's hard
	// wraps are not paragraph breaks.
	for _, joined := range []string{
		`frontdesk finds customers, shows who they are, fixes what is wrong and acts on their behalf, from the terminal or over SSH.`,
		`Each run sends one idempotency key (a new one unless \-\-idempotency\-key is given) and prints it.`,
	} {
		if !strings.Contains(page, "\n"+joined) {
			t.Errorf("paragraph not joined into one line: %q", joined)
		}
	}
	// The blank line between paragraphs is one .PP, nothing more.
	if strings.Contains(page, ".PP\n.PP") || strings.Contains(page, "\n\n") {
		i := strings.Index(page, ".PP\n.PP")
		if i < 0 {
			i = strings.Index(page, "\n\n")
		}
		t.Errorf("empty paragraphs or blank lines in the page: %q", page[max(0, i-200):i+10])
	}
	// Every command is on the page with its flags; hidden ones are not.
	for _, want := range []string{
		`.SS "frontdesk customers search QUERY`,
		`.SS "frontdesk loyalty adjust CUSTOMER_ID`,
		`.SS "frontdesk sandbox keys create`,
		`.SS "frontdesk completion bash"`,
		`.SS "frontdesk man"`,
		`\fB\-\-points\fR \fIint\fR`,
		".SH EXIT STATUS",
		".SH ENVIRONMENT",
		"FRONTDESK_API_SECRET",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, `"frontdesk help`) || strings.Contains(page, "__complete") {
		t.Errorf("hidden commands on the page")
	}
	for i, line := range strings.Split(page, "\n") {
		// Only our own requests start a line with a dot; help text that
		// does is guarded with \&.
		if strings.HasPrefix(line, ".") && !strings.HasPrefix(line, ".TH ") && !strings.HasPrefix(line, ".SH ") &&
			!strings.HasPrefix(line, ".SS ") && !strings.HasPrefix(line, ".B ") &&
			!strings.Contains(" .PP .TP .RS 4 .RE .nf .fi ", " "+line+" ") {
			t.Errorf("line %d is an unexpected roff request: %q", i+1, line)
		}
		for _, r := range line {
			if r > 127 {
				t.Errorf("line %d holds non-ASCII %q; want \\[uXXXX]", i+1, r)
				break
			}
		}
	}
}

// groff, where installed, reads the page without a single warning.
func TestManPageRendersCleanly(t *testing.T) {
	groff, err := exec.LookPath("groff")
	if err != nil {
		t.Skip("groff is not installed")
	}
	cmd := exec.Command(groff, "-man", "-Tutf8", "-ww", "-z")
	cmd.Stdin = strings.NewReader(manPage(t))
	out, err := cmd.CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Errorf("groff: %v\n%s", err, out)
	}
}

func TestManParagraphs(t *testing.T) {
	var b strings.Builder
	writeManText(&b, "one\ntwo -x\n\n.dot first\nthree\n  kept  as is\n  second\nfour")
	want := "one two \\-x\n.PP\n\\&.dot first three\n.PP\n.RS 4\n.nf\nkept  as is\nsecond\n.fi\n.RE\n.PP\nfour\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
