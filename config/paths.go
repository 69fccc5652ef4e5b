// Package config holds frontdesk's profiles (a TOML file under the XDG
// config directory) and its secret store (the operating system's keyring).
//
// Nothing here reads the process environment or keeps package-level state:
// every path is computed from a Getenv the caller passes in, because one
// process (the SSH gateway) runs many sessions, and tests run with their own
// HOME and XDG directories.
package config

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
)

// AppName names the directories frontdesk uses under the XDG base
// directories and the keyring service.
const AppName = "frontdesk"

// FileName is the config file's name inside the config directory.
const FileName = "config.toml"

// LogFileName is the default log file's name inside the state directory.
const LogFileName = "frontdesk.log"

// EnvConfig overrides the config file's path (the --config flag wins over it).
const EnvConfig = "FRONTDESK_CONFIG"

// Getenv reads one environment variable; nil reads every variable as empty.
type Getenv func(string) string

func (g Getenv) get(k string) string {
	if g == nil {
		return ""
	}
	return g(k)
}

// errNoHome is returned when neither the XDG variable nor HOME says where
// to put things; guessing (say, the working directory) would scatter
// config files around.
var errNoHome = errors.New("cannot tell where your home directory is: set HOME (or XDG_CONFIG_HOME / XDG_STATE_HOME), or pass --config")

// baseDir resolves one XDG base directory the way github.com/adrg/xdg does
// on each platform, but from getenv rather than from the environment xdg
// cached when the process started.
func baseDir(getenv Getenv, xdgVar string, unixDefault []string) (string, error) {
	if d := getenv.get(xdgVar); d != "" && filepath.IsAbs(d) {
		return d, nil
	}
	switch runtime.GOOS {
	case "windows":
		if d := getenv.get("LOCALAPPDATA"); d != "" {
			return d, nil
		}
		if h := getenv.get("USERPROFILE"); h != "" {
			return filepath.Join(h, "AppData", "Local"), nil
		}
		return "", errNoHome
	case "darwin", "ios":
		if h := getenv.get("HOME"); h != "" {
			return filepath.Join(h, "Library", "Application Support"), nil
		}
		return "", errNoHome
	default:
		if h := getenv.get("HOME"); h != "" {
			return filepath.Join(append([]string{h}, unixDefault...)...), nil
		}
		return "", errNoHome
	}
}

// Dir is frontdesk's config directory: $XDG_CONFIG_HOME/frontdesk
// (~/.config/frontdesk on Linux).
func Dir(getenv Getenv) (string, error) {
	base, err := baseDir(getenv, "XDG_CONFIG_HOME", []string{".config"})
	if err != nil {
		return "", err
	}
	return filepath.Join(base, AppName), nil
}

// DefaultFile is the config file used when neither --config nor
// FRONTDESK_CONFIG names one.
func DefaultFile(getenv Getenv) (string, error) {
	d, err := Dir(getenv)
	if err != nil {
		return "", err
	}
	return filepath.Join(d, FileName), nil
}

// ResolveFile picks the config file: the --config flag, then
// FRONTDESK_CONFIG, then DefaultFile.
func ResolveFile(flag string, getenv Getenv) (string, error) {
	p := flag
	if p == "" {
		p = getenv.get(EnvConfig)
	}
	if p == "" {
		return DefaultFile(getenv)
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", fmt.Errorf("config file %q: %w", p, err)
	}
	return abs, nil
}

// StateDir is frontdesk's state directory, for logs: $XDG_STATE_HOME/frontdesk
// (~/.local/state/frontdesk on Linux).
func StateDir(getenv Getenv) (string, error) {
	base, err := baseDir(getenv, "XDG_STATE_HOME", []string{".local", "state"})
	if err != nil {
		return "", err
	}
	return filepath.Join(base, AppName), nil
}

// DefaultLogFile is where logs go when --log-file is not given:
// $XDG_STATE_HOME/frontdesk/frontdesk.log. The directory may not exist yet;
// EnsureDir creates it with the right mode.
func DefaultLogFile(getenv Getenv) (string, error) {
	d, err := StateDir(getenv)
	if err != nil {
		return "", err
	}
	return filepath.Join(d, LogFileName), nil
}
