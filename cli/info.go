package cli

import "github.com/spf13/cobra"

// newInfoCmd is not built yet; the command is added when its issue lands.
func newInfoCmd(*App) *cobra.Command { return nil }
