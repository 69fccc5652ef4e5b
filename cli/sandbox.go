package cli

import "github.com/spf13/cobra"

// newSandboxCmd is not built yet; the command is added when its issue lands.
func newSandboxCmd(*App) *cobra.Command { return nil }
