package widget

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
)

// A visitor is known by an opaque id, which is also their contact's
// external id on the channel, and a secret proving they hold it. The
// secret is an HMAC of the id under the channel's generated token, so the
// node stores nothing per visitor until they write; rotating the token
// signs every visitor out (they start as new visitors).

// visitorIDPrefix starts every visitor id.
const visitorIDPrefix = "v_"

// Visitor is a visitor's credentials, kept in the browser's localStorage
// on the embedding site.
type Visitor struct {
	VisitorID string `json:"visitor_id"`
	Secret    string `json:"secret"`
}

// newVisitor makes a new visitor of ch.
func newVisitor(ch channel.Channel) Visitor {
	b := make([]byte, 18)
	rand.Read(b)
	id := visitorIDPrefix + base64.RawURLEncoding.EncodeToString(b)
	return Visitor{VisitorID: id, Secret: visitorSecret(ch, id)}
}

// visitorSecret is the secret of visitor id on ch.
func visitorSecret(ch channel.Channel, id string) string {
	m := hmac.New(sha256.New, []byte(ch.Token))
	m.Write([]byte("switchboard widget visitor\x00" + strconv.FormatInt(ch.ID, 10) + "\x00" + id))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// validVisitorID reports whether id has the shape newVisitor makes.
func validVisitorID(id string) bool {
	if !strings.HasPrefix(id, visitorIDPrefix) || len(id) != len(visitorIDPrefix)+24 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(id[len(visitorIDPrefix):])
	return err == nil
}

// visitorName is the name a visitor's contact gets until they give one
// (the pre-chat form, an agent): "Visitor 3KQ7WZ", six letters and digits
// read from their id, so the inbox tells visitors apart without showing
// the id's 26 random characters, and the same visitor is named alike on
// every message. Crockford's alphabet (no I, L, O, U) keeps it easy to read
// out. Six characters are 30 bits: two of a workspace's visitors share a
// name by chance only past tens of thousands of them, and a shared name
// alone suggests no merge (merge suggestions pair names across channels).
func visitorName(id string) string {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(id, visitorIDPrefix))
	if err != nil || len(b) < 4 {
		sum := sha256.Sum256([]byte(id))
		b = sum[:]
	}
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	n := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	code := make([]byte, 6)
	for i := range code {
		code[i] = alphabet[n&31]
		n >>= 5
	}
	return "Visitor " + string(code)
}

// authenticate checks a visitor's credentials on ch.
func authenticate(ch channel.Channel, v Visitor) error {
	if !validVisitorID(v.VisitorID) || v.Secret == "" {
		return apperr.Unauthorized("missing or malformed visitor credentials")
	}
	if !hmac.Equal([]byte(v.Secret), []byte(visitorSecret(ch, v.VisitorID))) {
		return apperr.Unauthorized("the visitor's secret is not valid on this channel")
	}
	return nil
}

// visitorOf reads a request's credentials: "Authorization: Visitor
// <visitor_id>:<secret>".
func visitorOf(r *http.Request) Visitor {
	h := r.Header.Get("Authorization")
	const scheme = "visitor "
	if len(h) < len(scheme) || !strings.EqualFold(h[:len(scheme)], scheme) {
		return Visitor{}
	}
	id, secret, _ := strings.Cut(strings.TrimSpace(h[len(scheme):]), ":")
	return Visitor{VisitorID: id, Secret: secret}
}
