package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/custom"
	"github.com/switchboard-chat/switchboard/internal/channel/email"
	"github.com/switchboard-chat/switchboard/internal/channel/line"
	"github.com/switchboard-chat/switchboard/internal/channel/messenger"
	"github.com/switchboard-chat/switchboard/internal/channel/telegram"
	"github.com/switchboard-chat/switchboard/internal/channel/twilio"
	"github.com/switchboard-chat/switchboard/internal/channel/viber"
	"github.com/switchboard-chat/switchboard/internal/channel/whatsapp"
	"github.com/switchboard-chat/switchboard/internal/channel/widget"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/secret"
	"github.com/switchboard-chat/switchboard/internal/workflow/testchat"
)

// providers are the channel types this build knows; a new provider is one
// more line here (docs/architecture.md, "Channel providers"). client is
// the node's guarded client, for every call to a provider; publicURL is
// the node's public address (--public-url), which providers whose webhooks
// are signed over their URL (Twilio) need.
func providers(client *http.Client, publicURL string) []channel.Provider {
	return []channel.Provider{
		custom.New(client),
		telegram.New(client),
		widget.New(),
		messenger.NewMessenger(client),
		messenger.NewInstagram(client),
		twilio.New(client, publicURL),
		whatsapp.New(client),
		testchat.Provider{}, // the Workflow Builder's test panel
		email.New(client),
		line.New(client),
		viber.New(client),
	}
}

// secretKeys returns the keyring sealing channel secrets: the key given in
// configuration or, on SQLite without one, the key file of the data
// folder, created on first start. PostgreSQL without a key is refused:
// its nodes share the store, so they must share the key, and a key kept
// beside the ciphertext would protect nothing.
func secretKeys(ctx context.Context, cfg Config, d *db.DB) (*secret.Keyring, error) {
	var raw []byte
	var err error
	switch {
	case cfg.SecretKey != "":
		if raw, err = secret.ParseKey(cfg.SecretKey); err != nil {
			return nil, fmt.Errorf("app: --secret-key: %w", err)
		}
	case d.Dialect == db.Postgres:
		return nil, fmt.Errorf("app: on PostgreSQL the key sealing channel secrets must be configured: set --secret-key or SWITCHBOARD_SECRET_KEY " +
			"to the same 32 random bytes in base64 on every node (head -c 32 /dev/urandom | base64); see docs/configuration.md, \"Secret key\"")
	default:
		if err := checkKeyFileKept(ctx, cfg.DataDir, d); err != nil {
			return nil, err
		}
		var created bool
		if raw, created, err = secret.LoadOrCreateKeyFile(cfg.DataDir); err != nil {
			return nil, fmt.Errorf("app: %w", err)
		}
		if created {
			slog.Info("created the key sealing channel secrets; back it up with the database", "file", secret.KeyFileName, "dir", cfg.DataDir)
		}
	}
	return secret.NewKeyring(raw)
}

// sealedColumns are where values sealed with the node's key are stored.
var sealedColumns = []struct{ table, column string }{
	{"channels", "token"}, {"channels", "secrets"}, {"webhook_endpoints", "secret"}, {"ai_settings", "api_key"},
	{"accounts", "totp_secret"},
}

// checkKeyFileKept refuses a SQLite store that holds sealed secrets while
// its data folder has no key file: the store was restored without the
// key backed up with it, or the file was lost. A new key would open none
// of them, and what the node sealed with it the old key could not open
// once put back, so no key is made then.
func checkKeyFileKept(ctx context.Context, dir string, d *db.DB) error {
	path := filepath.Join(dir, secret.KeyFileName)
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	for _, c := range sealedColumns {
		var sealed string
		err := d.Reader().QueryRow(ctx, `SELECT `+c.column+` FROM `+c.table+` WHERE `+c.column+` LIKE 'sb1:%' LIMIT 1`).Scan(&sealed)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return fmt.Errorf("app: look for sealed secrets: %w", err)
		}
		return fmt.Errorf("app: the key file %s is missing, and the store holds secrets sealed with key %s: put back the %s "+
			"kept with this database (or give that key with --secret-key); a new key would open none of them "+
			"(docs/configuration.md, \"Secret key\")", path, secret.SealedBy(sealed), secret.KeyFileName)
	}
	return nil
}

// buildChannels makes the channel service on the registry of providers,
// sealing secrets with the node's key (a.keys), and seals what an older
// version stored in plaintext.
func (a *App) buildChannels(ctx context.Context) error {
	keys := a.keys
	reg, err := channel.NewRegistry(providers(a.outboundGuard().Client(), a.cfg.PublicURL)...)
	if err != nil {
		return err
	}
	// Saving a channel refuses a URL on an address sends would refuse.
	a.Channels = channel.NewWithOptions(a.DB, channel.Options{Registry: reg, Keys: keys, Guard: a.outboundGuard(),
		PublicURL: a.cfg.PublicURL})
	n, err := a.Channels.SealStored(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		slog.Info("sealed channel secrets", "channels", n, "key_id", keys.ID())
	}
	return nil
}
