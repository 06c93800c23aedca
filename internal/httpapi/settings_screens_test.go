package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/custom"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/httpapi"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/secret"
)

func TestTagRenameAndRecolour(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.run(t, []scenario{
			{name: "a tag", method: "POST", path: "/api/v1/tags", as: "manager", body: `{"name":"vip","color":"#ff0000"}`, status: 201, capture: "vip"},
			{name: "another", method: "POST", path: "/api/v1/tags", as: "manager", body: `{"name":"late"}`, status: 201, capture: "late"},
			{name: "a colour that is not one", method: "POST", path: "/api/v1/tags", as: "manager", body: `{"name":"x","color":"red"}`,
				status: 422, want: []string{`"field":"color"`}},
			{name: "agents may not rename", method: "PATCH", path: "/api/v1/tags/{{vip}}", as: "agent", body: `{"name":"VIP"}`, status: 403},
			{name: "recolour", method: "PATCH", path: "/api/v1/tags/{{vip}}", as: "manager", body: `{"color":"#00aa00"}`,
				status: 200, want: []string{`"name":"vip"`, `"color":"#00aa00"`}},
			{name: "rename keeps the colour", method: "PATCH", path: "/api/v1/tags/{{vip}}", as: "owner", body: `{"name":"VIP"}`,
				status: 200, want: []string{`"name":"VIP"`, `"color":"#00aa00"`}},
			{name: "a bad colour", method: "PATCH", path: "/api/v1/tags/{{vip}}", as: "manager", body: `{"color":"#12"}`,
				status: 422, want: []string{`"field":"color"`}},
			{name: "an empty name", method: "PATCH", path: "/api/v1/tags/{{vip}}", as: "manager", body: `{"name":" "}`,
				status: 422, want: []string{`"field":"name"`}},
			{name: "into a clash", method: "PATCH", path: "/api/v1/tags/{{late}}", as: "manager", body: `{"name":"VIP"}`, status: 409},
			{name: "another workspace's tag", method: "PATCH", path: "/api/v1/tags/{{vip}}", as: "stranger", body: `{"color":""}`, status: 404},
			{name: "listed", method: "GET", path: "/api/v1/tags", as: "agent", status: 200, want: []string{`"name":"VIP","color":"#00aa00"`}},
		})
	})
}

