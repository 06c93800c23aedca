package workspace

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A user with any history cannot be deleted (409 naming what refers to
// them, and saying to deactivate instead); a user without history is
// deleted with their memberships, tokens and presence.
func TestDeleteOnlyWithoutHistory(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newTestService(d, Options{})
		ws, _ := s.Create(ctx, "Acme", "UTC")
		if _, err := s.CreateUser(ctx, ws.ID, NewUser{Email: "owner@acme.io", Name: "O", Role: RoleOwner}); err != nil {
			t.Fatal(err)
		}
		exec := func(q string, args ...any) int64 {
			t.Helper()
			var id int64
			err := d.Write(ctx, func(tx *db.Tx) error {
				if strings.Contains(q, "RETURNING") {
					return tx.QueryRow(ctx, q, args...).Scan(&id)
				}
				_, err := tx.Exec(ctx, q, args...)
				return err
			})
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return id
		}
		contact := exec(`INSERT INTO contacts (workspace_id, first_name, created_at, updated_at) VALUES (?, 'C', 1, 1) RETURNING id`, ws.ID)
		channel := exec(`INSERT INTO channels (workspace_id, type, name, token, created_at) VALUES (?, 'custom', 'site', 't', 1) RETURNING id`, ws.ID)
		conv := exec(`INSERT INTO conversations (workspace_id, contact_id, status, opened_source, opened_at) VALUES (?, ?, 'closed', 'api', 1) RETURNING id`,
			ws.ID, contact)
		workflow := exec(`INSERT INTO workflows (workspace_id, name, webhook_secret, created_at, updated_at) VALUES (?, 'W', 's', 1, 1) RETURNING id`, ws.ID)
		event := func(payload string) {
			exec(`INSERT INTO events (workspace_id, type, payload, created_at) VALUES (?, 'test', ?, 1)`, ws.ID, payload)
		}

		for i, tc := range []struct {
			name    string
			history func(u int64)
			want    string // in the conflict's message; "" means deletable
		}{
			{"assigned", func(u int64) {
				exec(`INSERT INTO conversations (workspace_id, contact_id, status, opened_source, opened_at, assignee_id) VALUES (?, ?, 'closed', 'api', 1, ?)`,
					ws.ID, contact, u)
			}, "assigned"},
			{"opened a conversation", func(u int64) {
				exec(`INSERT INTO conversations (workspace_id, contact_id, status, opened_source, opened_at, opened_by) VALUES (?, ?, 'closed', 'user', 1, ?)`,
					ws.ID, contact, u)
			}, "opened"},
			{"closed a conversation", func(u int64) {
				exec(`INSERT INTO conversations (workspace_id, contact_id, status, opened_source, opened_at, closed_by) VALUES (?, ?, 'closed', 'api', 1, ?)`,
					ws.ID, contact, u)
			}, "closed"},
			{"last assignee of a contact", func(u int64) {
				exec(`INSERT INTO contacts (workspace_id, first_name, created_at, updated_at, last_assignee_id) VALUES (?, 'D', 1, 1, ?)`, ws.ID, u)
			}, "last assignee"},
			{"sent a message", func(u int64) {
				exec(`INSERT INTO messages (workspace_id, conversation_id, contact_id, channel_id, direction, sender, sender_user_id, type, status, created_at)
					VALUES (?, ?, ?, ?, 'out', 'user', ?, 'text', 'sent', 1)`, ws.ID, conv, contact, channel, u)
			}, "messages"},
			{"wrote a comment", func(u int64) {
				exec(`INSERT INTO comments (workspace_id, conversation_id, user_id, text, created_at) VALUES (?, ?, ?, 'hi', 1)`, ws.ID, conv, u)
			}, "comments they wrote"},
			{"mentioned in a comment", func(u int64) {
				exec(`INSERT INTO comments (workspace_id, conversation_id, text, mentions, created_at) VALUES (?, ?, 'hi', ?, 1)`,
					ws.ID, conv, fmt.Sprintf("[%d]", u))
			}, "mention"},
			{"a conversation waits for them", func(u int64) {
				exec(`INSERT INTO routing_queue (workspace_id, conversation_id, user_id, target, strategy, enqueued_at) VALUES (?, ?, ?, 'user', 'round_robin', 1)`,
					ws.ID, conv, u)
			}, "waiting for them"},
			{"an event names them", func(u int64) {
				event(fmt.Sprintf(`{"user_id":%d,"availability":"online"}`, u))
			}, "events"},
			{"added to a team", func(u int64) {
				event(fmt.Sprintf(`{"team_id":1,"added":[%d],"removed":[]}`, u))
			}, "events"},
			{"a routing candidate", func(u int64) {
				event(fmt.Sprintf(`{"routing":{"candidates":[{"user_id":%d,"skipped":"busy"}]}}`, u))
			}, "events"},
			{"started a workflow run", func(u int64) {
				exec(`INSERT INTO workflow_runs (workspace_id, workflow_id, version, status, data, created_at, updated_at) VALUES (?, ?, 1, 'finished', ?, 1, 1)`,
					ws.ID, workflow, fmt.Sprintf(`{"trigger":{"type":"manual","user_id":%d}}`, u))
			}, "workflow runs"},
			{"named by a workflow draft", func(u int64) {
				exec(`UPDATE workflows SET draft = ? WHERE id = ?`, fmt.Sprintf(`{"steps":[{"type":"assign_to","settings":{"target":"user","user_id":%d}}]}`, u), workflow)
			}, "workflow draft"},
			{"numbers that are not users", func(u int64) {
				exec(`UPDATE workflows SET draft = '' WHERE id = ?`, workflow)
				event(fmt.Sprintf(`{"contact_id":%d,"message_id":%d,"text":"user %d","team_id":%d}`, u, u, u, u))
			}, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				u, err := s.CreateUser(ctx, ws.ID, NewUser{Email: fmt.Sprintf("u%d@acme.io", i), Name: "U"})
				if err != nil {
					t.Fatal(err)
				}
				if _, _, err := s.CreateToken(ctx, ws.ID, NewToken{Name: "t", UserID: u.ID}); err != nil {
					t.Fatal(err)
				}
				if _, err := s.CreateTeam(ctx, ws.ID, TeamInput{Name: fmt.Sprint("team", i), MemberIDs: []int64{u.ID}}); err != nil {
					t.Fatal(err)
				}
				tc.history(u.ID)
				err = s.DeleteUser(ctx, ws.ID, u.ID)
				if tc.want != "" {
					if !errors.Is(err, apperr.ErrConflict) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "deactivate") {
						t.Fatalf("delete = %v; want a conflict about %q saying to deactivate", err, tc.want)
					}
					if _, err := s.GetUser(ctx, ws.ID, u.ID); err != nil {
						t.Fatalf("the refused delete removed the user: %v", err)
					}
					return
				}
				if err != nil {
					t.Fatalf("delete a user without history = %v", err)
				}
				if _, err := s.GetUser(ctx, ws.ID, u.ID); !errors.Is(err, apperr.ErrNotFound) {
					t.Fatalf("deleted user still found: %v", err)
				}
				for _, table := range []string{"api_tokens", "team_members"} {
					if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM `+table+` WHERE user_id = ?`, u.ID); n != 0 {
						t.Fatalf("%d rows of %s remain", n, table)
					}
				}
			})
		}
		if err := s.DeleteUser(ctx, ws.ID, 99999); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("delete an unknown user = %v", err)
		}
	})
}

// Inside the write transaction only the events appended since the first
// read are scanned, and one appended in between is caught there.
func TestDeleteScansWhatWasAppendedSince(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newTestService(d, Options{})
		ws, _ := s.Create(ctx, "Acme", "UTC")
		u, _ := s.CreateUser(ctx, ws.ID, NewUser{Email: "u@acme.io", Name: "U"})
		var mark logMarks
		if err := d.Reader().QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM events`).Scan(&mark.events); err != nil {
			t.Fatal(err)
		}
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO events (workspace_id, type, payload, created_at) VALUES (?, 'test', ?, 1)`,
				ws.ID, fmt.Sprintf(`{"by_user_id":%d}`, u.ID))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if err := logHistory(ctx, d.Reader(), ws.ID, u.ID, logMarks{}, mark, false); err != nil {
			t.Fatalf("up to the mark = %v; want nothing found", err)
		}
		if err := logHistory(ctx, d.Reader(), ws.ID, u.ID, mark, noMark, true); !errors.Is(err, apperr.ErrConflict) {
			t.Fatalf("after the mark = %v; want the event found", err)
		}
	})
}
