// Package workspace holds the tenants and the people in them: workspaces,
// accounts (a person's sign-in, for every workspace they work in), users
// (an account's membership of one workspace) and their roles, teams, and
// the API tokens and sessions that authenticate callers.
package workspace

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/secret"
)

// Closing-notes modes: whether closing a conversation needs a category
// and a summary.
const (
	NotesOptional         = "optional"
	NotesCategoryRequired = "category_required"
	NotesBothRequired     = "both_required"
)

// Workspace is a tenant; nothing crosses workspaces.
type Workspace struct {
	ID               int64  `json:"id"`
	Name             string `json:"name"`
	Timezone         string `json:"timezone"`
	ClosingNotesMode string `json:"closing_notes_mode"`
	// AutoCloseMinutes closes a conversation after that long (0: never):
	// without a message in mode inactivity (AutoCloseContactOnly counts
	// only the contact's), without the contact's reply to a person's
	// message in mode awaiting_contact (see AutoCloseMode).
	AutoCloseMinutes     int    `json:"auto_close_minutes"`
	AutoCloseContactOnly bool   `json:"auto_close_contact_only"`
	AutoCloseMode        string `json:"auto_close_mode"`
	// BusinessHours are when the workspace is open, per weekday, in its
	// time zone; an empty object when they were never set.
	BusinessHours BusinessHours `json:"business_hours"`
	// Permissions are what each restrictable role (agent, manager) may do:
	// the owners' setting, else the defaults.
	Permissions map[string]access.Permissions `json:"permissions"`
	// RequireTwoFactor: every member's sessions reach only their account
	// page until they turn two-factor sign-in on (owners set it).
	RequireTwoFactor bool `json:"require_two_factor"`
	// SatisfactionSurvey: whether closed conversations ask the contact
	// for a rating (internal/satisfaction), and in what words.
	SatisfactionSurvey Survey    `json:"satisfaction_survey"`
	CreatedAt          time.Time `json:"created_at"`
}

// Service reads and writes workspaces, users, teams and tokens.
type Service struct {
	db      *db.DB
	clock   clock.Clock
	lastUse sync.Map // token id -> when its last_used_at was last written (ms)
	hasher  *hasher
	limits  *signInLimits
	resets  *signInLimits // requests for a password-reset link
	invites *inviteMailLimits
	keys    *secret.Keyring // seals authenticators' keys (two_factor.go)
}

// New returns a Service on d with the default options.
func New(d *db.DB) *Service { return NewWithOptions(d, Options{}) }

// NewWithOptions returns a Service on d configured by opts.
func NewWithOptions(d *db.DB, opts Options) *Service {
	if opts.Clock == nil {
		opts.Clock = d.Clock() // the node's clock, which its rows are stamped with
	}
	opts = opts.withDefaults()
	return &Service{db: d, clock: opts.Clock, hasher: newHasher(opts), limits: newSignInLimits(opts), resets: newResetLimits(opts),
		invites: newInviteMailLimits(opts.Clock), keys: opts.Keys}
}

// Create makes a workspace with the default lifecycle stages.
func (s *Service) Create(ctx context.Context, name, timezone string) (Workspace, error) {
	name = strings.TrimSpace(name)
	if err := checkName(name); err != nil {
		return Workspace{}, err
	}
	if timezone == "" {
		timezone = "UTC"
	}
	if err := checkTimezone(timezone); err != nil {
		return Workspace{}, err
	}
	w := Workspace{Name: name, Timezone: timezone, ClosingNotesMode: NotesOptional, CreatedAt: db.Time(s.db.Now()), BusinessHours: BusinessHours{},
		Permissions: rolePermissions{}.effective()}
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO workspaces (name, timezone, closing_notes_mode, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
			w.Name, w.Timezone, w.ClosingNotesMode, db.Millis(w.CreatedAt)).Scan(&w.ID); err != nil {
			return fmt.Errorf("workspace: create: %w", err)
		}
		// Respond.io's default stages; the first is given to new contacts.
		for i, stage := range []struct {
			name string
			lost bool
		}{{"New Lead", false}, {"Hot Lead", false}, {"Payment", false}, {"Customer", false}, {"Cold Lead", true}} {
			if _, err := tx.Exec(ctx, `INSERT INTO lifecycle_stages (workspace_id, name, position, is_default, is_lost) VALUES (?, ?, ?, ?, ?)`,
				w.ID, stage.name, i, db.Bool(i == 0), db.Bool(stage.lost)); err != nil {
				return fmt.Errorf("workspace: create lifecycle stages: %w", err)
			}
		}
		return nil
	})
	return w, err
}

