package httpapi_test

import (
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A reply a person of the team wrote carries their name to the visitor,
// live and in the history, so the widget can say who answers; one sent
// by an integration (no person) carries none, nor do the visitor's own.
func TestWidgetRepliesNameTheirWriter(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.widgetChannel(t)
		ana := f.newVisitor(t)
		socket := f.openVisitorSocket(t, ana)
		conv := itoa(socket.says("Do you ship to Canada?", "a1").ConversationID)
		reply := func(as, text string) {
			t.Helper()
			f.run(t, []scenario{{name: as + " replies", method: "POST", path: "/api/v1/conversations/" + conv + "/messages", as: as,
				status: 202, body: `{"text":"` + text + `"}`}})
		}
		reply("agent", "We do, in 5 to 7 days.")
		reply("integration", "Your order number, please?")
		agent := f.users["agent"].Name
		if agent == "" {
			t.Fatal("the fixture's agent has no name")
		}
		want := map[string]string{"Do you ship to Canada?": "", "We do, in 5 to 7 days.": agent, "Your order number, please?": ""}
		for _, text := range []string{"We do, in 5 to 7 days.", "Your order number, please?"} {
			if got := socket.message(text).SenderName; got != want[text] {
				t.Errorf("live, %q names %q, want %q", text, got, want[text])
			}
		}
		h := f.visitorHistory(t, ana)
		if len(h.Messages) != 3 {
			t.Fatalf("history: %+v", h.Messages)
		}
		for _, m := range h.Messages {
			if m.SenderName != want[m.Text] {
				t.Errorf("in the history, %q names %q, want %q", m.Text, m.SenderName, want[m.Text])
			}
		}
	})
}
