// Package cli builds frontdesk's command tree. The tree is built fresh for
// every run (NewRoot), with its input, output and environment passed in, so
// the SSH gateway can run the same commands for many sessions at once.
package cli

import (
	"context"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// Version is set at build time with -ldflags "-X frontdesk/cli.Version=…".
var Version = "dev"

// Env is everything a run of the command tree reads from or writes to the
// outside world. Nothing in cli touches os.Stdin, os.Stdout or os.Getenv
// directly.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads the environment; nil means no environment at all.
	Getenv func(string) string
	// Remote, when set, is a run for an agent connected to the SSH
	// gateway: the API client comes from it instead of local credentials
	// (see RunRemote).
	Remote *Remote
}

// OSEnv is the process's own standard streams and environment.
func OSEnv() Env {
	return Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
}

// GlobalFlags are the flags every command accepts.
type GlobalFlags struct {
	Profile  string
	Platform string
	Config   string
	LogFile  string
	NoColor  bool
}

// App is one run of the command tree: its environment and global flags.
type App struct {
	Env   Env
	Flags GlobalFlags
}

// Getenv reads an environment variable; a nil Getenv reads as empty.
func (a *App) Getenv(k string) string {
	if a.Env.Getenv == nil {
		return ""
	}
	return a.Env.Getenv(k)
}

// NoColor reports whether output must carry no color (--no-color or NO_COLOR).
func (a *App) NoColor() bool { return a.Flags.NoColor || a.Getenv("NO_COLOR") != "" }

// NewRoot builds the whole command tree for one run.
func NewRoot(env Env) *cobra.Command {
	a := &App{Env: env}
	root := &cobra.Command{
		Use:   "frontdesk",
		Short: "A terminal customer-support console",
		Long: "frontdesk finds customers, shows who they are, fixes what is wrong and\n" +
			"acts on their behalf, from the terminal or over SSH.\n\n" +
			"Run it with no command to open the console; `frontdesk demo` opens it on\n" +
			"a seeded sandbox store with no setup.",
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          subcommandArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runConsole(cmd.Context())
		},
	}
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	pf := root.PersistentFlags()
	pf.StringVar(&a.Flags.Profile, "profile", "", "profile to use (default: $FRONTDESK_PROFILE, then the config's current profile)")
	pf.StringVar(&a.Flags.Platform, "platform", "", "the store's platform: "+strings.Join(PlatformNames(), ", ")+" (default: $"+EnvPlatform+", then the profile's, then frontdesk)")
	pf.StringVar(&a.Flags.Config, "config", "", "config file (default: $FRONTDESK_CONFIG, then $XDG_CONFIG_HOME/frontdesk/config.toml)")
	pf.StringVar(&a.Flags.LogFile, "log-file", "", "write debug logs here (secrets redacted)")
	pf.BoolVar(&a.Flags.NoColor, "no-color", false, "no color in output (also NO_COLOR)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return UsageError{Err: err} })

	for _, build := range []func(*App) *cobra.Command{
		newDemoCmd,
		newSandboxCmd,
		newServerCmd,
		newCustomersCmd,
		newOrdersCmd,
		newLoyaltyCmd,
		newAuthCmd,
		newProfileCmd,
		newInfoCmd,
		newSessionCmd,
		newAuditCmd,
		newSSHCmd,
		newManCmd,
	} {
		if c := build(a); c != nil {
			root.AddCommand(c)
		}
	}
	// cobra would add `completion` (bash, zsh, fish, powershell) only when
	// the tree runs; adding it now puts it under the same unknown-command
	// check as every other group. Its scripts go to env.Stdout (set above).
	root.InitDefaultCompletionCmd()
	completeFlagValues(root)
	refuseUnknownSubcommands(root)
	guardHelpTopics(root)
	return root
}

// Run executes the tree with args and returns the process exit code,
// printing any error to env.Stderr.
func Run(ctx context.Context, env Env, args []string) int {
	root := NewRoot(env)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err != nil {
		printError(env.Stderr, err)
	}
	return ExitCode(err)
}
