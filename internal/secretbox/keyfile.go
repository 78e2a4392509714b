package secretbox

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// LoadOrCreateKey reads the master key file at path, creating it with a new random key
// (mode 0600) when it does not exist, and returns the key that seals. A file readable by
// others is refused.
func LoadOrCreateKey(path string) ([]byte, error) {
	keys, err := LoadOrCreateKeyring(path)
	if err != nil {
		return nil, err
	}
	return keys[0], nil
}

// LoadOrCreateKeyring reads the master key file at path (DATA/master.key), creating it with
// a new random key when it does not exist. The file holds one base64 key a line, the first
// the one that seals; it holds two only while a rotation runs.
func LoadOrCreateKeyring(path string) ([][]byte, error) {
	keys, err := LoadKeyFile(path)
	if !errors.Is(err, os.ErrNotExist) {
		return keys, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	key, err := GenerateKeyFile(path)
	if err != nil {
		return nil, err
	}
	return [][]byte{key}, nil
}

// GenerateKeyFile makes a new random key and writes it to path, a file that must not exist,
// created with mode 0600.
func GenerateKeyFile(path string) ([]byte, error) {
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	_, werr := f.WriteString(encodeKeys([][]byte{key}))
	serr := f.Sync()
	if cerr := f.Close(); werr == nil && serr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = serr
	}
	if werr != nil {
		return nil, werr
	}
	return key, nil
}

// LoadKeyFile reads a master key file, which must exist, be a regular file, and be readable
// and writable by its owner only: as ssh refuses a private key file others may read, a key
// file with any group or other permission is refused.
func LoadKeyFile(path string) ([][]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("secretbox: the master key file %s is not a regular file", path)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("secretbox: permissions %04o for the master key file %s are too open: it must be accessible by its owner only (chmod 600 %s)", perm, path, path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var keys [][]byte
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, err := ParseKey(line)
		if err != nil {
			return nil, fmt.Errorf("secretbox: %s line %d: the master key must be %d bytes in base64", path, i+1, KeySize)
		}
		keys = append(keys, key)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("secretbox: the master key file %s holds no key", path)
	}
	return keys, nil
}

// WriteKeyFile replaces the key file at path with keys (the first the one that seals)
// atomically: a new file of mode 0600 beside it, synced, renamed over it, the directory
// synced. A reader sees the old file or the new one, never a part.
func WriteKeyFile(path string, keys [][]byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".new-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after the rename, there is nothing there to remove
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.WriteString(encodeKeys(keys)); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func encodeKeys(keys [][]byte) string {
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(base64.StdEncoding.EncodeToString(k))
		b.WriteByte('\n')
	}
	return b.String()
}
