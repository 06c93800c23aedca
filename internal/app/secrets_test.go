package app_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/app"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/secret"
	"github.com/switchboard-chat/switchboard/internal/webhook"
)

// testSecretKey is the key a test node on dialect is configured with: on
// PostgreSQL one is required; on SQLite none, so the key file is used.
func testSecretKey(dialect db.Dialect) string {
	if dialect != db.Postgres {
		return ""
	}
	return base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{3}, secret.KeySize))
}

// On SQLite without a configured key, the node creates a key file of mode
// 0600 in the data folder and uses it again on the next start: channels
// saved before the restart still open. A configured key that is not the
// one that sealed them stops the start, saying so.
func TestSQLiteKeyFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a, err := app.New(ctx, app.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(dir, secret.KeyFileName))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, %v; want mode 0600", info, err)
	}
	keyText, _ := os.ReadFile(filepath.Join(dir, secret.KeyFileName))
	ws, err := a.Workspaces.Create(ctx, "W", "UTC")
	if err != nil {
		t.Fatal(err)
	}
	ch, err := a.Channels.Create(ctx, ws.ID, channelInput())
	if err != nil {
		t.Fatal(err)
	}
	a.Close()

	a, err = app.New(ctx, app.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	again, _ := os.ReadFile(filepath.Join(dir, secret.KeyFileName))
	if !bytes.Equal(keyText, again) {
		t.Fatal("the key file was replaced on restart")
	}
	got, err := a.Channels.Get(ctx, ws.ID, ch.ID)
	if err != nil || got.Token != ch.Token {
		t.Fatalf("after restart: token opens %v, %v", got.Token == ch.Token, err)
	}
	a.Close()

	other := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{9}, secret.KeySize))
	if _, err := app.New(ctx, app.Config{DataDir: dir, SecretKey: other}); err == nil || !strings.Contains(err.Error(), "key") {
		t.Fatalf("start with another key = %v, want refused", err)
	}
	if _, err := app.New(ctx, app.Config{DataDir: dir, SecretKey: "short"}); err == nil || !strings.Contains(err.Error(), "--secret-key") {
		t.Fatalf("start with a bad key = %v, want refused naming --secret-key", err)
	}
}

// On PostgreSQL a node without a configured key refuses to start, saying
// how to set one.
func TestPostgresNeedsKey(t *testing.T) {
	if os.Getenv(dbtest.EnvPostgres) == "" {
		t.Skip("no PostgreSQL")
	}
	cfg := dbtest.Config(t, db.Postgres)
	_, err := app.New(context.Background(), app.Config{DatabaseURL: cfg.URL, DataDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "SWITCHBOARD_SECRET_KEY") {
		t.Fatalf("start without a key = %v, want refused naming SWITCHBOARD_SECRET_KEY", err)
	}
}

func channelInput() channel.Input {
	return channel.Input{Type: channel.TypeCustom, Name: "site", Config: json.RawMessage(`{"base_url":"http://example.com"}`)}
}

// A SQLite store restored without its key file (or whose key file was
// lost) is refused, naming the file, and no new key is written: a new key
// opens none of the stored secrets, and what the node then sealed with it
// could not be opened by the old key once put back. The node made a new
// key file and started when the sealed secrets were a webhook
// endpoint's, and left that file behind when they were a channel's.
func TestSQLiteMissingKeyFileIsNotReplaced(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name  string
		seals func(a *app.App, workspaceID int64) error
	}{
		{"a channel's token", func(a *app.App, ws int64) error {
			_, err := a.Channels.Create(ctx, ws, channelInput())
			return err
		}},
		{"a webhook endpoint's secret", func(a *app.App, ws int64) error {
			url, types := "https://example.com/hook", []string{"message.received"}
			_, err := a.Webhooks.Create(ctx, ws, webhook.Input{URL: &url, EventTypes: &types})
			return err
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			keyFile := filepath.Join(dir, secret.KeyFileName)
			a, err := app.New(ctx, app.Config{DataDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			ws, err := a.Workspaces.Create(ctx, "W", "UTC")
			if err != nil {
				t.Fatal(err)
			}
			if err := tt.seals(a, ws.ID); err != nil {
				t.Fatal(err)
			}
			a.Close()
			keyText, _ := os.ReadFile(keyFile)
			if err := os.Remove(keyFile); err != nil {
				t.Fatal(err)
			}

			if a, err := app.New(ctx, app.Config{DataDir: dir}); err == nil || !strings.Contains(err.Error(), secret.KeyFileName) {
				if err == nil {
					a.Close()
				}
				t.Fatalf("start without the key file = %v; want refused, naming %s", err, secret.KeyFileName)
			}
			if _, err := os.Stat(keyFile); err == nil {
				t.Fatal("a new key file was written beside secrets it cannot open")
			}
			// The key put back, the node starts.
			if err := os.WriteFile(keyFile, keyText, 0o600); err != nil {
				t.Fatal(err)
			}
			a, err = app.New(ctx, app.Config{DataDir: dir})
			if err != nil {
				t.Fatalf("start with the key put back: %v", err)
			}
			a.Close()
		})
	}
}