func TestCustomFieldEditAndUsage(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.run(t, []scenario{
			{name: "a list field", method: "POST", path: "/api/v1/custom-fields", as: "manager",
				body: `{"key":"plan","name":"Plan","type":"list","options":["free","pro"]}`, status: 201, capture: "plan"},
			{name: "a text field", method: "POST", path: "/api/v1/custom-fields", as: "manager",
				body: `{"key":"city","name":"City","type":"text"}`, status: 201, capture: "city"},
			{name: "a plan_b field (no prefix match)", method: "POST", path: "/api/v1/custom-fields", as: "manager",
				body: `{"key":"plan_b","type":"text"}`, status: 201, capture: "planb"},
			{name: "agents may not edit", method: "PATCH", path: "/api/v1/custom-fields/{{plan}}", as: "agent", body: `{"name":"P"}`, status: 403},
			{name: "rename and new options", method: "PATCH", path: "/api/v1/custom-fields/{{plan}}", as: "manager",
				body: `{"name":"Subscription","options":["free","pro","team"]}`, status: 200,
				want: []string{`"key":"plan"`, `"name":"Subscription"`, `"options":["free","pro","team"]`}},
			{name: "options twice", method: "PATCH", path: "/api/v1/custom-fields/{{plan}}", as: "manager",
				body: `{"options":["a","A"]}`, status: 422, want: []string{`"field":"options[1]"`}},
			{name: "no options", method: "PATCH", path: "/api/v1/custom-fields/{{plan}}", as: "manager",
				body: `{"options":[]}`, status: 422, want: []string{`"field":"options"`}},
			{name: "options on a text field", method: "PATCH", path: "/api/v1/custom-fields/{{city}}", as: "manager",
				body: `{"options":["x"]}`, status: 422, want: []string{`"field":"options"`}},
			{name: "an empty name", method: "PATCH", path: "/api/v1/custom-fields/{{city}}", as: "manager",
				body: `{"name":""}`, status: 422, want: []string{`"field":"name"`}},
			{name: "another workspace's field", method: "PATCH", path: "/api/v1/custom-fields/{{city}}", as: "stranger",
				body: `{"name":"x"}`, status: 404},

			{name: "a workflow setting the plan", method: "POST", path: "/api/v1/workflows", as: "manager", status: 201, capture: "setter",
				body: `{"name":"Upgrade","trigger":{"type":"manual"},"steps":[{"id":"s","type":"update_contact_field","settings":{"field":"plan","value":"pro"}}]}`},
			{name: "a workflow quoting the city", method: "POST", path: "/api/v1/workflows", as: "manager", status: 201, capture: "greeter",
				body: `{"name":"Greet","trigger":{"type":"manual"},"steps":[{"id":"s","type":"send_message","settings":{"text":"Hello from {{contact.fields.city}}"}}]}`},
			{name: "a workflow using neither", method: "POST", path: "/api/v1/workflows", as: "manager", status: 201,
				body: `{"name":"Other","trigger":{"type":"manual"},"steps":[{"id":"s","type":"send_message","settings":{"text":"Hi {{contact.first_name}}"}}]}`},
			{name: "plan usage", method: "GET", path: "/api/v1/custom-fields/{{plan}}/usage", as: "manager", status: 200,
				want:    []string{`"key":"plan"`, `"name":"Upgrade"`, `"in":["draft"]`},
				notWant: []string{`"Greet"`, `"Other"`}},
			{name: "city usage", method: "GET", path: "/api/v1/custom-fields/{{city}}/usage", as: "owner", status: 200,
				want: []string{`"name":"Greet"`}, notWant: []string{`"Upgrade"`, `"Other"`}},
			{name: "plan_b is used by none", method: "GET", path: "/api/v1/custom-fields/{{planb}}/usage", as: "owner", status: 200,
				want: []string{`"workflows":[]`}},
			{name: "published counts too", method: "POST", path: "/api/v1/workflows/{{setter}}/publish", as: "manager", status: 200},
			{name: "plan usage after publishing", method: "GET", path: "/api/v1/custom-fields/{{plan}}/usage", as: "manager", status: 200,
				want: []string{`"name":"Upgrade"`, `"published"`}},
			{name: "agents may not ask", method: "GET", path: "/api/v1/custom-fields/{{plan}}/usage", as: "agent", status: 403},
			{name: "an unknown field", method: "GET", path: "/api/v1/custom-fields/999999/usage", as: "manager", status: 404},
			{name: "another workspace's field usage", method: "GET", path: "/api/v1/custom-fields/{{plan}}/usage", as: "stranger", status: 404},
		})
	})
}

