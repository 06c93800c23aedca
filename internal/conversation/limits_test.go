package conversation

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// TestWritesRefuseUnstorableText checks the checks every writer shares
// (the API refuses NUL before; workflow steps reach these directly): a
// value no store can hold, or past its maximum, is a 422 naming the field
// on both stores.
func TestWritesRefuseUnstorableText(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		conv := f.openOne(t, "+14155550100").ConversationID
		for _, tc := range []struct {
			name  string
			call  func() error
			field string
		}{
			{"NUL in a message", func() error {
				_, err := f.svc.Send(ctx, access.System(f.ws.ID), conv, SendInput{Text: "a\x00b", Sender: SourceWorkflow})
				return err
			}, "text"},
			{"a message of 10,001 characters", func() error {
				_, err := f.svc.Send(ctx, access.System(f.ws.ID), conv, SendInput{Text: strings.Repeat("é", MaxTextLen+1), Sender: SourceWorkflow})
				return err
			}, "text"},
			{"invalid UTF-8 in a comment", func() error {
				_, err := f.svc.AddComment(ctx, access.System(f.ws.ID), conv, CommentInput{Text: "caf\xe9"})
				return err
			}, "text"},
			{"NUL in a closing summary", func() error {
				_, err := f.svc.Close(ctx, access.System(f.ws.ID), conv, CloseInput{Source: SourceWorkflow, Summary: "\x00"})
				return err
			}, "summary"},
			{"NUL in a closing category", func() error {
				_, err := f.svc.Close(ctx, access.System(f.ws.ID), conv, CloseInput{Source: SourceWorkflow, Category: "Res\x00olved"})
				return err
			}, "category"},
			{"NUL in a category name", func() error {
				_, err := f.svc.CreateCategory(ctx, f.ws.ID, "\x00")
				return err
			}, "name"},
			{"NUL in a channel's contact id", func() error {
				_, err := f.svc.Receive(ctx, []Inbound{f.inbound("a\x00", "m-nul", "hi")})
				return err
			}, "external_id"},
		} {
			var e *apperr.Error
			if err := tc.call(); !errors.As(err, &e) || e.Kind != apperr.KindInvalid || e.Field != tc.field {
				t.Errorf("%s: got %v, want invalid %s", tc.name, err, tc.field)
			}
		}
		if c, _ := f.svc.Get(ctx, access.System(f.ws.ID), conv); c.Status != StatusOpen {
			t.Errorf("a refused close closed the conversation")
		}
	})
}

// TestReceiveKeepsLongText checks that a channel's text is never refused
// for its length or characters: it is cleaned and cut with the marker, the
// same on both stores.
func TestReceiveKeepsLongText(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		in := f.inbound("+14155550100", "m-long", "a\x00"+strings.Repeat("é", 450_000))
		r, err := f.svc.Receive(ctx, []Inbound{in})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(in.Text, "a\x00") {
			t.Fatal("Receive changed the caller's item")
		}
		m, err := f.svc.GetMessage(ctx, access.System(f.ws.ID), r[0].MessageID)
		if err != nil {
			t.Fatal(err)
		}
		if n := utf8.RuneCountInString(m.Text); n != MaxTextLen || !strings.HasPrefix(m.Text, "aé") || !strings.HasSuffix(m.Text, TruncatedMarker) {
			t.Fatalf("stored text of %d characters starting %q", n, m.Text[:10])
		}
	})
}
