package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// refuseUnknownSubcommands walks the tree and makes every command that only
// groups others (customers, auth, sandbox keys, completion, …) refuse a
// word that is not one of its subcommands, with exit 2. Left alone, cobra
// treats such a group as "not runnable" and answers any arguments with
// its help and exit 0, so `frontdesk customers update 42` looked like it
// worked. Without arguments a group still prints its help, exit 0.
func refuseUnknownSubcommands(c *cobra.Command) {
	for _, sub := range c.Commands() {
		refuseUnknownSubcommands(sub)
	}
	if !c.HasSubCommands() || c.Runnable() {
		return
	}
	c.Args = subcommandArgs
	c.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
}

// subcommandArgs is the Args check of a group command and of the root:
// any positional argument left over is a subcommand cobra did not find.
func subcommandArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	return unknownCommand(cmd, args[0])
}

// unknownCommand says which word was not a command of cmd, what the
// valid ones are, and the nearest match when there is one.
func unknownCommand(cmd *cobra.Command, word string) error {
	var valid []string
	for _, sub := range cmd.Commands() {
		if sub.IsAvailableCommand() {
			valid = append(valid, sub.Name())
		}
	}
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2 // cobra's own default
	}
	msg := fmt.Sprintf("unknown command %q for %q", word, cmd.CommandPath())
	if s := cmd.SuggestionsFor(word); len(s) > 0 {
		msg += fmt.Sprintf(" (did you mean %s?)", strings.Join(s, " or "))
	}
	if len(valid) > 0 {
		msg += "; valid commands: " + strings.Join(valid, ", ")
	}
	msg += fmt.Sprintf(". See `%s --help`", cmd.CommandPath())
	return UsageError{Err: errors.New(msg)}
}

// guardHelpTopics makes `frontdesk help WORD…` refuse a topic that is not
// a command, with exit 2, as running the command would; cobra's own help
// command prints "Unknown help topic" and exits 0.
func guardHelpTopics(root *cobra.Command) {
	root.InitDefaultHelpCmd()
	for _, c := range root.Commands() {
		if c.Name() != "help" {
			continue
		}
		c.Args = func(_ *cobra.Command, args []string) error {
			target, rest, err := root.Find(args)
			if err != nil {
				return UsageError{Err: err}
			}
			for _, w := range rest {
				if !strings.HasPrefix(w, "-") {
					return unknownCommand(target, w)
				}
			}
			return nil
		}
	}
}