func TestLifecycleStageSettings(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		var stages struct {
			Data []struct {
				ID   int64  `json:"id"`
				Name string `json:"name"`
			} `json:"data"`
		}
		f.get(t, "/api/v1/lifecycle-stages", "owner", &stages)
		ids := []string{}
		for _, s := range stages.Data {
			ids = append(ids, strconv.FormatInt(s.ID, 10))
		}
		f.vars["first"], f.vars["second"] = ids[0], ids[1]
		// the first two swapped, then the new stage
		f.vars["order"] = strings.Join(append([]string{ids[1], ids[0]}, ids[2:]...), ",")
		f.vars["short"] = strings.Join(ids[1:], ",")
		f.run(t, []scenario{
			{name: "agents may not add", method: "POST", path: "/api/v1/lifecycle-stages", as: "agent", body: `{"name":"Churned"}`, status: 403},
			{name: "add a stage", method: "POST", path: "/api/v1/lifecycle-stages", as: "manager", body: `{"name":"Churned","is_lost":true}`,
				status: 201, capture: "churned", want: []string{`"name":"Churned"`, `"position":5`, `"is_lost":true`, `"is_default":false`}},
			{name: "a nameless stage", method: "POST", path: "/api/v1/lifecycle-stages", as: "manager", body: `{"name":""}`,
				status: 422, want: []string{`"field":"name"`}},
			{name: "the same name", method: "POST", path: "/api/v1/lifecycle-stages", as: "manager", body: `{"name":"Churned"}`, status: 409},
			{name: "agents may not rename", method: "PATCH", path: "/api/v1/lifecycle-stages/{{churned}}", as: "agent", body: `{"name":"Gone"}`, status: 403},
			{name: "another workspace's stage is not found", method: "PATCH", path: "/api/v1/lifecycle-stages/{{churned}}", as: "stranger", body: `{"name":"Gone"}`, status: 404},
			{name: "rename", method: "PATCH", path: "/api/v1/lifecycle-stages/{{churned}}", as: "manager", body: `{"name":"Gone"}`,
				status: 200, want: []string{`"name":"Gone"`, `"is_lost":true`}},
			{name: "not lost after all", method: "PATCH", path: "/api/v1/lifecycle-stages/{{churned}}", as: "manager", body: `{"is_lost":false}`,
				status: 200, want: []string{`"is_lost":false`}},
			{name: "the default cannot be unset", method: "PATCH", path: "/api/v1/lifecycle-stages/{{churned}}", as: "manager",
				body: `{"is_default":false}`, status: 422, want: []string{`"field":"is_default"`}},
			{name: "an order missing a stage", method: "PUT", path: "/api/v1/lifecycle-stages/order", as: "manager",
				body: `{"ids":[{{short}}]}`, status: 422, want: []string{`"field":"ids"`}},
			{name: "an order naming a stage twice", method: "PUT", path: "/api/v1/lifecycle-stages/order", as: "manager",
				body: `{"ids":[{{first}},{{first}},{{short}}]}`, status: 422},
			{name: "agents may not reorder", method: "PUT", path: "/api/v1/lifecycle-stages/order", as: "agent",
				body: `{"ids":[{{order}},{{churned}}]}`, status: 403},
			{name: "reorder", method: "PUT", path: "/api/v1/lifecycle-stages/order", as: "manager",
				body: `{"ids":[{{order}},{{churned}}]}`, status: 200,
				want: []string{`{"data":[{"id":{{second}},"name":"Hot Lead","position":0`, `"id":{{first}},"name":"New Lead","position":1`}},
			{name: "the list follows", method: "GET", path: "/api/v1/lifecycle-stages?limit=1", as: "agent", status: 200,
				want: []string{`"name":"Hot Lead"`}, notWant: []string{`"New Lead"`}},
			{name: "the default cannot go", method: "DELETE", path: "/api/v1/lifecycle-stages/{{first}}", as: "manager", status: 409},
			{name: "make another the default", method: "PATCH", path: "/api/v1/lifecycle-stages/{{churned}}", as: "manager",
				body: `{"is_default":true}`, status: 200, want: []string{`"is_default":true`}},
			{name: "now the old default can go", method: "DELETE", path: "/api/v1/lifecycle-stages/{{first}}", as: "manager", status: 204},
			{name: "agents may not delete", method: "DELETE", path: "/api/v1/lifecycle-stages/{{second}}", as: "agent", status: 403},
			{name: "another workspace's stage", method: "DELETE", path: "/api/v1/lifecycle-stages/{{second}}", as: "stranger", status: 404},
		})
	})
}

