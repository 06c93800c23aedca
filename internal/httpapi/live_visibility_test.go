package httpapi_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// Several restricted sockets handed the same batches share one read of who
// holds each conversation: each still gets exactly what its agent may see,
// a contact's own events are decided on the contact's conversations, and a
// conversation handed to another agent (and its contact) is decided on its
// new holder from the first batch after the hand-over, whose own event
// reaches the agent it was taken from too (their inbox learns it left).
func TestLiveVisibilitySharedAcrossSockets(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		w := buildWorld(t, f)
		a, b, a2 := f.openLive(t, "a", ""), f.openLive(t, "b", ""), f.openLive(t, "a", "")
		comment := func(place string) {
			t.Helper()
			if _, err := f.conv.AddComment(ctx, ownerOf(f), w.conv[place], conversation.CommentInput{Text: "again"}); err != nil {
				t.Fatal(err)
			}
		}
		rename := func(place, name string) {
			t.Helper()
			status, body := f.do(t, scenario{method: "PATCH", path: fmt.Sprintf("/api/v1/contacts/%d", w.contact[place]), as: "owner",
				body: fmt.Sprintf(`{"first_name":%q}`, name)})
			if status != 200 {
				t.Fatalf("rename the contact %s: %d %s", place, status, clip(body))
			}
		}
		type seen struct {
			typ  string
			conv int64
			cont int64
		}
		got := func(lc *liveClient, n int) []seen {
			t.Helper()
			var out []seen
			for range n {
				fr := lc.nextEvent(t)
				out = append(out, seen{fr.Event.Type, fr.Event.ConversationID, fr.Event.ContactID})
			}
			return out
		}
		// The log read with the SQL scope (event.List) from after, as a
		// user: what the live path decided in Go must be the same.
		newest := func() int64 { return int64(dbtest.Count(t, d, `SELECT COALESCE(MAX(id), 0) FROM events`)) }
		logged := func(as string, after int64) []seen {
			t.Helper()
			var out []seen
			for _, e := range f.list(t, fmt.Sprintf("/api/v1/events?after=%d&limit=200", after), as) {
				out = append(out, seen{e.Type, e.ConversationID, e.ContactID})
			}
			return out
		}
		c := func(place string) seen { return seen{"comment.created", w.conv[place], w.contact[place]} }
		k := func(place string) seen { return seen{"contact.updated", 0, w.contact[place]} }

		for _, place := range places {
			comment(place)
		}
		rename(placeB, "Bea")
		rename(placeNoConvos, "Free again")
		comment(placeMine)  // A's fence
		comment(placeOther) // B's fence
		wantA := []seen{c(placeMine), c(placeTeam), k(placeNoConvos), c(placeMine)}
		wantB := []seen{c(placeB), c(placeOther), k(placeB), k(placeNoConvos), c(placeOther)}
		for name, lc := range map[string]*liveClient{"A": a, "A's second device": a2} {
			if got := got(lc, len(wantA)); !slices.Equal(got, wantA) {
				t.Errorf("%s: %v, want %v", name, got, wantA)
			}
		}
		if got := got(b, len(wantB)); !slices.Equal(got, wantB) {
			t.Errorf("B: %v, want %v", got, wantB)
		}

		// B's conversation goes to A: from then on it is A's, not B's.
		handOver := newest()
		if err := f.d.Write(ctx, func(tx *db.Tx) error {
			_, err := conversation.AssignTx(ctx, tx, f.ws.ID, w.conv[placeB], conversation.AssignInput{UserID: itoaID(t, f.vars["a"]), Source: conversation.SourceAPI})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		comment(placeB)
		comment(placeMine)
		comment(placeOther)
		assigned := func(lc *liveClient) seen {
			t.Helper()
			fr := lc.nextEvent(t)
			return seen{fr.Event.Type, fr.Event.ConversationID, fr.Event.ContactID}
		}
		for name, lc := range map[string]*liveClient{"A": a, "A's second device": a2} {
			if got, want := assigned(lc), (seen{"conversation.assigned", w.conv[placeB], w.contact[placeB]}); got != want {
				t.Errorf("%s after the hand-over: %v, want %v", name, got, want)
			}
			if got, want := got(lc, 2), []seen{c(placeB), c(placeMine)}; !slices.Equal(got, want) {
				t.Errorf("%s after the hand-over: %v, want %v", name, got, want)
			}
		}
		// B is told the conversation left them (the hand-over's own event),
		// and nothing of it after.
		handedAway := seen{"conversation.assigned", w.conv[placeB], w.contact[placeB]}
		if got, want := got(b, 2), []seen{handedAway, c(placeOther)}; !slices.Equal(got, want) {
			t.Errorf("B after the hand-over: %v, want %v", got, want)
		}
		// Nothing changed hands since: the log's scope agrees with what the
		// sockets were given.
		if got, want := logged("a", handOver), []seen{{"conversation.assigned", w.conv[placeB], w.contact[placeB]}, c(placeB), c(placeMine)}; !slices.Equal(got, want) {
			t.Errorf("A's log after the hand-over: %v, want %v", got, want)
		}
		if got, want := logged("b", handOver), []seen{handedAway, c(placeOther)}; !slices.Equal(got, want) {
			t.Errorf("B's log after the hand-over: %v, want %v", got, want)
		}
		contactsFrom := newest()

		// The contact of the handed-over conversation is A's now too; a
		// deleted contact's event reaches everyone who may have shown it.
		rename(placeB, "Bea again")
		if status, body := f.do(t, scenario{method: "DELETE", path: fmt.Sprintf("/api/v1/contacts/%d", w.contact[placeOther]), as: "owner"}); status != 204 {
			t.Fatalf("delete the contact %s: %d %s", placeOther, status, clip(body))
		}
		rename(placeNoConvos, "Fence")
		gone := seen{"contact.deleted", 0, w.contact[placeOther]}
		for name, lc := range map[string]*liveClient{"A": a, "A's second device": a2} {
			if got, want := got(lc, 3), []seen{k(placeB), gone, k(placeNoConvos)}; !slices.Equal(got, want) {
				t.Errorf("%s, contacts after the hand-over: %v, want %v", name, got, want)
			}
		}
		if got, want := got(b, 2), []seen{gone, k(placeNoConvos)}; !slices.Equal(got, want) {
			t.Errorf("B, contacts after the hand-over: %v, want %v", got, want)
		}
		if got, want := logged("a", contactsFrom), []seen{k(placeB), gone, k(placeNoConvos)}; !slices.Equal(got, want) {
			t.Errorf("A's log of the contacts: %v, want %v", got, want)
		}
		if got, want := logged("b", contactsFrom), []seen{gone, k(placeNoConvos)}; !slices.Equal(got, want) {
			t.Errorf("B's log of the contacts: %v, want %v", got, want)
		}
	})
}

func itoaID(t *testing.T, s string) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscan(s, &id); err != nil {
		t.Fatalf("id %q: %v", s, err)
	}
	return id
}
