package widget

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// conversationClosed says whether a conversation is closed: the widget
// draws "Conversation closed" under its last message, and the visitor's
// next message starts a new one.
func conversationClosed(ctx context.Context, q db.Querier, id int64) (bool, error) {
	var status string
	err := q.QueryRow(ctx, `SELECT status FROM conversations WHERE id = ?`, id).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("widget: conversation's status: %w", err)
	}
	return status == "closed", nil
}

// tellClosed tells the visitor their conversation was closed, once it
// is: on connecting (it may have closed while they were away) and when
// the socket hears it close. Only the conversation the widget shows (the
// contact may have others, on other channels).
func (vs *visitorSocket) tellClosed(ctx context.Context) error {
	if vs.conv == 0 || vs.closedTold == vs.conv {
		return nil
	}
	closed, err := conversationClosed(ctx, vs.api.deps.DB.Reader(), vs.conv)
	if err != nil || !closed {
		return err
	}
	vs.closedTold = vs.conv
	return vs.write(ctx, frame{Type: "closed", ConversationID: vs.conv})
}