func TestClosingCategoryRenameAndBusinessHours(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.run(t, []scenario{
			{name: "a category", method: "POST", path: "/api/v1/closing-categories", as: "manager", body: `{"name":"Solved"}`, status: 201, capture: "solved"},
			{name: "another", method: "POST", path: "/api/v1/closing-categories", as: "manager", body: `{"name":"Spam"}`, status: 201},
			{name: "agents may not rename", method: "PATCH", path: "/api/v1/closing-categories/{{solved}}", as: "agent", body: `{"name":"Done"}`, status: 403},
			{name: "rename", method: "PATCH", path: "/api/v1/closing-categories/{{solved}}", as: "manager", body: `{"name":"Done"}`,
				status: 200, want: []string{`"name":"Done"`}},
			{name: "into a clash", method: "PATCH", path: "/api/v1/closing-categories/{{solved}}", as: "manager", body: `{"name":"Spam"}`, status: 409},
			{name: "empty", method: "PATCH", path: "/api/v1/closing-categories/{{solved}}", as: "manager", body: `{"name":""}`,
				status: 422, want: []string{`"field":"name"`}},

			{name: "no hours yet", method: "GET", path: "/api/v1/workspace", as: "agent", status: 200, want: []string{`"business_hours":{}`}},
			{name: "set hours", method: "PATCH", path: "/api/v1/workspace", as: "owner",
				body:   `{"business_hours":{"mon":[{"open":"09:00","close":"12:00"},{"open":"13:00","close":"17:30"}],"sat":[{"open":"10:00","close":"24:00"}],"sun":[]}}`,
				status: 200, want: []string{`"business_hours":{"mon":[{"open":"09:00","close":"12:00"},{"open":"13:00","close":"17:30"}],"sat":[{"open":"10:00","close":"24:00"}]}`}},
			{name: "close before open", method: "PATCH", path: "/api/v1/workspace", as: "owner",
				body: `{"business_hours":{"tue":[{"open":"17:00","close":"09:00"}]}}`, status: 422, want: []string{`"field":"business_hours.tue[0].close"`}},
			{name: "a bad time", method: "PATCH", path: "/api/v1/workspace", as: "owner",
				body: `{"business_hours":{"tue":[{"open":"9am","close":"17:00"}]}}`, status: 422, want: []string{`"field":"business_hours.tue[0].open"`}},
			{name: "overlapping", method: "PATCH", path: "/api/v1/workspace", as: "owner",
				body: `{"business_hours":{"wed":[{"open":"09:00","close":"13:00"},{"open":"12:00","close":"17:00"}]}}`, status: 422,
				want: []string{`"field":"business_hours.wed[1].open"`}},
			{name: "not a weekday", method: "PATCH", path: "/api/v1/workspace", as: "owner",
				body: `{"business_hours":{"funday":[]}}`, status: 422, want: []string{`"field":"business_hours"`}},
			{name: "managers may too", method: "PATCH", path: "/api/v1/workspace", as: "manager",
				body: `{"business_hours":{"sat":[{"open":"10:00","close":"24:00"}]}}`, status: 200, want: []string{`"business_hours":{"sat":`}},
			{name: "agents may not", method: "PATCH", path: "/api/v1/workspace", as: "agent", body: `{"business_hours":{}}`, status: 403},
			{name: "a bad time zone", method: "PATCH", path: "/api/v1/workspace", as: "owner", body: `{"timezone":"Mars/Olympus"}`,
				status: 422, want: []string{`"field":"timezone"`}},
			{name: "other settings keep the hours", method: "PATCH", path: "/api/v1/workspace", as: "owner", body: `{"name":"Acme Ltd"}`,
				status: 200, want: []string{`"name":"Acme Ltd"`, `"sat":[{"open":"10:00","close":"24:00"}]`}},
		})
	})
}

// A closing category or a lifecycle stage that a workflow names is not
// deleted: 409 naming the workflow, in the error body every refusal has;
// once the workflow no longer names it, it goes.
func TestDeletingANamedCategoryOrStageIsAConflict(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.run(t, []scenario{
			{name: "a category", method: "POST", path: "/api/v1/closing-categories", as: "manager", body: `{"name":"Spam"}`, status: 201, capture: "spam"},
			{name: "a stage", method: "POST", path: "/api/v1/lifecycle-stages", as: "manager", body: `{"name":"Trial"}`, status: 201, capture: "trial"},
			{name: "a workflow naming both", method: "POST", path: "/api/v1/workflows", as: "manager", status: 201, capture: "wf",
				body: `{"name":"Spam to trial","trigger":{"type":"conversation_closed","conditions":{"categories":["Spam"]}},
					"steps":[{"id":"s","type":"update_lifecycle","settings":{"stage":"Trial"}}]}`},
			{name: "the category is named", method: "DELETE", path: "/api/v1/closing-categories/{{spam}}", as: "manager", status: 409,
				want: []string{`"code":"conflict"`, `closing category`, `Spam to trial`, `({{wf}})`}},
			{name: "the stage is named", method: "DELETE", path: "/api/v1/lifecycle-stages/{{trial}}", as: "manager", status: 409,
				want: []string{`"code":"conflict"`, `lifecycle stage`, `Spam to trial`, `({{wf}})`}},
			{name: "agents may still not delete", method: "DELETE", path: "/api/v1/closing-categories/{{spam}}", as: "agent", status: 403},
			{name: "another workspace's category is not found", method: "DELETE", path: "/api/v1/closing-categories/{{spam}}", as: "stranger", status: 404},
			{name: "the workflow goes", method: "DELETE", path: "/api/v1/workflows/{{wf}}", as: "manager", status: 204},
			{name: "now the category goes", method: "DELETE", path: "/api/v1/closing-categories/{{spam}}", as: "manager", status: 204},
			{name: "and the stage", method: "DELETE", path: "/api/v1/lifecycle-stages/{{trial}}", as: "manager", status: 204},
		})
	})
}

