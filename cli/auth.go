package cli

import "github.com/spf13/cobra"

// newAuthCmd is not built yet; the command is added when its issue lands.
func newAuthCmd(*App) *cobra.Command { return nil }
