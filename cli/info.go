package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"frontdesk/client"
	"frontdesk/config"
)

// probeTimeout bounds the keyring check of `frontdesk info`.
const probeTimeout = 5 * time.Second

// InfoJSON is `frontdesk info --json`. Its fields are stable.
type InfoJSON struct {
	Version          string `json:"version"`
	ConfigFile       string `json:"config_file"`
	ConfigExists     bool   `json:"config_exists"`
	ConfigError      string `json:"config_error,omitempty"`
	LogFile          string `json:"log_file"`      // --log-file, else the default
	LogFileIsFlag    bool   `json:"log_file_flag"` // true when --log-file chose it
	DefaultLogFile   string `json:"default_log_file"`
	StateDir         string `json:"state_dir"`
	Keyring          string `json:"keyring"`
	KeyringReachable bool   `json:"keyring_reachable"`
	KeyringError     string `json:"keyring_error,omitempty"`
	Profile          string `json:"profile,omitempty"`
	ProfileFrom      string `json:"profile_from,omitempty"`
	SecretInEnv      bool   `json:"secret_in_env"`
	// Platform is the store's platform this run would use, PlatformFrom
	// what chose it ("default" when nothing did).
	Platform     string `json:"platform"`
	PlatformFrom string `json:"platform_from"`
	// Capabilities lists every capability and whether the platform has
	// it; where it does not, the driver's sentence why.
	Capabilities []CapabilityJSON `json:"capabilities"`
	// Options are the platform's own settings and the profile's values.
	Options []OptionJSON `json:"options,omitempty"`
}

// OptionJSON is one platform option in `frontdesk info --json`.
type OptionJSON struct {
	Name     string `json:"name"`
	About    string `json:"about"`
	Required bool   `json:"required"`
	Value    string `json:"value,omitempty"` // the profile's
}

// CapabilityJSON is one capability in `frontdesk info --json`.
type CapabilityJSON struct {
	Name      string `json:"name"`
	Supported bool   `json:"supported"`
	Reason    string `json:"reason,omitempty"`
}

// capabilityRows lists caps in client.AllCapabilities' order.
func capabilityRows(caps client.Capabilities) []CapabilityJSON {
	out := make([]CapabilityJSON, 0, len(client.AllCapabilities))
	for _, c := range client.AllCapabilities {
		out = append(out, CapabilityJSON{Name: string(c), Supported: caps.Has(c), Reason: caps.Why(c)})
	}
	return out
}

func newInfoCmd(a *App) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "info",
		Short: "Show where frontdesk keeps its config, logs and secrets, and what the store's platform can do",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			info, err := a.info(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(a.Env.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(info)
			}
			w := a.Env.Stdout
			row := func(k, v string) { fmt.Fprintf(w, "%-13s %s\n", k+":", v) }
			row("Version", info.Version)
			cf := info.ConfigFile
			switch {
			case !info.ConfigExists:
				cf += " (not created yet)"
			case info.ConfigError != "":
				cf += " (unreadable: " + info.ConfigError + ")"
			}
			row("Config file", cf)
			if info.LogFileIsFlag {
				row("Log file", info.LogFile)
			} else {
				// The console always logs; commands only with --log-file.
				row("Log file", info.LogFile+" (the console's; commands log only with --log-file)")
			}
			row("State dir", info.StateDir)
			kr := info.Keyring + ": reachable"
			if !info.KeyringReachable {
				kr = info.Keyring + ": NOT reachable (" + info.KeyringError + ")"
			}
			row("Keyring", kr)
			switch {
			case info.Profile != "":
				row("Profile", info.Profile+" (from "+info.ProfileFrom+")")
			default:
				row("Profile", "none")
			}
			if info.SecretInEnv {
				row("Secret", "from "+EnvAPISecret+" (overrides the keyring)")
			}
			row("Platform", info.Platform+" (from "+info.PlatformFrom+")")
			var can []string
			for _, c := range info.Capabilities {
				if c.Supported {
					can = append(can, c.Name)
				}
			}
			row("Can", strings.Join(can, ", "))
			for _, c := range info.Capabilities {
				if !c.Supported {
					row("Cannot", c.Name+": "+c.Reason)
				}
			}
			for _, o := range info.Options {
				v := o.Value
				switch {
				case v == "" && o.Required:
					v = "NOT SET, required"
				case v == "":
					v = "not set"
				}
				row("Option", o.Name+" = "+v+" ("+o.About+")")
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// info gathers what `frontdesk info` shows. A broken config file does not
// stop it: info is what you run to find out where that file is.
func (a *App) info(ctx context.Context) (InfoJSON, error) {
	info := InfoJSON{Version: Version, Keyring: config.Backend(), SecretInEnv: a.Getenv(EnvAPISecret) != ""}
	var err error
	if info.ConfigFile, err = a.ConfigPath(); err != nil {
		return info, err
	}
	if _, err := os.Stat(info.ConfigFile); err == nil {
		info.ConfigExists = true
	} else if !errors.Is(err, fs.ErrNotExist) {
		return info, fmt.Errorf("config file %s: %w", info.ConfigFile, err)
	}
	if info.StateDir, err = config.StateDir(a.Getenv); err != nil {
		return info, err
	}
	if info.DefaultLogFile, err = config.DefaultLogFile(a.Getenv); err != nil {
		return info, err
	}
	info.LogFile, info.LogFileIsFlag = a.Flags.LogFile, a.Flags.LogFile != ""
	if !info.LogFileIsFlag {
		info.LogFile = info.DefaultLogFile
	}
	var profilePlatform string
	var profileOptions map[string]string
	if cfg, err := config.Load(info.ConfigFile); err == nil {
		info.Profile, info.ProfileFrom = a.selectedProfile(&cfg.File)
		p, _ := cfg.Profile(info.Profile)
		profilePlatform, profileOptions = p.Platform, p.Options
	} else {
		info.ConfigError = err.Error()
		info.Profile, info.ProfileFrom = a.selectedProfile(&config.File{})
	}
	name, from := a.selectedPlatform(profilePlatform)
	drv, err := platformNamed(name)
	if err != nil {
		return info, err
	}
	info.Platform, info.PlatformFrom = drv.name, from
	if from == "" {
		info.PlatformFrom = "default"
	}
	info.Capabilities = capabilityRows(drv.caps())
	if a.Getenv(EnvAPIURL) != "" && a.Getenv(EnvAPIKey) != "" {
		// The environment's credentials bring their own options.
		if env := strings.TrimSpace(a.Getenv(EnvAPIOptions)); env != "" {
			if opts, err := parseOptions(strings.Split(env, ","), EnvAPIOptions); err == nil {
				profilePlatform, profileOptions = drv.name, opts
			}
		}
	}
	for _, o := range drv.options {
		v := ""
		if platformOrDefault(profilePlatform) == drv.name {
			v = profileOptions[o.Name]
		}
		info.Options = append(info.Options, OptionJSON{Name: o.Name, About: o.About, Required: o.Required, Value: v})
	}
	store := a.SecretStore()
	store.Timeout = probeTimeout
	if err := store.Probe(ctx); err != nil {
		info.KeyringError = err.Error()
		var ku *config.KeyringUnavailableError
		if errors.As(err, &ku) {
			info.KeyringError = ku.Err.Error()
		}
	} else {
		info.KeyringReachable = true
	}
	return info, nil
}
