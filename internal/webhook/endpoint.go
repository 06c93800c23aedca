package webhook

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/netguard"
)

// Bounds of an endpoint's fields.
const (
	MaxURLLen         = 2000
	MaxDescriptionLen = 500
	// MaxEndpoints bounds a workspace's endpoints.
	MaxEndpoints = 50
)

// secretAAD binds a sealed secret to its use.
var secretAAD = []byte("webhook endpoint secret")

// Input creates or changes an endpoint; on update, fields left out are
// unchanged. Turning an endpoint back on clears why it was disabled.
type Input struct {
	URL         *string   `json:"url,omitempty"`
	Description *string   `json:"description,omitempty"`
	EventTypes  *[]string `json:"event_types,omitempty"` // subscription names, at least one (see EventTypes)
	Enabled     *bool     `json:"enabled,omitempty"`
}

// newSecret returns a fresh signing secret: "whsec_" and 32 random bytes
// in hex. The whole text is the HMAC key.
func newSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return "whsec_" + hex.EncodeToString(b)
}

// validate checks in's fields that are set.
func (s *Service) validate(ctx context.Context, in Input) error {
	if in.URL != nil {
		u := strings.TrimSpace(*in.URL)
		*in.URL = u
		if err := limit.Text("url", u, MaxURLLen); err != nil {
			return err
		}
		parsed, err := url.Parse(u)
		if u == "" || err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Host == "" {
			return apperr.Invalid("url", "must be an http:// or https:// URL")
		}
		var denied *netguard.DeniedError
		if err := s.opts.Guard.CheckDestination(ctx, u); errors.As(err, &denied) {
			return apperr.Invalid("url", "%s", denied.Reason())
		} else if err != nil {
			return apperr.Invalid("url", "must be an http:// or https:// URL")
		}
	}
	if in.Description != nil {
		if err := limit.Text("description", *in.Description, MaxDescriptionLen); err != nil {
			return err
		}
	}
	if in.EventTypes != nil {
		if len(*in.EventTypes) == 0 {
			return apperr.Invalid("event_types", "choose at least one event type")
		}
		seen := map[string]bool{}
		for _, t := range *in.EventTypes {
			if !slices.Contains(EventTypes, t) {
				return apperr.Invalid("event_types", "unknown event type %q; known: %s", limit.Clip(t, 64), strings.Join(EventTypes, ", "))
			}
			if seen[t] {
				return apperr.Invalid("event_types", "%q is listed twice", t)
			}
			seen[t] = true
		}
	}
	return nil
}

// sortTypes keeps subscription names in the order of EventTypes.
func sortTypes(types []string) []string {
	out := slices.Clone(types)
	slices.SortFunc(out, func(a, b string) int { return slices.Index(EventTypes, a) - slices.Index(EventTypes, b) })
	return out
}

// Create adds an endpoint to the workspace, enabled, with a new secret,
// which the answer holds (the only time it is shown, but for Rotate).
func (s *Service) Create(ctx context.Context, workspaceID int64, in Input) (Endpoint, error) {
	if in.URL == nil {
		return Endpoint{}, apperr.Invalid("url", "is required")
	}
	if in.EventTypes == nil {
		return Endpoint{}, apperr.Invalid("event_types", "choose at least one event type")
	}
	if err := s.validate(ctx, in); err != nil {
		return Endpoint{}, err
	}
	desc := ""
	if in.Description != nil {
		desc = *in.Description
	}
	enabled := in.Enabled == nil || *in.Enabled
	sec := newSecret()
	var id int64
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM webhook_endpoints WHERE workspace_id = ?`, workspaceID).Scan(&n); err != nil {
			return err
		}
		if n >= MaxEndpoints {
			return apperr.Conflict("a workspace has at most %d webhook endpoints", MaxEndpoints)
		}
		now := tx.Now()
		return tx.QueryRow(ctx, `INSERT INTO webhook_endpoints (workspace_id, url, description, event_types, secret, enabled, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, workspaceID, *in.URL, desc, strings.Join(sortTypes(*in.EventTypes), ","),
			s.seal(sec), db.Bool(enabled), now, now).Scan(&id)
	})
	if err != nil {
		return Endpoint{}, err
	}
	ep, err := s.Get(ctx, workspaceID, id)
	ep.Secret = sec
	return ep, err
}

