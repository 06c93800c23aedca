package workspace

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/secret"
)

// Options configure a Service. The zero value is the production default.
type Options struct {
	// Clock tells the time of the sign-in limits, of the wait for a
	// hashing slot and of token expiry; the store's clock by default.
	Clock clock.Clock
	// SignInPerEmail and SignInPerAddress bound failed sign-ins per email
	// and per client address (zero: DefaultSignInPerEmail and
	// DefaultSignInPerAddress; NoLimit turns a limit off).
	SignInPerEmail, SignInPerAddress Rate
	// HashConcurrency is how many password derivations run at once
	// (default: half the usable CPUs, at least 1).
	HashConcurrency int
	// HashWait is how long a sign-in waits for a derivation slot before
	// it is refused with 429 (default 5 s).
	HashWait time.Duration
	// PasswordIterations replaces the PBKDF2 iteration count of new
	// hashes. Tests lower it so that hashing costs nothing; nothing a
	// node is configured with sets it.
	PasswordIterations int
	// Keys seals the keys of two-factor authenticators at rest. A node
	// always has keys; nil stores them in plaintext (tests only).
	Keys *secret.Keyring
}

// Rate is a limit of Count events per Per, refilled steadily: "10/15m"
// allows a burst of 10, then one more every 90 s.
type Rate struct {
	Count int
	Per   time.Duration
}

// The default sign-in limits. An attacker guessing one person's password
// gets 10 tries, then one every 90 s; one address gets 30 failures a
// minute across every email, enough for an office behind one NAT.
var (
	DefaultSignInPerEmail   = Rate{Count: 10, Per: 15 * time.Minute}
	DefaultSignInPerAddress = Rate{Count: 30, Per: time.Minute}
	// NoLimit turns a limit off.
	NoLimit = Rate{Count: -1}
)

func (r Rate) off() bool { return r.Count < 0 }

// String formats r as ParseRate reads it.
func (r Rate) String() string {
	if r.off() {
		return "off"
	}
	return strconv.Itoa(r.Count) + "/" + shortDuration(r.Per)
}

// ParseRate reads a rate written "N/duration" (e.g. "10/15m", "30/1m");
// "off" or "0" turns the limit off.
func ParseRate(s string) (Rate, error) {
	s = strings.TrimSpace(s)
	if s == "off" || s == "0" {
		return NoLimit, nil
	}
	count, per, ok := strings.Cut(s, "/")
	n, err := strconv.Atoi(count)
	if !ok || err != nil || n < 1 {
		return Rate{}, fmt.Errorf("rate %q: want N/duration such as 10/15m, or off", s)
	}
	d, err := time.ParseDuration(per)
	if err != nil || d <= 0 {
		return Rate{}, fmt.Errorf("rate %q: want N/duration such as 10/15m, or off", s)
	}
	return Rate{Count: n, Per: d}, nil
}

func shortDuration(d time.Duration) string {
	s := d.String() // "15m0s", "1h0m0s", "1m30s"
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

func (o Options) withDefaults() Options {
	o.Clock = clock.OrReal(o.Clock)
	if o.SignInPerEmail == (Rate{}) {
		o.SignInPerEmail = DefaultSignInPerEmail
	}
	if o.SignInPerAddress == (Rate{}) {
		o.SignInPerAddress = DefaultSignInPerAddress
	}
	if o.HashConcurrency <= 0 {
		o.HashConcurrency = max(1, runtime.GOMAXPROCS(0)/2)
	}
	if o.HashWait <= 0 {
		o.HashWait = 5 * time.Second
	}
	return o
}
