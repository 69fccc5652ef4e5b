package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"frontdesk/api"
	"frontdesk/client"
)

// dataRequests is cl's DataRequests, or the refusal (exit 6) on a
// platform that keeps its customers itself.
func dataRequests(cl client.Platform, creds Credentials) (client.DataRequests, error) {
	if dr, ok := cl.(client.DataRequests); ok {
		return dr, nil
	}
	name := creds.Platform
	if name == "" {
		name = "this platform"
	}
	return nil, printable(client.NoDataRequests(name))
}

func newCustomersExportDataCmd(a *App) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "export-data ID",
		Short: "Export everything kept about one customer (a data request) as one JSON document",
		Long: "Writes one JSON document with everything the desk holds about the customer: profile, addresses,\n" +
			"orders with items and addresses, loyalty account and ledger, notes, on-behalf sessions, and the\n" +
			"audit rows about them with their payloads. The server appends an audit row saying who exported\n" +
			"whom. Supervisors and admins; only a frontdesk desk server with its own store (exit 6 elsewhere).\n" +
			"--out writes FILE with mode 0600 (the document is personal data); over ssh it comes down stdout.",
		Example: "  frontdesk customers export-data 42 --out customer-42.json\n  ssh desk customers export-data 42 > customer-42.json",
		Args:    exactArgs(1, "ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := argID(args[0], "ID")
			if err != nil {
				return err
			}
			cl, creds, err := a.newClientWithCredentials(cmd.Context())
			if err != nil {
				return err
			}
			dr, err := dataRequests(cl, creds)
			if err != nil {
				return err
			}
			doc, err := dr.ExportCustomerData(cmd.Context(), id)
			if err != nil {
				return printable(err)
			}
			var buf bytes.Buffer
			if err := json.Indent(&buf, doc, "", "  "); err != nil {
				return fmt.Errorf("export-data: the server's document is not JSON: %w", err)
			}
			buf.WriteByte('\n')
			if out == "" {
				_, err := a.Env.Stdout.Write(buf.Bytes())
				return err
			}
			// Never widen an existing file's mode: write a new one, 0600.
			tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*.part")
			if err != nil {
				return fmt.Errorf("export-data: %w", err)
			}
			_, werr := tmp.Write(buf.Bytes())
			if cerr := tmp.Close(); werr == nil {
				werr = cerr
			}
			if werr == nil {
				werr = os.Chmod(tmp.Name(), 0o600)
			}
			if werr == nil {
				werr = os.Rename(tmp.Name(), out)
			}
			if werr != nil {
				os.Remove(tmp.Name())
				return fmt.Errorf("export-data: %w", werr)
			}
			fmt.Fprintf(a.Env.Stderr, "wrote %s (customer %s's data, mode 0600)\n", out, id)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "write to FILE (mode 0600) instead of stdout")
	return cmd
}

func newCustomersEraseCmd(a *App) *cobra.Command {
	var reason, confirm string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "erase ID --reason TEXT",
		Short: "Erase a customer's personal data (irreversible; supervisors)",
		Long: "Replaces the customer's personal data everywhere the desk keeps it with a tombstone: profile,\n" +
			"addresses, order addresses, note bodies, ledger notes, session reasons, stored answers and the\n" +
			"payloads of the audit rows about them. Order totals, ledger amounts and dates stay, and\n" +
			"`audit verify` still passes (docs/audit.md). An audit row records who erased whom and why (the\n" +
			"reason must not repeat the personal data). Erasing an erased customer changes nothing.\n" +
			"--confirm-email, when given, must be the customer's email (the console asks for it).\n" +
			"Only a frontdesk desk server with its own store (exit 6 elsewhere); refused on a read-only profile.",
		Example: "  frontdesk customers erase 42 --reason \"erasure request, ticket T-1042\" --confirm-email jane@example.co.ke",
		Args:    exactArgs(1, "ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := argID(args[0], "ID")
			if err != nil {
				return err
			}
			in := api.CustomerErase{Reason: reason, ConfirmEmail: strings.TrimSpace(confirm)}
			if f := api.ValidateErase(in); len(f) > 0 {
				return Usagef("cannot erase: --%s", f["reason"])
			}
			cl, creds, err := a.newClientWithCredentials(cmd.Context())
			if err != nil {
				return err
			}
			if creds.ReadOnly {
				return exitWithError{ExitPermission, fmt.Errorf("profile %q is read-only: it cannot erase customers; use another profile", creds.Profile)}
			}
			dr, err := dataRequests(cl, creds)
			if err != nil {
				return err
			}
			res, err := dr.EraseCustomer(cmd.Context(), id, in)
			if err != nil {
				return printable(err)
			}
			if asJSON {
				return writeJSON(a.Env.Stdout, res)
			}
			o := a.out()
			if res.AlreadyErased {
				o.println(fmt.Sprintf("Customer %s was already erased; nothing changed.", id))
			} else {
				o.println(fmt.Sprintf("Erased customer %s: %d audit payloads, %d notes, %d addresses, %d order addresses.",
					id, res.Erased["audit_rows"], res.Erased["notes"], res.Erased["addresses"], res.Erased["orders"]))
				if res.LegacyAuditRows > 0 {
					o.println(o.faint(fmt.Sprintf("%d older audit rows predate payload digests and keep their payload (docs/audit.md).", res.LegacyAuditRows)))
				}
			}
			a.printCustomer(res.Customer)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&reason, "reason", "", "why (3 to 300 characters; kept in the audit row, so no personal data)")
	f.StringVar(&confirm, "confirm-email", "", "the customer's email, to confirm (refused when it does not match)")
	f.BoolVar(&asJSON, "json", false, "print the API's data object as JSON (stable)")
	_ = cmd.MarkFlagRequired("reason")
	return cmd
}
