package conversation

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// A comment is its author's words: only they may rewrite it, and an
// integration (a workspace token, no person) may not. Removing one is
// also an owner's or a manager's (a note that should not be there, a
// colleague's who left) and an integration's.

// GetComment returns one comment of a conversation the principal may see.
func (s *Service) GetComment(ctx context.Context, p Principal, conversationID, commentID int64) (Comment, error) {
	if _, err := see(ctx, s.db.Reader(), p, conversationID); err != nil {
		return Comment{}, err
	}
	return commentOf(ctx, s.db.Reader(), conversationID, commentID)
}

// commentOf reads a comment of the conversation, NotFound if it has none
// of that id.
func commentOf(ctx context.Context, q db.Querier, conversationID, commentID int64) (Comment, error) {
	c, err := scanComment(q.QueryRow(ctx, `SELECT `+commentColumns+` FROM comments WHERE conversation_id = ? AND id = ?`, conversationID, commentID))
	if errors.Is(err, sql.ErrNoRows) {
		return c, apperr.NotFound("comment")
	}
	if err != nil {
		return c, fmt.Errorf("conversation: read comment: %w", err)
	}
	return c, nil
}

// EditComment rewrites a comment's text, by its author only, and appends
// comment.edited. Its mentions are the ids given (in.Mentions; when nil,
// those it had) and those the new text names by @email. The users it
// mentions now and did not before are told (new_mentions); those
// mentioned before were told already.
func (s *Service) EditComment(ctx context.Context, p Principal, conversationID, commentID int64, in CommentInput) (Comment, error) {
	text, err := commentText(in)
	if err != nil {
		return Comment{}, err
	}
	var cm Comment
	err = s.db.WriteConcurrent(db.WithRows(ctx, "conversations", conversationID), func(tx *db.Tx) error {
		c, err := see(ctx, tx, p, conversationID)
		if err != nil {
			return err
		}
		if cm, err = commentOf(ctx, tx, conversationID, commentID); err != nil {
			return err
		}
		if p.UserID == 0 || cm.UserID != p.UserID {
			return apperr.Forbidden("only its author may edit a comment")
		}
		before := cm.Mentions
		listed := in.Mentions
		if listed == nil {
			// No mentions in the request: those the comment has stay, as a
			// PATCH leaves a field it does not name (an integration that
			// mentioned by id and rewrites the text keeps them). A user
			// mentioned in a comment cannot be deleted
			// (workspace.DeleteUser), so each is still a user.
			listed = before
		}
		if cm.Mentions, err = mentionsOf(ctx, tx, p.WorkspaceID, text, listed); err != nil {
			return err
		}
		if text == cm.Text && slices.Equal(before, cm.Mentions) {
			return nil // nothing changes; no event
		}
		cm.Text, cm.EditedAt = text, db.Time(tx.Now())
		js, _ := json.Marshal(cm.Mentions)
		if _, err := tx.Exec(ctx, `UPDATE comments SET text = ?, mentions = ?, edited_at = ? WHERE id = ?`,
			cm.Text, string(js), db.Millis(cm.EditedAt), cm.ID); err != nil {
			return fmt.Errorf("edit comment: %w", err)
		}
		added := []int64{}
		for _, u := range cm.Mentions {
			if !slices.Contains(before, u) {
				added = append(added, u)
			}
		}
		return appendEvent(ctx, tx, c, event.CommentEdited, map[string]any{"comment_id": cm.ID, "user_id": cm.UserID, "text": cm.Text,
			"mentions": cm.Mentions, "new_mentions": added})
	})
	return cm, wrap("edit comment", err)
}

// DeleteComment removes a comment, by its author, an owner, a manager or
// a workspace token, and appends comment.deleted. Its words leave the
// event log too: the comment's earlier events are erased to ids and what
// happened (event.EraseCommentTx), as a deleted contact's are.
func (s *Service) DeleteComment(ctx context.Context, p Principal, conversationID, commentID int64) error {
	err := s.db.WriteConcurrent(db.WithRows(ctx, "conversations", conversationID), func(tx *db.Tx) error {
		c, err := see(ctx, tx, p, conversationID)
		if err != nil {
			return err
		}
		cm, err := commentOf(ctx, tx, conversationID, commentID)
		if err != nil {
			return err
		}
		if p.UserID != 0 && cm.UserID != p.UserID && p.Role != access.RoleOwner && p.Role != access.RoleManager {
			return apperr.Forbidden("only its author, an owner or a manager may delete a comment")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM comments WHERE id = ?`, cm.ID); err != nil {
			return fmt.Errorf("delete comment: %w", err)
		}
		if _, err := event.EraseCommentTx(ctx, tx, c.WorkspaceID, c.ID, cm.ID); err != nil {
			return err
		}
		return appendEvent(ctx, tx, c, event.CommentDeleted, map[string]any{"comment_id": cm.ID, "author_id": cm.UserID, "user_id": p.UserID})
	})
	return wrap("delete comment", err)
}
