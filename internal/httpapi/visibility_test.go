package httpapi_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// world is the workspace the walk test walks: agent A in team T, agent B
// in team U, and one conversation (each with its own contact, message and
// comment) per place a conversation can be, plus a contact with no
// conversation at all.
type world struct {
	conv, contact, msg, comment map[string]int64 // by place
	gone                        []int64          // contacts deleted: their events reach everyone
}

// The places a conversation can be, as agent A sees them.
const (
	placeMine     = "assigned to A"
	placeB        = "assigned to B"
	placeTeam     = "unassigned in A's team"
	placeOther    = "unassigned in another team"
	placeNoTeam   = "unassigned, no team"
	placeNoConvos = "a contact with no conversation"
)

var places = []string{placeMine, placeB, placeTeam, placeOther, placeNoTeam}

func buildWorld(t *testing.T, f *fixture) world {
	t.Helper()
	ctx := context.Background()
	w := world{conv: map[string]int64{}, contact: map[string]int64{}, msg: map[string]int64{}, comment: map[string]int64{}}
	user := func(name string) workspace.User {
		u, err := f.wsSvc.CreateUser(ctx, f.ws.ID, workspace.NewUser{Email: name + "@acme.test", Name: "Agent " + name, Role: workspace.RoleAgent})
		if err != nil {
			t.Fatal(err)
		}
		_, f.tokens[name], err = f.wsSvc.CreateToken(ctx, f.ws.ID, workspace.NewToken{Name: name, UserID: u.ID})
		if err != nil {
			t.Fatal(err)
		}
		f.vars[name] = itoa(u.ID)
		return u
	}
	a, b := user("a"), user("b")
	teamT, err := f.wsSvc.CreateTeam(ctx, f.ws.ID, workspace.TeamInput{Name: "T", MemberIDs: []int64{a.ID}})
	if err != nil {
		t.Fatal(err)
	}
	teamU, err := f.wsSvc.CreateTeam(ctx, f.ws.ID, workspace.TeamInput{Name: "U", MemberIDs: []int64{b.ID}})
	if err != nil {
		t.Fatal(err)
	}
	where := map[string]conversation.AssignInput{
		placeMine:  {UserID: a.ID},
		placeB:     {UserID: b.ID},
		placeTeam:  {TeamID: teamT.ID},
		placeOther: {TeamID: teamU.ID},
	}
	for i, place := range places {
		r := f.inbound(t, fmt.Sprintf("+4420794600%02d", i), "Contact "+place, "m"+itoa(int64(i)))
		w.conv[place], w.contact[place], w.msg[place] = r.ConversationID, r.ContactID, r.MessageID
		if in, ok := where[place]; ok {
			in.Source = conversation.SourceAPI
			if err := f.d.Write(ctx, func(tx *db.Tx) error {
				_, err := conversation.AssignTx(ctx, tx, f.ws.ID, r.ConversationID, in)
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		cm, err := f.conv.AddComment(ctx, ownerOf(f), r.ConversationID, conversation.CommentInput{Text: "note on " + place})
		if err != nil {
			t.Fatal(err)
		}
		w.comment[place] = cm.ID
	}
	var free struct{ ID int64 }
	status, body := f.do(t, scenario{method: "POST", path: "/api/v1/contacts", as: "owner", body: `{"first_name":"Free"}`})
	if status != 201 || decode(body, &free) != nil {
		t.Fatalf("create a contact: %d %s", status, clip(body))
	}
	w.contact[placeNoConvos] = free.ID
	return w
}

// ownerOf is the principal of the fixture's owner, for setting up.
func ownerOf(f *fixture) workspace.Principal {
	p, err := f.wsSvc.Authenticate(context.Background(), f.tokens["owner"])
	if err != nil {
		panic(err)
	}
	return p
}

// listed is one item of any list: what the walk compares.
type listed struct {
	ID             int64
	Type           string
	ConversationID int64 `json:"conversation_id"`
	ContactID      int64 `json:"contact_id"`
}

func (f *fixture) list(t *testing.T, path, as string) []listed {
	t.Helper()
	var pg struct{ Data []listed }
	f.get(t, path, as, &pg)
	return pg.Data
}

func idsOf(items []listed) []int64 {
	out := []int64{}
	for _, it := range items {
		out = append(out, it.ID)
	}
	slices.Sort(out)
	return out
}

func pick(m map[string]int64, keys []string) []int64 {
	out := []int64{}
	for _, k := range keys {
		out = append(out, m[k])
	}
	slices.Sort(out)
	return out
}

// walk checks every list and get of conversations, messages, comments,
// contacts and events as one caller: exactly what it sees is listed, and
// what it does not see answers 404 like a missing row.
func (f *fixture) walk(t *testing.T, w world, as string, sees, seesContacts []string) {
	t.Helper()
	code := func(ok bool) int {
		if ok {
			return 200
		}
		return 404
	}
	if got, want := idsOf(f.list(t, "/api/v1/conversations?limit=200", as)), pick(w.conv, sees); !slices.Equal(got, want) {
		t.Errorf("%s lists conversations %v, want %v", as, got, want)
	}
	// Filters narrow what the caller sees, never widen it.
	unassigned := []string{}
	for _, place := range []string{placeTeam, placeOther, placeNoTeam} {
		if slices.Contains(sees, place) {
			unassigned = append(unassigned, place)
		}
	}
	if got, want := idsOf(f.list(t, "/api/v1/conversations?assignee_id=none&limit=200", as)), pick(w.conv, unassigned); !slices.Equal(got, want) {
		t.Errorf("%s lists unassigned conversations %v, want %v", as, got, want)
	}
	for _, place := range places {
		want := []int64{}
		if slices.Contains(sees, place) {
			want = []int64{w.conv[place]}
		}
		if got := idsOf(f.list(t, "/api/v1/conversations?contact_id="+itoa(w.contact[place]), as)); !slices.Equal(got, want) {
			t.Errorf("%s lists conversations of the contact %s: %v, want %v", as, place, got, want)
		}
	}
	for _, place := range places {
		id, visible := itoa(w.conv[place]), slices.Contains(sees, place)
		for _, path := range []string{"/api/v1/conversations/" + id, "/api/v1/conversations/" + id + "/messages",
			"/api/v1/conversations/" + id + "/comments", "/api/v1/conversations/" + id + "/events",
			"/api/v1/messages/" + itoa(w.msg[place])} {
			if status, body := f.do(t, scenario{method: "GET", path: path, as: as}); status != code(visible) {
				t.Errorf("%s: GET %s (%s): %d, want %d: %s", as, path, place, status, code(visible), clip(body))
			}
		}
		if !visible {
			continue
		}
		for what, first := range map[string]int64{"messages": w.msg[place], "comments": w.comment[place]} {
			items := f.list(t, "/api/v1/conversations/"+id+"/"+what, as)
			if len(items) == 0 || items[0].ID != first {
				t.Errorf("%s: %s of %s = %v, want %d first", as, what, place, items, first)
			}
			for _, it := range items {
				if it.ConversationID != w.conv[place] {
					t.Errorf("%s: %s of %s lists one of conversation %d", as, what, place, it.ConversationID)
				}
			}
		}
	}
	if got, want := idsOf(f.list(t, "/api/v1/contacts?limit=200", as)), pick(w.contact, seesContacts); !slices.Equal(got, want) {
		t.Errorf("%s lists contacts %v, want %v", as, got, want)
	}
	for _, place := range append(slices.Clone(places), placeNoConvos) {
		id, visible := itoa(w.contact[place]), slices.Contains(seesContacts, place)
		for _, path := range []string{"/api/v1/contacts/" + id, "/api/v1/contacts/" + id + "/conversations"} {
			if status, body := f.do(t, scenario{method: "GET", path: path, as: as}); status != code(visible) {
				t.Errorf("%s: GET %s (%s): %d, want %d: %s", as, path, place, status, code(visible), clip(body))
			}
		}
		if visible {
			want := []int64{}
			if slices.Contains(sees, place) {
				want = []int64{w.conv[place]}
			}
			if got := idsOf(f.list(t, "/api/v1/contacts/"+id+"/conversations", as)); !slices.Equal(got, want) {
				t.Errorf("%s: conversations of the contact %s = %v, want %v", as, place, got, want)
			}
		}
	}
	// The log: every conversation event is of a visible conversation, every
	// contact event of a visible contact, and each visible one has events.
	var convs, contacts []int64
	for _, e := range f.list(t, "/api/v1/events?limit=200", as) {
		if e.ConversationID != 0 {
			convs = append(convs, e.ConversationID)
		} else if e.ContactID != 0 {
			contacts = append(contacts, e.ContactID)
		}
	}
	slices.Sort(convs)
	slices.Sort(contacts)
	if got, want := slices.Compact(convs), pick(w.conv, sees); !slices.Equal(got, want) {
		t.Errorf("%s: events list conversations %v, want %v", as, got, want)
	}
	wantContacts := append(pick(w.contact, seesContacts), w.gone...)
	slices.Sort(wantContacts)
	if got, want := slices.Compact(contacts), wantContacts; !slices.Equal(got, want) {
		t.Errorf("%s: events list contacts %v, want %v", as, got, want)
	}
}

// streamed reads n events from s and returns their conversation ids.
func streamed(t *testing.T, s *sse, n int) []string {
	t.Helper()
	var out []string
	for range n {
		_, typ, data := s.event(t)
		var e listed
		if err := decode([]byte(data), &e); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %d", typ, e.ConversationID))
	}
	return out
}

func ev(typ string, conv int64) string { return fmt.Sprintf("%s %d", typ, conv) }

func TestWhoSeesWhat(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		w := buildWorld(t, f)
		ctx := context.Background()
		owner := ownerOf(f)
		everything := slices.Clone(places)
		everyContact := append(slices.Clone(places), placeNoConvos)

		// Agent A sees their own and their team's unassigned conversations,
		// and the contacts of those plus the contact nobody talks to; the
		// manager sees everything.
		for _, c := range []struct {
			as                 string
			sees, seesContacts []string
		}{
			{"a", []string{placeMine, placeTeam}, []string{placeMine, placeTeam, placeNoConvos}},
			{"manager", everything, everyContact},
		} {
			t.Run("walk as "+c.as, func(t *testing.T) { f.walk(t, w, c.as, c.sees, c.seesContacts) })
		}

		// Every change of what A may not see is refused as not found, and
		// changes nothing (the harness compares every table).
		shortcut := `{"name": "Shortcut", "trigger": {"type": "shortcut"},
			"steps": [{"id": "tag", "type": "update_contact_tag", "settings": {"action": "add", "tags": ["s"]}}]}`
		f.run(t, []scenario{
			{name: "a shortcut", method: "POST", path: "/api/v1/workflows", as: "manager", body: shortcut, status: 201, capture: "shortcut"},
			{name: "publish it", method: "POST", path: "/api/v1/workflows/{{shortcut}}/publish", as: "manager", status: 200},
			{name: "start it", method: "POST", path: "/api/v1/workflows/{{shortcut}}/start", as: "manager", status: 200},
		})
		var refused []scenario
		future := d.Clock().Now().Add(time.Hour).UTC().Format(time.RFC3339)
		for _, place := range []string{placeB, placeOther, placeNoTeam} {
			i := slices.Index(places, place)
			phone := fmt.Sprintf("+4420794600%02d", i)
			p := "/api/v1/conversations/" + itoa(w.conv[place])
			c := "/api/v1/contacts/" + itoa(w.contact[place])
			for _, sc := range []scenario{
				{method: "POST", path: p + "/close", body: `{}`},
				{method: "POST", path: p + "/assign", body: `{"user_id":{{a}}}`},
				{method: "POST", path: p + "/unassign"},
				{method: "POST", path: p + "/snooze", body: `{"until":"` + future + `"}`},
				{method: "POST", path: p + "/unsnooze"},
				{method: "POST", path: p + "/route", body: `{"target":"unassign"}`},
				{method: "POST", path: p + "/messages", body: `{"text":"hi"}`},
				{method: "POST", path: p + "/comments", body: `{"text":"hi"}`},
				{method: "PATCH", path: c, body: `{"last_name":"X"}`},
				{method: "POST", path: c + "/tags", body: `{"tag":"vip"}`},
				{method: "DELETE", path: c + "/tags/vip"},
				{method: "PUT", path: c + "/lifecycle", body: `{"stage":"Customer"}`},
				{method: "POST", path: "/api/v1/conversations", body: `{"contact_id":` + itoa(w.contact[place]) + `}`},
				{method: "POST", path: "/api/v1/workflows/{{shortcut}}/runs", body: `{"contact_id":` + itoa(w.contact[place]) + `}`},
				{method: "POST", path: "/api/v1/contacts/upsert", body: `{"phone":"` + phone + `","last_name":"X"}`},
			} {
				sc.name, sc.as, sc.status = sc.method+" "+sc.path+" ("+place+")", "a", 404
				refused = append(refused, sc)
			}
		}
		refused = append(refused,
			scenario{name: "an agent may not delete contacts", method: "DELETE", path: "/api/v1/contacts/" + itoa(w.contact[placeMine]), as: "a", status: 403},
			scenario{name: "A runs the shortcut for a contact A sees", method: "POST", path: "/api/v1/workflows/{{shortcut}}/runs", as: "a",
				body: `{"contact_id":` + itoa(w.contact[placeMine]) + `}`, status: 201},
			scenario{name: "a contact to delete", method: "POST", path: "/api/v1/contacts", as: "owner", body: `{"first_name":"Gone"}`,
				status: 201, capture: "gone"},
			scenario{name: "the manager may delete", method: "DELETE", path: "/api/v1/contacts/{{gone}}", as: "manager", status: 204},
		)
		f.run(t, refused)
		w.gone = append(w.gone, int64(dbtest.Count(t, d, `SELECT MAX(contact_id) FROM events WHERE type = 'contact.deleted'`)))

		// The live stream: A gets the events of what A sees, decided when
		// each is delivered; the manager gets them all.
		after := "?after=" + itoa(int64(dbtest.Count(t, d, `SELECT MAX(id) FROM events`)))
		sa, sm := f.streamAs(t, "a", after, nil), f.streamAs(t, "manager", after, nil)
		for _, s := range []*sse{sa, sm} {
			if line := s.next(t); line != ": connected" {
				t.Fatalf("first line %q", line)
			}
		}
		comment := func(place string) {
			t.Helper()
			if _, err := f.conv.AddComment(ctx, owner, w.conv[place], conversation.CommentInput{Text: "again"}); err != nil {
				t.Fatal(err)
			}
		}
		order := []string{placeNoTeam, placeOther, placeB, placeTeam, placeMine}
		for _, place := range order {
			comment(place)
		}
		if got, want := streamed(t, sa, 2), []string{ev("comment.created", w.conv[placeTeam]), ev("comment.created", w.conv[placeMine])}; !slices.Equal(got, want) {
			t.Errorf("A's stream: %v, want %v", got, want)
		}
		var all []string
		for _, place := range order {
			all = append(all, ev("comment.created", w.conv[place]))
		}
		if got := streamed(t, sm, 5); !slices.Equal(got, all) {
			t.Errorf("the manager's stream: %v, want %v", got, all)
		}
		// B's conversation is handed to A, A's own to B: from then on A's
		// stream carries the first and not the second, but for the
		// hand-over that takes A's own away (how A's inbox learns it).
		assign := func(place string, userID int64) {
			t.Helper()
			if err := d.Write(ctx, func(tx *db.Tx) error {
				_, err := conversation.AssignTx(ctx, tx, f.ws.ID, w.conv[place], conversation.AssignInput{UserID: userID, Source: conversation.SourceAPI})
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		assign(placeB, f.userID(t, "a"))
		comment(placeB)
		assign(placeMine, f.userID(t, "b"))
		comment(placeMine)
		comment(placeTeam) // the last one: A's stream has nothing else before it
		want := []string{ev("conversation.assigned", w.conv[placeB]), ev("comment.created", w.conv[placeB]),
			ev("conversation.assigned", w.conv[placeMine]), ev("comment.created", w.conv[placeTeam])}
		if got := streamed(t, sa, 4); !slices.Equal(got, want) {
			t.Errorf("A's stream after the handovers: %v, want %v", got, want)
		}
		// Contact events follow the contact's visibility.
		f.run(t, []scenario{
			{name: "update a contact A may not see", method: "PATCH", path: "/api/v1/contacts/" + itoa(w.contact[placeOther]), as: "owner",
				body: `{"last_name":"Other"}`, status: 200},
			{name: "update one A sees", method: "PATCH", path: "/api/v1/contacts/" + itoa(w.contact[placeTeam]), as: "owner",
				body: `{"last_name":"Team"}`, status: 200},
		})
		_, typ, data := sa.event(t)
		var e listed
		if decode([]byte(data), &e); typ != "contact.updated" || e.ContactID != w.contact[placeTeam] {
			t.Errorf("A's stream: %s %s, want contact.updated of contact %d", typ, data, w.contact[placeTeam])
		}
		sa.close()
		sm.close()

		// Owners widen agents: A sees everything.
		f.run(t, []scenario{{name: "widen agents", method: "PATCH", path: "/api/v1/workspace", as: "owner",
			body:   `{"permissions":{"agent":{"see_all_conversations":true,"export_contacts":false,"delete_contacts":false}}}`,
			status: 200, want: []string{`"agent":{"see_all_conversations":true,"export_contacts":false,"delete_contacts":false}`}}})
		f.walk(t, w, "a", everything, everyContact)

		// Owners restrict managers too: this one is in no team and has no
		// conversation, so sees only the contact nobody talks to.
		f.run(t, []scenario{{name: "restrict managers", method: "PATCH", path: "/api/v1/workspace", as: "owner",
			body: `{"permissions":{"manager":{"see_all_conversations":false,"export_contacts":true,"delete_contacts":true}}}`, status: 200}})
		f.walk(t, w, "manager", nil, []string{placeNoConvos})
	})
}

// userID is the id of a user the walk created.
func (f *fixture) userID(t *testing.T, name string) int64 {
	t.Helper()
	var u struct{ ID int64 }
	f.get(t, "/api/v1/users/"+f.vars[name], "owner", &u)
	return u.ID
}

func TestPermissionSettings(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		all := `{"see_all_conversations":true,"export_contacts":true,"delete_contacts":true}`
		none := `{"see_all_conversations":false,"export_contacts":false,"delete_contacts":false}`
		f.run(t, []scenario{
			{name: "the defaults are shown", method: "GET", path: "/api/v1/workspace", as: "agent", status: 200,
				want: []string{`"permissions":{"agent":` + none + `,"manager":` + all + `}`}},
			{name: "only owners set them", method: "PATCH", path: "/api/v1/workspace", as: "manager",
				body: `{"permissions":{"agent":` + all + `}}`, status: 403},
			{name: "an unknown role", method: "PATCH", path: "/api/v1/workspace", as: "owner",
				body: `{"permissions":{"intern":` + all + `}}`, status: 422, want: []string{"permissions.intern"}},
			{name: "owners are not restrictable", method: "PATCH", path: "/api/v1/workspace", as: "owner",
				body: `{"permissions":{"owner":` + none + `}}`, status: 422},
			{name: "every flag is needed", method: "PATCH", path: "/api/v1/workspace", as: "owner",
				body: `{"permissions":{"agent":{"export_contacts":true}}}`, status: 422, want: []string{"permissions.agent"}},
			{name: "an unknown flag", method: "PATCH", path: "/api/v1/workspace", as: "owner",
				body: `{"permissions":{"agent":{"see_everything":true}}}`, status: 400},
			{name: "restrict managers", method: "PATCH", path: "/api/v1/workspace", as: "owner",
				body: `{"permissions":{"manager":` + none + `}}`, status: 200, want: []string{`"manager":` + none}},
			{name: "a restricted manager may not delete contacts", method: "POST", path: "/api/v1/contacts", as: "owner",
				body: `{"first_name":"Del"}`, status: 201, capture: "del"},
			{name: "delete refused", method: "DELETE", path: "/api/v1/contacts/{{del}}", as: "manager", status: 403},
			{name: "back to the defaults", method: "PATCH", path: "/api/v1/workspace", as: "owner",
				body: `{"permissions":{"manager":null}}`, status: 200, want: []string{`"manager":` + all}},
			{name: "per user: only owners", method: "PATCH", path: "/api/v1/users/{{agent}}", as: "manager",
				body: `{"permissions":` + all + `}`, status: 403},
			{name: "per user: not for yourself either", method: "PATCH", path: "/api/v1/users/{{agent}}", as: "agent",
				body: `{"permissions":` + all + `}`, status: 403},
			{name: "per user: not for an owner", method: "PATCH", path: "/api/v1/users/{{owner}}", as: "owner",
				body: `{"permissions":` + none + `}`, status: 422},
			{name: "per user: a bad value", method: "PATCH", path: "/api/v1/users/{{agent}}", as: "owner",
				body: `{"permissions":true}`, status: 422},
			{name: "per user: override", method: "PATCH", path: "/api/v1/users/{{agent}}", as: "owner",
				body: `{"permissions":` + all + `}`, status: 200, want: []string{`"permissions":` + all}},
			{name: "the agent may now delete", method: "DELETE", path: "/api/v1/contacts/{{del}}", as: "agent", status: 204},
			{name: "per user: cleared", method: "PATCH", path: "/api/v1/users/{{agent}}", as: "owner",
				body: `{"permissions":null}`, status: 200, want: []string{`"permissions":null`}},
			{name: "a rename leaves permissions alone", method: "PATCH", path: "/api/v1/users/{{manager}}", as: "owner",
				body: `{"name":"M"}`, status: 200, want: []string{`"permissions":null`}},
		})
	})
}
