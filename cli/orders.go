package cli

import "github.com/spf13/cobra"

// newOrdersCmd is not built yet; the command is added when its issue lands.
func newOrdersCmd(*App) *cobra.Command { return nil }
