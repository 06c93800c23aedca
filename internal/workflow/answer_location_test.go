package workflow

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A location the contact shares (the channel's location message, which
// has no text) answers a location question with its coordinates. The
// answer was the message's text, "", so the coordinates were lost and
// the step saved an empty answer.
func TestSharedLocationAnswersWithItsCoordinates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		run, conv := f.runSteps(`[{"id": "where", "type": "ask_question", "settings": {"question": "Where are you?", "answer_type": "location",
			"save_to": {"kind": "variable", "name": "place"}}, "exits": {"next": "ok"}},
			{"id": "ok", "type": "send_message", "settings": {"text": "Thanks"}}]`)
		if run.Status != StatusWaitingReply {
			t.Fatalf("status %s", run.Status)
		}
		f.mid++
		if _, err := f.conv.Receive(ctx, []conversation.Inbound{{Kind: conversation.KindMessage, WorkspaceID: f.wsp.ID, ChannelID: f.ch.ID,
			ExternalID: f.phoneOf(run.ContactID), ProviderMessageID: fmt.Sprintf("loc-%d", f.mid), Type: "location",
			Content: json.RawMessage(`{"type":"location","latitude":48.8584,"longitude":2.2945,"address":"Champ de Mars"}`)}}); err != nil {
			t.Fatal(err)
		}
		r := f.waitStatus(run.WorkflowID, conv, StatusFinished)
		// Compared as stored: a run's numbers read back as json.Number.
		want := `{"latitude":48.8584,"longitude":2.2945}`
		if got, _ := json.Marshal(r.Data.Vars["place"]); string(got) != want {
			t.Fatalf("saved %s, want %s", got, want)
		}
	})
}

// What parseAnswer reads of a message: the coordinates of a location
// message, the text of any other.
func TestAnswerTextOfALocationMessage(t *testing.T) {
	for _, c := range []struct {
		content string
		want    string
	}{
		{`{"type":"location","latitude":-33.8568,"longitude":151.2153}`, "-33.8568, 151.2153"},
		{`{"type":"location","latitude":0,"longitude":0}`, "0, 0"},
		{`{"type":"location","address":"somewhere"}`, ""},
		{`not json`, ""},
	} {
		if got := locationText(json.RawMessage(c.content)); got != c.want {
			t.Errorf("%s: %q, want %q", c.content, got, c.want)
		}
	}
}