// Get returns the workspace with id.
func (s *Service) Get(ctx context.Context, id int64) (Workspace, error) {
	var w Workspace
	var created, autoClose int64
	var contactOnly, require2FA int
	var surveyOn int
	var perms, hours string
	err := s.db.Reader().QueryRow(ctx, `SELECT id, name, timezone, closing_notes_mode, auto_close_ms, auto_close_contact_only,
		auto_close_mode, role_permissions, business_hours, require_two_factor, survey_enabled, survey_message, created_at
		FROM workspaces WHERE id = ?`, id).
		Scan(&w.ID, &w.Name, &w.Timezone, &w.ClosingNotesMode, &autoClose, &contactOnly, &w.AutoCloseMode, &perms, &hours, &require2FA,
			&surveyOn, &w.SatisfactionSurvey.Message, &created)
	w.RequireTwoFactor = require2FA == 1
	w.SatisfactionSurvey.Enabled = surveyOn == 1
	w.SatisfactionSurvey = w.SatisfactionSurvey.withDefault()
	w.BusinessHours = parseBusinessHours(hours)
	w.AutoCloseMinutes, w.AutoCloseContactOnly = int(autoClose/60000), contactOnly == 1
	if errors.Is(err, sql.ErrNoRows) {
		return Workspace{}, apperr.NotFound("workspace")
	}
	if err != nil {
		return Workspace{}, fmt.Errorf("workspace: get: %w", err)
	}
	w.CreatedAt = db.Time(created)
	w.Permissions = parseRolePermissions(perms).effective()
	return w, nil
}

// Settings is a partial update of a workspace; nil fields are unchanged.
type Settings struct {
	Name             *string `json:"name"`
	Timezone         *string `json:"timezone"`
	ClosingNotesMode *string `json:"closing_notes_mode"`
	// AutoCloseMinutes is 0 (off) or 30 to 20160 (14 days).
	AutoCloseMinutes     *int  `json:"auto_close_minutes"`
	AutoCloseContactOnly *bool `json:"auto_close_contact_only"`
	// AutoCloseMode is inactivity or awaiting_contact (AutoCloseModes).
	// AutoCloseContactOnly is kept in awaiting_contact mode but has no
	// effect there: it applies again if the workspace goes back.
	AutoCloseMode *string `json:"auto_close_mode"`
	// BusinessHours replaces the business hours (days left out are
	// closed); see BusinessHours.
	BusinessHours *BusinessHours `json:"business_hours"`
	// Permissions sets, by role (agent, manager), what members of that
	// role may do; null puts a role back to the defaults. Roles not named
	// are unchanged.
	Permissions map[string]*PermissionsInput `json:"permissions"`
	// RequireTwoFactor requires two-factor sign-in of every member
	// (owners only; one who turns it on must have it on themselves).
	RequireTwoFactor *bool `json:"require_two_factor"`
	// SatisfactionSurvey turns the survey on or off and sets its words.
	SatisfactionSurvey *SurveyInput `json:"satisfaction_survey"`
}

