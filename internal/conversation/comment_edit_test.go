package conversation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// commentPeople are the members of a comment's tests: its author (an
// agent), another agent, a manager, an owner, and a workspace token.
type commentPeople struct{ author, agent, manager, owner, token access.Principal }

func newCommentPeople(t *testing.T, f *fixture) commentPeople {
	t.Helper()
	user := func(email, role string) access.Principal {
		u, err := workspace.New(f.db).CreateUser(context.Background(), f.ws.ID, workspace.NewUser{Email: email, Name: email, Role: role})
		if err != nil {
			t.Fatal(err)
		}
		can := access.Defaults(role)
		can.SeeAllConversations = true // the rules here are the comment's, not the conversation's
		return access.Principal{WorkspaceID: f.ws.ID, UserID: u.ID, Role: role, Can: can}
	}
	return commentPeople{author: user("ana@acme.io", access.RoleAgent), agent: user("bo@acme.io", access.RoleAgent),
		manager: user("mo@acme.io", access.RoleManager), owner: user("oz@acme.io", access.RoleOwner),
		token: access.Principal{WorkspaceID: f.ws.ID, Role: access.RoleOwner, Can: access.Defaults(access.RoleOwner)}}
}

// Only its author rewrites a comment: the text and its mentions are
// replaced, edited_at set, and comment.edited names the users mentioned
// for the first time; the same text again changes nothing.
func TestEditComment(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		who := newCommentPeople(t, f)
		conv := f.openOne(t, "e1").ConversationID
		cm, err := f.svc.AddComment(ctx, who.author, conv, CommentInput{Text: "@bo@acme.io the card was charged twice", UserID: who.author.UserID})
		if err != nil {
			t.Fatal(err)
		}
		for name, p := range map[string]access.Principal{"another agent": who.agent, "a manager": who.manager, "an owner": who.owner, "a token": who.token} {
			if _, err := f.svc.EditComment(ctx, p, conv, cm.ID, CommentInput{Text: "rewritten"}); !errors.Is(err, apperr.ErrForbidden) {
				t.Errorf("%s edits Ana's comment: %v, want forbidden", name, err)
			}
		}
		if _, err := f.svc.EditComment(ctx, who.author, conv, cm.ID, CommentInput{Text: " "}); !errors.Is(err, apperr.ErrInvalid) {
			t.Errorf("an empty text: %v, want invalid", err)
		}
		if _, err := f.svc.EditComment(ctx, who.author, conv+1000, cm.ID, CommentInput{Text: "x"}); !errors.Is(err, apperr.ErrNotFound) {
			t.Errorf("another conversation's path: %v, want not found", err)
		}
		f.clock.Advance(time.Minute)
		got, err := f.svc.EditComment(ctx, who.author, conv, cm.ID, CommentInput{Text: "@bo@acme.io @mo@acme.io charged twice, refunded"})
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprint([]int64{who.agent.UserID, who.manager.UserID})
		if got.Text != "@bo@acme.io @mo@acme.io charged twice, refunded" || fmt.Sprint(got.Mentions) != want || !got.EditedAt.Equal(f.clock.Now()) {
			t.Fatalf("edited: %+v; want the new text, mentions %s and edited now", got, want)
		}
		read, err := f.svc.GetComment(ctx, who.agent, conv, cm.ID)
		if err != nil || read.Text != got.Text || !read.EditedAt.Equal(got.EditedAt) || !read.CreatedAt.Equal(cm.CreatedAt) {
			t.Fatalf("read back: %+v, %v", read, err)
		}
		payloads := dbtest.Column[string](t, d, `SELECT payload FROM events WHERE type = 'comment.edited'`)
		if len(payloads) != 1 || !strings.Contains(payloads[0], fmt.Sprintf(`"new_mentions":[%d]`, who.manager.UserID)) {
			t.Fatalf("comment.edited = %v; want one, naming Mo alone as newly mentioned", payloads)
		}
		if _, err := f.svc.EditComment(ctx, who.author, conv, cm.ID, CommentInput{Text: got.Text}); err != nil {
			t.Fatal(err)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM events WHERE type = 'comment.edited'`); n != 1 {
			t.Errorf("%d comment.edited after the same text again, want still 1", n)
		}
	})
}

// An edit that names no mentions keeps the comment's (those an
// integration gave by id) and adds those its text names; an edit that
// names them, even none, replaces them.
func TestEditCommentKeepsMentionsNotNamed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		who := newCommentPeople(t, f)
		conv := f.openOne(t, "k1").ConversationID
		cm, err := f.svc.AddComment(ctx, who.author, conv, CommentInput{Text: "charged twice",
			Mentions: []int64{who.agent.UserID, who.owner.UserID}, UserID: who.author.UserID})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name     string
			in       CommentInput
			mentions []int64
		}{
			{"no mentions named", CommentInput{Text: "charged twice, @mo@acme.io"}, []int64{who.agent.UserID, who.manager.UserID, who.owner.UserID}},
			{"none", CommentInput{Text: "refunded", Mentions: []int64{}}, []int64{}},
			{"one", CommentInput{Text: "refunded, @mo@acme.io", Mentions: []int64{who.agent.UserID}}, []int64{who.agent.UserID, who.manager.UserID}},
		} {
			got, err := f.svc.EditComment(ctx, who.author, conv, cm.ID, c.in)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if !slices.Equal(got.Mentions, c.mentions) {
				t.Errorf("%s: mentions %v, want %v", c.name, got.Mentions, c.mentions)
			}
		}
	})
}

// A comment is deleted by its author, an owner, a manager or a token,
// never by another agent; its words leave the log (its events erased),
// comment.deleted says who removed whose, and it reads as not found.
func TestDeleteComment(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		who := newCommentPeople(t, f)
		conv := f.openOne(t, "d1").ConversationID
		for _, c := range []struct {
			name string
			by   access.Principal
			ok   bool
		}{
			{"another agent", who.agent, false},
			{"its author", who.author, true},
			{"a manager", who.manager, true},
			{"an owner", who.owner, true},
			{"a token", who.token, true},
		} {
			cm, err := f.svc.AddComment(ctx, who.author, conv, CommentInput{Text: "Erin's card is 4242", UserID: who.author.UserID})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.EditComment(ctx, who.author, conv, cm.ID, CommentInput{Text: "Erin's card is 4242 (Visa)"}); err != nil {
				t.Fatal(err)
			}
			err = f.svc.DeleteComment(ctx, c.by, conv, cm.ID)
			if !c.ok {
				if !errors.Is(err, apperr.ErrForbidden) {
					t.Errorf("%s deletes Ana's comment: %v, want forbidden", c.name, err)
				}
				if _, err := f.svc.GetComment(ctx, who.author, conv, cm.ID); err != nil {
					t.Errorf("refused, the comment is gone: %v", err)
				}
				if err := f.svc.DeleteComment(ctx, who.author, conv, cm.ID); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s deletes Ana's comment: %v", c.name, err)
			}
			if _, err := f.svc.GetComment(ctx, who.author, conv, cm.ID); !errors.Is(err, apperr.ErrNotFound) {
				t.Errorf("deleted by %s, the comment reads: %v", c.name, err)
			}
			if err := f.svc.DeleteComment(ctx, c.by, conv, cm.ID); !errors.Is(err, apperr.ErrNotFound) {
				t.Errorf("deleted twice: %v, want not found", err)
			}
			deleted := dbtest.Column[string](t, d, `SELECT payload FROM events WHERE type = 'comment.deleted' ORDER BY id DESC LIMIT 1`)
			if want := fmt.Sprintf(`"author_id":%d`, who.author.UserID); len(deleted) != 1 || !strings.Contains(deleted[0], want) ||
				!strings.Contains(deleted[0], fmt.Sprintf(`"user_id":%d`, c.by.UserID)) {
				t.Errorf("comment.deleted by %s = %v", c.name, deleted)
			}
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM events WHERE payload LIKE '%4242%'`); n != 0 {
			t.Errorf("%d events still hold the deleted comments' words", n)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM events WHERE type IN ('comment.created', 'comment.edited') AND payload LIKE '%"erased":true%'`); n != 10 {
			t.Errorf("%d of the comments' events erased, want all 10", n)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM comments`); n != 0 {
			t.Errorf("%d comments left", n)
		}
	})
}
