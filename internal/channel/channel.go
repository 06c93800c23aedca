// Package channel holds the messaging channels of a workspace and the
// interface each provider package (custom/, later telegram/, whatsapp/…)
// implements to send messages out.
package channel

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/netguard"
)

// Types of channel this build knows.
const (
	TypeCustom = "custom"
)

// Channel is a connection to one messaging provider account.
type Channel struct {
	ID          int64           `json:"id"`
	WorkspaceID int64           `json:"workspace_id"`
	Type        string          `json:"type"`
	Name        string          `json:"name"`
	Token       string          `json:"token,omitempty"` // shared secret; shown to owners and managers only
	Config      json.RawMessage `json:"config"`
	CreatedAt   time.Time       `json:"created_at"`
}

// CustomConfig is the configuration of a custom channel.
type CustomConfig struct {
	// BaseURL is where outbound messages go: Switchboard POSTs to BaseURL + "/message".
	BaseURL string `json:"base_url"`
}

// Input creates or updates a channel.
type Input struct {
	Type   string          `json:"type"`
	Name   string          `json:"name"`
	Config json.RawMessage `json:"config"`
}

// Service reads and writes channels.
type Service struct {
	db     *db.DB
	cache  sync.Map // id -> cached: channels as webhooks see them
	tokens sync.Map // sha256 of a token -> the id of its channel
	guard  *netguard.Guard
}

// cacheTTL bounds how long a webhook may authenticate against a channel
// read earlier. Every webhook needs its channel; reading it from the store
// each time was 8% of the ingest path's CPU. Changes made on this node
// evict at once; another node's change is seen within the TTL.
const cacheTTL = 5 * time.Second

type cached struct {
	ch      Channel
	fetched time.Time
}

// New returns a Service on d.
func New(d *db.DB) *Service { return &Service{db: d} }

// The longest values of a channel, in characters (docs/api.md, "Limits").
const (
	MaxNameLen    = limit.Name // a channel's name
	MaxBaseURLLen = limit.URL  // a custom channel's base_url
)

// SetGuard makes saving a channel refuse a base URL whose host is a
// literal address the node's guard refuses (a host name is checked when
// messages are sent). Without a guard only the scheme is checked; sends
// are guarded either way. Call it before the service is used.
func (s *Service) SetGuard(g *netguard.Guard) { s.guard = g }

// validate checks and normalises in; guard, when not nil, vets the
// addresses it names.
func validate(in *Input, guard *netguard.Guard) error {
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		return apperr.Invalid("name", "is required")
	}
	if err := limit.Text("name", in.Name, MaxNameLen); err != nil {
		return err
	}
	if len(in.Config) == 0 {
		in.Config = json.RawMessage(`{}`)
	}
	switch in.Type {
	case TypeCustom:
		var c CustomConfig
		// A config member this type does not have is a mistake (a
		// misspelt base_url), not something to drop without a word.
		dec := json.NewDecoder(bytes.NewReader(in.Config))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			return apperr.Invalid("config", "must be an object of the channel's settings: %v", strings.TrimPrefix(err.Error(), "json: "))
		}
		if err := limit.Text("config.base_url", c.BaseURL, MaxBaseURLLen); err != nil {
			return err
		}
		u, err := url.Parse(c.BaseURL)
		if c.BaseURL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return apperr.Invalid("config.base_url", "must be an http(s) URL")
		}
		if guard != nil {
			var denied *netguard.DeniedError
			if err := guard.CheckURL(c.BaseURL); errors.As(err, &denied) {
				return apperr.Invalid("config.base_url", "%s", denied.Reason())
			} else if err != nil {
				return apperr.Invalid("config.base_url", "must be an http(s) URL")
			}
		}
		c.BaseURL = strings.TrimRight(c.BaseURL, "/")
		in.Config, _ = json.Marshal(c)
	default:
		return apperr.Invalid("type", "unknown channel type %q (supported: custom)", in.Type)
	}
	return nil
}

// Create adds a channel with a fresh token.
func (s *Service) Create(ctx context.Context, workspaceID int64, in Input) (Channel, error) {
	if err := validate(&in, s.guard); err != nil {
		return Channel{}, err
	}
	b := make([]byte, 24)
	rand.Read(b)
	c := Channel{WorkspaceID: workspaceID, Type: in.Type, Name: in.Name, Token: base64.RawURLEncoding.EncodeToString(b),
		Config: in.Config, CreatedAt: db.Time(s.db.Now())}
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO channels (workspace_id, type, name, token, config, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			workspaceID, c.Type, c.Name, c.Token, string(c.Config), db.Millis(c.CreatedAt)).Scan(&c.ID)
	})
	if err != nil {
		return Channel{}, fmt.Errorf("channel: create: %w", err)
	}
	return c, nil
}

const columns = `id, workspace_id, type, name, token, config, created_at`

func scan(row interface{ Scan(...any) error }) (Channel, error) {
	var c Channel
	var cfg string
	var created int64
	err := row.Scan(&c.ID, &c.WorkspaceID, &c.Type, &c.Name, &c.Token, &cfg, &created)
	c.Config, c.CreatedAt = json.RawMessage(cfg), db.Time(created)
	return c, err
}

