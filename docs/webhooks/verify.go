// Package webhooks holds the Go verifier of Switchboard's webhook
// signatures (docs/webhooks.md). Copy Verify into your receiver.
package webhooks

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Tolerance is how far a signature's timestamp may be from now: older
// deliveries are refused as replays.
const Tolerance = 5 * time.Minute

// Verify checks the X-Switchboard-Signature header of a delivery: body is
// the raw request body, exactly as received, and secret the endpoint's
// signing secret (whsec_…). It returns nil when one v1 signature matches
// and the timestamp is within Tolerance of now.
func Verify(secret string, body []byte, header string, now time.Time) error {
	var ts string
	var sigs []string
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		switch k {
		case "t":
			ts = v
		case "v1":
			sigs = append(sigs, v)
		}
	}
	t, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return errors.New("webhook: malformed signature header")
	}
	if age := now.Sub(time.Unix(t, 0)); age > Tolerance || age < -Tolerance {
		return errors.New("webhook: timestamp outside the tolerance (replay?)")
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	want := mac.Sum(nil)
	for _, s := range sigs {
		got, err := hex.DecodeString(s)
		if err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return errors.New("webhook: signature does not match")
}
