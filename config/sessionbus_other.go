//go:build !((dragonfly && cgo) || (freebsd && cgo) || linux || netbsd || openbsd)

package config

// checkSessionBus: keyrings other than the Secret Service need no D-Bus.
func checkSessionBus() error { return nil }
