package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/switchboard-chat/switchboard/internal/channel/widget"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// widgetTestLimits are the fixture's widget rate limits: small, so a test
// reaches them in a few requests.
var widgetTestLimits = widget.Limits{PerVisitor: 4, VisitorRefill: time.Hour, PerOrigin: 30, OriginRefill: time.Hour, MaxSockets: 100, SocketsPerAddr: 6}

const widgetOrigin = "https://shop.example"

// widgetChannel creates a widget channel through the API and returns the
// fixture var naming it.
func (f *fixture) widgetChannel(t *testing.T) {
	t.Helper()
	f.run(t, []scenario{{name: "create the widget", method: "POST", path: "/api/v1/channels", as: "owner", status: 201, capture: "widget",
		body: `{"type":"widget","name":"Website","config":{"allowed_origins":["https://shop.example/","http://localhost:8080"],"color":"#0F766E","greeting":"Hi! Ask us anything.","position":"left","pre_chat_form":true}}`,
		want: []string{`"allowed_origins":["https://shop.example","http://localhost:8080"]`, `"color":"#0f766e"`, `"position":"left"`}}})
}

// newVisitor asks the widget for a visitor's credentials.
func (f *fixture) newVisitor(t *testing.T) widget.Visitor {
	t.Helper()
	status, body := f.do(t, scenario{method: "POST", path: "/widget/{{widget}}/visitors", header: map[string]string{"Origin": widgetOrigin}})
	var v widget.Visitor
	if status != 201 || json.Unmarshal(body, &v) != nil || v.VisitorID == "" || v.Secret == "" {
		t.Fatalf("new visitor: %d %s", status, body)
	}
	return v
}

// visitorHistory reads a visitor's history, as the widget does when it
// starts.
func (f *fixture) visitorHistory(t *testing.T, v widget.Visitor) widget.History {
	t.Helper()
	status, body := f.do(t, scenario{method: "GET", path: "/widget/{{widget}}/messages", header: visitorHeader(v)})
	var h widget.History
	if status != 200 || json.Unmarshal(body, &h) != nil {
		t.Fatalf("history: %d %s", status, body)
	}
	return h
}

func visitorHeader(v widget.Visitor) map[string]string {
	return map[string]string{"Origin": widgetOrigin, "Authorization": "Visitor " + v.VisitorID + ":" + v.Secret}
}

func TestWidgetSettingsValidation(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		bad := func(name, config, field string) scenario {
			return scenario{name: name, method: "POST", path: "/api/v1/channels", as: "owner", status: 422,
				body: `{"type":"widget","name":"Website","config":` + config + `}`, want: []string{field}}
		}
		f.run(t, []scenario{
			bad("no origins", `{}`, "config.allowed_origins"),
			bad("an origin with a path", `{"allowed_origins":["https://shop.example/contact"]}`, "config.allowed_origins"),
			bad("not http", `{"allowed_origins":["ftp://shop.example"]}`, "config.allowed_origins"),
			bad("a colour by name", `{"allowed_origins":["https://shop.example"],"color":"red"}`, "config.color"),
			bad("a position", `{"allowed_origins":["https://shop.example"],"position":"top"}`, "config.position"),
			bad("a long greeting", `{"allowed_origins":["https://shop.example"],"greeting":"`+strings.Repeat("a", 501)+`"}`, "config.greeting"),
			bad("a long away message", `{"allowed_origins":["https://shop.example"],"away_message":"`+strings.Repeat("a", 501)+`"}`, "config.away_message"),
			bad("an unknown setting", `{"allowed_origins":["https://shop.example"],"colour":"#000000"}`, "config"),
			{name: "an agent may not", method: "POST", path: "/api/v1/channels", as: "agent", status: 403,
				body: `{"type":"widget","name":"Website","config":{"allowed_origins":["https://shop.example"]}}`},
		})
		f.widgetChannel(t)
		f.run(t, []scenario{
			{name: "defaults kept on update", method: "PATCH", path: "/api/v1/channels/{{widget}}", as: "owner", status: 200,
				body: `{"config":{"allowed_origins":["https://shop.example"]}}`, want: []string{`"color":"#2563eb"`, `"position":"right"`}},
			{name: "an away message", method: "PATCH", path: "/api/v1/channels/{{widget}}", as: "owner", status: 200,
				body: `{"config":{"allowed_origins":["https://shop.example"],"away_message":"  Back at 9 tomorrow.  "}}`, want: []string{`"away_message":"Back at 9 tomorrow."`}},
			{name: "the script is told it", method: "GET", path: "/widget/{{widget}}/settings", status: 200,
				header: map[string]string{"Origin": "https://shop.example"}, want: []string{`"away_message":"Back at 9 tomorrow."`}},
		})
	})
}

