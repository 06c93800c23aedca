package webhook_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/webhook"
)

// An endpoint may follow a conversation's internal comments: written,
// rewritten, deleted. A deleted comment's words leave the delivery log
// as they leave the event log; what was sent stays listed, erased.
func TestCommentsAreDeliveredAndADeletedOnesErased(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d, webhook.Options{})
		rc := newReceiver(t, func(int, received, http.ResponseWriter) {})
		e.endpoint(t, rc, "comment.created", "comment.edited", "comment.deleted")
		e.run(t, webhook.DispatcherOptions{Concurrency: 1})
		got, err := e.convs.Receive(ctx, []conversation.Inbound{{Kind: conversation.KindMessage, WorkspaceID: e.ws.ID, ChannelID: e.ch.ID,
			ExternalID: "erin", ProviderMessageID: "in-1", Type: "text", Text: "hello"}})
		if err != nil {
			t.Fatal(err)
		}
		conv := got[0].ConversationID
		owner := access.Principal{WorkspaceID: e.ws.ID, Role: access.RoleOwner, Can: access.Defaults(access.RoleOwner)}
		if _, err := e.convs.AddComment(ctx, owner, conv, conversation.CommentInput{Text: "VIP customer"}); err != nil {
			t.Fatal(err)
		}
		gone, err := e.convs.AddComment(ctx, owner, conv, conversation.CommentInput{Text: "her card is 4242"})
		if err != nil {
			t.Fatal(err)
		}
		e.until(t, "both comments delivered", func() bool { return len(rc.accepted()) == 2 })
		if err := e.convs.DeleteComment(ctx, owner, conv, gone.ID); err != nil {
			t.Fatal(err)
		}
		e.until(t, "the deletion delivered", func() bool { return len(rc.accepted()) == 3 })
		e.idle(t)
		var types []string
		for _, r := range rc.accepted() {
			types = append(types, r.eventType)
		}
		if want := []string{"comment.created", "comment.created", "comment.deleted"}; !slices.Equal(types, want) {
			t.Fatalf("delivered %v, want %v", types, want)
		}
		bodies := dbtest.Column[string](t, d, `SELECT body FROM webhook_deliveries ORDER BY id`)
		if len(bodies) != 3 || !strings.Contains(bodies[0], "VIP customer") || strings.Contains(bodies[1], "4242") ||
			!strings.Contains(bodies[1], `"erased":true`) {
			t.Fatalf("the delivery log: %v; want the kept comment whole and the deleted one erased", bodies)
		}
	})
}
