package cli

import (
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// newManCmd prints frontdesk(1). It replaces fang's man command, which
// turned every line break of the hard-wrapped help texts into a new
// paragraph, left out every subcommand's long help, and wrote to the
// process's stdout instead of the run's.
func newManCmd(a *App) *cobra.Command {
	return &cobra.Command{
		Use:   "man",
		Short: "Print the frontdesk(1) manual page (roff)",
		Long: "man prints the manual page for frontdesk and every command in roff, for\n" +
			"man(1). Read it with `frontdesk man | man -l -`, or install it as\n" +
			"frontdesk.1 in a man1 directory. SOURCE_DATE_EPOCH, when set, dates the\n" +
			"page (reproducible builds); otherwise it carries today's date.",
		Example: "  frontdesk man | man -l -\n" +
			"  frontdesk man > /usr/local/share/man/man1/frontdesk.1",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			date := time.Now()
			if s := a.Getenv("SOURCE_DATE_EPOCH"); s != "" {
				sec, err := strconv.ParseInt(s, 10, 64)
				if err != nil {
					return Usagef("SOURCE_DATE_EPOCH=%q is not a number of seconds since 1970", s)
				}
				date = time.Unix(sec, 0)
			}
			return writeManPage(cmd.OutOrStdout(), cmd.Root(), date)
		},
	}
}

// writeManPage renders root and every available command below it as one
// section-1 page: name, synopsis, description, each command with its
// long help, flags and examples, the global flags, environment and exit
// status.
func writeManPage(w io.Writer, root *cobra.Command, date time.Time) error {
	var b strings.Builder
	name := root.Name()
	fmt.Fprintf(&b, ".TH %s 1 %q %q %q\n", strings.ToUpper(name), date.UTC().Format(time.DateOnly), name+" "+Version, "User Commands")
	b.WriteString(".SH NAME\n")
	fmt.Fprintf(&b, "%s \\- %s\n", name, roffText(strings.ToLower(root.Short[:1])+root.Short[1:]))
	b.WriteString(".SH SYNOPSIS\n")
	fmt.Fprintf(&b, ".B %s\n[\\fIcommand\\fR] [\\fIflags\\fR]\n", name)
	b.WriteString(".SH DESCRIPTION\n")
	writeManText(&b, root.Long)

	b.WriteString(".SH COMMANDS\n")
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if !sub.IsAvailableCommand() {
				continue
			}
			writeManCommand(&b, sub)
			walk(sub)
		}
	}
	walk(root)

	b.WriteString(".SH GLOBAL FLAGS\n")
	b.WriteString("Every command accepts these.\n")
	writeManFlags(&b, root.PersistentFlags())

	b.WriteString(".SH ENVIRONMENT\n")
	for _, e := range []struct{ name, text string }{
		{EnvProfile, "The profile to use when --profile is not given."},
		{EnvPlatform, "The store's platform (frontdesk, store) when --platform is not given; overrides the profile's."},
		{EnvConfig, "The config file when --config is not given."},
		{EnvAPIURL + ", " + EnvAPIKey, "Set together, the store URL and key id for this run instead of a profile's."},
		{EnvAPISecret, "The API secret for this run; overrides the keyring. For machines without a keyring."},
		{"NO_COLOR", "Any value: no color in output, as --no-color."},
	} {
		fmt.Fprintf(&b, ".TP\n.B %s\n%s\n", roffText(e.name), roffText(e.text))
	}

	b.WriteString(".SH EXIT STATUS\n")
	for _, e := range []struct {
		code int
		text string
	}{
		{ExitOK, "success"},
		{ExitError, "an error (the message says which)"},
		{ExitUsage, "usage: an unknown command, a bad flag or argument"},
		{ExitNotFound, "the customer, order or other thing asked for does not exist"},
		{ExitPermission, "permission: the key was refused, or its role may not do this"},
		{ExitConflict, "conflict: someone changed the record first, or the email is taken"},
		{ExitUnsupported, "the store's platform cannot do this at all (the message says why)"},
	} {
		fmt.Fprintf(&b, ".TP\n.B %d\n%s\n", e.code, roffText(e.text))
	}

	b.WriteString(".SH SEE ALSO\n")
	b.WriteString("The README, docs/credentials.md, docs/api.md and api/openapi.yaml in the frontdesk sources.\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func writeManCommand(b *strings.Builder, c *cobra.Command) {
	use := c.UseLine()
	if c.HasAvailableSubCommands() && !strings.Contains(use, "[command]") {
		use = c.CommandPath() + " COMMAND"
	}
	fmt.Fprintf(b, ".SS %s\n", roffQuote(strings.TrimSuffix(use, " [flags]")))
	if c.Long != "" {
		writeManText(b, c.Long)
	} else {
		b.WriteString(roffText(c.Short) + ".\n")
	}
	if c.HasAvailableLocalFlags() {
		b.WriteString(".PP\nFlags:\n")
		writeManFlags(b, c.LocalNonPersistentFlags())
	}
	if c.Example != "" {
		b.WriteString(".PP\nExamples:\n.PP\n.RS 4\n.nf\n")
		for _, line := range strings.Split(c.Example, "\n") {
			b.WriteString(roffLine(strings.TrimSpace(line)) + "\n")
		}
		b.WriteString(".fi\n.RE\n")
	}
}