func TestWidgetVisitorAPI(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.widgetChannel(t)
		other := map[string]string{"Origin": "https://evil.example"}
		f.run(t, []scenario{
			{name: "the script", method: "GET", path: "/widget.js?channel={{widget}}", status: 200, want: []string{"attachShadow"}},
			{name: "settings for an allowed page", method: "GET", path: "/widget/{{widget}}/settings", status: 200,
				header: map[string]string{"Origin": widgetOrigin}, want: []string{`"greeting":"Hi! Ask us anything."`, `"pre_chat_form":true`}},
			{name: "settings for another site", method: "GET", path: "/widget/{{widget}}/settings", status: 403, header: other},
			{name: "settings without an origin", method: "GET", path: "/widget/{{widget}}/settings", status: 403},
			{name: "a custom channel is no widget", method: "GET", path: "/widget/{{channel}}/settings", status: 404,
				header: map[string]string{"Origin": widgetOrigin}},
			{name: "a visitor for another site", method: "POST", path: "/widget/{{widget}}/visitors", status: 403, header: other},
			{name: "preflight", method: "OPTIONS", path: "/widget/{{widget}}/messages", status: 204,
				header: map[string]string{"Origin": widgetOrigin, "Access-Control-Request-Method": "POST"}},
			{name: "preflight from another site", method: "OPTIONS", path: "/widget/{{widget}}/messages", status: 403, header: other},
		})
		ana, bob := f.newVisitor(t), f.newVisitor(t)
		forged := widget.Visitor{VisitorID: ana.VisitorID, Secret: bob.Secret}
		f.run(t, []scenario{
			{name: "Ana writes with her name and email", method: "POST", path: "/widget/{{widget}}/messages", header: visitorHeader(ana), status: 201,
				body: `{"text":"Hello from Ana","client_id":"c1","name":"Ana Lima","email":"ana@example.com"}`, want: []string{`"opened":true`}},
			{name: "Bob writes", method: "POST", path: "/widget/{{widget}}/messages", header: visitorHeader(bob), status: 201,
				body: `{"text":"Bob here"}`},
			{name: "Ana reads her own conversation only", method: "GET", path: "/widget/{{widget}}/messages", header: visitorHeader(ana), status: 200,
				want: []string{"Hello from Ana"}, notWant: []string{"Bob here"}},
			{name: "Bob's secret does not open Ana's conversation", method: "GET", path: "/widget/{{widget}}/messages", header: visitorHeader(forged), status: 401},
			{name: "nor write in it", method: "POST", path: "/widget/{{widget}}/messages", header: visitorHeader(forged), status: 401, body: `{"text":"as Ana"}`},
			{name: "no credentials", method: "GET", path: "/widget/{{widget}}/messages", header: map[string]string{"Origin": widgetOrigin}, status: 401},
			{name: "another site with Ana's credentials", method: "GET", path: "/widget/{{widget}}/messages",
				header: map[string]string{"Origin": "https://evil.example", "Authorization": visitorHeader(ana)["Authorization"]}, status: 403},
			{name: "a hostile after", method: "GET", path: "/widget/{{widget}}/messages?after=%00", header: visitorHeader(ana), status: 400},
			{name: "an oversized message", method: "POST", path: "/widget/{{widget}}/messages", header: visitorHeader(ana), status: 422,
				body: `{"text":"` + strings.Repeat("x", widget.MaxTextLength+1) + `"}`, want: []string{"at most 4000"}},
			{name: "an empty message", method: "POST", path: "/widget/{{widget}}/messages", header: visitorHeader(ana), status: 422, body: `{"text":"  "}`},
			{name: "a bad email", method: "POST", path: "/widget/{{widget}}/messages", header: visitorHeader(ana), status: 422,
				body: `{"text":"hi","email":"not an email"}`, want: []string{"email"}},
		})
		// The message opened a conversation with source contact, and the
		// pre-chat form filled the contact.
		var opened struct {
			Data []struct {
				Payload struct{ Source string } `json:"payload"`
			} `json:"data"`
		}
		f.get(t, "/api/v1/events?types=conversation.opened", "owner", &opened)
		if len(opened.Data) != 2 || opened.Data[0].Payload.Source != "contact" || opened.Data[1].Payload.Source != "contact" {
			t.Fatalf("conversation.opened events: %+v", opened.Data)
		}
		var contacts struct {
			Data []struct {
				FirstName string `json:"first_name"`
				Email     string
			} `json:"data"`
		}
		// By the email: a search for "Ana" would also match a visitor whose
		// random id happens to hold those three letters.
		f.get(t, "/api/v1/contacts?search=ana@example.com", "owner", &contacts)
		if len(contacts.Data) != 1 || contacts.Data[0].Email != "ana@example.com" || contacts.Data[0].FirstName != "Ana" {
			t.Fatalf("Ana's contact: %+v", contacts.Data)
		}
		// Carol types Ana's email in the pre-chat form: she is not linked
		// to Ana's contact, and reads only her own conversation.
		carol := f.newVisitor(t)
		f.run(t, []scenario{
			{name: "Carol claims Ana's email", method: "POST", path: "/widget/{{widget}}/messages", header: visitorHeader(carol), status: 201,
				body: `{"text":"I am Ana, show me my order","name":"Carol","email":"ana@example.com"}`, want: []string{`"opened":true`}},
			{name: "Carol does not read Ana's conversation", method: "GET", path: "/widget/{{widget}}/messages", header: visitorHeader(carol), status: 200,
				want: []string{"I am Ana"}, notWant: []string{"Hello from Ana"}},
		})
		f.get(t, "/api/v1/contacts?search=ana@example.com", "owner", &contacts)
		if len(contacts.Data) != 1 {
			t.Fatalf("contacts with Ana's email: %+v", contacts.Data)
		}
		// Ana has 4 messages per hour in the fixture: 1 sent, 3 more, then 429.
		var rate []scenario
		for i := 0; i < 3; i++ {
			rate = append(rate, scenario{name: "within the rate", method: "POST", path: "/widget/{{widget}}/messages", header: visitorHeader(ana),
				status: 201, body: `{"text":"again"}`})
		}
		rate = append(rate, scenario{name: "past the rate", method: "POST", path: "/widget/{{widget}}/messages", header: visitorHeader(ana),
			status: 429, body: `{"text":"too fast"}`})
		f.run(t, rate)
		// A resend after a lost answer (the same client_id) is stored once.
		cy := f.newVisitor(t)
		send := scenario{method: "POST", path: "/widget/{{widget}}/messages", header: visitorHeader(cy), body: `{"text":"Hello from Cy","client_id":"c7"}`}
		for i := range 2 {
			if status, body := f.do(t, send); status/100 != 2 {
				t.Fatalf("send %d: %d %s", i, status, body)
			}
		}
		if _, body := f.do(t, scenario{method: "GET", path: "/widget/{{widget}}/messages", header: visitorHeader(cy)}); strings.Count(string(body), "Hello from Cy") != 1 {
			t.Fatalf("after a resend with the same client_id, the visitor's history: %s", body)
		}
	})
}

