// Package satisfactiontest makes satisfaction surveys for other packages'
// tests, which react to their answers (webhooks, workflow triggers).
package satisfactiontest

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/satisfaction"
)

// Sent closes the conversation (as the API, whose close sends no survey)
// and records its survey under token as the sender leaves one, so that
// the test may answer it with satisfaction.Service.Rate. How surveys are
// sent is internal/satisfaction's tests' concern.
func Sent(t testing.TB, d *db.DB, workspaceID, conversationID int64, token string) {
	t.Helper()
	ctx := context.Background()
	if err := d.Write(ctx, func(tx *db.Tx) error {
		if _, err := conversation.CloseTx(ctx, tx, workspaceID, conversationID, conversation.CloseInput{Source: conversation.SourceAPI}); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO satisfaction_surveys (conversation_id, workspace_id, message_id, token, sent_at, expires_at)
			VALUES (?, ?, 0, ?, ?, ?)`, conversationID, workspaceID, token, tx.Now(), tx.Now()+satisfaction.LinkLifetime.Milliseconds())
		return err
	}); err != nil {
		t.Fatal(err)
	}
}
