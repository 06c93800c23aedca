package db_test

import (
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// Migration 057 links the files the stored messages and workflows name
// (message_media, workflow_media), read from their JSON: an attachment's
// media_id, an email's raw_media_id, a fetch URL, an earlier version of
// an edited message, a fetched attachment; a name that is no file of the
// message's workspace links nothing, nor does content that is not JSON.
func TestMigration057LinksTheFilesMessagesAndWorkflowsName(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		id := func(c byte) string { return strings.Repeat(string(c), 32) }
		key := strings.Repeat("f", 64)
		before := []string{
			`DROP TABLE message_media`, `DROP TABLE workflow_media`,
			`INSERT INTO workspaces (id, name, created_at) VALUES (900, 'w', 0), (901, 'other', 0)`,
			`INSERT INTO channels (id, workspace_id, type, name, token, created_at) VALUES (900, 900, 'custom', 'c', 't', 0)`,
			`INSERT INTO contacts (id, workspace_id, first_name, created_at, updated_at) VALUES (900, 900, 'a', 0, 0)`,
			`INSERT INTO media (id, workspace_id, sha256, size, content_type, file_name, fetch_key, created_at) VALUES
				('` + id('a') + `', 900, 's', 1, 'image/png', 'a.png', 'k', 0), ('` + id('b') + `', 900, 's', 1, 'image/png', 'b.png', 'k', 0),
				('` + id('c') + `', 900, 's', 1, 'image/png', 'c.png', 'k', 0), ('` + id('d') + `', 900, 's', 1, 'image/png', 'd.png', 'k', 0),
				('` + id('e') + `', 900, 's', 1, 'image/png', 'e.png', 'k', 0), ('` + id('1') + `', 901, 's', 1, 'image/png', 'x.png', 'k', 0),
				('` + id('2') + `', 900, 's', 1, 'image/png', 'w.png', 'k', 0)`,
			`INSERT INTO messages (id, workspace_id, contact_id, channel_id, direction, sender, type, content, status, created_at) VALUES
				(901, 900, 900, 900, 'in', 'contact', 'attachment', '{"attachment":{"media_id":"` + id('a') + `","url":"/media/` + id('a') + `/` + key + `"}}', 'received', 0),
				(902, 900, 900, 900, 'in', 'contact', 'text', '{"email":{"raw_media_id":"` + id('b') + `"}}', 'received', 0),
				(903, 900, 900, 900, 'out', 'workflow', 'attachment', '{"attachments":[{"type":"image","url":"https://x.example/media/` + id('c') + `/` + key + `"}]}', 'pending', 0),
				(904, 900, 900, 900, 'in', 'contact', 'text', '{}', 'received', 0),
				(905, 900, 900, 900, 'in', 'contact', 'text', '{}', 'received', 0),
				(906, 900, 900, 900, 'in', 'contact', 'attachment', '{"attachment":{"media_id":"` + id('1') + `"}}', 'received', 0),
				(907, 900, 900, 900, 'in', 'contact', 'text', 'media_id is not JSON', 'received', 0)`,
			`INSERT INTO message_edits (message_id, text, content, edited_at) VALUES (904, 'x', '{"attachment":{"media_id":"` + id('d') + `"}}', 0)`,
			`INSERT INTO media_fetches (workspace_id, message_id, channel_id, position, ref, next_attempt_at, state, media_id, created_at)
				VALUES (900, 905, 900, 0, 'r', 0, 'done', '` + id('e') + `', 0)`,
			`INSERT INTO workflows (id, workspace_id, name, draft, webhook_secret, created_at, updated_at) VALUES
				(900, 900, 'w', '{"steps":[{"settings":{"attachments":[{"url":"https://x.example/media/` + id('2') + `/` + key + `"}]}}]}', 's', 0, 0)`,
			`INSERT INTO workflow_versions (workflow_id, version, definition, published_at) VALUES
				(900, 1, '{"steps":[{"settings":{"attachments":[{"url":"https://x.example/media/` + id('c') + `/` + key + `"}]}}]}', 0)`,
		}
		replayMigration(t, d, before, 57)
		links := dbtest.Column[string](t, d, `SELECT message_id || ':' || media_id FROM message_media ORDER BY message_id, media_id`)
		want := []string{"901:" + id('a'), "902:" + id('b'), "903:" + id('c'), "904:" + id('d'), "905:" + id('e')}
		if strings.Join(links, " ") != strings.Join(want, " ") {
			t.Errorf("message links %v, want %v", links, want)
		}
		wf := dbtest.Column[string](t, d, `SELECT media_id FROM workflow_media WHERE workflow_id = 900 ORDER BY media_id`)
		if strings.Join(wf, " ") != id('2')+" "+id('c') {
			t.Errorf("workflow links %v, want the draft's and the version's", wf)
		}
	})
}