// TestWidgetSocket: a visitor chats over the socket, an agent's reply and
// typing reach them live, and another site or a wrong secret is refused.
func TestWidgetSocket(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.widgetChannel(t)
		ana := f.newVisitor(t)
		// Each dial, read and write has its own bound, liveWait: a last
		// resort against a hang, never waited out by a passing run. (One
		// budget for the whole test made a slow but correct run fail.)
		within := func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), liveWait)
		}
		url := strings.Replace(f.srv.URL, "http", "ws", 1) + "/widget/" + f.vars["widget"] + "/socket"
		dial := func(origin string) (*websocket.Conn, *http.Response, error) {
			ctx, cancel := within()
			defer cancel()
			return websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {origin}}})
		}
		if _, resp, err := dial("https://evil.example"); err == nil || resp == nil || resp.StatusCode != 403 {
			t.Fatalf("a socket from another site: %v %v", resp, err)
		}
		// A wrong secret: closed with 4401.
		c, _, err := dial(widgetOrigin)
		if err != nil {
			t.Fatal(err)
		}
		write := func(c *websocket.Conn, v any) {
			t.Helper()
			data, _ := json.Marshal(v)
			ctx, cancel := within()
			defer cancel()
			if err := c.Write(ctx, websocket.MessageText, data); err != nil {
				t.Fatal(err)
			}
		}
		type frame struct {
			Type, State, Code, Error, Name string
			Message                        *widget.Message
		}
		read := func(c *websocket.Conn) frame {
			t.Helper()
			ctx, cancel := within()
			defer cancel()
			_, data, err := c.Read(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var fr frame
			json.Unmarshal(data, &fr)
			return fr
		}
		write(c, map[string]string{"type": "auth", "visitor_id": ana.VisitorID, "secret": "nope"})
		ctx, cancel := within()
		_, _, err = c.Read(ctx)
		cancel()
		c.CloseNow()
		if websocket.CloseStatus(err) != 4401 {
			t.Fatalf("a wrong secret: %v", err)
		}
		c, _, err = dial(widgetOrigin)
		if err != nil {
			t.Fatal(err)
		}
		defer c.CloseNow()
		write(c, map[string]string{"type": "auth", "visitor_id": ana.VisitorID, "secret": ana.Secret})
		if fr := read(c); fr.Type != "ready" {
			t.Fatalf("first frame %+v", fr)
		}
		write(c, map[string]string{"type": "message", "text": "Hi over the socket", "client_id": "k1"})
		var convID int64
		for convID == 0 {
			fr := read(c)
			if fr.Type == "message" && fr.Message.Text == "Hi over the socket" {
				convID = fr.Message.ConversationID
			}
		}
		// Too long: an error frame the widget shows, the socket stays open.
		write(c, map[string]string{"type": "message", "text": strings.Repeat("é", widget.MaxTextLength+1), "client_id": "k2"})
		fr := read(c)
		for fr.Type != "error" {
			fr = read(c)
		}
		if fr.Code != "too_long" || !strings.Contains(fr.Error, "at most 4000") {
			t.Fatalf("an oversized message: %+v", fr)
		}
		// An agent types, then replies: both reach the visitor live.
		agent := f.openLive(t, "agent", "")
		agent.send(t, `{"type":"typing","conversation_id":`+itoa(convID)+`,"state":"start"}`)
		fr = read(c)
		for fr.Type != "typing" || fr.State != "start" {
			fr = read(c)
		}
		// Named, as the reply will be signed.
		if fr.Name != f.users["agent"].Name || fr.Name == "" {
			t.Fatalf("the typing frame names %q, want the agent's name %q", fr.Name, f.users["agent"].Name)
		}
		f.run(t, []scenario{{name: "the agent replies", method: "POST", path: "/api/v1/conversations/" + itoa(convID) + "/messages", as: "agent",
			status: 202, body: `{"text":"Hello Ana, how can we help?"}`}})
		for {
			fr := read(c)
			if fr.Type == "message" && fr.Message.Direction == "out" {
				if fr.Message.Text != "Hello Ana, how can we help?" {
					t.Fatalf("reply %+v", fr.Message)
				}
				break
			}
		}
		// Ana leaves; a reply written meanwhile waits in her conversation
		// and reaches her socket when she comes back, after her history.
		c.Close(websocket.StatusNormalClosure, "")
		f.run(t, []scenario{{name: "a reply while Ana is away", method: "POST", path: "/api/v1/conversations/" + itoa(convID) + "/messages", as: "agent",
			status: 202, body: `{"text":"Are you still there?"}`}})
		c, _, err = dial(widgetOrigin)
		if err != nil {
			t.Fatal(err)
		}
		defer c.CloseNow()
		write(c, map[string]string{"type": "auth", "visitor_id": ana.VisitorID, "secret": ana.Secret})
		var texts []string
		for len(texts) < 3 {
			if fr := read(c); fr.Type == "message" {
				texts = append(texts, fr.Message.Text)
			}
		}
		if strings.Join(texts, "|") != "Hi over the socket|Hello Ana, how can we help?|Are you still there?" {
			t.Fatalf("back, Ana is sent %q", texts)
		}
	})
}

