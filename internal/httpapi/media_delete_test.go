package httpapi_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/httpapi"
	"github.com/switchboard-chat/switchboard/internal/media"
)

// Deleting a contact (a privacy erasure) deletes the files their messages
// carried: served neither to members nor by the integrator's fetch link,
// and their bytes gone once the store's work has passed. A file sent to
// another contact too (a canned file sent to many) is still served.
func TestDeletingAContactDeletesTheirFiles(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		dir := filepath.Join(t.TempDir(), "media")
		store, err := media.New(d, media.Options{Dir: dir, MaxBytes: 4096})
		must0(t, err)
		f := newFixture(t, d, func(deps *httpapi.Deps) { deps.Media, deps.PublicURL = store, "https://switchboard.example" })
		ana, ben := f.inbound(t, "+14155550101", "Ana", "m-1"), f.inbound(t, "+14155550102", "Ben", "m-2")
		upload := func(name string) media.Media {
			_, body := f.upload(t, "agent", name, "image/png", tinyPNG(t))
			var m media.Media
			must0(t, json.Unmarshal(body, &m))
			return m
		}
		photo, shared := upload("ana.png"), upload("price-list.png")
		// send sends a file in a conversation and returns its fetch link.
		send := func(conv int64, m media.Media) string {
			f.vars["conv"], f.vars["media"] = itoa(conv), m.ID
			f.run(t, []scenario{{name: "send " + m.FileName, method: "POST", path: "/api/v1/conversations/{{conv}}/messages", as: "agent",
				body: `{"attachments":["{{media}}"]}`, status: 202, capture: "msg"}})
			var msg struct {
				Content struct {
					Attachment media.Attachment `json:"attachment"`
				} `json:"content"`
			}
			f.get(t, "/api/v1/messages/{{msg}}", "agent", &msg)
			return strings.TrimPrefix(msg.Content.Attachment.URL, "https://switchboard.example")
		}
		photoLink, sharedLink := send(ana.ConversationID, photo), send(ana.ConversationID, shared)
		send(ben.ConversationID, shared)
		f.vars["ana"] = itoa(ana.ContactID)
		f.run(t, []scenario{{name: "delete Ana", method: "DELETE", path: "/api/v1/contacts/{{ana}}", as: "owner", status: 204}})
		for _, c := range []struct {
			name, path, as string
			want           int
		}{
			{"Ana's photo", "/api/v1/media/" + photo.ID, "agent", 404},
			{"Ana's photo by its fetch link", photoLink, "", 404},
			{"the file Ben was sent too", "/api/v1/media/" + shared.ID, "agent", 200},
			{"the file Ben was sent too, by its fetch link", sharedLink, "", 200},
		} {
			if resp, _ := f.fetch(t, c.path, c.as); resp.StatusCode != c.want {
				t.Errorf("%s: %d, want %d", c.name, resp.StatusCode, c.want)
			}
		}
		if _, err := store.Work(1).Pass(context.Background()); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dir, photo.ID)); !os.IsNotExist(err) {
			t.Errorf("Ana's photo's bytes: %v, want gone", err)
		}
		if _, err := os.Stat(filepath.Join(dir, shared.ID)); err != nil {
			t.Errorf("the shared file's bytes: %v", err)
		}
	})
}
