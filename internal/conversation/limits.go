package conversation

import "github.com/switchboard-chat/switchboard/internal/limit"

// The largest values of conversations, messages and comments
// (docs/api.md, "Limits"). Text is counted in characters.
const (
	MaxTextLen      = limit.LongText // a message's text
	MaxTypeLen      = 50             // a message's type
	MaxContentBytes = 64 << 10       // a message's content object, as JSON
	MaxCommentLen   = limit.LongText // a comment's text
	MaxMentions     = 50             // user ids a comment mentions explicitly
	MaxSummaryLen   = limit.LongText // a closing summary
	MaxCategoryLen  = limit.Label    // a closing category's name
	MaxReasonLen    = 1000           // a failed message's reason (longer ones are cut)
	MaxExternalLen  = 255            // a channel's contact id or message id
)

// TruncatedMarker ends the text of an inbound message that was longer than
// MaxTextLen: a contact's message is cut rather than refused, so it is
// never lost, and the marker tells the agent the rest is missing.
const TruncatedMarker = " […truncated]"

// TruncateText cuts a channel's message text to MaxTextLen characters,
// ending it with TruncatedMarker, after removing what no store can hold
// (NUL, invalid UTF-8). It reports whether it cut.
func TruncateText(s string) (string, bool) {
	return limit.Truncate(limit.Clean(s), MaxTextLen, TruncatedMarker)
}
