package cli

import (
	"context"
	"fmt"
	"frontdesk/policy"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"frontdesk/client"
	"frontdesk/client/frontdesk"
	"frontdesk/sshd"
)

// Remote is a run of the command tree on behalf of an agent connected to
// the SSH gateway (Env.Remote). The API client comes from the gateway —
// its key, naming the agent, via ssh — instead of this machine's
// credentials, and only the commands in remoteCommands exist.
type Remote struct {
	// Agent is the connected agent from the agents file; its role and
	// loyalty limit are checked before a change is sent.
	Agent *sshd.Agent
	// KeyFingerprint is the SHA256 fingerprint of the agent's key.
	KeyFingerprint string
	// Client calls the platform as the agent.
	Client client.Platform
	// Profile names the gateway's profile; ReadOnly refuses changes as a
	// read-only profile does.
	Profile  string
	ReadOnly bool
}

// remoteCommands are the commands an agent may run over SSH, as paths
// below the root. Anything else is "not available over ssh".
var remoteCommands = []string{
	"customers search", "customers show", "customers export", "customers reveal", "customers merge",
	"customers export-data", "customers erase",
	"orders list",
	"orders find",
	"loyalty show", "loyalty adjust", "loyalty bulk plan", "loyalty bulk apply",
	"audit list",
	"whoami",
}

// remoteGate is the check a command that changes something needs before
// it runs over SSH (after its flags are parsed, before any request), or
// nil.
func remoteGate(path string) func(r *Remote, cmd *cobra.Command) error {
	switch path {
	case "customers export", "customers export-data":
		// Data goes down the session's stdout; a file would land on the
		// gateway's machine.
		return func(r *Remote, cmd *cobra.Command) error {
			if out, _ := cmd.Flags().GetString("out"); out != "" {
				return Usagef("--out is not available over ssh: the export comes down this session's stdout (ssh … %s > FILE)", cmd.CommandPath())
			}
			return nil
		}
	case "loyalty bulk plan", "loyalty bulk apply":
		return bulkRemoteGate
	case "customers merge":
		// The agents file's role too: a supervisor on the desk listed as
		// an agent at the gateway does not merge through it.
		return func(r *Remote, cmd *cobra.Command) error {
			if dry, _ := cmd.Flags().GetBool("dry-run"); dry {
				return nil
			}
			return r.Agent.Check(policy.MergeCustomers)
		}
	case "loyalty adjust":
		return func(r *Remote, cmd *cobra.Command) error {
			points, _ := cmd.Flags().GetInt64("points")
			return r.Agent.CheckAdjust(points)
		}
	}
	return nil
}

// Global flags that choose this machine's files or store; over SSH the
// gateway decides those.
var remoteRefusedFlags = []string{"profile", "platform", "config", "log-file"}

// client is newClientWithCredentials for a remote run.
func (r *Remote) client() (client.Platform, Credentials, error) {
	if r.Client == nil || r.Agent == nil {
		return nil, Credentials{}, fmt.Errorf("the SSH gateway gave this session no API client")
	}
	var url string
	if u, ok := r.Client.(interface{ BaseURL() string }); ok {
		url = u.BaseURL() // a platform reached over HTTP says where
	}
	return r.Client, Credentials{
		Profile:      r.Profile,
		URL:          url,
		SecretSource: "gateway",
		ReadOnly:     r.ReadOnly,
		Agent:        r.Agent.ID,
	}, nil
}

// RunRemote runs one command line for an agent connected to the SSH
// gateway (env.Remote must be set) and returns its exit status and the
// command's name for the gateway's log ("loyalty adjust"; never the
// arguments). The tree is the same cobra tree as on the command line,
// cut down to remoteCommands plus whoami and help.
func RunRemote(ctx context.Context, env Env, args []string) (exit int, name string) {
	if env.Remote == nil {
		printError(env.Stderr, fmt.Errorf("RunRemote needs Env.Remote"))
		return ExitError, "-"
	}
	root := NewRoot(env)
	root.AddCommand(newWhoamiCmd(env.Remote))
	available := restrictRemote(root, env.Remote)
	root.InitDefaultHelpCmd()
	if args == nil {
		// cobra reads the process's own os.Args when given nil: over SSH
		// that would be the gateway's command line.
		args = []string{}
	}
	root.SetArgs(args)

	cmd, rest, err := root.Find(args)
	switch {
	case err != nil || (cmd.HasSubCommands() && len(rest) > 0 && !strings.HasPrefix(rest[0], "-")):
		word := "that command"
		if len(args) > 0 {
			word = "`" + strings.Join(firstWords(args), " ") + "`"
		}
		printError(env.Stderr, fmt.Errorf("%s is not available over ssh; available: %s, help", word, available))
		return ExitUsage, "unavailable"
	case cmd == root:
		name = "help"
	default:
		name = strings.TrimPrefix(cmd.CommandPath(), root.Name()+" ")
	}
	err = root.ExecuteContext(ctx)
	if err != nil {
		printError(env.Stderr, err)
	}
	return ExitCode(err), name
}

