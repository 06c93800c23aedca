package workspace

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// TOTP as RFC 6238 and every authenticator app read it from an
// otpauth:// URI: HMAC-SHA1, 6 digits, 30-second steps.
const (
	totpPeriod = 30 * time.Second
	totpDigits = 6
	// totpSkew is how many steps before or after now a code may be of:
	// phones' clocks drift, and typing a code takes a few seconds.
	totpSkew = 1
	// totpSecretBytes is the key's length: 160 bits, as RFC 4226 advises.
	totpSecretBytes = 20
)

// totpEncoding is the key as people and apps read it: base32, no padding.
var totpEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// newTOTPSecret makes a key for an authenticator, in base32.
func newTOTPSecret() string {
	b := make([]byte, totpSecretBytes)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return totpEncoding.EncodeToString(b)
}

// totpStep is the step of t.
func totpStep(t time.Time) int64 { return t.Unix() / int64(totpPeriod/time.Second) }

// totpCode is the code of a base32 key at step (RFC 4226's HOTP with the
// step as counter).
func totpCode(secret string, step int64) (string, error) {
	key, err := totpEncoding.DecodeString(strings.ToUpper(secret))
	if err != nil {
		return "", fmt.Errorf("workspace: totp key: %w", err)
	}
	mac := hmac.New(sha1.New, key)
	var counter [8]byte
	binary.BigEndian.PutUint64(counter[:], uint64(step))
	mac.Write(counter[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%0*d", totpDigits, bin%1_000_000), nil
}

// totpMatch finds the step, within totpSkew of now's and after last (a
// code used once is not taken again), whose code is code; ok is false
// when there is none.
func totpMatch(secret, code string, now time.Time, last int64) (step int64, ok bool, err error) {
	if len(code) != totpDigits {
		return 0, false, nil
	}
	cur := totpStep(now)
	for s := cur - totpSkew; s <= cur+totpSkew; s++ {
		want, err := totpCode(secret, s)
		if err != nil {
			return 0, false, err
		}
		if s > last && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return s, true, nil
		}
	}
	return 0, false, nil
}

// totpURI is the otpauth:// URI an authenticator app reads from a QR code:
// the issuer and the account's email name the entry in the app.
func totpURI(issuer, email, secret string) string {
	label := url.PathEscape(issuer) + ":" + url.PathEscape(email)
	q := url.Values{"secret": {secret}, "issuer": {issuer}, "algorithm": {"SHA1"}, "digits": {fmt.Sprint(totpDigits)},
		"period": {fmt.Sprint(int(totpPeriod / time.Second))}}
	return "otpauth://totp/" + label + "?" + q.Encode()
}
