package sshd

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"
)

func newTestSigner(t *testing.T) gossh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestHostKeyCreatedOnceWithMode0600(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "host_ed25519")
	first, err := LoadHostKey(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("host key mode %04o, want 0600", st.Mode().Perm())
	}
	if dir, _ := os.Stat(filepath.Dir(path)); dir.Mode().Perm() != 0o700 {
		t.Fatalf("host key directory mode %04o, want 0700", dir.Mode().Perm())
	}
	again, err := LoadHostKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.PublicKey().Marshal(), again.PublicKey().Marshal()) {
		t.Fatal("a second start made a new host key")
	}
}

func TestHostKeyRefusals(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadHostKey(filepath.Join(dir, "new")); err != nil {
		t.Fatal(err)
	}
	readable := filepath.Join(dir, "new")
	if err := os.Chmod(readable, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadHostKey(readable); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("a world-readable host key: %v", err)
	}
	junk := filepath.Join(dir, "junk")
	if err := os.WriteFile(junk, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadHostKey(junk); err == nil || !strings.Contains(err.Error(), "not an SSH private key") {
		t.Fatalf("junk: %v", err)
	}
	if _, err := LoadHostKey(""); err == nil {
		t.Fatal("no path accepted")
	}
}
