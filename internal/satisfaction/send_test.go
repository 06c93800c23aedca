package satisfaction_test

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// A person's close sends the contact one survey: a message in the closed
// conversation, in the workspace's words with the link in place, queued
// for delivery, without reopening the conversation or moving it in the
// inbox.
func TestSurveySentOnAPersonsClose(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		conv := w.writeIn(t, "+14155550100", "m1")
		before, err := w.convs.Get(ctx, w.owner, conv)
		if err != nil {
			t.Fatal(err)
		}
		w.closeBy(t, conv, conversation.SourceUser)

		s := w.surveysOf(t, conv)
		if len(s) != 1 {
			t.Fatalf("%d surveys, want 1", len(s))
		}
		m := linkRE.FindStringSubmatch(s[0].text)
		if m == nil || m[1] != s[0].token {
			t.Fatalf("survey message %q: want the words with the link to token %q", s[0].text, s[0].token)
		}
		if s[0].sender != conversation.SourceWorkflow || s[0].status != conversation.MsgPending || s[0].jobs != 1 {
			t.Fatalf("survey message: sender %s, status %s, %d delivery jobs; want workflow, pending, 1", s[0].sender, s[0].status, s[0].jobs)
		}
		after, err := w.convs.Get(ctx, w.owner, conv)
		if err != nil {
			t.Fatal(err)
		}
		if after.Status != conversation.StatusClosed || !after.LastMessageAt.Equal(before.LastMessageAt) {
			t.Fatalf("after the survey: status %s, last message %v; want closed, still %v", after.Status, after.LastMessageAt, before.LastMessageAt)
		}
		if n := w.outgoing(t, conv); n != 1 {
			t.Fatalf("%d outbound messages, want the survey alone", n)
		}
	})
}

// Only a person's or an AI agent's close of a conversation the contact
// wrote in is surveyed, in a workspace with the survey on.
func TestSurveyOnlyWhereItBelongs(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		for _, tc := range []struct {
			name   string
			source string
			setup  func(t *testing.T) int64 // returns the conversation to close
			want   int
		}{
			{"an AI agent's close", conversation.SourceAIAgent, func(t *testing.T) int64 { return w.writeIn(t, "+14155550101", "a1") }, 1},
			{"a workflow's close", conversation.SourceWorkflow, func(t *testing.T) int64 { return w.writeIn(t, "+14155550102", "a2") }, 0},
			{"auto-close", conversation.SourceAutoClose, func(t *testing.T) int64 { return w.writeIn(t, "+14155550103", "a3") }, 0},
			{"the API's close", conversation.SourceAPI, func(t *testing.T) int64 { return w.writeIn(t, "+14155550104", "a4") }, 0},
			{"a conversation the contact never wrote in", conversation.SourceUser, func(t *testing.T) int64 {
				conv := w.writeIn(t, "+14155550105", "a5")
				w.closeBy(t, conv, conversation.SourceAPI)
				var contact int64
				if err := d.Reader().QueryRow(ctx, `SELECT contact_id FROM conversations WHERE id = ?`, conv).Scan(&contact); err != nil {
					t.Fatal(err)
				}
				c, err := w.convs.Open(ctx, w.owner, conversation.OpenInput{ContactID: contact, ChannelID: w.ch, Source: conversation.SourceUser, UserID: w.owner.UserID})
				if err != nil {
					t.Fatal(err)
				}
				return c.ID
			}, 0},
			{"a workflow's test contact", conversation.SourceUser, func(t *testing.T) int64 {
				conv := w.writeIn(t, "+14155550106", "a6")
				if err := d.Write(ctx, func(tx *db.Tx) error {
					_, err := tx.Exec(ctx, `UPDATE contacts SET is_test = 1 WHERE id = (SELECT contact_id FROM conversations WHERE id = ?)`, conv)
					return err
				}); err != nil {
					t.Fatal(err)
				}
				return conv
			}, 0},
			{"a merge's close", "", func(t *testing.T) int64 {
				kept := w.writeIn(t, "+14155550108", "a8")
				gone := w.writeIn(t, "+14155550109", "a9")
				contacts := contact.New(d)
				contacts.SetConversationCloser(conversation.CloseForMergeTx)
				var into, from int64
				for id, dst := range map[int64]*int64{kept: &into, gone: &from} {
					if err := d.Reader().QueryRow(ctx, `SELECT contact_id FROM conversations WHERE id = ?`, id).Scan(dst); err != nil {
						t.Fatal(err)
					}
				}
				// A person merges them: the newer open conversation is
				// closed by them (source user), moved under the kept contact.
				if _, err := contacts.Merge(ctx, w.owner, into, contact.MergeInput{From: from}); err != nil {
					t.Fatal(err)
				}
				var source string
				if err := d.Reader().QueryRow(ctx, `SELECT closed_source FROM conversations WHERE id = ?`, gone).Scan(&source); err != nil || source != conversation.SourceUser {
					t.Fatalf("the merged conversation closed by %q (%v), want a user", source, err)
				}
				return gone
			}, 0},
			{"the survey turned off", conversation.SourceUser, func(t *testing.T) int64 {
				off := false
				if _, err := workspace.New(d).Update(ctx, w.ws.ID, workspace.Settings{SatisfactionSurvey: &workspace.SurveyInput{Enabled: &off}}); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() {
					on := true
					if _, err := workspace.New(d).Update(ctx, w.ws.ID, workspace.Settings{SatisfactionSurvey: &workspace.SurveyInput{Enabled: &on}}); err != nil {
						t.Fatal(err)
					}
				})
				return w.writeIn(t, "+14155550107", "a7")
			}, 0},
		} {
			t.Run(tc.name, func(t *testing.T) {
				conv := tc.setup(t)
				if tc.source != "" { // else closed by its setup
					w.closeBy(t, conv, tc.source)
				}
				backgroundtest.WaitIdle(t, w.g)
				if got := len(w.surveysOf(t, conv)); got != tc.want {
					t.Fatalf("%d surveys, want %d", got, tc.want)
				}
				if got := w.outgoing(t, conv); got != tc.want {
					t.Fatalf("%d outbound messages, want %d", got, tc.want)
				}
			})
		}
	})
}
