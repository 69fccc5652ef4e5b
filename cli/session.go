package cli

import "github.com/spf13/cobra"

// newSessionCmd is not built yet; the command is added when its issue lands.
func newSessionCmd(*App) *cobra.Command { return nil }
