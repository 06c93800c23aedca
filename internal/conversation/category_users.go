package conversation

import (
	"context"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// NameUsers is what else names the workspace's closing categories by
// their name: the workflows (the Conversation Closed trigger, Branch
// conditions, Close Conversation steps). The app registers it
// (SetCategoryUsers), as this package may not import workflow.
type NameUsers interface {
	// RenameTx carries a category's rename from one name to another into
	// whatever names it, in the rename's transaction.
	RenameTx(ctx context.Context, tx *db.Tx, workspaceID int64, from, to string) error
	// UsersTx describes each of what names name (none: nothing does);
	// a category named is not deleted.
	UsersTx(ctx context.Context, tx *db.Tx, workspaceID int64, name string) ([]string, error)
}

// SetCategoryUsers registers what names closing categories; set it
// before the service is used.
func (s *Service) SetCategoryUsers(u NameUsers) { s.categoryUsers = u }
