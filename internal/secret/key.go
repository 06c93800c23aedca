package secret

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// KeyFileName is the key file's name in the SQLite data folder.
const KeyFileName = "secret.key"

// ParseKey decodes a master key given in configuration: standard base64
// (padded or not, URL-safe accepted) of exactly 32 bytes.
func ParseKey(text string) ([]byte, error) {
	text = strings.TrimSpace(text)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if raw, err := enc.DecodeString(text); err == nil {
			if len(raw) != KeySize {
				return nil, fmt.Errorf("secret: the key is %d bytes, want %d (generate one with: head -c 32 /dev/urandom | base64)", len(raw), KeySize)
			}
			return raw, nil
		}
	}
	return nil, errors.New("secret: the key is not base64 (generate one with: head -c 32 /dev/urandom | base64)")
}

// LoadOrCreateKeyFile returns the key kept in dir/secret.key, creating the
// file (mode 0600, a fresh random key in base64) when there is none. A key
// file that exists is read as it is: one whose mode lets others read it is
// refused, since the key opens every channel credential.
func LoadOrCreateKeyFile(dir string) (key []byte, created bool, err error) {
	path := filepath.Join(dir, KeyFileName)
	text, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		raw := make([]byte, KeySize)
		rand.Read(raw)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, false, fmt.Errorf("secret: %w", err)
		}
		// O_EXCL: two processes starting at once cannot both write a key.
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			return LoadOrCreateKeyFile(dir)
		}
		if err != nil {
			return nil, false, fmt.Errorf("secret: create the key file: %w", err)
		}
		_, werr := f.WriteString(base64.StdEncoding.EncodeToString(raw) + "\n")
		if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
			os.Remove(path)
			return nil, false, fmt.Errorf("secret: write the key file: %w", err)
		}
		return raw, true, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("secret: read the key file: %w", err)
	}
	if info, err := os.Stat(path); err == nil && info.Mode().Perm()&0o077 != 0 {
		return nil, false, fmt.Errorf("secret: %s may be read by others (mode %04o): chmod 600 it", path, info.Mode().Perm())
	}
	raw, err := ParseKey(string(text))
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", path, err)
	}
	return raw, false, nil
}
