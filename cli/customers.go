package cli

import "github.com/spf13/cobra"

// newCustomersCmd is not built yet; the command is added when its issue lands.
func newCustomersCmd(*App) *cobra.Command { return nil }
