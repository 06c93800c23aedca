// Package channel holds the messaging channels of a workspace, the
// Provider interface each channel type implements (custom/, later
// telegram/, whatsapp/…) and the Registry the node builds of them. It
// knows no channel type's configuration: the provider's schema says which
// fields are secret, and this package seals those at rest.
package channel

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/page"
	"github.com/switchboard-chat/switchboard/internal/secret"
)

// TypeCustom is the custom channel's type (internal/channel/custom), named
// here for the tests of packages that need a channel row but cannot
// import the provider.
const TypeCustom = "custom"

// Channel is a connection to one messaging provider account.
type Channel struct {
	ID          int64  `json:"id"`
	WorkspaceID int64  `json:"workspace_id"`
	Type        string `json:"type"`
	Name        string `json:"name"`
	// Config holds the public fields of the configuration; secret fields
	// are in SecretConfig.
	Config json.RawMessage `json:"config"`
	// Secrets says which secrets are set without showing them: "token"
	// with the token's last four characters, each secret config field
	// with "set".
	Secrets   map[string]string `json:"secrets"`
	CreatedAt time.Time         `json:"created_at"`
	// WebhookURL is where the provider delivers this channel's webhooks,
	// to paste into the provider's settings (empty for a type without
	// inbound webhooks; a path alone when the node has no public URL).
	WebhookURL string `json:"webhook_url,omitempty"`
	// Templates says the channel has pre-approved message templates
	// (its provider's TemplateSyncer): Settings offers to sync them, and
	// a template message may be sent on it.
	Templates bool `json:"templates"`
	// Connection, in the answer to a save, is what became of registering
	// the channel with its provider (Connector); absent otherwise.
	Connection *Connection `json:"connection,omitempty"`

	// Token is the channel's webhook token, made by Switchboard: the
	// custom channel's bearer token (later: Telegram's secret-token
	// header, WhatsApp's verify token). Sealed at rest, never encoded:
	// the API shows it once, on create and on rotation.
	Token string `json:"-"`
	// SecretConfig holds the values of the configuration's secret fields
	// (Schema.Secrets). Sealed at rest, never encoded.
	SecretConfig map[string]string `json:"-"`
}

// Secret returns the value of a secret configuration field, or "".
func (c Channel) Secret(name string) string { return c.SecretConfig[name] }

// Input creates or updates a channel.
type Input struct {
	Type   string          `json:"type"`
	Name   string          `json:"name"`
	Config json.RawMessage `json:"config"`
}

// Options build a Service.
type Options struct {
	// Registry holds the channel types; nil makes a bare service that
	// stores any type with its configuration unchecked, for the tests of
	// packages that need a channel row. A node always has one.
	Registry *Registry
	// Keys seals secrets at rest; nil stores them in plaintext (a bare
	// service again). A node always has keys: app refuses to start
	// without.
	Keys *secret.Keyring
	// Guard: see SetGuard.
	Guard *netguard.Guard
	// PublicURL is the node's address as providers reach it: a channel's
	// webhook URL starts with it, and a Connector is handed it on save.
	PublicURL string
}

// Service reads and writes channels.
type Service struct {
	db     *db.DB
	reg    *Registry
	keys   *secret.Keyring
	cache  sync.Map // id -> cached: channels as webhooks see them
	tokens sync.Map // sha256 of a token -> the id of its channel
	syncs  sync.Map // id -> *templateSyncs: the reported changes' syncs
	guard  *netguard.Guard
	// publicURL: see Options.PublicURL.
	publicURL string
}

// cacheTTL bounds how long a webhook may authenticate against a channel
// read earlier. Every webhook needs its channel; reading it from the store
// each time was 8% of the ingest path's CPU. Changes made on this node
// evict at once; another node's change (a rotated token too) is seen
// within the TTL.
const cacheTTL = 5 * time.Second

type cached struct {
	ch      Channel
	fetched time.Time
}

// New returns a bare Service on d (see Options.Registry).
func New(d *db.DB) *Service { return NewWithOptions(d, Options{}) }

// NewWithOptions returns a Service on d.
func NewWithOptions(d *db.DB, o Options) *Service {
	return &Service{db: d, reg: o.Registry, keys: o.Keys, guard: o.Guard, publicURL: o.PublicURL}
}

