package conversation

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// runSearchIndex runs the message-search consumer on d until the test
// ends; WaitIdle on the group returns once it has indexed every commit.
func runSearchIndex(t *testing.T, f *fixture) *background.Group {
	t.Helper()
	hub := event.NewHub()
	f.db.OnEvents(hub.Notify)
	g := background.NewGroup(f.clock)
	backgroundtest.Run(t, g, NewSearchConsumer(f.db, hub, g).Run)
	return g
}

// TestSearchMessages: the search finds messages by the start of their
// words (case and accents aside, every word of the query), newest first
// and page by page, among the conversations the caller may see that
// match the list's filters; an edit replaces a message's words; messages
// stored before the index existed are found; a message deleted leaves
// the index, even before the index reached it.
func TestSearchMessages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		other := newFixture(t, d)
		if _, err := other.svc.Receive(ctx, []Inbound{other.inbound("+14155559999", "x1", "my delivery is late")}); err != nil {
			t.Fatal(err)
		}
		f := newInbox(t, d)
		owner := f.owner
		external := func(i int) string { return fmt.Sprintf("+1415555%04d", i) }
		say := func(i int, id, text string) int64 {
			t.Helper()
			return f.receiveOne(t, f.inbound(external(i), id, text)).MessageID
		}
		// Before the index runs: found once it starts from the log's first event.
		order := say(0, "s1", "Où est ma commande #A1234 ? Elle devait arriver LUNDI.")
		gone := say(4, "s2", "my delivery never arrived")
		deleteMessage(t, d, gone)
		g := runSearchIndex(t, f.fixture)
		// Then, as they come.
		late := say(8, "s3", "A question about a delivery")
		reply, err := f.svc.Send(ctx, owner, f.convs[1].ID, SendInput{Text: "Your Delivery is on its way", Sender: SourceUser})
		if err != nil {
			t.Fatal(err)
		}
		lamp := say(0, "s4", "I ordered a blue lamp")
		f.receiveOne(t, f.edit(external(0), "s4", "s4-edit", "I ordered a red lamp", f.clock.Now()))
		backgroundtest.WaitIdle(t, g)

		search := func(p access.Principal, q string, filter ListFilter) []int64 {
			t.Helper()
			find := func(req page.Request) (page.Page[MessageHit], error) {
				return f.svc.SearchMessages(ctx, p, q, filter, req)
			}
			return walkHits(t, find, func(h MessageHit) int64 { return h.Message.ID })
		}
		for _, c := range []struct {
			name  string
			who   access.Principal
			q     string
			f     ListFilter
			found []int64
		}{
			{"a word's start, newest first, page by page", owner, "deliv", ListFilter{}, []int64{reply.ID, late}},
			{"case and accents aside", owner, "COMMANDÉ lundi", ListFilter{}, []int64{order}},
			{"every word", owner, "arriv a12", ListFilter{}, []int64{order}},
			{"no word in the middle of one", owner, "1234", ListFilter{}, nil},
			{"an edit's words", owner, "red lamp", ListFilter{}, []int64{lamp}},
			{"not the words it replaced", owner, "blue", ListFilter{}, nil},
			{"an agent sees their conversations' only", f.agent, "deliv", ListFilter{}, []int64{reply.ID}},
			{"the list's filters", owner, "deliv", ListFilter{TeamID: f.teams[0]}, []int64{reply.ID}},
		} {
			if got := search(c.who, c.q, c.f); !slices.Equal(got, c.found) {
				t.Errorf("%s: %q found %v, want %v", c.name, c.q, got, c.found)
			}
		}

		pg, err := f.svc.SearchMessages(ctx, owner, "lundi", ListFilter{}, page.First())
		if err != nil || len(pg.Data) != 1 {
			t.Fatalf("search: %v, %v", pg.Data, err)
		}
		h := pg.Data[0]
		if h.ContactName != "Person0 Doe" || h.ConversationStatus != StatusOpen || h.Message.ConversationID != f.convs[0].ID {
			t.Errorf("hit: %+v", h)
		}
		if got := snippetString(h.Snippet); got != "Où est ma commande #A1234 ? Elle devait arriver [LUNDI]." {
			t.Errorf("snippet %q", got)
		}

		// A message deleted leaves the index with it.
		indexed := `SELECT COUNT(*) FROM message_search WHERE rowid = ?`
		if d.Dialect == db.Postgres {
			indexed = `SELECT COUNT(*) FROM message_search WHERE message_id = ?`
		}
		if n := dbtest.Count(t, d, indexed, late); n != 1 {
			t.Fatalf("%d index rows for a message, want 1", n)
		}
		deleteMessage(t, d, late)
		if n := dbtest.Count(t, d, indexed, late); n != 0 {
			t.Errorf("%d index rows for a deleted message, want none", n)
		}
	})
}

