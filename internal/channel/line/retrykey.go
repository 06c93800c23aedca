package line

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strconv"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
)

// RetryKeyHeader is the header that makes a push idempotent: LINE accepts
// one request per key (for 24 hours) and answers a repeat 409.
const RetryKeyHeader = "X-Line-Retry-Key"

// retryKey is the X-Line-Retry-Key of the part-th push of msg on ch: a
// UUID derived from the workspace, the channel, the message's id and the
// part, so that the dispatcher's retry of a push whose answer was lost
// (a timeout, a 5xx after LINE took it) carries the same key and is not
// shown to the contact twice. A message without an id (one sent outside
// the outbound queue) gets a random key: never the same as another's.
func retryKey(ch channel.Channel, msg conversation.Message, part int) string {
	var sum [16]byte
	if msg.ID == 0 {
		rand.Read(sum[:])
	} else {
		h := sha256.Sum256([]byte("switchboard/line/" + strconv.FormatInt(ch.WorkspaceID, 10) + "/" +
			strconv.FormatInt(ch.ID, 10) + "/" + strconv.FormatInt(msg.ID, 10) + "/" + strconv.Itoa(part)))
		copy(sum[:], h[:16])
	}
	// Version 5 (a name-based UUID from SHA) or 4 (random), variant RFC 9562.
	if msg.ID == 0 {
		sum[6] = sum[6]&0x0f | 0x40
	} else {
		sum[6] = sum[6]&0x0f | 0x50
	}
	sum[8] = sum[8]&0x3f | 0x80
	s := hex.EncodeToString(sum[:])
	return s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:32]
}
