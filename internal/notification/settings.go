package notification

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/sysmail"
)

// Settings are a member's choice of the notifications mailed to them: a
// mention, an assignment or, for an owner, a disabled webhook endpoint
// they have not seen MailDelay after it was made, in their language. A
// member who never chose has DefaultSettings.
type Settings struct {
	MailMentions    bool `json:"mail_mentions"`
	MailAssignments bool `json:"mail_assignments"`
	// MailWebhooks only matters to owners, the only members told of a
	// disabled endpoint.
	MailWebhooks bool   `json:"mail_webhooks"`
	Language     string `json:"language"` // en or fr: the mails' language
}

// DefaultSettings are a member's until they choose: both mails on, as a
// person who is mentioned or handed a conversation while away expects to
// hear of it; what they saw in time is never mailed.
var DefaultSettings = Settings{MailMentions: true, MailAssignments: true, MailWebhooks: true, Language: string(sysmail.English)}

// ErrNoPerson refuses a workspace token, which belongs to no person and
// so has no bell and no settings of it.
var ErrNoPerson = apperr.BadRequest("a workspace token belongs to no user and has no notifications")

// mailColumn is the settings' column that says whether a kind is mailed;
// kinds absent are never mailed.
var mailColumn = map[string]string{KindMention: "mail_mentions", KindAssignment: "mail_assignments", KindWebhookDisabled: "mail_webhooks"}

// GetSettings returns p's settings.
func (s *Service) GetSettings(ctx context.Context, p access.Principal) (Settings, error) {
	if p.UserID == 0 {
		return Settings{}, ErrNoPerson
	}
	set := DefaultSettings
	var mentions, assignments, webhooks int
	err := s.db.Reader().QueryRow(ctx, `SELECT mail_mentions, mail_assignments, mail_webhooks, language FROM notification_settings WHERE user_id = ?`, p.UserID).
		Scan(&mentions, &assignments, &webhooks, &set.Language)
	if errors.Is(err, sql.ErrNoRows) {
		return set, nil
	}
	if err != nil {
		return Settings{}, fmt.Errorf("notification: settings: %w", err)
	}
	set.MailMentions, set.MailAssignments, set.MailWebhooks = mentions == 1, assignments == 1, webhooks == 1
	return set, nil
}

// SetSettings replaces p's settings with in and returns them. The
// language must be one the node writes its mail in.
func (s *Service) SetSettings(ctx context.Context, p access.Principal, in Settings) (Settings, error) {
	if p.UserID == 0 {
		return Settings{}, ErrNoPerson
	}
	if !slices.Contains(sysmail.Languages, sysmail.Language(in.Language)) {
		return Settings{}, apperr.Invalid("language", "must be en or fr")
	}
	err := s.db.WriteConcurrent(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO notification_settings (user_id, mail_mentions, mail_assignments, mail_webhooks, language) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (user_id) DO UPDATE SET mail_mentions = excluded.mail_mentions, mail_assignments = excluded.mail_assignments,
				mail_webhooks = excluded.mail_webhooks, language = excluded.language`,
			p.UserID, db.Bool(in.MailMentions), db.Bool(in.MailAssignments), db.Bool(in.MailWebhooks), in.Language)
		return err
	})
	if err != nil {
		return Settings{}, fmt.Errorf("notification: set settings: %w", err)
	}
	return in, nil
}
