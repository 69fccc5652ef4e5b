//go:build (dragonfly && cgo) || (freebsd && cgo) || linux || netbsd || openbsd

package config

import (
	"errors"
	"fmt"
	"os"
)

// errNoSessionBus is returned instead of asking go-keyring when there is
// plainly no D-Bus session.
var errNoSessionBus = errors.New("no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set and there is no /run/user/UID/bus")

// checkSessionBus fails fast when there is no session bus to find. Without
// this, godbus falls back to running `dbus-launch`, which starts a new
// dbus-daemon on every call and leaves it running for ever: a headless
// server would collect one stray daemon per command. It reads the process
// environment because that is what godbus connects with.
func checkSessionBus() error {
	if a := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); a != "" && a != "autolaunch:" {
		return nil
	}
	// The places godbus looks before it autolaunches.
	dir := fmt.Sprintf("/run/user/%d", os.Getuid())
	for _, f := range []string{"bus", "dbus-session"} {
		if _, err := os.Stat(dir + "/" + f); err == nil {
			return nil
		}
	}
	return errNoSessionBus
}