// Update changes a workspace's settings. Only the given fields are
// written, in one statement: concurrent changes of different settings
// never undo each other.
func (s *Service) Update(ctx context.Context, id int64, in Settings) (Workspace, error) {
	if in.Name != nil {
		name := strings.TrimSpace(*in.Name)
		if err := checkName(name); err != nil {
			return Workspace{}, err
		}
		in.Name = &name
	}
	if in.Timezone != nil {
		if err := checkTimezone(*in.Timezone); err != nil {
			return Workspace{}, err
		}
	}
	if in.ClosingNotesMode != nil {
		switch *in.ClosingNotesMode {
		case NotesOptional, NotesCategoryRequired, NotesBothRequired:
		default:
			return Workspace{}, apperr.Invalid("closing_notes_mode", "must be optional, category_required or both_required")
		}
	}
	if m := in.AutoCloseMinutes; m != nil && *m != 0 && (*m < MinAutoCloseMinutes || *m > MaxAutoCloseMinutes) {
		return Workspace{}, apperr.Invalid("auto_close_minutes", "must be 0 (off) or from %d to %d", MinAutoCloseMinutes, MaxAutoCloseMinutes)
	}
	if m := in.AutoCloseMode; m != nil && *m != AutoCloseInactivity && *m != AutoCloseAwaitingContact {
		return Workspace{}, apperr.Invalid("auto_close_mode", "must be %s or %s", AutoCloseInactivity, AutoCloseAwaitingContact)
	}
	var hours *string
	if in.BusinessHours != nil {
		if err := in.BusinessHours.validate(); err != nil {
			return Workspace{}, err
		}
		hours = new(string)
		*hours = in.BusinessHours.encode()
	}
	surveyOn, surveyMessage, err := in.SatisfactionSurvey.columns()
	if err != nil {
		return Workspace{}, err
	}
	var autoCloseMs, contactOnly, require2FA *int64
	if in.RequireTwoFactor != nil {
		require2FA = new(int64)
		*require2FA = int64(db.Bool(*in.RequireTwoFactor))
	}
	if in.AutoCloseMinutes != nil {
		autoCloseMs = new(int64)
		*autoCloseMs = int64(*in.AutoCloseMinutes) * 60000
	}
	if in.AutoCloseContactOnly != nil {
		contactOnly = new(int64)
		*contactOnly = int64(db.Bool(*in.AutoCloseContactOnly))
	}
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE workspaces SET name = COALESCE(?, name), timezone = COALESCE(?, timezone),
			closing_notes_mode = COALESCE(?, closing_notes_mode), auto_close_ms = COALESCE(?, auto_close_ms),
			auto_close_contact_only = COALESCE(?, auto_close_contact_only), auto_close_mode = COALESCE(?, auto_close_mode),
			business_hours = COALESCE(?, business_hours), require_two_factor = COALESCE(?, require_two_factor),
			survey_enabled = COALESCE(?, survey_enabled), survey_message = COALESCE(?, survey_message) WHERE id = ?`,
			in.Name, in.Timezone, in.ClosingNotesMode, autoCloseMs, contactOnly, in.AutoCloseMode, hours, require2FA,
			surveyOn, surveyMessage, id)
		if err != nil {
			return err
		}
		if err := db.Affected(res, "workspace"); err != nil {
			return err
		}
		if autoCloseMs != nil || contactOnly != nil || in.AutoCloseMode != nil {
			if err := rearmAutoClose(ctx, tx, id); err != nil {
				return err
			}
		}
		return setRolePermissions(ctx, tx, id, in.Permissions)
	})
	if apperr.KindOf(err) != "" {
		return Workspace{}, err
	}
	if err != nil {
		return Workspace{}, fmt.Errorf("workspace: update: %w", err)
	}
	return s.Get(ctx, id)
}

// checkName validates a workspace's name, trimmed as a user's and a
// team's are: one of only spaces is no name.
func checkName(name string) error {
	if name == "" {
		return apperr.Invalid("name", "is required")
	}
	return limit.Text("name", name, MaxNameLen)
}

// checkTimezone validates a workspace's time zone: an IANA name
// (clock.Zone).
func checkTimezone(tz string) error {
	if err := limit.Text("timezone", tz, MaxTimezoneLen); err != nil {
		return err
	}
	if _, err := clock.Zone(tz); err != nil {
		return apperr.Invalid("timezone", "unknown time zone %q: use an IANA name such as Europe/Paris or UTC", tz)
	}
	return nil
}
