package httpapi

import (
	"encoding/json"
	"fmt"
	"path"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// jsonSchema is a JSON Schema (2020-12, as OpenAPI 3.1 uses it), reduced to
// what the document needs.
type jsonSchema struct {
	Ref                  string                 `json:"$ref,omitempty"`
	Type                 string                 `json:"type,omitempty"`
	Format               string                 `json:"format,omitempty"`
	Description          string                 `json:"description,omitempty"`
	Enum                 []string               `json:"enum,omitempty"`
	Properties           map[string]*jsonSchema `json:"properties,omitempty"`
	Required             []string               `json:"required,omitempty"`
	Items                *jsonSchema            `json:"items,omitempty"`
	AdditionalProperties any                    `json:"additionalProperties,omitempty"` // a *jsonSchema, or false
	// Nullable admits null beside the type: a response field that is
	// always present but may be null (a Go pointer without omitempty).
	Nullable bool `json:"-"`
}

// MarshalJSON writes a nullable schema as JSON Schema 2020-12 says it:
// the type and "null" ("type": ["integer", "null"]), or a reference or an
// untyped schema with null beside it (anyOf).
func (s *jsonSchema) MarshalJSON() ([]byte, error) {
	type plain jsonSchema
	if !s.Nullable {
		return json.Marshal((*plain)(s))
	}
	if s.Ref == "" && s.Type != "" {
		return json.Marshal(struct {
			*plain
			Type []string `json:"type"`
		}{(*plain)(s), []string{s.Type, "null"}})
	}
	inner := *s
	inner.Nullable, inner.Description = false, ""
	return json.Marshal(struct {
		AnyOf       []any  `json:"anyOf"`
		Description string `json:"description,omitempty"`
	}{[]any{&inner, map[string]string{"type": "null"}}, s.Description})
}

// schemaGen derives schemas from the Go types the handlers encode and
// decode, so the document cannot drift from the JSON the server speaks.
// Response types become named components; request bodies are inlined,
// since what they require is the domain's validation, not their Go shape.
type schemaGen struct {
	components map[string]*jsonSchema
	names      map[reflect.Type]string
	err        error
	closed     bool // the request being described admits no unknown members
}

func newSchemaGen() *schemaGen {
	return &schemaGen{components: map[string]*jsonSchema{}, names: map[reflect.Type]string{}}
}

var (
	timeType = reflect.TypeFor[time.Time]()
	rawType  = reflect.TypeFor[json.RawMessage]()
)

// enums lists the allowed values of string fields, by "Component.field".
var enums = map[string][]string{
	"Workspace.closing_notes_mode":  {"optional", "category_required", "both_required"},
	"Workspace.auto_close_mode":     {"inactivity", "awaiting_contact"},
	"WorkspaceUser.role":            {"owner", "manager", "agent"},
	"WorkspaceUser.status":          {"online", "busy"},
	"AccountWorkspace.role":         {"owner", "manager", "agent"},
	"WorkspaceToken.kind":           {"api", "session"},
	"ContactField.type":             {"text", "number", "list", "checkbox", "email", "url", "date", "time"},
	"Conversation.status":           {"open", "snoozed", "closed"},
	"Conversation.opened_source":    {"contact", "user", "workflow", "api"},
	"Conversation.closed_source":    {"user", "workflow", "api", "auto_close", "ai_agent"},
	"ConversationMessage.direction": {"in", "out"},
	"ConversationMessage.status":    {"received", "pending", "sent", "delivered", "read", "failed"},
	"Workflow.status":               {"draft", "published", "stopped"},
	"customEvent.type":              {"message", "message_echo", "message_status"},
	"customEvent.status":            {"sent", "delivered", "read", "failed"},
	"ChannelType.addressed_by":      {"phone", "email"},
}

// nullableFields are response fields, by "Component.field", that are not
// Go pointers but are written as null: a nil slice that means something
// other than an empty one.
var nullableFields = map[string]bool{
	"AiagentAgent.source_ids": true, // null: every source
}

// fieldDocs describes fields whose meaning their name does not say, by
// "Component.field" (request bodies use their Go type's name).
var fieldDocs = map[string]string{
	"ErrorDetail.code": "a stable machine-readable code: the kind of refusal (invalid, bad_request, unauthorized, forbidden, not_found, conflict, " +
		"too_large, rate_limited, unavailable, busy, internal, not_ready) or, for some, a finer one (reply_window_closed, user_deactivated, " +
		"invitation_expired, insufficient_scope, ai_provider_error, ai_answer_incomplete…). Codes are added over time: read an unknown one by " +
		"the HTTP status",
	"ErrorDetail.field":                       "the input at fault, for 422 (e.g. fields.age)",
	"ErrorDetail.request_id":                  "also in the X-Request-Id header and the server's log",
	"ErrorDetail.problems":                    "every problem, when the request has several (422): where each is (step, field) and why",
	"Contact.fields":                          "custom field values by key",
	"Channel.secrets":                         "which secrets are set, never their values: token with its last four characters, secret config fields with \"set\"",
	"channelWithToken.token":                  "the channel's webhook token; shown this once, sealed at rest",
	"CreatedToken.secret":                     "the bearer token; shown this once, only its hash is stored",
	"Event.seq":                               "order within the conversation, consecutive from 1",
	"Conversation.last_seq":                   "seq of the conversation's latest event",
	"newAPIToken.user_id":                     "act with this user's role; 0 or absent makes a workspace token acting as an owner",
	"newAPIToken.expires_in":                  "seconds until the token expires; 0 or absent never",
	"Input.fields":                            "custom field values by key; null removes one",
	"Input.lifecycle_stage":                   "a stage name; \"\" clears it; absent on create gives the default stage",
	"customInbound.channelId":                 "optional; if given, the id of the channel the path names (at /custom/channel/webhook: the channel of the bearer token)",
	"customInbound.contactId":                 "an E.164 phone number or a custom id of up to 50 characters",
	"customEvent.mId":                         "the provider's message id; a redelivery with the same mId is stored once. For message_status, the mId Switchboard's send returned",
	"customEvent.timestamp":                   "Unix milliseconds",
	"customEvent.status":                      "for message_status",
	"customOutbound.contactId":                "the contact's id on the channel",
	"customSent.mId":                          "the provider's id of the sent message; later message_status events refer to it",
	"stageInput.stage":                        "a lifecycle stage name, or \"\" to clear it",
	"snoozeInput.until":                       "RFC 3339; within a year",
	"TeamInput.member_ids":                    "replaces the members when present",
	"credentials.workspace_id":                "the workspace to sign in to; needed when the person works in several",
	"Session.workspaces":                      "when the person works in several workspaces and named none: sign in again with one as workspace_id",
	"AccountWorkspace.id":                     "the workspace",
	"AccountWorkspace.user_id":                "the person's user (membership) in that workspace",
	"Workspace.permissions":                   "what members of each role (agent, manager) may do: the owners' setting, else the defaults; owners may do everything",
	"Workspace.auto_close_mode":               "inactivity: closes after auto_close_minutes without a message; awaiting_contact: after auto_close_minutes without the contact's reply to the last message a person sent (auto_close_contact_only has no effect)",
	"WorkspaceUser.permissions":               "this user's own permissions, overriding their role's; null when their role's apply",
	"Settings.permissions":                    "by role (agent or manager): an object of all three flags, or null to go back to the defaults; roles not named stay",
	"UserUpdate.permissions":                  "owners only: an object of see_all_conversations, export_contacts and delete_contacts overrides the role's for this user; null clears the override",
	"AccessPermissions.see_all_conversations": "every conversation of the workspace; without it, those assigned to the user and the unassigned ones of their teams",
	"ChannelType.addressed_by":                "how a conversation may be started on such a channel with a contact who never wrote on it: by their phone or email; absent when only contacts who wrote first can be reached",
}

// componentName names a component after its Go type: the package is kept
// where the type's name alone would be vague (contact.Tag is ContactTag),
// and a list envelope page[T] is named after T.
func componentName(t reflect.Type) string {
	name := t.Name()
	if base, arg, ok := strings.Cut(name, "["); ok && base == "Result" {
		// Another generic (report.Result[report.Users]): named after
		// its argument, then itself (ReportUsersResult).
		arg = strings.TrimSuffix(arg, "]")
		arg = arg[strings.LastIndex(arg, ".")+1:]
		return upperFirst(path.Base(t.PkgPath())) + arg + upperFirst(base)
	}
	if strings.Contains(name, "[") {
		return componentName(t.Field(0).Type.Elem()) + "List"
	}
	pkg := path.Base(t.PkgPath())
	if pkg == "httpapi" || pkg == "httpjson" || strings.Contains(strings.ToLower(name), pkg) {
		return upperFirst(name)
	}
	return upperFirst(pkg) + name
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// response returns the schema of a response type: a $ref to its component.
func (g *schemaGen) response(v any) *jsonSchema {
	return g.of(reflect.TypeOf(v), true)
}

// request returns the inline schema of a request body type. With closed,
// its objects admit no members but their fields (additionalProperties:
// false), as httpjson.Decode refuses unknown fields of API bodies.
func (g *schemaGen) request(v any, closed bool) *jsonSchema {
	g.closed = closed
	defer func() { g.closed = false }()
	return g.of(reflect.TypeOf(v), false)
}

func (g *schemaGen) of(t reflect.Type, output bool) *jsonSchema {
	switch t {
	case timeType:
		return &jsonSchema{Type: "string", Format: "date-time"}
	case rawType:
		return &jsonSchema{Description: "any JSON value"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return g.of(t.Elem(), output)
	case reflect.Bool:
		return &jsonSchema{Type: "boolean"}
	case reflect.Int64, reflect.Uint64:
		return &jsonSchema{Type: "integer", Format: "int64"}
	case reflect.Int, reflect.Int32, reflect.Int16, reflect.Int8, reflect.Uint, reflect.Uint32, reflect.Uint16, reflect.Uint8:
		return &jsonSchema{Type: "integer"}
	case reflect.Float32, reflect.Float64:
		return &jsonSchema{Type: "number"}
	case reflect.String:
		return &jsonSchema{Type: "string"}
	case reflect.Slice, reflect.Array:
		return &jsonSchema{Type: "array", Items: g.of(t.Elem(), output)}
	case reflect.Map:
		return &jsonSchema{Type: "object", AdditionalProperties: g.of(t.Elem(), output)}
	case reflect.Interface:
		return &jsonSchema{}
	case reflect.Struct:
		if !output || t.Name() == "" {
			return g.object(t, output, t.Name())
		}
		return g.component(t)
	}
	g.fail(fmt.Errorf("httpapi: openapi: no schema for Go type %s", t))
	return &jsonSchema{}
}

// component registers t as a named component (once) and refers to it.
func (g *schemaGen) component(t reflect.Type) *jsonSchema {
	name, ok := g.names[t]
	if !ok {
		name = componentName(t)
		for other, n := range g.names {
			if n == name {
				g.fail(fmt.Errorf("httpapi: openapi: %s and %s would share the component name %s", t, other, name))
			}
		}
		g.names[t] = name
		g.components[name] = &jsonSchema{} // placeholder: a type may refer to itself
		*g.components[name] = *g.object(t, true, name)
	}
	return &jsonSchema{Ref: "#/components/schemas/" + name}
}

// object describes a struct's JSON fields as encoding/json sees them:
// tags name them, "-" hides them, embedded structs lend their fields. In
// a response every field without omitempty or omitzero is always present.
func (g *schemaGen) object(t reflect.Type, output bool, docName string) *jsonSchema {
	s := &jsonSchema{Type: "object", Properties: map[string]*jsonSchema{}}
	for f := range t.Fields() {
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" && opts == "" {
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			inner := g.object(f.Type, output, docName)
			for k, v := range inner.Properties {
				s.Properties[k] = v
			}
			s.Required = append(s.Required, inner.Required...)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		p := g.of(f.Type, output)
		if vals, ok := enums[docName+"."+name]; ok {
			p.Enum = vals
		}
		if d, ok := fieldDocs[docName+"."+name]; ok {
			p.Description = d
		}
		s.Properties[name] = p
		omitted := strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero")
		if output && !omitted && (f.Type.Kind() == reflect.Pointer || nullableFields[docName+"."+name]) {
			// Always written, null when unset: the client must expect
			// null, not an absent member.
			p.Nullable = true
		}
		if output && !omitted {
			s.Required = append(s.Required, name)
		}
	}
	slices.Sort(s.Required)
	if !output && g.closed {
		s.AdditionalProperties = false
	}
	return s
}

func (g *schemaGen) fail(err error) {
	if g.err == nil {
		g.err = err
	}
}
