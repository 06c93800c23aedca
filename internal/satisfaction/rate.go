package satisfaction

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// Survey is what the rating page shows of a survey.
type Survey struct {
	ConversationID int64
	WorkspaceName  string
	Rating         int // 0 until rated
	Comment        string
	RatedAt        time.Time
	// Expired: the link no longer takes a rating (LinkLifetime).
	Expired bool
}

// maxTokenLen bounds a token looked up: newToken's are 32 characters.
const maxTokenLen = 64

// errUnknown is a token no survey has: the page says the link is wrong.
var errUnknown = apperr.NotFound("survey")

// errExpired is a rating past the link's lifetime.
var errExpired = apperr.WithCode(apperr.KindGone, "survey_expired", "this survey's link has expired")

// errTooOften is a change past MaxAnswers.
var errTooOften = apperr.WithCode(apperr.KindConflict, "survey_answered_too_often",
	"this survey's answer has changed too many times to change again")

// Get returns the survey of token.
func (s *Service) Get(ctx context.Context, token string) (Survey, error) {
	if token == "" || len(token) > maxTokenLen {
		return Survey{}, errUnknown
	}
	var v Survey
	var expires, rated int64
	err := s.db.Reader().QueryRow(ctx, `SELECT v.conversation_id, w.name, v.rating, v.comment, v.rated_at, v.expires_at
		FROM satisfaction_surveys v JOIN workspaces w ON w.id = v.workspace_id WHERE v.token = ?`, token).
		Scan(&v.ConversationID, &v.WorkspaceName, &v.Rating, &v.Comment, &rated, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return Survey{}, errUnknown
	}
	if err != nil {
		return Survey{}, fmt.Errorf("satisfaction: read a survey: %w", err)
	}
	if rated > 0 {
		v.RatedAt = db.Time(rated)
	}
	v.Expired = s.db.Now() >= expires
	return v, nil
}

// Rate records the contact's rating (1 to 5) and comment of the survey of
// token, replacing an earlier one while the link lasts, MaxAnswers times
// at most. A change appends conversation.rated to the conversation; the
// same answer again changes nothing.
func (s *Service) Rate(ctx context.Context, token string, rating int, comment string) (Survey, error) {
	if rating < 1 || rating > 5 {
		return Survey{}, apperr.Invalid("rating", "must be a whole number from 1 to 5")
	}
	comment = strings.TrimSpace(comment)
	if err := limit.Text("comment", comment, MaxCommentLen); err != nil {
		return Survey{}, err
	}
	v, err := s.Get(ctx, token)
	if err != nil {
		return v, err
	}
	err = s.db.WriteConcurrent(db.WithRows(ctx, "conversations", v.ConversationID), func(tx *db.Tx) error {
		var ws, contact, expires int64
		var was, answers int
		var wasComment string
		err := tx.QueryRow(ctx, `SELECT v.workspace_id, c.contact_id, v.expires_at, v.rating, v.comment, v.answers
			FROM satisfaction_surveys v JOIN conversations c ON c.id = v.conversation_id WHERE v.token = ?`, token).
			Scan(&ws, &contact, &expires, &was, &wasComment, &answers)
		if errors.Is(err, sql.ErrNoRows) {
			return errUnknown // its contact was deleted meanwhile
		}
		if err != nil {
			return err
		}
		now := tx.Now()
		if now >= expires {
			return errExpired
		}
		if was == rating && wasComment == comment {
			return nil
		}
		if answers >= MaxAnswers {
			return errTooOften
		}
		if _, err := tx.Exec(ctx, `UPDATE satisfaction_surveys SET rating = ?, comment = ?, rated_at = ?, answers = answers + 1 WHERE token = ?`,
			rating, comment, now, token); err != nil {
			return err
		}
		payload := map[string]any{"conversation_id": v.ConversationID, "rating": rating, "comment": comment}
		if was != 0 {
			payload["previous_rating"] = was
		}
		_, err = event.Append(ctx, tx, event.New{WorkspaceID: ws, Type: event.ConversationRated, ConversationID: v.ConversationID,
			ContactID: contact, Payload: payload})
		return err
	})
	if apperr.KindOf(err) != "" {
		return Survey{}, err
	}
	if err != nil {
		return Survey{}, fmt.Errorf("satisfaction: rate: %w", err)
	}
	return s.Get(ctx, token)
}