// integrator is a local custom-channel integrator for the connection test:
// it records the probes it receives and answers with status.
type integrator struct {
	mu     sync.Mutex
	status int
	probes []http.Header
	bodies []string
}

func (in *integrator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	in.mu.Lock()
	in.probes, in.bodies = append(in.probes, r.Header.Clone()), append(in.bodies, r.URL.Path+" "+string(b))
	status := in.status
	in.mu.Unlock()
	w.WriteHeader(status)
	if status == 200 {
		io.WriteString(w, `{"ok":true,"probe":"recognised"}`)
	} else {
		io.WriteString(w, `{"error":{"message":"integrator is down"}}`)
	}
}

func TestChannelConnectionTest(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		// The node allows loopback here, as the demo does (127.0.0.1/32).
		loopback := netguard.New(netguard.Options{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
		channels := func() *channel.Service {
			reg, err := channel.NewRegistry(custom.New(loopback.Client()))
			must0(t, err)
			keys, err := secret.NewKeyring(testKey)
			must0(t, err)
			return channel.NewWithOptions(d, channel.Options{Registry: reg, Keys: keys})
		}()
		f := newFixture(t, d, func(deps *httpapi.Deps) { deps.Channels = channels })
		in := &integrator{status: 200}
		srv := httptest.NewServer(in)
		t.Cleanup(srv.Close)
		ctx := context.Background()
		ch, err := channels.Create(ctx, f.ws.ID, channel.Input{Type: channel.TypeCustom, Name: "crm",
			Config: json.RawMessage(`{"base_url":"` + srv.URL + `/hooks"}`)})
		must0(t, err)
		f.vars["crm"] = strconv.FormatInt(ch.ID, 10)
		// A port nobody listens on: the probe is refused.
		l, err := net.Listen("tcp", "127.0.0.1:0")
		must0(t, err)
		closed := l.Addr().String()
		l.Close()
		dead, err := channels.Create(ctx, f.ws.ID, channel.Input{Type: channel.TypeCustom, Name: "dead",
			Config: json.RawMessage(`{"base_url":"http://` + closed + `"}`)})
		must0(t, err)
		f.vars["dead"] = strconv.FormatInt(dead.ID, 10)

		f.run(t, []scenario{
			{name: "agents may not test", method: "POST", path: "/api/v1/channels/{{crm}}/test", as: "agent", status: 403},
			{name: "another workspace's channel", method: "POST", path: "/api/v1/channels/{{crm}}/test", as: "stranger", status: 404},
			{name: "the integrator answers", method: "POST", path: "/api/v1/channels/{{crm}}/test", as: "manager", status: 200,
				want: []string{`"ok":true`, `"status":200`, `"url":"` + srv.URL + `/hooks/message"`, `"latency_ms":`, `"probe\":\"recognised`}},
		})
		in.mu.Lock()
		if len(in.probes) != 1 || in.probes[0].Get("Authorization") != "Bearer "+ch.Token || in.probes[0].Get("X-Switchboard-Probe") != "1" {
			t.Fatalf("probe headers: %v", in.probes)
		}
		if want := `/hooks/message {"type":"probe","channelId":"` + f.vars["crm"] + `"}`; in.bodies[0] != want {
			t.Fatalf("probe %q, want %q", in.bodies[0], want)
		}
		in.status = 500
		in.mu.Unlock()
		f.run(t, []scenario{
			{name: "the integrator fails", method: "POST", path: "/api/v1/channels/{{crm}}/test", as: "owner", status: 200,
				want: []string{`"ok":false`, `"status":500`, `integrator is down`}},
			{name: "nobody listens", method: "POST", path: "/api/v1/channels/{{dead}}/test", as: "manager", status: 200,
				want: []string{`"ok":false`, `"status":0`, `"error":"`, `refused`}},
		})
	})
}

func TestChannelConnectionTestGuarded(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		// The fixture's node allows no private network: the probe to the
		// fixture channel's 127.0.0.1 is refused by the guard, not sent.
		f := newFixture(t, d)
		f.run(t, []scenario{
			{name: "guarded", method: "POST", path: "/api/v1/channels/{{channel}}/test", as: "manager", status: 200,
				want: []string{`"ok":false`, `"status":0`, `"error":"the channel's base URL: `}},
		})
	})
}