// restrictRemote removes every command that is not in remoteCommands,
// gates those that are, hides the global flags that do not apply, and
// returns the list of what is left for messages.
func restrictRemote(root *cobra.Command, r *Remote) string {
	// Without a command the root shows the help; it never opens a local
	// console.
	root.RunE = nil
	root.Long = "frontdesk over SSH. `ssh -t HOST` opens the console; `ssh HOST COMMAND`\n" +
		"runs one of the commands below as the agent your key belongs to.\n" +
		"Exit status: 0 ok, 2 usage, 3 not found, 4 permission, 5 conflict, 6 unsupported."
	root.CompletionOptions.DisableDefaultCmd = true
	for _, f := range remoteRefusedFlags {
		_ = root.PersistentFlags().MarkHidden(f)
	}
	var left []string
	for _, c := range root.Commands() {
		if !c.HasSubCommands() {
			if slices.Contains(remoteCommands, c.Name()) {
				gate(c, r)
				left = append(left, c.Name())
			} else {
				root.RemoveCommand(c)
			}
			continue
		}
		var subs, nested []string
		for _, sub := range c.Commands() {
			path := c.Name() + " " + sub.Name()
			if sub.HasSubCommands() {
				// A group below a group (loyalty bulk): keep the listed
				// commands under it.
				var kept []string
				for _, leaf := range sub.Commands() {
					if slices.Contains(remoteCommands, path+" "+leaf.Name()) {
						gate(leaf, r)
						kept = append(kept, leaf.Name())
					} else {
						sub.RemoveCommand(leaf)
					}
				}
				if len(kept) == 0 {
					c.RemoveCommand(sub)
					continue
				}
				nested = append(nested, c.Name()+" "+sub.Name()+" "+strings.Join(kept, "|"))
				continue
			}
			if slices.Contains(remoteCommands, path) {
				gate(sub, r)
				subs = append(subs, sub.Name())
			} else {
				c.RemoveCommand(sub)
			}
		}
		if len(subs) == 0 && len(nested) == 0 {
			root.RemoveCommand(c)
			continue
		}
		if len(subs) > 0 {
			left = append(left, c.Name()+" "+strings.Join(subs, "|"))
		}
		left = append(left, nested...)
	}
	return strings.Join(left, ", ")
}

// gate wraps a command's RunE with the remote checks: no flag that picks
// local files or stores, and the agent's role and limit for changes.
func gate(c *cobra.Command, r *Remote) {
	run := c.RunE
	if run == nil {
		return
	}
	// The path below the root: "loyalty adjust", "loyalty bulk plan".
	path := c.Name()
	for p := c.Parent(); p != nil && p.HasParent(); p = p.Parent() {
		path = p.Name() + " " + path
	}
	check := remoteGate(path)
	c.RunE = func(cmd *cobra.Command, args []string) error {
		for _, f := range remoteRefusedFlags {
			if fl := cmd.Flags().Lookup(f); fl != nil && fl.Changed {
				return Usagef("--%s is not available over ssh: the gateway decides which store, config and log to use", f)
			}
		}
		if check != nil {
			if err := check(r, cmd); err != nil {
				return err
			}
		}
		return run(cmd, args)
	}
}

// firstWords is the command part of args: the leading words before any
// flag, at most two, for the "not available" message.
func firstWords(args []string) []string {
	var out []string
	for _, a := range args {
		if strings.HasPrefix(a, "-") || len(out) == 2 {
			break
		}
		out = append(out, a)
	}
	if len(out) == 0 {
		return args[:1]
	}
	return out
}

// whoami --json shape.
type whoamiJSON struct {
	AgentID        string `json:"agent_id"`
	Name           string `json:"name"`
	Role           string `json:"role"`
	LoyaltyLimit   *int64 `json:"loyalty_limit,omitempty"`
	KeyFingerprint string `json:"key_fingerprint"`
	Via            string `json:"via"`
}

func newWhoamiCmd(r *Remote) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "whoami",
		Short: "Show the agent this SSH session acts as",
		Long: "whoami prints the agent the gateway knows you as (from its agents file),\n" +
			"the role it lets you act with, and the key you connected with.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a := r.Agent
			w := whoamiJSON{AgentID: a.ID, Name: a.Name, Role: a.Role, KeyFingerprint: r.KeyFingerprint, Via: frontdesk.ViaSSH}
			if a.HasLoyaltyLimit {
				lim := a.LoyaltyLimit
				w.LoyaltyLimit = &lim
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), w)
			}
			limit := "as the store allows"
			if w.LoyaltyLimit != nil {
				limit = fmt.Sprintf("%d points per adjustment on this gateway", *w.LoyaltyLimit)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s (%s)\nrole:    %s\nloyalty: %s\nkey:     %s\n",
				cell(a.Name, widthName), a.ID, a.Role, limit, r.KeyFingerprint)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}
