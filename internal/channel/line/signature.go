package line

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// SignatureHeader is the header LINE signs every webhook delivery with.
const SignatureHeader = "X-Line-Signature"

// Sign returns the X-Line-Signature of body under the channel secret:
// the base64 of the HMAC-SHA256 of the raw body.
func Sign(channelSecret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(channelSecret))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// ValidSignature reports whether header is body's signature under
// channelSecret. The digests are compared in constant time; an empty
// secret or a header that is not base64 never validates.
func ValidSignature(channelSecret string, body []byte, header string) bool {
	if channelSecret == "" {
		return false
	}
	got, err := base64.StdEncoding.DecodeString(strings.TrimSpace(header))
	if err != nil || len(got) != sha256.Size {
		return false
	}
	m := hmac.New(sha256.New, []byte(channelSecret))
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}
