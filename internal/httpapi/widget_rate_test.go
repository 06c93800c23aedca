package httpapi_test

import (
	"context"
	"encoding/json"
	"regexp"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/channel/widget"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// TestWidgetSiteRefusalSpendsNoVisitorMessage: a message refused because
// its site is past the site's rate stored nothing, so it costs the
// visitor none of their own messages: once the site may send again, a
// visitor who retried meanwhile is not refused as "too fast" for
// messages the server never took.
func TestWidgetSiteRefusalSpendsNoVisitorMessage(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.widgetChannel(t)
		ana := f.newVisitor(t) // one of the site's requests
		for i := 1; i < widgetTestLimits.PerOrigin; i++ {
			f.newVisitor(t)
		}
		// The shop's site is spent; Ana retries more times than her own burst.
		var retries []scenario
		for range widgetTestLimits.PerVisitor + 1 {
			retries = append(retries, scenario{name: "refused for the site", method: "POST", path: "/widget/{{widget}}/messages",
				header: visitorHeader(ana), body: `{"text":"hello?"}`, status: 429, want: []string{"too many requests from this site"}})
		}
		f.run(t, retries)
		// The same visitor from the channel's other allowed site, whose
		// rate is untouched: her own messages are all still hers.
		other := visitorHeader(ana)
		other["Origin"] = "http://localhost:8080"
		var sends []scenario
		for range widgetTestLimits.PerVisitor {
			sends = append(sends, scenario{name: "her own burst", method: "POST", path: "/widget/{{widget}}/messages",
				header: other, body: `{"text":"hello"}`, status: 201})
		}
		f.run(t, sends)
	})
}

// TestWidgetHistoryStoreFailureIsNoEmptyHistory: a history the store
// could not read is a 5xx error, not a 200 with no messages (the widget
// would show a returning visitor an empty conversation as if it were all
// there is) followed by the error's JSON in the same body.
func TestWidgetHistoryStoreFailureIsNoEmptyHistory(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.widgetChannel(t)
		ana := f.newVisitor(t)
		f.run(t, []scenario{{name: "Ana writes", method: "POST", path: "/widget/{{widget}}/messages", header: visitorHeader(ana), status: 201,
			body: `{"text":"Hello"}`}})
		// The visitors' identities can no longer be read.
		if err := d.Write(context.Background(), func(tx *db.Tx) error {
			_, err := tx.Exec(context.Background(), `ALTER TABLE contact_identities RENAME TO contact_identities_kept`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		status, body := f.do(t, scenario{method: "GET", path: "/widget/{{widget}}/messages", header: visitorHeader(ana)})
		var answer struct {
			Messages *[]json.RawMessage `json:"messages"`
			Error    *struct{ Code string }
		}
		if status/100 != 5 || json.Unmarshal(body, &answer) != nil || answer.Messages != nil || answer.Error == nil {
			t.Fatalf("a history the store could not read: %d %s", status, body)
		}
	})
}

// TestWidgetPreChatNameFillsAContactMadeBefore: the pre-chat form's name
// fills the visitor's contact "always" (docs/widget.md), also when the
// contact was made by an earlier message without it (the form turned on
// since, so a returning visitor is asked): it was named "Visitor …" for
// good (and, before that name, after the visitor's random id, which the
// form still replaces). A contact with a name of its own (an agent's, a
// merged customer's) keeps it: the visitor's word is unverified.
func TestWidgetPreChatNameFillsAContactMadeBefore(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.widgetChannel(t)
		send := func(v widget.Visitor, body string) int64 {
			t.Helper()
			status, out := f.do(t, scenario{method: "POST", path: "/widget/{{widget}}/messages", header: visitorHeader(v), body: body})
			var res struct {
				ContactID int64 `json:"contact_id"`
			}
			if status != 201 || json.Unmarshal(out, &res) != nil {
				t.Fatalf("send %s: %d %s", body, status, out)
			}
			return res.ContactID
		}
		name := func(id int64) string {
			var c struct {
				FirstName string `json:"first_name"`
				LastName  string `json:"last_name"`
				Email     string
			}
			f.get(t, "/api/v1/contacts/"+itoa(id), "owner", &c)
			return c.FirstName + "|" + c.LastName + "|" + c.Email
		}
		ana := f.newVisitor(t)
		id := send(ana, `{"text":"Hello"}`)
		got := name(id)
		if !regexp.MustCompile(`^Visitor [0-9A-Z]{6}\|\|$`).MatchString(got) {
			t.Fatalf("a visitor's contact before the form: %q, want Visitor and a code (not the id %s)", got, ana.VisitorID)
		}
		if again := send(ana, `{"text":"Still here"}`); again != id || name(id) != got {
			t.Fatalf("the same visitor's next message: contact %d named %q, want %d named %q", again, name(id), id, got)
		}
		send(ana, `{"text":"Hello again","name":"Ana Lima","email":"ana.lima@example.com"}`)
		if got := name(id); got != "Ana|Lima|ana.lima@example.com" {
			t.Fatalf("after the pre-chat form: %q, want Ana|Lima|ana.lima@example.com", got)
		}
		// A contact made before visitors had a name of their own was
		// named after the visitor's id: the form names it too.
		bo := f.newVisitor(t)
		bid := send(bo, `{"text":"Hi"}`)
		f.vars["bo"] = itoa(bid)
		f.run(t, []scenario{{name: "named as contacts were before visitor names", method: "PATCH", path: "/api/v1/contacts/{{bo}}", as: "owner", status: 200,
			body: `{"first_name":"` + bo.VisitorID + `","last_name":""}`}})
		send(bo, `{"text":"Me again","name":"Bo Berg"}`)
		if got := name(bid); got != "Bo|Berg|" {
			t.Fatalf("a contact named after its visitor id, after the form: %q, want Bo|Berg|", got)
		}
		// Named by an agent since: the form does not rename them.
		f.vars["ana"] = itoa(id)
		f.run(t, []scenario{{name: "an agent renames her", method: "PATCH", path: "/api/v1/contacts/{{ana}}", as: "owner", status: 200,
			body: `{"first_name":"Ana Maria","last_name":"Lima"}`}})
		send(ana, `{"text":"It's me","name":"Someone Else"}`)
		if got := name(id); got != "Ana Maria|Lima|ana.lima@example.com" {
			t.Fatalf("a contact named by an agent, after the form: %q", got)
		}
	})
}