// Registry returns the service's registry (nil for a bare service).
func (s *Service) Registry() *Registry { return s.reg }

// MaxNameLen is the longest channel name, in characters (docs/api.md, "Limits").
const MaxNameLen = limit.Name

// SetGuard makes saving a channel refuse a URL whose host is a literal
// address the node's guard refuses (a host name is checked when messages
// are sent); providers check the URLs they will call. Call it before the
// service is used.
func (s *Service) SetGuard(g *netguard.Guard) { s.guard = g }

// validate checks and normalises in, whose Config holds public and
// secret fields together, for the channel id (0: a new one); guard, when
// not nil, vets the addresses it names.
func (s *Service) validate(in *Input, id int64, guard *netguard.Guard) error {
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
	if s.reg == nil {
		var obj map[string]json.RawMessage
		if json.Unmarshal(in.Config, &obj) != nil || obj == nil {
			return apperr.Invalid("config", "must be an object of the channel's settings")
		}
		return nil
	}
	p, ok := s.reg.Provider(in.Type)
	if !ok {
		return s.reg.unknownType(in.Type)
	}
	cfg, err := p.Validate(in.Config, Check{Guard: guard, ChannelID: id})
	if err != nil {
		return err
	}
	in.Config = cfg
	return nil
}

// Check returns the error Create would refuse in with, writing nothing:
// a caller that writes other rows first (the demo's workspace) checks the
// channel before them, so that a refused channel leaves nothing behind.
func (s *Service) Check(in Input) error { return s.validate(&in, 0, s.guard) }

// newToken makes a webhook token: 24 random bytes, base64url.
func newToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Create adds a channel with a fresh token. The channel returned holds
// the token; it is never shown again.
func (s *Service) Create(ctx context.Context, workspaceID int64, in Input) (Channel, error) {
	if err := s.validate(&in, 0, s.guard); err != nil {
		return Channel{}, err
	}
	public, secrets, err := s.split(in.Type, in.Config)
	if err != nil {
		return Channel{}, err
	}
	c := Channel{WorkspaceID: workspaceID, Type: in.Type, Name: in.Name, Token: newToken(),
		Config: public, SecretConfig: secrets, CreatedAt: db.Time(s.db.Now())}
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO channels (workspace_id, type, name, token, config, created_at) VALUES (?, ?, ?, '', ?, ?) RETURNING id`,
			workspaceID, c.Type, c.Name, string(c.Config), db.Millis(c.CreatedAt)).Scan(&c.ID)
		if err != nil {
			return err
		}
		// Sealed once the id is known: it is bound to the row.
		return s.writeSecrets(ctx, tx, c)
	})
	if err != nil {
		return Channel{}, fmt.Errorf("channel: create: %w", err)
	}
	c.Secrets, c.WebhookURL = hints(c), s.webhookURL(c)
	c.Templates = s.syncerOf(c) != nil
	c.Connection = s.connect(ctx, c)
	return c, nil
}

const columns = `id, workspace_id, type, name, token, secrets, config, created_at`

// scan reads a row and opens its secrets.
func (s *Service) scan(row interface{ Scan(...any) error }) (Channel, error) {
	var c Channel
	var cfg, token, secrets string
	var created int64
	if err := row.Scan(&c.ID, &c.WorkspaceID, &c.Type, &c.Name, &token, &secrets, &cfg, &created); err != nil {
		return c, err
	}
	c.Config, c.CreatedAt = json.RawMessage(cfg), db.Time(created)
	if err := s.open(&c, token, secrets); err != nil {
		return Channel{}, err
	}
	c.Secrets, c.WebhookURL = hints(c), s.webhookURL(c)
	c.Templates = s.syncerOf(c) != nil
	return c, nil
}

// Get returns a channel of the workspace.
func (s *Service) Get(ctx context.Context, workspaceID, id int64) (Channel, error) {
	c, err := s.get(ctx, s.db.Reader(), id)
	if err == nil && c.WorkspaceID != workspaceID {
		return Channel{}, apperr.NotFound("channel")
	}
	return c, err
}

// Lookup returns a channel by id alone, for webhooks, which authenticate
// with the channel's own token rather than a workspace's, and for the
// outbound dispatcher. It may answer from a cache up to cacheTTL old.
func (s *Service) Lookup(ctx context.Context, id int64) (Channel, error) {
	if v, ok := s.cache.Load(id); ok && time.Since(v.(cached).fetched) < cacheTTL {
		return v.(cached).ch, nil
	}
	c, err := s.get(ctx, s.db.Reader(), id)
	if err == nil {
		s.cache.Store(id, cached{ch: c, fetched: time.Now()})
	}
	return c, err
}

// Read returns a channel by id alone, from the store (never the cache):
// for the outbound dispatcher, which must send to the configuration as it
// is now.
func (s *Service) Read(ctx context.Context, id int64) (Channel, error) {
	return s.get(ctx, s.db.Reader(), id)
}

// get reads a channel by id through q.
func (s *Service) get(ctx context.Context, q db.Querier, id int64) (Channel, error) {
	c, err := s.scan(q.QueryRow(ctx, `SELECT `+columns+` FROM channels WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Channel{}, apperr.NotFound("channel")
	}
	if err != nil {
		return Channel{}, fmt.Errorf("channel: get: %w", err)
	}
	return c, nil
}

