package viber

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// SignatureHeader is the header Viber signs each callback in: the hex
// HMAC-SHA256 of the raw body, keyed by the bot's authentication token.
const SignatureHeader = "X-Viber-Content-Signature"

// Sign is the signature of body under token, as Viber computes it.
func Sign(token string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(token))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// validSignature reports whether signature is body's under token,
// comparing in constant time. Hex digits are read in either case.
func validSignature(token string, body []byte, signature string) bool {
	got, err := hex.DecodeString(strings.TrimSpace(signature))
	if err != nil || len(got) != sha256.Size || token == "" {
		return false
	}
	mac := hmac.New(sha256.New, []byte(token))
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}
