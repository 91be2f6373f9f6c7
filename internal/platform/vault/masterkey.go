package vault

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// MasterKeySize is the length of the master key in bytes (AES-256).
const MasterKeySize = 32

// Environment variables and file name LoadMasterKey reads.
const (
	EnvMasterKey     = "HMS_MASTER_KEY"
	EnvMasterKeyFile = "HMS_MASTER_KEY_FILE"
	MasterKeyFile    = "master.key"
)

// LoadMasterKey returns the master key, looking in this order:
//
//  1. HMS_MASTER_KEY: standard or raw URL-safe base64 of exactly 32 bytes;
//  2. HMS_MASTER_KEY_FILE: a file holding that base64;
//  3. only if allowGenerate: dataDir/master.key, created once with 32 random
//     bytes (mode 0600) and re-used afterwards. A master.key that group or
//     others may access is refused, and an existing one is never replaced.
//
// Without any of these it fails with "no master key: set HMS_MASTER_KEY or
// HMS_MASTER_KEY_FILE". A source that is set but invalid is an error; the
// next source is not tried. Error messages never contain key material.
func LoadMasterKey(dataDir string, allowGenerate bool) ([]byte, error) {
	if s := os.Getenv(EnvMasterKey); s != "" {
		k, err := decodeMasterKey(s)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", EnvMasterKey, err)
		}
		return k, nil
	}
	if p := os.Getenv(EnvMasterKeyFile); p != "" {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", EnvMasterKeyFile, err)
		}
		k, err := decodeMasterKey(string(b))
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", EnvMasterKeyFile, p, err)
		}
		return k, nil
	}
	if !allowGenerate {
		return nil, errors.New("no master key: set HMS_MASTER_KEY or HMS_MASTER_KEY_FILE")
	}
	if dataDir == "" {
		return nil, errors.New("no master key: set HMS_MASTER_KEY or HMS_MASTER_KEY_FILE, or give a data directory")
	}
	return loadOrCreateKeyFile(filepath.Join(dataDir, MasterKeyFile))
}

// decodeMasterKey accepts standard (padded) or raw URL-safe base64 of exactly
// MasterKeySize bytes, with surrounding white space.
func decodeMasterKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawURLEncoding} {
		k, err := enc.DecodeString(s)
		if err != nil {
			continue
		}
		if len(k) != MasterKeySize {
			return nil, fmt.Errorf("master key is %d bytes, want %d", len(k), MasterKeySize)
		}
		return k, nil
	}
	return nil, fmt.Errorf("master key is not base64 (standard or raw URL-safe) of %d bytes", MasterKeySize)
}

func loadOrCreateKeyFile(path string) ([]byte, error) {
	k, err := readKeyFile(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return k, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("master key: create data directory: %w", err)
	}
	k = make([]byte, MasterKeySize)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("master key: %w", err)
	}
	// Write a temporary file and link it into place: the key file appears
	// complete or not at all, and of two processes starting at once the
	// second finds the first one's key instead of replacing it.
	tmp, err := os.CreateTemp(filepath.Dir(path), ".master.key-*")
	if err != nil {
		return nil, fmt.Errorf("master key: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("master key: %w", err)
	}
	_, err = tmp.WriteString(base64.StdEncoding.EncodeToString(k) + "\n")
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("master key: write %s: %w", path, err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return readKeyFile(path)
		}
		return nil, fmt.Errorf("master key: create %s: %w", path, err)
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return k, nil
}

func readKeyFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("master key: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("master key: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("master key: %s is not a regular file", path)
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("master key: %s has mode %#o; it must not be accessible to group or others (chmod 600)", path, perm)
	}
	b, err := io.ReadAll(io.LimitReader(f, 4096))
	if err != nil {
		return nil, fmt.Errorf("master key: read %s: %w", path, err)
	}
	k, err := decodeMasterKey(string(b))
	if err != nil {
		return nil, fmt.Errorf("master key: %s: %w", path, err)
	}
	return k, nil
}
