package httpapi_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// docSchema is the part of a response's JSON schema checked here.
type docSchema struct {
	Type                 any                   `json:"type"` // a name, or [name, "null"]
	Ref                  string                `json:"$ref"`
	AnyOf                []*docSchema          `json:"anyOf"`
	Properties           map[string]*docSchema `json:"properties"`
	Required             []string              `json:"required"`
	Items                *docSchema            `json:"items"`
	AdditionalProperties json.RawMessage       `json:"additionalProperties"`
	Enum                 []string              `json:"enum"`
}

// typeName is the type a schema names beside null ("" for any value).
func (s *docSchema) typeName() string {
	if list, ok := s.Type.([]any); ok {
		for _, x := range list {
			if name, _ := x.(string); name != "null" {
				return name
			}
		}
	}
	name, _ := s.Type.(string)
	return name
}

// schemaChecker checks JSON values against the document's schemas.
type schemaChecker struct {
	components map[string]*docSchema
	problems   map[string]bool
}

// resolve follows s's references; a missing schema is an empty one (any
// value).
func (c *schemaChecker) resolve(s *docSchema) *docSchema {
	for s != nil && s.Ref != "" {
		s = c.components[strings.TrimPrefix(s.Ref, "#/components/schemas/")]
	}
	if s == nil {
		return &docSchema{}
	}
	return s
}

func (c *schemaChecker) bad(format string, args ...any) {
	c.problems[fmt.Sprintf(format, args...)] = true
}

// check reports where v is not what s says: a null the schema does not
// admit, a missing required member, one the schema does not list, a
// value of another type or outside its enum.
func (c *schemaChecker) check(where string, s *docSchema, v any) {
	s = c.resolve(s)
	if s == nil {
		return
	}
	if len(s.AnyOf) > 0 {
		for _, alt := range s.AnyOf {
			if t, _ := alt.Type.(string); t == "null" && v == nil {
				return
			}
		}
		for _, alt := range s.AnyOf {
			if t, _ := alt.Type.(string); t != "null" {
				c.check(where, alt, v)
			}
		}
		return
	}
	if list, ok := s.Type.([]any); ok && v == nil && slices.Contains(list, any("null")) {
		return
	}
	typ := s.typeName()
	if typ == "" {
		return // any JSON value
	}
	if v == nil {
		c.bad("%s: null, documented as %s", where, typ)
		return
	}
	switch typ {
	case "object":
		o, ok := v.(map[string]any)
		if !ok {
			c.bad("%s: %T, documented as an object", where, v)
			return
		}
		for _, r := range s.Required {
			if _, ok := o[r]; !ok {
				c.bad("%s.%s: documented as required, missing", where, r)
			}
		}
		for k, x := range o {
			if p, ok := s.Properties[k]; ok {
				c.check(where+"."+k, p, x)
			} else if len(s.Properties) > 0 && len(s.AdditionalProperties) == 0 {
				// A described object (a free one, such as the OpenAPI
				// document itself, lists no properties).
				c.bad("%s.%s: not documented", where, k)
			}
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			c.bad("%s: %T, documented as an array", where, v)
			return
		}
		for _, x := range a {
			c.check(where+"[]", s.Items, x)
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			c.bad("%s: %T, documented as a string", where, v)
		} else if len(s.Enum) > 0 && !slices.Contains(s.Enum, str) {
			c.bad("%s: %q, not one of the documented %q", where, str, s.Enum)
		}
	case "integer", "number":
		if _, ok := v.(float64); !ok {
			c.bad("%s: %T, documented as %s", where, v, typ)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			c.bad("%s: %T, documented as a boolean", where, v)
		}
	}
}

// TestResponsesMatchTheDocument reads every JSON GET route the OpenAPI
// document lists, and the answers of the writes that make the things
// they show, and checks each answer against its documented schema: the
// web app's TypeScript types and any client generated from the document
// trust it (a field documented as an integer that comes as null breaks
// them). A new route is covered as soon as it is documented.
func TestResponsesMatchTheDocument(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		// The answers of the writes that make the things are checked too.
		type answered struct {
			path, status string
			body         []byte
		}
		var made []answered
		f := newSweepFixture(t, d, func(path string, status int, body []byte) {
			made = append(made, answered{path, strconv.Itoa(status), body})
		})
		_, body := f.do(t, scenario{method: "GET", path: "/api/openapi.json"})
		type responses map[string]struct {
			Content map[string]struct{ Schema *docSchema } `json:"content"`
		}
		var doc struct {
			Paths      map[string]map[string]struct{ Responses responses }
			Components struct{ Schemas map[string]*docSchema }
		}
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatal(err)
		}
		c := &schemaChecker{components: doc.Components.Schemas, problems: map[string]bool{}}
		answer := func(method, path, status string, out []byte) {
			t.Helper()
			media, ok := doc.Paths[path][strings.ToLower(method)].Responses[status].Content["application/json"]
			if !ok {
				return
			}
			var v any
			if err := json.Unmarshal(out, &v); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			c.check(method+" "+path, media.Schema, v)
		}

		for _, m := range made {
			answer("POST", m.path, m.status, m.body)
		}

		checked := 0
		for _, path := range slices.Sorted(maps.Keys(doc.Paths)) {
			if _, ok := doc.Paths[path]["get"].Responses["200"].Content["application/json"]; !ok {
				continue
			}
			// Streams, the widget's and providers' routes answer in their
			// own formats.
			if strings.HasPrefix(path, "/widget") || strings.HasPrefix(path, "/webhooks/") || strings.HasSuffix(path, "/stream") {
				continue
			}
			status, out := f.do(t, scenario{method: "GET", path: docParam.ReplaceAllString(path, "{{$1}}"), as: "owner"})
			if status != 200 {
				continue // a thing the fixture does not make (a run, a delivery): 404
			}
			answer("GET", path, "200", out)
			checked++
		}
		if checked < 60 {
			t.Fatalf("only %d routes answered 200: the fixture makes fewer things than expected", checked)
		}
		for _, p := range slices.Sorted(maps.Keys(c.problems)) {
			t.Error(p)
		}
	})
}
