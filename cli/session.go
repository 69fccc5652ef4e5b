package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"frontdesk/api"
)

// newSessionCmd is `frontdesk session start|end|list`: on-behalf sessions
// for scripts. The console starts and ends its own with o and O.
func newSessionCmd(a *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "session",
		Short: "Start, list and end on-behalf sessions (act as a customer)",
		Long: "An on-behalf session lets an agent see and do what the customer would:\n" +
			"its token, sent as X-Customer-Token, reads and edits the customer's own\n" +
			"profile, lists their coupons and sends them a password reset. Every step\n" +
			"is recorded in the audit trail as the agent acting as the customer.\n" +
			"A token lives 15 minutes; a session at most 8 hours.",
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newSessionStartCmd(a), newSessionEndCmd(a), newSessionListCmd(a))
	return cmd
}

type sessionStartOptions struct {
	reason, ticket string
	printToken     bool
	asJSON         bool
}

func newSessionStartCmd(a *App) *cobra.Command {
	var o sessionStartOptions
	cmd := &cobra.Command{
		Use:   "start CUSTOMER_ID --reason R [--ticket T] [--print-token] [--json]",
		Short: "Start acting on a customer's behalf",
		Long: "start opens an on-behalf session on a customer. The token is a secret that\n" +
			"acts as the customer, so it is never printed unless --print-token is given;\n" +
			"then it is the only thing on standard output (the rest goes to standard\n" +
			"error), so a script can capture it:\n\n" +
			"  TOKEN=$(frontdesk session start 42 --reason \"customer on the phone\" --print-token)\n\n" +
			"With --json the session is printed as JSON, with \"token\" only when\n" +
			"--print-token is given. End the session with `frontdesk session end ID`.",
		Example: "  frontdesk session start 42 --reason \"customer on the phone, can't log in\" --ticket T-1042",
		Args:    exactArgs(1, "CUSTOMER_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.sessionStart(cmd, args[0], o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.reason, "reason", "", fmt.Sprintf("why you act as the customer, %d to %d characters (recorded in the audit trail)", api.MinSessionReasonLen, api.MaxSessionReasonLen))
	f.StringVar(&o.ticket, "ticket", "", "the support ticket, if any")
	f.BoolVar(&o.printToken, "print-token", false, "print the session token (a secret that acts as the customer)")
	f.BoolVar(&o.asJSON, "json", false, "print the session as JSON (stable)")
	return cmd
}

func (a *App) sessionStart(cmd *cobra.Command, rawID string, o sessionStartOptions) error {
	ctx := cmd.Context()
	id, err := argID(rawID, "CUSTOMER_ID")
	if err != nil {
		return err
	}
	problems := api.ValidateSessionCreate(api.AgentSessionCreate{Reason: o.reason, Ticket: o.ticket})
	if !cmd.Flags().Changed("reason") {
		problems["reason"] = "--reason is required: say why you act as the customer"
	}
	if len(problems) > 0 {
		return UsageError{Err: fmt.Errorf("cannot start a session: %s", flagProblems(problems))}
	}
	cl, creds, err := a.newClientWithCredentials(ctx)
	if err != nil {
		return err
	}
	if creds.ReadOnly {
		return exitWithError{ExitPermission, fmt.Errorf("profile %q is read-only: it cannot act on a customer's behalf; use another profile", creds.Profile)}
	}
	s, err := cl.CreateSession(ctx, id, o.reason, o.ticket)
	if err != nil {
		return printable(err)
	}
	token := s.Token
	if !o.printToken {
		s.Token = ""
	}
	if o.asJSON {
		return writeJSON(a.Env.Stdout, s)
	}
	info := a.out()
	if o.printToken {
		// The token alone on stdout; what it is goes to stderr.
		fmt.Fprintln(a.Env.Stdout, token)
		info = a.errOut()
	}
	info.printf("Acting as %s (customer %s).\n", info.bold(cell(s.CustomerName, widthName)), cell(s.CustomerID.String(), 40))
	info.field("Session", cell(s.ID.String(), 60))
	info.field("Expires", fmt.Sprintf("%s unless refreshed; %s at the latest", datetime(s.ExpiresAt), datetime(s.MaxExpiresAt)))
	info.field("Reason", cell(s.Reason, widthLong))
	if s.Ticket != "" {
		info.field("Ticket", cell(s.Ticket, widthText))
	}
	if !o.printToken {
		info.println(info.faint("The token is not shown; pass --print-token to print it (it acts as the customer: keep it secret)."))
	}
	info.printf("End it with: frontdesk session end %s\n", cell(s.ID.String(), 60))
	return nil
}

// errOut is out on standard error.
func (a *App) errOut() *out {
	b := *a
	b.Env.Stdout = a.Env.Stderr
	return b.out()
}

func newSessionEndCmd(a *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "end SESSION_ID",
		Short: "End (revoke) an on-behalf session",
		Long: "end revokes the session: its tokens stop working at once. Ending a session\n" +
			"that already ended or expired succeeds again. The agent who started it or a\n" +
			"supervisor may end it.",
		Example: "  frontdesk session end ses_0123456789abcdef01234567",
		Args:    exactArgs(1, "SESSION_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := argID(args[0], "SESSION_ID")
			if err != nil {
				return err
			}
			cl, err := a.NewClient(cmd.Context())
			if err != nil {
				return err
			}
			if err := cl.EndSession(cmd.Context(), id); err != nil {
				return printable(err)
			}
			a.out().printf("Ended session %s.\n", cell(id.String(), 60))
			return nil
		},
	}
	return cmd
}

func newSessionListCmd(a *App) *cobra.Command {
	var (
		customer string
		asJSON   bool
	)
	cmd := &cobra.Command{
		Use:     "list [--customer ID] [--json]",
		Short:   "List live on-behalf sessions (who is acting for whom)",
		Example: "  frontdesk session list --customer 42",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var id api.ID
			if customer != "" {
				var err error
				if id, err = argID(customer, "--customer"); err != nil {
					return err
				}
			}
			cl, err := a.NewClient(cmd.Context())
			if err != nil {
				return err
			}
			list, err := cl.ListSessions(cmd.Context(), id)
			if err != nil {
				return printable(err)
			}
			if asJSON {
				return writeJSON(a.Env.Stdout, api.AgentSessionList{Sessions: list})
			}
			o := a.out()
			if len(list) == 0 {
				o.println("No live on-behalf sessions.")
				return nil
			}
			cols := []column{{header: "SESSION"}, {header: "AGENT"}, {header: "ACTING AS"}, {header: "STARTED"}, {header: "EXPIRES"}, {header: "REASON"}}
			rows := make([][]string, 0, len(list))
			for _, s := range list {
				rows = append(rows, []string{
					cell(s.ID.String(), 32), cell(orDash(s.AgentName), widthName),
					cell(s.CustomerName, widthName) + " (" + cell(s.CustomerID.String(), 20) + ")",
					datetime(s.StartedAt), datetime(s.ExpiresAt), cell(s.Reason, widthText),
				})
			}
			o.table(cols, rows)
			return nil
		},
	}
	cmd.Flags().StringVar(&customer, "customer", "", "only sessions on this customer")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the list as JSON (stable)")
	return cmd
}
