package cli

import "github.com/spf13/cobra"

// newDemoCmd is not built yet; the command is added when its issue lands.
func newDemoCmd(*App) *cobra.Command { return nil }