// TestSearchIndexBatchKeepsEachMessagesLastWords: one batch may carry a
// message and its edit (on PostgreSQL one statement writes the batch,
// which may not update a row twice): the index keeps the edit's words,
// once, on both stores.
func TestSearchIndexBatchKeepsEachMessagesLastWords(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		id := f.receiveOne(t, f.inbound("+14155550101", "b1", "a blue lamp")).MessageID
		other := f.receiveOne(t, f.inbound("+14155550102", "b2", "a green chair")).MessageID
		say := func(id int64, text string) event.Event {
			return event.Event{Type: event.MessageReceived, Payload: []byte(fmt.Sprintf(`{"message_id":%d,"text":%q}`, id, text))}
		}
		batch := []event.Event{say(id, "a blue lamp"), say(other, "a green chair"), say(id, "a red lamp")}
		if err := d.Write(ctx, func(tx *db.Tx) error { return indexMessages(ctx, tx, batch) }); err != nil {
			t.Fatal(err)
		}
		for q, want := range map[string][]int64{"red lamp": {id}, "blue": nil, "green": {other}, "lamp": {id}} {
			pg, err := f.svc.SearchMessages(ctx, access.System(f.ws.ID), q, ListFilter{}, page.First())
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, h := range pg.Data {
				got = append(got, h.Message.ID)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%q found %v, want %v", q, got, want)
			}
		}
	})
}

// TestSearchMessagesRefusesBadQueries: what cannot be searched is a 400,
// named.
func TestSearchMessagesRefusesBadQueries(t *testing.T) {
	f := newFixture(t, dbtest.Open(t, db.SQLite))
	p := access.System(f.ws.ID)
	for _, c := range []struct {
		q    string
		f    ListFilter
		want string
	}{
		{"", ListFilter{}, "required"},
		{"  ", ListFilter{}, "required"},
		{"?! …", ListFilter{}, "word"},
		{strings.Repeat("a ", 25), ListFilter{}, "at most 24 words"},
		{strings.Repeat("字", 26), ListFilter{}, "at most 24 words"},
		{strings.Repeat("a", 201), ListFilter{}, "at most 200"},
		{"hello", ListFilter{Status: "gone"}, "status"},
	} {
		_, err := f.svc.SearchMessages(context.Background(), p, c.q, c.f, page.First())
		if apperr.KindOf(err) != apperr.KindBadRequest || !strings.Contains(err.Error(), c.want) {
			t.Errorf("q %q: %v, want a 400 saying %q", c.q, err, c.want)
		}
	}
}

// walkHits reads a search one hit a page, following its cursor, and
// returns the ids of what it found in order.
func walkHits[H any](t *testing.T, search func(page.Request) (page.Page[H], error), id func(H) int64) []int64 {
	t.Helper()
	var ids []int64
	req := page.Request{Limit: 1}
	for {
		pg, err := search(req)
		if err != nil {
			t.Fatalf("search: %v", err)
		}
		for _, h := range pg.Data {
			ids = append(ids, id(h))
		}
		if pg.NextCursor == "" {
			return ids
		}
		c, err := page.Decode(pg.NextCursor, page.OrderIDDesc)
		if err != nil {
			t.Fatal(err)
		}
		req.After = &c
	}
}

