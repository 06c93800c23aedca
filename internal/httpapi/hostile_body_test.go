package httpapi_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// hostileValues are JSON values for a member of the given type that a
// client may send by mistake or malice: the wrong type, NUL, a lone
// surrogate, blanks, a text far over any limit, integers at and past
// int64's range, and nesting no form would produce.
func hostileValues(typ string) []string {
	common := []string{`null`, `"\u0000"`, `{"a":[1]}`}
	switch typ {
	case "string":
		return append(common, `"\ud800x"`, `"`+strings.Repeat("é", 70_000)+`"`, `"   "`, `""`, `1`, `"a\u0000b"`)
	case "integer":
		return append(common, `-1`, `0`, `9223372036854775807`, `9223372036854775808`, `-9223372036854775808`, `1.5`, `1e400`, `"1"`)
	case "number":
		return append(common, `1e308`, `-1e308`, `1e400`, `"1"`)
	case "boolean":
		return append(common, `"true"`, `1`)
	case "array":
		return append(common, `[null]`, `[[[]]]`, `[`+strings.TrimSuffix(strings.Repeat(`"a",`, 20_000), ",")+`]`,
			`[1,2]`, `[{}]`, `["\u0000"]`, `[""]`, `[-1]`, `[9223372036854775807]`)
	case "object":
		return append(common, `{"":null}`, strings.Repeat(`{"a":`, 200)+"1"+strings.Repeat("}", 200), `{"\u0000":1}`, `[]`)
	}
	return common
}

// plainValue is a harmless value of the type, to fill required members
// so that a hostile one gets past the first check.
func plainValue(typ string) string {
	switch typ {
	case "string":
		return `"x1"`
	case "integer", "number":
		return `1`
	case "boolean":
		return `false`
	case "array":
		return `[]`
	}
	return `{}`
}

// TestHostileBodies sends hostile JSON bodies to every route the OpenAPI
// document lists with a JSON request body, each member in turn (and the
// members of its objects): whatever the body, the answer is a success or
// a 4xx with the error body that changed nothing, never a 5xx. A new
// route is covered as soon as it is documented.
func TestHostileBodies(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newSweepFixture(t, d, nil)

		_, body := f.do(t, scenario{method: "GET", path: "/api/openapi.json"})
		var doc struct {
			Paths map[string]map[string]struct {
				RequestBody *struct {
					Content map[string]struct{ Schema *docSchema } `json:"content"`
				} `json:"requestBody"`
			}
			Components struct{ Schemas map[string]*docSchema }
		}
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatal(err)
		}
		resolve := (&schemaChecker{components: doc.Components.Schemas}).resolve
		routes, sent := 0, 0
		snapAt, snap := int64(-1), map[string]string(nil)
		for _, path := range slices.Sorted(maps.Keys(doc.Paths)) {
			// The widget's routes and providers' webhooks speak their own
			// protocols; their packages and widget_test.go test them.
			if strings.HasPrefix(path, "/widget") || strings.HasPrefix(path, "/webhooks/") || strings.HasSuffix(path, "/webhook") {
				continue
			}
			for _, method := range []string{"post", "put", "patch", "delete"} {
				op, ok := doc.Paths[path][method]
				if !ok || op.RequestBody == nil {
					continue
				}
				media, ok := op.RequestBody.Content["application/json"]
				if !ok {
					continue
				}
				routes++
				s := resolve(media.Schema)
				required := map[string]string{}
				for _, name := range s.Required {
					required[name] = plainValue(resolve(s.Properties[name]).typeName())
				}
				with := func(name, value string) string {
					members := maps.Clone(required)
					if name != "" {
						members[name] = value
					}
					var b strings.Builder
					for _, k := range slices.Sorted(maps.Keys(members)) {
						if b.Len() > 0 {
							b.WriteByte(',')
						}
						fmt.Fprintf(&b, "%q:%s", k, members[k])
					}
					return "{" + b.String() + "}"
				}
				bodies := []string{`null`, `[]`, `"x"`, `1`, `{}`, `{"a":`, with("", "")}
				for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
					ms := resolve(s.Properties[name])
					for _, v := range hostileValues(ms.typeName()) {
						bodies = append(bodies, with(name, v))
					}
					inner, wrap := ms, "{%q:%s}"
					if ms.typeName() == "array" {
						inner, wrap = resolve(ms.Items), "[{%q:%s}]"
					}
					if inner.typeName() != "object" {
						continue
					}
					for _, sub := range slices.Sorted(maps.Keys(inner.Properties)) {
						for _, v := range hostileValues(resolve(inner.Properties[sub]).typeName()) {
							bodies = append(bodies, with(name, fmt.Sprintf(wrap, sub, v)))
						}
					}
				}
				p := docParam.ReplaceAllString(path, "{{$1}}")
				for _, b := range bodies {
					sc := scenario{method: strings.ToUpper(method), path: p, body: b, as: "owner"}
					// A full dump before each of 3,000 requests takes
					// minutes under -race; the one taken after the last
					// committed write serves until the next.
					if d.Commits() != snapAt {
						snapAt, snap = d.Commits(), f.dump(t)
					}
					status, out := f.do(t, sc)
					sent++
					if status >= 500 {
						t.Errorf("%s %s %s: %d %s", sc.method, path, clipName(b), status, clip(out))
						continue
					}
					if status < 400 {
						continue
					}
					var e struct {
						Error struct{ Code, Message string } `json:"error"`
					}
					if json.Unmarshal(out, &e) != nil || e.Error.Code == "" || e.Error.Message == "" {
						t.Errorf("%s %s %s: error body is not {\"error\":{\"code\",\"message\"}}: %s", sc.method, path, clipName(b), clip(out))
					}
					if d.Commits() == snapAt {
						continue // nothing was written
					}
					after := f.dump(t)
					for table, rows := range snap {
						if after[table] != rows {
							t.Errorf("%s %s %s: refused with %d but changed table %s", sc.method, path, clipName(b), status, table)
						}
					}
				}
			}
		}
		if routes < 60 || sent < 2500 {
			t.Fatalf("only %d routes and %d bodies: the document lists fewer request bodies than expected", routes, sent)
		}
	})
}
