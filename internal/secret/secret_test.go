package secret

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

func TestSealOpen(t *testing.T) {
	k, err := NewKeyring(testKey(1))
	if err != nil {
		t.Fatal(err)
	}
	a := k.Seal([]byte("s3cret-token"), []byte("channel:7"))
	b := k.Seal([]byte("s3cret-token"), []byte("channel:7"))
	if a == b {
		t.Fatal("two seals of one value are equal: the nonce is not fresh")
	}
	if !IsSealed(a) || SealedBy(a) != k.ID() || strings.Contains(a, "s3cret") {
		t.Fatalf("sealed = %q", a)
	}
	if got, err := k.Open(a, []byte("channel:7")); err != nil || string(got) != "s3cret-token" {
		t.Fatalf("open = %q, %v", got, err)
	}
	for name, tt := range map[string]struct{ sealed, aad string }{
		"another row":  {a, "channel:8"},
		"altered":      {altered(a), "channel:7"},
		"plaintext":    {"s3cret-token", "channel:7"},
		"no body":      {"sb1:" + k.ID(), "channel:7"},
		"short":        {"sb1:" + k.ID() + ":AAAA", "channel:7"},
		"not base64":   {"sb1:" + k.ID() + ":!!!", "channel:7"},
		"another key ": {"sb1:deadbeef:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "channel:7"},
	} {
		if _, err := k.Open(tt.sealed, []byte(tt.aad)); err == nil {
			t.Errorf("%s: opened", name)
		}
	}
	if _, err := k.Open("sb1:deadbeef:AAAA", nil); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("unknown key: %v", err)
	}
}

// altered changes one base64 character of a sealed value's body, to a
// different one (a fixed replacement would equal the original one time in
// 64), and not the last, whose low bits may be padding that decodes alike.
func altered(sealed string) string {
	i := len(sealed) - 5
	repl := byte('A')
	if sealed[i] == 'A' {
		repl = 'B'
	}
	return sealed[:i] + string(repl) + sealed[i+1:]
}

// A keyring holding the old key beside the new one opens values of both
// and seals with the new one: the master key can be rotated later.
func TestKeyringRotation(t *testing.T) {
	old, _ := NewKeyring(testKey(1))
	sealedOld := old.Seal([]byte("v"), nil)
	both, err := NewKeyring(testKey(2), testKey(1))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := both.Open(sealedOld, nil); err != nil || string(got) != "v" {
		t.Fatalf("open old = %q, %v", got, err)
	}
	if SealedBy(both.Seal([]byte("v"), nil)) != KeyID(testKey(2)) {
		t.Fatal("the keyring does not seal with its first key")
	}
	if _, err := NewKeyring([]byte("short")); err == nil {
		t.Fatal("a short key was accepted")
	}
}

func TestParseKey(t *testing.T) {
	raw := testKey(9)
	for _, text := range []string{base64.StdEncoding.EncodeToString(raw), base64.RawURLEncoding.EncodeToString(raw) + "\n"} {
		if got, err := ParseKey(text); err != nil || !bytes.Equal(got, raw) {
			t.Errorf("ParseKey(%q) = %v", text, err)
		}
	}
	for _, bad := range []string{"", "not base64!", base64.StdEncoding.EncodeToString(raw[:16])} {
		if _, err := ParseKey(bad); err == nil {
			t.Errorf("ParseKey(%q) accepted", bad)
		}
	}
}

// The key file is created with mode 0600 and the same key is read back
// on the next start; a file others may read is refused.
func TestKeyFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	first, created, err := LoadOrCreateKeyFile(dir)
	if err != nil || !created || len(first) != KeySize {
		t.Fatalf("first = %d bytes, created %v, %v", len(first), created, err)
	}
	info, err := os.Stat(filepath.Join(dir, KeyFileName))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode = %v, %v; want 0600", info.Mode().Perm(), err)
	}
	again, created, err := LoadOrCreateKeyFile(dir)
	if err != nil || created || !bytes.Equal(first, again) {
		t.Fatalf("second start: created %v, same key %v, %v", created, bytes.Equal(first, again), err)
	}
	if err := os.Chmod(filepath.Join(dir, KeyFileName), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadOrCreateKeyFile(dir); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("world-readable key file: %v", err)
	}
}
