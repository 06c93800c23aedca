// Package meta holds what Meta's platforms share — WhatsApp Cloud API,
// Messenger and Instagram: the webhook verification handshake, the
// X-Hub-Signature-256 check on every delivery, and the Graph API's error
// body. The providers live in their own packages and use these.
package meta

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strings"
)

// SignatureHeader is the header Meta signs every webhook delivery with.
const SignatureHeader = "X-Hub-Signature-256"

// Sign returns the X-Hub-Signature-256 value of body under the app
// secret: "sha256=" and the hex HMAC-SHA256 of the raw body.
func Sign(appSecret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(appSecret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// ValidSignature reports whether header is body's signature under
// appSecret. The comparison takes the same time whatever the header; an
// empty secret never validates.
func ValidSignature(appSecret string, body []byte, header string) bool {
	if appSecret == "" || !strings.HasPrefix(header, "sha256=") {
		return false
	}
	want := Sign(appSecret, body)
	return subtle.ConstantTimeCompare([]byte(strings.ToLower(header)), []byte(want)) == 1
}

// Handshake answers Meta's subscription check (GET with hub.mode,
// hub.verify_token and hub.challenge): the challenge, as plain text, when
// the mode is subscribe and the token is verifyToken; 403 otherwise. It
// reports whether the check passed.
func Handshake(w http.ResponseWriter, r *http.Request, verifyToken string) bool {
	q := r.URL.Query()
	token := q.Get("hub.verify_token")
	ok := q.Get("hub.mode") == "subscribe" && verifyToken != "" &&
		subtle.ConstantTimeCompare([]byte(token), []byte(verifyToken)) == 1
	if !ok {
		http.Error(w, "verification failed", http.StatusForbidden)
		return false
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	w.Write([]byte(q.Get("hub.challenge")))
	return true
}
