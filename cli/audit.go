package cli

import "github.com/spf13/cobra"

// newAuditCmd is not built yet; the command is added when its issue lands.
func newAuditCmd(*App) *cobra.Command { return nil }
