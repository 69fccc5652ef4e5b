package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"frontdesk/api"
	"frontdesk/sandbox"
)

// flagValues are the flags whose value is one of a fixed list, by command
// path below the root: shell completion offers the list. The lists are
// the ones the commands check their flags against.
var flagValues = map[string]map[string][]string{
	"customers search":    {"sort": api.Sorts},
	"orders list":         {"status": api.OrderStatuses},
	"loyalty adjust":      {"reason": api.AdjustmentReasons},
	"sandbox keys create": {"role": api.Roles},
	"audit list":          {"action": api.AuditActions},
	"sandbox serve":       {"dialect": sandbox.Dialects},
}

// completeFlagValues registers flagValues with the commands of root's tree.
func completeFlagValues(root *cobra.Command) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		path := strings.TrimPrefix(c.CommandPath(), root.Name()+" ")
		for flag, values := range flagValues[path] {
			// The only error is a flag the command lacks, which
			// TestFlagValuesNameRealFlags catches.
			_ = c.RegisterFlagCompletionFunc(flag, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}