func deleteMessage(t *testing.T, d *db.DB, id int64) {
	t.Helper()
	ctx := context.Background()
	if err := d.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM messages WHERE id = ?`, id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

func snippetString(parts []SnippetPart) string {
	var b strings.Builder
	for _, p := range parts {
		if p.Match {
			b.WriteString("[" + p.Text + "]")
		} else {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

func TestSnippet(t *testing.T) {
	long := strings.Repeat("filler words here ", 20)
	for _, c := range []struct {
		name, text string
		words      []string
		want       string
	}{
		{"every word found marked", "Delivery delayed: the delivery man", []string{"deliv"}, "[Delivery] delayed: the [delivery] man"},
		{"accents and case", "Ma commande n'est pas arrivée", []string{"arrivee", "commande"}, "Ma [commande] n'est pas [arrivée]"},
		{"an elision is its word", "l'adresse est fausse", []string{"adresse"}, "[l'adresse] est fausse"},
		{"lines flattened", "first line\n\nsecond\tline", []string{"second"}, "first line [second] line"},
		{"cut before and after", long + "the parcel " + long, []string{"parcel"},
			"…here filler words here filler words here the [parcel] filler words here filler words here filler words here filler words here filler words here filler words here filler words here…"},
		{"no word found: the start", "#nothing here", []string{"zzz"}, "#nothing here"},
		{"a word as long as the line", "see " + strings.Repeat("x", 200), []string{"xx"}, "see [" + strings.Repeat("x", 179) + "…]"},
		{"Chinese: the characters of the pairs found", "我的手机壳坏了，请帮我换一个手机壳", []string{"手机", "机壳"}, "我的[手机壳]坏了，请帮我换一个[手机壳]"},
		{"Chinese: one character", "我的手机壳坏了", []string{"壳"}, "我的手机[壳]坏了"},
		{"Japanese beside Latin, a voiced kana folded", "iPhoneのケースが届いていません", []string{"iphone", "とと"}, "[iPhone]のケースが届いていません"},
		{"Japanese: a voiced kana found folded", "ケースがどこですか", []string{"とこ", "こて", "てす"}, "ケースが[どこです]か"},
		{"a long Chinese text cut around the word", strings.Repeat("天", 100) + "订单" + strings.Repeat("地", 200), []string{"订单"},
			"…" + strings.Repeat("天", 50) + "[订单]" + strings.Repeat("地", 128) + "…"},
	} {
		if got := snippetString(Snippet(c.text, c.words)); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
}

// TestSearchComments: internal notes are found as messages are — a
// word's start, newest first, page by page, within what the caller may
// see and the list's filters; notes written before the index existed are
// found, an edit replaces a note's words, and a deleted note leaves the
// index.
func TestSearchComments(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newInbox(t, d)
		owner := f.owner
		note := func(conv int64, text string) int64 {
			t.Helper()
			c, err := f.svc.AddComment(ctx, owner, conv, CommentInput{Text: text})
			if err != nil {
				t.Fatal(err)
			}
			return c.ID
		}
		// Before the index runs: found once it starts from the log's first event.
		approved := note(f.convs[0].ID, "Refund approved for order #A77")
		gone := note(f.convs[0].ID, "refund to be checked")
		if err := f.svc.DeleteComment(ctx, owner, f.convs[0].ID, gone); err != nil {
			t.Fatal(err)
		}
		hub := event.NewHub()
		f.db.OnEvents(hub.Notify)
		g := background.NewGroup(f.clock)
		backgroundtest.Run(t, g, NewCommentSearchConsumer(f.db, hub, g).Run)
		pending := note(f.convs[8].ID, "Refund pending: the carrier has not answered")
		// An agent's note, edited by its author.
		written, err := f.svc.AddComment(ctx, f.agent, f.convs[1].ID, CommentInput{Text: "The carrier lost the parcel", UserID: f.agents[0]})
		if err != nil {
			t.Fatal(err)
		}
		parcel := written.ID
		if _, err := f.svc.EditComment(ctx, f.agent, f.convs[1].ID, parcel, CommentInput{Text: "The carrier found the parcel", UserID: f.agents[0]}); err != nil {
			t.Fatal(err)
		}
		backgroundtest.WaitIdle(t, g)

		search := func(p access.Principal, q string, filter ListFilter) []int64 {
			t.Helper()
			find := func(req page.Request) (page.Page[CommentHit], error) {
				return f.svc.SearchComments(ctx, p, q, filter, req)
			}
			return walkHits(t, find, func(h CommentHit) int64 { return h.Comment.ID })
		}
		for _, c := range []struct {
			name  string
			who   access.Principal
			q     string
			f     ListFilter
			found []int64
		}{
			{"a word's start, newest first, page by page", owner, "REFUN", ListFilter{}, []int64{pending, approved}},
			{"every word", owner, "refund a77", ListFilter{}, []int64{approved}},
			{"an edit's words", owner, "found parc", ListFilter{}, []int64{parcel}},
			{"not the words it replaced", owner, "lost", ListFilter{}, nil},
			{"an agent sees their conversations' only", f.agent, "refund", ListFilter{}, []int64{approved}},
			{"the list's filters", owner, "carrier", ListFilter{TeamID: f.teams[0]}, []int64{parcel}},
		} {
			if got := search(c.who, c.q, c.f); !slices.Equal(got, c.found) {
				t.Errorf("%s: %q found %v, want %v", c.name, c.q, got, c.found)
			}
		}

		pg, err := f.svc.SearchComments(ctx, owner, "a77", ListFilter{}, page.First())
		if err != nil || len(pg.Data) != 1 {
			t.Fatalf("search: %v, %v", pg.Data, err)
		}
		h := pg.Data[0]
		if h.ContactName != "Person0 Doe" || h.ContactID != f.convs[0].ContactID || h.ChannelID != f.convs[0].ChannelID ||
			h.ConversationStatus != StatusOpen || h.Comment.ConversationID != f.convs[0].ID {
			t.Errorf("hit: %+v", h)
		}
		if got := snippetString(h.Snippet); got != "Refund approved for order #[A77]" {
			t.Errorf("snippet %q", got)
		}

		// A note deleted leaves the index with it.
		if err := f.svc.DeleteComment(ctx, owner, f.convs[1].ID, parcel); err != nil {
			t.Fatal(err)
		}
		if got := search(owner, "found", ListFilter{}); len(got) != 0 {
			t.Errorf("a deleted note found: %v", got)
		}
		table, key := "comment_search", "rowid"
		if d.Dialect == db.Postgres {
			key = "comment_id"
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM `+table+` WHERE `+key+` = ?`, parcel); n != 0 {
			t.Errorf("%d index rows for a deleted note, want none", n)
		}
	})
}