func writeManFlags(b *strings.Builder, fs *pflag.FlagSet) {
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		varname, usage := pflag.UnquoteUsage(f)
		b.WriteString(".TP\n")
		if f.Shorthand != "" {
			fmt.Fprintf(b, "\\fB\\-%s\\fR, ", f.Shorthand)
		}
		fmt.Fprintf(b, "\\fB\\-\\-%s\\fR", roffText(f.Name))
		if varname != "" && f.Value.Type() != "bool" {
			fmt.Fprintf(b, " \\fI%s\\fR", roffText(varname))
		}
		b.WriteString("\n" + roffText(usage) + "\n")
	})
}

// writeManText writes help text as roff paragraphs. The help texts are
// hard-wrapped for an 80-column terminal and separate paragraphs with a
// blank line; roff fills lines itself, so each paragraph's lines are
// joined into one before it is written. Indented lines are kept as they
// are, unfilled (examples, tables).
func writeManText(b *strings.Builder, text string) {
	for i, para := range strings.Split(strings.TrimSpace(text), "\n\n") {
		if i > 0 {
			b.WriteString(".PP\n")
		}
		// started: this paragraph has written something, so what comes
		// next (after a block, or a block after text) needs its own .PP.
		started := false
		var fill []string
		flush := func() {
			if len(fill) == 0 {
				return
			}
			if started {
				b.WriteString(".PP\n")
			}
			b.WriteString(roffLine(strings.Join(fill, " ")) + "\n")
			fill, started = nil, true
		}
		indented := func(line string) bool { return line != "" && (line[0] == ' ' || line[0] == '\t') }
		lines := strings.Split(para, "\n")
		for j := 0; j < len(lines); j++ {
			line := lines[j]
			switch {
			case strings.TrimSpace(line) == "":
			case !indented(line):
				fill = append(fill, strings.TrimSpace(line))
			default:
				flush()
				if started {
					b.WriteString(".PP\n")
				}
				b.WriteString(".RS 4\n.nf\n")
				for ; j < len(lines) && indented(lines[j]) && strings.TrimSpace(lines[j]) != ""; j++ {
					b.WriteString(roffLine(strings.TrimSpace(lines[j])) + "\n")
				}
				j--
				b.WriteString(".fi\n.RE\n")
				started = true
			}
		}
		flush()
	}
}

var backquoted = regexp.MustCompile("`([^`]+)`")

// roffText escapes s for use inside a roff line: backslashes, hyphens
// as \- so flags stay ASCII hyphen-minus when copied from the page, and
// every non-ASCII character (…, →, ±) as \[uXXXX], so the page renders
// the same whatever the reader's locale and whether or not man(1) runs
// preconv. `code` in the help texts becomes bold.
func roffText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\e`)
		case r == '-':
			b.WriteString(`\-`)
		case r > unicode.MaxASCII:
			fmt.Fprintf(&b, `\[u%04X]`, r)
		default:
			b.WriteRune(r)
		}
	}
	return backquoted.ReplaceAllString(b.String(), `\fB$1\fR`)
}

// roffLine is roffText for a whole line: one that starts with . or '
// would be read as a roff request, so it is guarded with \&.
func roffLine(s string) string {
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		return `\&` + roffText(s)
	}
	return roffText(s)
}

// roffQuote is a macro argument: escaped and in double quotes (a double
// quote inside is written as two).
func roffQuote(s string) string {
	return `"` + strings.ReplaceAll(roffText(s), `"`, `""`) + `"`
}
