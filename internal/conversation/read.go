package conversation

import (
	"context"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// MarkRead records that p has read the conversation now: it is no longer
// unread for them until the contact writes again. Marking it unread
// forgets that, so it shows unread as long as the contact ever wrote.
// Only a conversation p may see can be marked; a workspace token, which
// is nobody, cannot. On PostgreSQL it runs beside other writes: the mark
// is one row per reader and conversation, written by upsert. It returns
// the conversation as p saw it, which the read was checked on (the API
// tells its contact of the read, channel.Signs, from it). A read runs the
// OnRead hook in its transaction.
func (s *Service) MarkRead(ctx context.Context, p access.Principal, conversationID int64, read bool) (Conversation, error) {
	if p.UserID == 0 {
		return Conversation{}, apperr.BadRequest("a workspace token belongs to no user and reads nothing")
	}
	conv, err := s.Get(ctx, p, conversationID)
	if err != nil {
		return Conversation{}, err
	}
	return conv, s.db.WriteConcurrent(ctx, func(tx *db.Tx) error {
		if !read {
			_, err := tx.Exec(ctx, `DELETE FROM conversation_reads WHERE user_id = ? AND conversation_id = ?`, p.UserID, conversationID)
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO conversation_reads (user_id, conversation_id, read_at) VALUES (?, ?, ?)
			ON CONFLICT (user_id, conversation_id) DO UPDATE SET read_at = excluded.read_at`, p.UserID, conversationID, tx.Now())
		if err != nil || s.onRead == nil {
			return err
		}
		return s.onRead(ctx, tx, p.UserID, conversationID)
	})
}
