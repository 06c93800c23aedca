package channel

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// A channel's templates (TemplateSyncer) are stored in channel_templates
// as last synced, so the composer and Send a Message can offer them
// without calling the provider; each sync replaces them whole.

// Limits on what a provider's template list may store.
const (
	maxTemplates         = 5000
	maxTemplateBody      = 4096
	maxTemplateName      = 512
	maxTemplateComponent = 64 << 10
)

// Templates returns the channel's templates as last synced, by name and
// language; a channel whose provider has no templates has none.
func (s *Service) Templates(ctx context.Context, workspaceID, channelID int64) ([]Template, error) {
	if _, err := s.Get(ctx, workspaceID, channelID); err != nil {
		return nil, err
	}
	rows, err := s.db.Reader().Query(ctx, `SELECT name, language, status, category, body, params, components, ref
		FROM channel_templates WHERE channel_id = ?`, channelID)
	if err != nil {
		return nil, fmt.Errorf("channel: templates: %w", err)
	}
	list, err := db.Collect(rows, func(rows *sql.Rows) (Template, error) {
		var t Template
		var comps string
		err := rows.Scan(&t.Name, &t.Language, &t.Status, &t.Category, &t.Body, &t.Params, &comps, &t.Ref)
		t.Components = json.RawMessage(comps)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("channel: templates: %w", err)
	}
	if list == nil {
		list = []Template{}
	}
	sortTemplates(list)
	return list, nil
}

// SyncTemplates reads the channel's templates from its provider and
// stores them in place of the earlier ones, in one transaction, and
// returns them as Templates would. A channel
// type without templates is a validation error; the provider's refusal
// (a wrong token, a wrong account id) is a conflict whose message is the
// provider's reason, and changes nothing.
func (s *Service) SyncTemplates(ctx context.Context, workspaceID, channelID int64) ([]Template, error) {
	ch, err := s.Get(ctx, workspaceID, channelID)
	if err != nil {
		return nil, err
	}
	syncer := s.syncerOf(ch)
	if syncer == nil {
		return nil, apperr.Invalid("type", "a %s channel has no message templates", ch.Type)
	}
	list, err := syncer.SyncTemplates(ctx, ch)
	if err != nil {
		if apperr.KindOf(err) != "" {
			return nil, err
		}
		return nil, &apperr.Error{Kind: apperr.KindConflict, Code: "provider_error",
			Message: "the provider did not give the templates: " + limit.Storable(reasonOf(err), 500), Err: err}
	}
	if len(list) > maxTemplates {
		return nil, apperr.Conflict("the provider lists %d templates; at most %d are kept", len(list), maxTemplates)
	}
	seen := map[[2]string]bool{}
	kept := make([]Template, 0, len(list))
	for _, t := range list {
		t.Name, t.Language = limit.Storable(t.Name, maxTemplateName), limit.Storable(t.Language, 64)
		key := [2]string{t.Name, t.Language}
		if t.Name == "" || seen[key] {
			continue
		}
		seen[key] = true
		t.Status, t.Category = limit.Storable(t.Status, 64), limit.Storable(t.Category, 64)
		t.Body = limit.Storable(t.Body, maxTemplateBody)
		t.Ref = limit.Storable(t.Ref, 128)
		if len(t.Components) == 0 || len(t.Components) > maxTemplateComponent || !json.Valid(t.Components) {
			t.Components = json.RawMessage(`[]`)
		}
		kept = append(kept, t)
	}
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM channel_templates WHERE channel_id = ?`, channelID); err != nil {
			return err
		}
		now := tx.Now()
		for _, t := range kept {
			if _, err := tx.Exec(ctx, `INSERT INTO channel_templates (channel_id, name, language, status, category, body, params, components, ref, synced_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, channelID, t.Name, t.Language, t.Status, t.Category, t.Body, t.Params, string(t.Components), t.Ref, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("channel: sync templates: %w", err)
	}
	sortTemplates(kept)
	return kept, nil
}

// syncerOf is the provider of c as its TemplateSyncer when c has
// templates; nil otherwise.
func (s *Service) syncerOf(c Channel) TemplateSyncer {
	if s.reg == nil {
		return nil
	}
	p, _ := s.reg.Provider(c.Type)
	syncer, ok := p.(TemplateSyncer)
	if !ok {
		return nil
	}
	if some, ok := p.(TemplateChannels); ok && !some.HasTemplates(c) {
		return nil
	}
	return syncer
}

// sortTemplates puts templates in the order both Templates and
// SyncTemplates answer with, by name then language, byte by byte (a
// database's collation would not say the same on every store), so the
// sync's answer and the list read afterwards are the same list.
func sortTemplates(list []Template) {
	slices.SortFunc(list, func(a, b Template) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.Language, b.Language))
	})
}

// reasonOf is a provider error as people read it: the provider's own
// words when the error carries them (meta.GraphError's Reason).
func reasonOf(err error) string {
	var r interface{ Reason() string }
	if errors.As(err, &r) {
		return r.Reason()
	}
	return err.Error()
}

// TemplateTx returns one of the channel's templates as last synced, by
// name and language, read in q (a workflow's step, in its transaction):
// not found when the channel, in the workspace, has none by that name and
// language (never synced, or gone from the provider at the last sync).
func TemplateTx(ctx context.Context, q db.Querier, workspaceID, channelID int64, name, language string) (Template, error) {
	var t Template
	var comps string
	err := q.QueryRow(ctx, `SELECT t.name, t.language, t.status, t.category, t.body, t.params, t.components, t.ref
		FROM channel_templates t JOIN channels c ON c.id = t.channel_id
		WHERE c.workspace_id = ? AND t.channel_id = ? AND t.name = ? AND t.language = ?`,
		workspaceID, channelID, name, language).Scan(&t.Name, &t.Language, &t.Status, &t.Category, &t.Body, &t.Params, &comps, &t.Ref)
	if errors.Is(err, sql.ErrNoRows) {
		return Template{}, &apperr.Error{Kind: apperr.KindNotFound,
			Message: fmt.Sprintf("channel %d has no template %q in %s (sync its templates in Settings → Channels)", channelID, name, language)}
	}
	if err != nil {
		return Template{}, fmt.Errorf("channel: template: %w", err)
	}
	t.Components = json.RawMessage(comps)
	return t, nil
}
