package workspace

import (
	"context"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/clock"
)

// Passwords are stored as PBKDF2-SHA256 (standard library, no dependency)
// with OWASP's recommended iteration count, in a self-describing string so
// the count can be raised later without invalidating old hashes.
const passwordIterations = 600_000

// MinPasswordLen is the shortest password, in characters (Unicode code
// points, as every length of the API is counted): a byte count would let
// four CJK characters pass for eight.
const MinPasswordLen = 8

// checkPassword validates a new password given in field.
func checkPassword(field, password string) error {
	if utf8.RuneCountInString(password) < MinPasswordLen {
		return apperr.Invalid(field, "must be at least %d characters", MinPasswordLen)
	}
	return nil
}

// hasher derives password keys. One derivation costs about a third of a
// second of CPU, so derivations run under a small concurrency limit: a
// flood of sign-ins waits for a slot instead of taking every core from
// the requests beside it, and one that waits too long is refused with 429.
type hasher struct {
	iterations int
	// derive is pbkdf2.Key; tests replace it to count and hold derivations.
	derive func(password string, salt []byte, iter, keyLen int) ([]byte, error)
	slots  chan struct{}
	wait   time.Duration
	clock  clock.Clock
	onWait func() // tests: called when a caller starts waiting
	// dummy is checked in place of a missing or unusable hash (an unknown
	// email, a user without a password), so that every sign-in costs one
	// derivation of the same count and the answer's timing tells nothing.
	dummy string
}

func newHasher(opts Options) *hasher {
	iter := passwordIterations
	// A lower count makes tests fast. No flag or variable sets it, so a
	// node stores hashes of the full count.
	if opts.PasswordIterations > 0 {
		iter = opts.PasswordIterations
	}
	h := &hasher{iterations: iter, slots: make(chan struct{}, opts.HashConcurrency), wait: opts.HashWait, clock: opts.Clock,
		derive: func(password string, salt []byte, iter, keyLen int) ([]byte, error) {
			return pbkdf2.Key(sha256.New, password, salt, iter, keyLen)
		}}
	h.dummy = formatHash(iter, make([]byte, 16), make([]byte, 32))
	return h
}

func formatHash(iter int, salt, key []byte) string {
	enc := base64.RawStdEncoding
	return fmt.Sprintf("pbkdf2-sha256$%d$%s$%s", iter, enc.EncodeToString(salt), enc.EncodeToString(key))
}

// hash returns the stored form of a new password.
func (h *hasher) hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, 16)
	rand.Read(salt)
	key, err := h.run(ctx, password, salt, h.iterations, 32)
	if err != nil {
		return "", err
	}
	return formatHash(h.iterations, salt, key), nil
}

// check reports whether password matches the stored hash. An empty or
// malformed hash is checked against the dummy, at the same cost, and never
// matches. The error is only ever the 429 of a sign-in that found no slot.
func (h *hasher) check(ctx context.Context, stored, password string) (bool, error) {
	iter, salt, want, ok := parseHash(stored)
	if !ok {
		iter, salt, want, _ = parseHash(h.dummy)
	}
	got, err := h.run(ctx, password, salt, iter, len(want))
	if err != nil {
		return false, err
	}
	return ok && subtle.ConstantTimeCompare(got, want) == 1, nil
}

func parseHash(stored string) (iter int, salt, key []byte, ok bool) {
	parts := strings.Split(stored, "$")
	if len(parts) != 4 || parts[0] != "pbkdf2-sha256" {
		return 0, nil, nil, false
	}
	iter, err := strconv.Atoi(parts[1])
	if err != nil || iter < 1 {
		return 0, nil, nil, false
	}
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[2])
	key, err2 := enc.DecodeString(parts[3])
	if err1 != nil || err2 != nil || len(key) == 0 {
		return 0, nil, nil, false
	}
	return iter, salt, key, true
}

// run derives a key once a slot is free.
func (h *hasher) run(ctx context.Context, password string, salt []byte, iter, keyLen int) ([]byte, error) {
	if err := h.acquire(ctx); err != nil {
		return nil, err
	}
	defer func() { <-h.slots }()
	key, err := h.derive(password, salt, iter, keyLen)
	if err != nil {
		return nil, fmt.Errorf("workspace: derive password key: %w", err)
	}
	return key, nil
}

// acquire takes a derivation slot, waiting at most h.wait.
func (h *hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	default:
	}
	expired := make(chan struct{})
	t := h.clock.AfterFunc(h.wait, func() { close(expired) })
	defer t.Stop()
	// Told once the timer is set, so that a test told of a waiter can move
	// its clock past the wait.
	if h.onWait != nil {
		h.onWait()
	}
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-expired:
		return apperr.TooMany(h.wait, "too many sign-ins are being checked at once; try again shortly")
	case <-ctx.Done():
		return ctx.Err()
	}
}
