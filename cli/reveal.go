package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"frontdesk/api"
	"frontdesk/client"
)

func newCustomersRevealCmd(a *App) *cobra.Command {
	var (
		reason string
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "reveal ID FIELD",
		Short: "Show one masked field (email, phone or addresses) unmasked; the reason goes into the audit trail",
		Long: `A viewer, and every role on a profile with mask_pii = true, sees email,
phone and addresses masked (j•••@example.com, +254 7•• ••• 862). reveal
shows one field of one customer unmasked, once: the desk server appends
a customer.reveal audit row naming you, the field and the reason (never
the value), visible in ` + "`frontdesk audit list --customer ID`" + `. Each call
is a row; nothing is cached. Platforms other than the desk keep no audit
trail and refuse (exit 6).`,
		Example: "  frontdesk customers reveal 42 phone --reason \"caller verification, ticket 881\"\n  frontdesk customers reveal 42 email --reason \"bounce check\" --json",
		Args:    exactArgs(2, "ID FIELD"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := argID(args[0], "ID")
			if err != nil {
				return err
			}
			field := strings.ToLower(strings.TrimSpace(args[1]))
			if !slices.Contains(api.RevealFields, field) {
				return Usagef("FIELD %q: use one of %s", cell(args[1], 20), strings.Join(api.RevealFields, ", "))
			}
			if f := api.ValidateReveal(api.RevealRequest{Field: field, Reason: reason}); f["reason"] != "" {
				return Usagef("--reason: %s", f["reason"])
			}
			cl, err := a.NewClient(cmd.Context())
			if err != nil {
				return err
			}
			res, err := client.Reveal(cmd.Context(), cl, id, field, reason)
			if err != nil {
				return printable(err)
			}
			if asJSON {
				return writeJSON(a.Env.Stdout, res)
			}
			o := a.out()
			switch field {
			case api.RevealAddresses:
				if len(res.Addresses) == 0 {
					o.field("Addresses", "—")
				}
				for i, ad := range res.Addresses {
					label := ""
					if i == 0 {
						label = "Addresses"
					}
					o.field(label, cell(ad.Type, 10)+": "+formatAddress(ad))
				}
			default:
				label := "Email"
				if field == api.RevealPhone {
					label = "Phone"
				}
				o.field(label, cell(orDash(res.Value), widthLong))
			}
			o.println(o.faint(fmt.Sprintf("revealed for customer %s; the audit trail records it", cell(id.String(), 40))))
			return nil
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why you need to see it (3 to 500 characters; required, kept in the audit trail)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the API's data object as JSON (stable)")
	return cmd
}
