package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

func newProfileCmd(a *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "profile",
		Short: "List profiles and pick the current one",
		Long: "A profile is a store URL and an API key id (the secret is in the keyring).\n" +
			"Create one with `frontdesk auth login`; use one for a single run with\n" +
			"--profile or FRONTDESK_PROFILE.",
	}
	cmd.AddCommand(newProfileListCmd(a), newProfileUseCmd(a))
	return cmd
}

// ProfileJSON is one row of `profile list --json`. Its fields are stable.
type ProfileJSON struct {
	Name       string `json:"name"`
	Current    bool   `json:"current"`
	URL        string `json:"url"`
	KeyID      string `json:"key_id"`
	Production bool   `json:"production"`
	ReadOnly   bool   `json:"read_only"`
	MaskPII    bool   `json:"mask_pii"`
	Agent      string `json:"agent,omitempty"`
	Timeout    string `json:"timeout,omitempty"`
}

func newProfileListCmd(a *App) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List profiles; * marks the current one",
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			cfg, err := a.LoadConfig()
			if err != nil {
				return err
			}
			rows := make([]ProfileJSON, 0, len(cfg.Profiles))
			for _, n := range cfg.Names() {
				p := cfg.Profiles[n]
				r := ProfileJSON{Name: n, Current: n == cfg.CurrentProfile, URL: p.URL, KeyID: p.KeyID,
					Production: p.Production, ReadOnly: p.ReadOnly, MaskPII: p.MaskPII, Agent: p.Agent}
				if p.Timeout > 0 {
					b, _ := p.Timeout.MarshalText()
					r.Timeout = string(b)
				}
				rows = append(rows, r)
			}
			if asJSON {
				enc := json.NewEncoder(a.Env.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(rows)
			}
			if len(rows) == 0 {
				fmt.Fprintf(a.Env.Stdout, "No profiles in %s yet: run `frontdesk auth login --url URL --key ck_…`, or `frontdesk demo` to try the sandbox.\n", cfg.Path)
				return nil
			}
			tw := tabwriter.NewWriter(a.Env.Stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "\tNAME\tURL\tKEY\tMARKS")
			for _, r := range rows {
				cur := ""
				if r.Current {
					cur = "*"
				}
				var marks []string
				if r.Production {
					marks = append(marks, "production")
				}
				if r.ReadOnly {
					marks = append(marks, "read-only")
				}
				if r.MaskPII {
					marks = append(marks, "masked")
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", cur, r.Name, r.URL, r.KeyID, strings.Join(marks, ","))
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newProfileUseCmd(a *App) *cobra.Command {
	return &cobra.Command{
		Use:   "use NAME",
		Short: "Make NAME the current profile",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			cfg, err := a.LoadConfig()
			if err != nil {
				return err
			}
			if err := cfg.Use(args[0]); err != nil {
				return UsageError{Err: fmt.Errorf("%w; create it with `frontdesk auth login --profile %s --url URL --key ck_…`", err, args[0])}
			}
			if err := cfg.Save(); err != nil {
				return err
			}
			fmt.Fprintf(a.Env.Stdout, "Current profile: %s\n", args[0])
			return nil
		},
	}
}