// List returns a page of the workspace's channels in id order.
func (s *Service) List(ctx context.Context, workspaceID int64, req page.Request) (page.Page[Channel], error) {
	after, args := req.ByID("id", false)
	rows, err := s.db.Reader().Query(ctx, `SELECT `+columns+` FROM channels WHERE workspace_id = ? AND `+after+` ORDER BY id LIMIT ?`,
		append(append([]any{workspaceID}, args...), req.Fetch())...)
	if err != nil {
		return page.Page[Channel]{}, fmt.Errorf("channel: list: %w", err)
	}
	list, err := db.Collect(rows, func(rows *sql.Rows) (Channel, error) { return s.scan(rows) })
	return page.CutByID(list, req.Limit, func(c Channel) int64 { return c.ID }), err
}

// lockChannel reads a channel of the workspace inside tx to change it,
// its row locked on PostgreSQL so a concurrent change waits for this one.
func (s *Service) lockChannel(ctx context.Context, tx *db.Tx, workspaceID, id int64) (Channel, error) {
	q := `SELECT ` + columns + ` FROM channels WHERE workspace_id = ? AND id = ?`
	if tx.Dialect() == db.Postgres {
		q += ` FOR NO KEY UPDATE`
	}
	c, err := s.scan(tx.QueryRow(ctx, q, workspaceID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, apperr.NotFound("channel")
	}
	return c, err
}

// Update renames a channel or changes its configuration. The channel is
// read, merged with in and written in one transaction (its row locked on
// PostgreSQL): a rename and a configuration change made at once both
// stay. A secret field the new configuration leaves out keeps its value,
// so a form that cannot show secrets need not send them back.
func (s *Service) Update(ctx context.Context, workspaceID, id int64, in Input) (Channel, error) {
	var c, before Channel
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		cur, err := s.lockChannel(ctx, tx, workspaceID, id)
		if err != nil {
			return err
		}
		before = cur
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
		if merged.Config, err = withSecrets(merged.Config, cur.SecretConfig); err != nil {
			return err
		}
		if err := s.validate(&merged, id, guard); err != nil {
			return err
		}
		public, secrets, err := s.split(cur.Type, merged.Config)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE channels SET name = ?, config = ? WHERE id = ?`, merged.Name, string(public), id); err != nil {
			return err
		}
		c = cur
		c.Name, c.Config, c.SecretConfig = merged.Name, public, secrets
		return s.writeSecrets(ctx, tx, c)
	})
	if apperr.KindOf(err) != "" {
		return Channel{}, err
	}
	if err != nil {
		return Channel{}, fmt.Errorf("channel: update: %w", err)
	}
	s.cache.Delete(id)
	c.Secrets = hints(c)
	if len(in.Config) > 0 {
		// Registered again when the configuration changed (a new token);
		// a rename leaves the provider alone. What the old configuration
		// registered is undone first where the provider must (Replacer).
		s.replaced(ctx, before, c)
		c.Connection = s.connect(ctx, c)
	}
	return c, nil
}
