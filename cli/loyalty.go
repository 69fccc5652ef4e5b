package cli

import "github.com/spf13/cobra"

// newLoyaltyCmd is not built yet; the command is added when its issue lands.
func newLoyaltyCmd(*App) *cobra.Command { return nil }
