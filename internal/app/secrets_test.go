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
