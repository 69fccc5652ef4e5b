package cli

import "github.com/spf13/cobra"

// newProfileCmd is not built yet; the command is added when its issue lands.
func newProfileCmd(*App) *cobra.Command { return nil }