// Get returns a channel of the workspace.
func (s *Service) Get(ctx context.Context, workspaceID, id int64) (Channel, error) {
	c, err := Lookup(ctx, s.db.Reader(), id)
	if err == nil && c.WorkspaceID != workspaceID {
		return Channel{}, apperr.NotFound("channel")
	}
	return c, err
}

// Lookup returns a channel by id alone, for webhooks, which authenticate
// with the channel's own token rather than a workspace's. It may answer
// from a cache up to cacheTTL old.
func (s *Service) Lookup(ctx context.Context, id int64) (Channel, error) {
	if v, ok := s.cache.Load(id); ok && time.Since(v.(cached).fetched) < cacheTTL {
		return v.(cached).ch, nil
	}
	c, err := Lookup(ctx, s.db.Reader(), id)
	if err == nil {
		s.cache.Store(id, cached{ch: c, fetched: time.Now()})
	}
	return c, err
}

// ByToken returns the channel of type typ whose token is token, for a
// webhook URL that does not name its channel: the token says which it is,
// and is checked before the request's body is read. Any miss is
// apperr.Unauthorized.
//
// A channel's token never changes, so which channel a token belongs to is
// remembered (by the token's digest, for the channels that received a
// webhook); the channel itself comes from Lookup, and its token is
// compared in constant time as authorize does for the path URL. An
// unknown token is looked up in the store every time: channels has no
// index on token, and the scan of a table this small costs little and
// takes as long whatever part of a guessed token is right.
func (s *Service) ByToken(ctx context.Context, typ, token string) (Channel, error) {
	if token == "" {
		return Channel{}, apperr.Unauthorized("missing bearer token")
	}
	digest := sha256.Sum256([]byte(token))
	id, known := s.tokens.Load(digest)
	if !known {
		var found int64
		err := s.db.Reader().QueryRow(ctx, `SELECT id FROM channels WHERE token = ? AND type = ?`, token, typ).Scan(&found)
		if errors.Is(err, sql.ErrNoRows) {
			return Channel{}, apperr.Unauthorized("the bearer token is not a " + typ + " channel's token")
		}
		if err != nil {
			return Channel{}, fmt.Errorf("channel: by token: %w", err)
		}
		id = found
	}
	c, err := s.Lookup(ctx, id.(int64))
	if apperr.KindOf(err) == apperr.KindNotFound {
		s.tokens.Delete(digest)
		return Channel{}, apperr.Unauthorized("the bearer token is not a " + typ + " channel's token")
	}
	if err != nil {
		return Channel{}, err
	}
	want := sha256.Sum256([]byte(c.Token))
	if c.Type != typ || subtle.ConstantTimeCompare(digest[:], want[:]) != 1 {
		s.tokens.Delete(digest)
		return Channel{}, apperr.Unauthorized("the bearer token is not a " + typ + " channel's token")
	}
	if !known {
		s.tokens.Store(digest, c.ID)
	}
	return c, nil
}

// Lookup returns a channel by id through q.
func Lookup(ctx context.Context, q db.Querier, id int64) (Channel, error) {
	c, err := scan(q.QueryRow(ctx, `SELECT `+columns+` FROM channels WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Channel{}, apperr.NotFound("channel")
	}
	if err != nil {
		return Channel{}, fmt.Errorf("channel: get: %w", err)
	}
	return c, nil
}

// List returns the workspace's channels.
func (s *Service) List(ctx context.Context, workspaceID int64) ([]Channel, error) {
	rows, err := s.db.Reader().Query(ctx, `SELECT `+columns+` FROM channels WHERE workspace_id = ? ORDER BY id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("channel: list: %w", err)
	}
	return db.Collect(rows, func(rows *sql.Rows) (Channel, error) { return scan(rows) })
}

// Update renames a channel or changes its configuration. The channel is
// read, merged with in and written in one transaction (its row locked on
// PostgreSQL): a rename and a configuration change made at once both
// stay.
func (s *Service) Update(ctx context.Context, workspaceID, id int64, in Input) (Channel, error) {
	var c Channel
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		q := `SELECT ` + columns + ` FROM channels WHERE workspace_id = ? AND id = ?`
		if tx.Dialect() == db.Postgres {
			q += ` FOR UPDATE`
		}
		cur, err := scan(tx.QueryRow(ctx, q, workspaceID, id))
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.NotFound("channel")
		}
		if err != nil {
			return err
		}
		merged := in
		merged.Type = cur.Type
		if merged.Name == "" {
			merged.Name = cur.Name
		}
		// The stored URL is vetted again only when the configuration
		// changes: a rename still works after the operator narrowed the
		// allowed ranges (sends to it are refused all the same).
		guard := s.guard
		if len(merged.Config) == 0 {
			merged.Config, guard = cur.Config, nil
		}
		if err := validate(&merged, guard); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE channels SET name = ?, config = ? WHERE id = ?`, merged.Name, string(merged.Config), id); err != nil {
			return err
		}
		c = cur
		c.Name, c.Config = merged.Name, merged.Config
		return nil
	})
	if apperr.KindOf(err) != "" {
		return Channel{}, err
	}
	if err != nil {
		return Channel{}, fmt.Errorf("channel: update: %w", err)
	}
	s.cache.Delete(id)
	return c, nil
}
