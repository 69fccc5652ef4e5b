package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// EnsureDir creates dir (and its parents) if needed. A directory it creates
// gets mode 0700: config and logs are nobody else's business. An existing
// directory's mode is left alone, since --config may point into a shared one.
func EnsureDir(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("check directory %s: %w", dir, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create directory %s: %w", dir, err)
	}
	// MkdirAll's mode passes through the umask; say exactly what we mean.
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("set mode of %s: %w", dir, err)
	}
	return nil
}

// writeAtomic replaces path with data, mode 0600, through a temp file in the
// same directory (rename is only atomic within one file system) that is
// synced before the rename and removed on any failure. beforeRename, when
// set, runs just before the rename (tests fail writes with it).
func writeAtomic(path string, data []byte, beforeRename func(tmp string) error) (err error) {
	// Write through a symlink (dotfile managers link config files) rather
	// than replacing the link with a plain file.
	if real, e := filepath.EvalSymlinks(path); e == nil {
		path = real
	}
	dir := filepath.Dir(path)
	if err := EnsureDir(dir); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("write config %s: %w", tmp, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("write config %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write config %s: %w", tmp, err)
	}
	if beforeRename != nil {
		if err := beforeRename(tmp); err != nil {
			return fmt.Errorf("write config: %w", err)
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	// Make the rename itself durable; a failure here is not worth failing
	// the save for (the file is already in place), and some file systems
	// cannot sync directories at all.
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}