// Update changes the fields of in that are set.
func (s *Service) Update(ctx context.Context, workspaceID, id int64, in Input) (Endpoint, error) {
	if err := s.validate(ctx, in); err != nil {
		return Endpoint{}, err
	}
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		sets, args := []string{"updated_at = ?"}, []any{tx.Now()}
		if in.URL != nil {
			sets, args = append(sets, "url = ?"), append(args, *in.URL)
		}
		if in.Description != nil {
			sets, args = append(sets, "description = ?"), append(args, *in.Description)
		}
		if in.EventTypes != nil {
			sets, args = append(sets, "event_types = ?"), append(args, strings.Join(sortTypes(*in.EventTypes), ","))
		}
		if in.Enabled != nil {
			sets, args = append(sets, "enabled = ?"), append(args, db.Bool(*in.Enabled))
			if *in.Enabled {
				// Back on: healthy again, and what waited goes out now. Only
				// when it was off (the right sides read the row before the
				// update): the settings form sends enabled: true with every
				// save, and an edit must not restart a failing streak, or an
				// endpoint edited now and then would never be disabled.
				sets = append(sets, "disabled_reason = CASE WHEN enabled = 0 THEN '' ELSE disabled_reason END",
					"failing_since = CASE WHEN enabled = 0 THEN 0 ELSE failing_since END")
				tx.Due(DueKind, 0)
			}
		}
		res, err := tx.Exec(ctx, `UPDATE webhook_endpoints SET `+strings.Join(sets, ", ")+` WHERE id = ? AND workspace_id = ?`,
			append(args, id, workspaceID)...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.NotFound("webhook endpoint")
		}
		return nil
	})
	if err != nil {
		return Endpoint{}, err
	}
	return s.Get(ctx, workspaceID, id)
}

// Delete removes an endpoint and its deliveries.
func (s *Service) Delete(ctx context.Context, workspaceID, id int64) error {
	return s.db.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM webhook_deliveries WHERE endpoint_id = ? AND workspace_id = ?`, id, workspaceID); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `DELETE FROM webhook_endpoints WHERE id = ? AND workspace_id = ?`, id, workspaceID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.NotFound("webhook endpoint")
		}
		return nil
	})
}

// Rotate gives the endpoint a new secret, returned in the answer; the old
// one stops signing at once.
func (s *Service) Rotate(ctx context.Context, workspaceID, id int64) (Endpoint, error) {
	sec := newSecret()
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE webhook_endpoints SET secret = ?, updated_at = ? WHERE id = ? AND workspace_id = ?`,
			s.seal(sec), tx.Now(), id, workspaceID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.NotFound("webhook endpoint")
		}
		return nil
	})
	if err != nil {
		return Endpoint{}, err
	}
	ep, err := s.Get(ctx, workspaceID, id)
	ep.Secret = sec
	return ep, err
}

const endpointColumns = `id, url, description, event_types, enabled, disabled_reason, failing_since, created_at, updated_at`

func scanEndpoint(rows interface{ Scan(...any) error }) (Endpoint, error) {
	var e Endpoint
	var types string
	var enabled int
	var failing, created, updated int64
	err := rows.Scan(&e.ID, &e.URL, &e.Description, &types, &enabled, &e.DisabledReason, &failing, &created, &updated)
	e.EventTypes = []string{}
	if types != "" {
		e.EventTypes = strings.Split(types, ",")
	}
	e.Enabled = enabled != 0
	if failing != 0 {
		e.FailingSince = db.Time(failing)
	}
	e.CreatedAt, e.UpdatedAt = db.Time(created), db.Time(updated)
	return e, err
}

// Get returns an endpoint of the workspace, without its secret.
func (s *Service) Get(ctx context.Context, workspaceID, id int64) (Endpoint, error) {
	e, err := scanEndpoint(s.db.Reader().QueryRow(ctx, `SELECT `+endpointColumns+` FROM webhook_endpoints WHERE id = ? AND workspace_id = ?`,
		id, workspaceID))
	if errors.Is(err, sql.ErrNoRows) {
		return e, apperr.NotFound("webhook endpoint")
	}
	if err != nil {
		return e, fmt.Errorf("webhook: get endpoint: %w", err)
	}
	return e, nil
}

// List returns the workspace's endpoints, oldest first (at most
// MaxEndpoints, so never paged).
func (s *Service) List(ctx context.Context, workspaceID int64) ([]Endpoint, error) {
	rows, err := s.db.Reader().Query(ctx, `SELECT `+endpointColumns+` FROM webhook_endpoints WHERE workspace_id = ? ORDER BY id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("webhook: list endpoints: %w", err)
	}
	return db.Collect(rows, func(rows *sql.Rows) (Endpoint, error) { return scanEndpoint(rows) })
}

// seal seals a secret for storage, when the service has keys.
func (s *Service) seal(sec string) string {
	if s.opts.Keys == nil {
		return sec
	}
	return s.opts.Keys.Seal([]byte(sec), secretAAD)
}

// open returns a stored secret in clear.
func (s *Service) open(stored string) (string, error) {
	if s.opts.Keys == nil || !secretIsSealed(stored) {
		return stored, nil
	}
	b, err := s.opts.Keys.Open(stored, secretAAD)
	if err != nil {
		return "", fmt.Errorf("webhook: open secret: %w", err)
	}
	return string(b), nil
}

func secretIsSealed(s string) bool { return !strings.HasPrefix(s, "whsec_") }
