// Package secret seals values kept at rest (channel credentials) with
// AES-256-GCM under the node's master key, and finds that key: given in
// configuration, or on SQLite a key file in the data folder.
//
// A sealed value is text: "sb1:" + key id + ":" + base64(nonce || ciphertext).
// The key id (the first 8 hex digits of the key's SHA-256) says which key
// sealed it, so a keyring holding the old and the new master key can open
// both while values are re-sealed: rotating the master key later needs no
// new format.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the length of a master key in bytes (AES-256).
const KeySize = 32

// prefix starts every sealed value; its version names the format.
const prefix = "sb1:"

// ErrUnknownKey means a value was sealed by a key the keyring lacks.
var ErrUnknownKey = errors.New("secret: sealed with a key this node does not have")

// Keyring seals with its first key and opens with any of its keys.
type Keyring struct {
	seal  key
	byID  map[string]key
	order []string
}

type key struct {
	id   string
	aead cipher.AEAD
}

// NewKeyring returns a keyring sealing with primary and opening values
// sealed by primary or any of older (for a rotation of the master key).
func NewKeyring(primary []byte, older ...[]byte) (*Keyring, error) {
	k := &Keyring{byID: map[string]key{}}
	for i, raw := range append([][]byte{primary}, older...) {
		if len(raw) != KeySize {
			return nil, fmt.Errorf("secret: a master key is %d bytes, not %d", KeySize, len(raw))
		}
		block, err := aes.NewCipher(raw)
		if err != nil {
			return nil, fmt.Errorf("secret: %w", err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("secret: %w", err)
		}
		kk := key{id: KeyID(raw), aead: aead}
		if i == 0 {
			k.seal = kk
		}
		k.byID[kk.id] = kk
		k.order = append(k.order, kk.id)
	}
	return k, nil
}

// KeyID names a key without revealing it: the first 8 hex digits of its
// SHA-256.
func KeyID(raw []byte) string {
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:4])
}

// ID is the id of the key the keyring seals with.
func (k *Keyring) ID() string { return k.seal.id }

// Seal encrypts plaintext with a fresh random nonce. aad binds the value
// to where it is stored (e.g. the channel's id), so a sealed value copied
// to another row does not open there.
func (k *Keyring) Seal(plaintext, aad []byte) string {
	nonce := make([]byte, k.seal.aead.NonceSize())
	rand.Read(nonce)
	out := k.seal.aead.Seal(nonce, nonce, plaintext, aad)
	return prefix + k.seal.id + ":" + base64.RawStdEncoding.EncodeToString(out)
}

// Open decrypts a value Seal returned, with the same aad.
func (k *Keyring) Open(sealed string, aad []byte) ([]byte, error) {
	rest, ok := strings.CutPrefix(sealed, prefix)
	if !ok {
		return nil, errors.New("secret: not a sealed value")
	}
	id, body, ok := strings.Cut(rest, ":")
	if !ok {
		return nil, errors.New("secret: malformed sealed value")
	}
	kk, ok := k.byID[id]
	if !ok {
		return nil, fmt.Errorf("%w (key id %s; this node has %s)", ErrUnknownKey, id, strings.Join(k.order, ", "))
	}
	raw, err := base64.RawStdEncoding.DecodeString(body)
	if err != nil || len(raw) < kk.aead.NonceSize() {
		return nil, errors.New("secret: malformed sealed value")
	}
	n := kk.aead.NonceSize()
	plain, err := kk.aead.Open(nil, raw[:n], raw[n:], aad)
	if err != nil {
		return nil, fmt.Errorf("secret: the sealed value does not open with key %s (altered, or moved from another row)", id)
	}
	return plain, nil
}

// IsSealed reports whether s has the form of a sealed value (and so is
// not a plaintext left from before values were sealed).
func IsSealed(s string) bool { return strings.HasPrefix(s, prefix) }

// SealedBy returns the key id of a sealed value, or "" if s is not one.
func SealedBy(s string) string {
	rest, ok := strings.CutPrefix(s, prefix)
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, ":")
	return id
}
