package httpapi_test

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// hostileInts are values no integer parameter (cursor, limit, after, an
// id filter, Last-Event-ID) accepts.
var hostileInts = []string{"-1", "9223372036854775808", "-9223372036854775809", "1e3", "0x10", "abc", "%00"}

// hostileStrings are values no text parameter (a search, a tag, a status,
// event types) accepts: each used to reach SQL, where SQLite's LIKE gives
// up on a long pattern and PostgreSQL refuses NUL and invalid UTF-8, both
// with a 500.
var hostileStrings = []string{strings.Repeat("a", 50_000), "%00", "a%00b", "%FF", "caf%E9"}

// TestHostileQueryParameters sends hostile values in every query (and
// header) parameter of every GET route the OpenAPI document lists, so a
// new list is covered as soon as it is documented: each must be a 400
// that changes nothing. On SQLite alone: a value that reached the store
// unchecked would answer there too, but not 400.
func TestHostileQueryParameters(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newSweepFixture(t, d, nil)
		_, body := f.do(t, scenario{method: "GET", path: "/api/openapi.json"})
		var doc struct {
			Paths map[string]map[string]struct {
				Parameters []struct {
					Name, In string
					Schema   struct{ Type string }
				}
			}
		}
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatal(err)
		}
		var scenarios []scenario
		paths := make([]string, 0, len(doc.Paths))
		for p := range doc.Paths {
			paths = append(paths, p)
		}
		slices.Sort(paths)
		covered := 0
		for _, path := range paths {
			op, ok := doc.Paths[path]["get"]
			if !ok || strings.HasPrefix(path, "/widget") || strings.HasPrefix(path, "/webhooks/") {
				// The website widget's routes answer pages of allowed
				// origins only; widget_test.go sends them hostile values.
				// Providers' webhooks speak the provider's protocol (Meta's
				// handshake answers 403, not 400): their packages test it.
				continue
			}
			// Path parameters are {{name}} placeholders the fixture fills.
			path = docParam.ReplaceAllString(path, "{{$1}}")
			for _, p := range op.Parameters {
				if p.In == "path" {
					continue
				}
				for _, m := range docParam.FindAllStringSubmatch(path, -1) {
					if _, ok := f.vars[m[1]]; !ok {
						t.Fatalf("GET %s: no value for path parameter %s", path, m[1])
					}
				}
				values := hostileStrings
				if p.Schema.Type == "integer" {
					values = hostileInts
				}
				for _, v := range values {
					sc := scenario{name: path + " " + p.Name + "=" + clipName(v), method: "GET", path: path, as: "owner", status: 400}
					if p.In == "header" {
						raw, err := url.QueryUnescape(v)
						if err != nil || strings.ContainsAny(raw, "\x00") || len(raw) > 8000 {
							continue // not a header a client can send
						}
						sc.header = map[string]string{p.Name: raw}
					} else {
						sc.path += "?" + p.Name + "=" + v
					}
					scenarios = append(scenarios, sc)
					covered++
				}
			}
		}
		if covered < 100 {
			t.Fatalf("only %d hostile parameters: the document lists fewer query parameters than expected", covered)
		}
		f.run(t, scenarios)

		// The SQL variable limit: event types each at most once.
		many := strings.TrimSuffix(strings.Repeat("message.received,", 33_000), ",")
		var twice eventList
		f.get(t, "/api/v1/events?types=message.received,message.received", "agent", &twice)
		if len(twice.Data) != 1 {
			t.Fatalf("a type named twice: %d events, want the 1 message.received", len(twice.Data))
		}
		f.run(t, []scenario{
			{name: "33,000 event types", method: "GET", path: "/api/v1/events?types=" + many, as: "agent", status: 400,
				want: []string{"types"}},
			{name: "33,000 event types on the stream", method: "GET", path: "/api/v1/events/stream?types=" + many, as: "agent", status: 400,
				want: []string{"types"}},
			{name: "33,000 event types of a conversation", method: "GET", path: "/api/v1/conversations/{{conversationID}}/events?types=" + many,
				as: "agent", status: 400},
			{name: "a search of 50,000 characters", method: "GET", path: "/api/v1/contacts?search=" + strings.Repeat("a", 50_000),
				as: "agent", status: 400, want: []string{"search", "at most 200"}},
			{name: "a search of 200 characters", method: "GET", path: "/api/v1/contacts?search=" + strings.Repeat("é", 200),
				as: "agent", status: 200},
			{name: "a conversation search of 50,000 characters", method: "GET", path: "/api/v1/conversations?q=" + strings.Repeat("a", 50_000),
				as: "agent", status: 400, want: []string{"q", "at most 200"}},
			{name: "a conversation search of 200 characters", method: "GET", path: "/api/v1/conversations?q=" + strings.Repeat("é", 200),
				as: "agent", status: 200},
			{name: "LIKE wildcards search literally", method: "GET", path: "/api/v1/conversations?q=%25_%25", as: "owner", status: 200,
				want: []string{`"data":[]`}},
			{name: "a field value with NUL", method: "GET", path: "/api/v1/conversations?field=plan%3Dgo%00ld", as: "owner", status: 400,
				want: []string{"field"}},
			{name: "a cursor of 50,000 characters of base64", method: "GET", path: "/api/v1/conversations?cursor=" + strings.Repeat("QUFB", 12_500),
				as: "owner", status: 400, want: []string{"cursor"}},
			{name: "a cursor whose id is negative", method: "GET", path: "/api/v1/users?cursor=eyJvIjoiaWQiLCJpIjotNX0", as: "owner", status: 400,
				want: []string{"cursor"}},
			{name: "a cursor of the right shape with a huge key", method: "GET",
				path: "/api/v1/tags?cursor=eyJvIjoibmFtZSIsInQiOiJ6enoiLCJpIjo5MjIzMzcyMDM2ODU0Nzc1ODA3fQ", as: "owner", status: 200,
				want: []string{`"data":[]`, `"next_cursor":""`}},
		})
	})
}

func clipName(v string) string {
	if len(v) > 20 {
		return v[:10] + "…(" + itoa(int64(len(v))) + ")"
	}
	return v
}
