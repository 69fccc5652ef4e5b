package sshd

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	gossh "golang.org/x/crypto/ssh"
)

// LoadHostKey reads the gateway's host key, creating an ed25519 key with
// mode 0600 (in a directory created 0700) when the file does not exist.
//
// An existing key that its group or others may read is refused: whoever
// holds the host key can impersonate the gateway and collect the agents'
// sessions. The fix is `chmod 600 FILE` (and, if the key may have been
// read, a new key).
func LoadHostKey(path string) (gossh.Signer, error) {
	if path == "" {
		return nil, errors.New("no host key file: pass --host-key FILE (it is created if missing)")
	}
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return generateHostKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("host key %s is not a regular file", path)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("host key %s may be read by group or others (mode %04o): run `chmod 600 %s`, and make a new key if someone may have read it",
			path, st.Mode().Perm(), path)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	signer, err := gossh.ParsePrivateKey(raw)
	if err != nil {
		var missing *gossh.PassphraseMissingError
		if errors.As(err, &missing) {
			return nil, fmt.Errorf("host key %s is protected by a passphrase: a service cannot type it; use a key without one", path)
		}
		return nil, fmt.Errorf("host key %s is not an SSH private key: %w", path, err)
	}
	return signer, nil
}

// generateHostKey writes a new ed25519 key. O_EXCL: if two gateways start
// at once, one creates the key and the other fails instead of both
// writing different keys to the same file.
func generateHostKey(path string) (gossh.Signer, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate host key: %w", err)
	}
	block, err := gossh.MarshalPrivateKey(priv, "frontdesk ssh gateway")
	if err != nil {
		return nil, fmt.Errorf("encode host key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("host key directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create host key: %w", err)
	}
	if _, err := f.Write(pem.EncodeToMemory(block)); err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("write host key %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("write host key %s: %w", path, err)
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	return signer, nil
}
