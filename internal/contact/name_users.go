package contact

import (
	"context"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// NameUsers is what else names a workspace setting by its name (its
// lifecycle stages, tags, closing categories): the workflows (their
// triggers, Branch conditions and steps). The app registers it
// (SetStageUsers, SetTagUsers, conversation's SetCategoryUsers), as these
// packages may not import workflow.
type NameUsers interface {
	// RenameTx carries a rename from one name to another into
	// whatever names it, in the rename's transaction.
	RenameTx(ctx context.Context, tx *db.Tx, workspaceID int64, from, to string) error
	// UsersTx describes each of what names name (none: nothing does);
	// a stage or category named is not deleted.
	UsersTx(ctx context.Context, tx *db.Tx, workspaceID int64, name string) ([]string, error)
}

// SetStageUsers registers what names lifecycle stages; set it before the
// service is used.
func (s *Service) SetStageUsers(u NameUsers) { s.stageUsers = u }

// SetTagUsers registers what names tags: a tag's rename is carried into
// it (its UsersTx is not asked: deleting a tag takes it off every
// contact, whoever names it). Set it before the service is used.
func (s *Service) SetTagUsers(u NameUsers) { s.tagUsers = u }

// NameUsersOf is all of us as one NameUsers: a rename is carried into
// each in turn; what each names holds a deletion back.
func NameUsersOf(us ...NameUsers) NameUsers { return nameUsersOf(us) }

type nameUsersOf []NameUsers

func (us nameUsersOf) RenameTx(ctx context.Context, tx *db.Tx, workspaceID int64, from, to string) error {
	for _, u := range us {
		if err := u.RenameTx(ctx, tx, workspaceID, from, to); err != nil {
			return err
		}
	}
	return nil
}

func (us nameUsersOf) UsersTx(ctx context.Context, tx *db.Tx, workspaceID int64, name string) ([]string, error) {
	var all []string
	for _, u := range us {
		names, err := u.UsersTx(ctx, tx, workspaceID, name)
		if err != nil {
			return nil, err
		}
		all = append(all, names...)
	}
	return all, nil
}
