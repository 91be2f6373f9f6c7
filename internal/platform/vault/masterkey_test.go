package vault

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func clearMasterKeyEnv(t *testing.T) {
	t.Setenv(EnvMasterKey, "")
	t.Setenv(EnvMasterKeyFile, "")
}

func TestLoadMasterKeyGeneratesOnceAndReuses(t *testing.T) {
	clearMasterKeyEnv(t)
	dir := filepath.Join(t.TempDir(), "data") // does not exist yet
	k1, err := LoadMasterKey(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(k1) != MasterKeySize || bytes.Equal(k1, make([]byte, MasterKeySize)) {
		t.Fatalf("generated key %d bytes, all zero = %v", len(k1), bytes.Equal(k1, make([]byte, MasterKeySize)))
	}
	path := filepath.Join(dir, MasterKeyFile)
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := st.Mode().Perm(); perm != 0o600 {
		t.Errorf("master.key mode %#o, want 0600", perm)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b))); err != nil || !bytes.Equal(got, k1) {
		t.Errorf("file holds %q, want base64 of the returned key", b)
	}
	k2, err := LoadMasterKey(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(k1, k2) {
		t.Error("second load generated a new key instead of re-using the file")
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".master.key-*")); len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}

	// Without allowGenerate the file is not used.
	if _, err := LoadMasterKey(dir, false); err == nil || err.Error() != "no master key: set HMS_MASTER_KEY or HMS_MASTER_KEY_FILE" {
		t.Errorf("without allowGenerate: err = %v", err)
	}

	// Readable by group or others: refused, and not replaced.
	for _, mode := range []os.FileMode{0o640, 0o604, 0o644} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadMasterKey(dir, true); err == nil || !strings.Contains(err.Error(), "group or others") {
			t.Errorf("mode %#o: err = %v", mode, err)
		}
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if k3, err := LoadMasterKey(dir, true); err != nil || !bytes.Equal(k3, k1) {
		t.Errorf("after chmod 600: %v, same key = %v", err, bytes.Equal(k3, k1))
	}

	// A damaged file is an error, never silently replaced.
	if err := os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(make([]byte, 16))), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadMasterKey(dir, true); err == nil {
		t.Error("accepted a 16-byte key file")
	}
	if b2, _ := os.ReadFile(path); !bytes.Equal(b2, []byte(base64.StdEncoding.EncodeToString(make([]byte, 16)))) {
		t.Error("damaged key file was overwritten")
	}
}

func TestLoadMasterKeyWithoutSource(t *testing.T) {
	clearMasterKeyEnv(t)
	dir := t.TempDir()
	_, err := LoadMasterKey(dir, false)
	if err == nil || err.Error() != "no master key: set HMS_MASTER_KEY or HMS_MASTER_KEY_FILE" {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, MasterKeyFile)); !os.IsNotExist(err) {
		t.Error("a key file was created without allowGenerate")
	}
}

func TestLoadMasterKeyPrefersEnvironment(t *testing.T) {
	clearMasterKeyEnv(t)
	dir := t.TempDir()
	fileKey, err := LoadMasterKey(dir, true) // a generated file exists
	if err != nil {
		t.Fatal(err)
	}
	envKey := bytes.Repeat([]byte{0xfb}, 32) // 0xfb makes + / and - _ differ
	keyFileKey := bytes.Repeat([]byte{0x42}, 32)
	kf := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(kf, []byte(base64.RawURLEncoding.EncodeToString(keyFileKey)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	t.Setenv(EnvMasterKeyFile, kf)
	if k, err := LoadMasterKey(dir, true); err != nil || !bytes.Equal(k, keyFileKey) {
		t.Errorf("HMS_MASTER_KEY_FILE over data dir: %x, %v", k, err)
	}
	if k, err := LoadMasterKey(dir, false); err != nil || !bytes.Equal(k, keyFileKey) {
		t.Errorf("HMS_MASTER_KEY_FILE without allowGenerate: %x, %v", k, err)
	}
	for name, enc := range map[string]*base64.Encoding{"std": base64.StdEncoding, "raw url": base64.RawURLEncoding} {
		t.Setenv(EnvMasterKey, " "+enc.EncodeToString(envKey)+"\n")
		if k, err := LoadMasterKey(dir, true); err != nil || !bytes.Equal(k, envKey) {
			t.Errorf("HMS_MASTER_KEY (%s) over everything: %x, %v", name, k, err)
		}
	}
	if bytes.Equal(fileKey, envKey) {
		t.Fatal("test keys collide")
	}
	// A file of the wrong length named by HMS_MASTER_KEY_FILE.
	t.Setenv(EnvMasterKey, "")
	if err := os.WriteFile(kf, []byte(base64.StdEncoding.EncodeToString(make([]byte, 31))), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadMasterKey(dir, true); err == nil {
		t.Error("HMS_MASTER_KEY_FILE with a 31-byte key accepted (and did not fall back)")
	}
	t.Setenv(EnvMasterKeyFile, filepath.Join(t.TempDir(), "missing"))
	if _, err := LoadMasterKey(dir, true); err == nil {
		t.Error("missing HMS_MASTER_KEY_FILE accepted")
	}
}

func TestLoadMasterKeyRefusesBadValues(t *testing.T) {
	clearMasterKeyEnv(t)
	dir := t.TempDir()
	secret := bytes.Repeat([]byte{0xfb}, 32)
	for name, v := range map[string]string{
		"16 bytes":        base64.StdEncoding.EncodeToString(make([]byte, 16)),
		"31 bytes":        base64.StdEncoding.EncodeToString(make([]byte, 31)),
		"33 bytes":        base64.StdEncoding.EncodeToString(make([]byte, 33)),
		"64 bytes":        base64.RawURLEncoding.EncodeToString(make([]byte, 64)),
		"hex":             strings.Repeat("ab", 32),
		"not base64":      "this is not a key!",
		"std without pad": base64.RawStdEncoding.EncodeToString(secret),
		"url with pad":    base64.URLEncoding.EncodeToString(secret),
	} {
		t.Setenv(EnvMasterKey, v)
		_, err := LoadMasterKey(dir, true)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if strings.Contains(err.Error(), v) {
			t.Errorf("%s: error repeats the value: %v", name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, MasterKeyFile)); !os.IsNotExist(err) {
		t.Error("a bad HMS_MASTER_KEY fell back to generating a key file")
	}
}