// widgetTestMaxUpload is the fixture's widget media limit.
const widgetTestMaxUpload = 32 << 10

// widgetUpload POSTs data as a visitor's file.
func (f *fixture) widgetUpload(t *testing.T, v widget.Visitor, origin, filename string, data []byte) (int, []byte) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, err := w.CreateFormFile("file", filename)
	must0(t, err)
	part.Write(data)
	must0(t, w.Close())
	req, err := http.NewRequest("POST", f.srv.URL+"/widget/"+f.vars["widget"]+"/uploads", &body)
	must0(t, err)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Origin", origin)
	req.Header.Set("Authorization", "Visitor "+v.VisitorID+":"+v.Secret)
	resp, err := f.srv.Client().Do(req)
	must0(t, err)
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

func TestWidgetUploads(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.widgetChannel(t)
		ana := f.newVisitor(t)
		f.run(t, []scenario{{name: "the settings say the upload limit", method: "GET", path: "/widget/{{widget}}/settings", status: 200,
			header: map[string]string{"Origin": widgetOrigin}, want: []string{`"max_upload_bytes":32768`}}})
		if status, body := f.widgetUpload(t, ana, "https://evil.example", "a.png", tinyPNG(t)); status != 403 {
			t.Fatalf("an upload from another site: %d %s", status, body)
		}
		if status, body := f.widgetUpload(t, ana, widgetOrigin, "big.png", append(tinyPNG(t), make([]byte, widgetTestMaxUpload+multipartRoom)...)); status != 413 {
			t.Fatalf("an oversized upload: %d %s", status, body)
		}
		status, body := f.widgetUpload(t, ana, widgetOrigin, "photo.png", tinyPNG(t))
		var up widget.Upload
		if status != 201 || json.Unmarshal(body, &up) != nil || up.Kind != "image" {
			t.Fatalf("an upload: %d %s", status, body)
		}
		f.vars["media"] = up.MediaID
		f.run(t, []scenario{
			{name: "the visitor sends the file", method: "POST", path: "/widget/{{widget}}/messages", header: visitorHeader(ana), status: 201,
				body: `{"text":"my receipt","media_ids":["{{media}}"]}`},
			{name: "and sees it in their history", method: "GET", path: "/widget/{{widget}}/messages", header: visitorHeader(ana), status: 200,
				want: []string{`"type":"attachment"`, `"name":"photo.png"`, `/media/{{media}}/`}},
			{name: "a file that is none of the workspace's", method: "POST", path: "/widget/{{widget}}/messages", header: visitorHeader(ana), status: 422,
				body: `{"text":"x","media_ids":["0123456789abcdef0123456789abcdef"]}`},
		})
	})
}

// multipartRoom is more than the multipart framing the server allows for.
const multipartRoom = 128 << 10

// TestWidgetOriginRate: a site's requests are limited on their own; the
// channel's other sites are not held back by it.
func TestWidgetOriginRate(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.widgetChannel(t)
		newVisitor := func(origin string) int {
			status, _ := f.do(t, scenario{method: "POST", path: "/widget/{{widget}}/visitors", header: map[string]string{"Origin": origin}})
			return status
		}
		for i := 0; i < widgetTestLimits.PerOrigin; i++ {
			if status := newVisitor(widgetOrigin); status != 201 {
				t.Fatalf("visitor %d of the site's burst: %d", i+1, status)
			}
		}
		f.run(t, []scenario{{name: "past the site's rate", method: "POST", path: "/widget/{{widget}}/visitors", status: 429,
			header: map[string]string{"Origin": widgetOrigin}, want: []string{"too many requests from this site"}}})
		if status := newVisitor("http://localhost:8080"); status != 201 {
			t.Fatalf("the channel's other site: %d", status)
		}
	})
}
