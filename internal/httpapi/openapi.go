package httpapi

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/httpjson"
)

// The OpenAPI 3.1 document is built from Go values: the route table (who
// may call what), the operation notes in openapi_ops.go, and schemas
// reflected from the very types the handlers encode and decode.

// apiDoc is an OpenAPI 3.1 document.
type apiDoc struct {
	OpenAPI    string                              `json:"openapi"`
	Info       apiInfo                             `json:"info"`
	Paths      map[string]map[string]*apiOperation `json:"paths"`
	Webhooks   map[string]map[string]*apiOperation `json:"webhooks,omitempty"`
	Components apiComponents                       `json:"components"`
}

// apiInfo describes the API.
type apiInfo struct {
	Title       string `json:"title"`
	Version     string `json:"version"`
	Description string `json:"description,omitempty"`
}

// apiOperation is one method of one path.
type apiOperation struct {
	OperationID string                  `json:"operationId"`
	Summary     string                  `json:"summary"`
	Description string                  `json:"description,omitempty"`
	Tags        []string                `json:"tags,omitempty"`
	Parameters  []apiParam              `json:"parameters,omitempty"`
	RequestBody *apiBody                `json:"requestBody,omitempty"`
	Responses   map[string]*apiResponse `json:"responses"`
	Security    []map[string][]string   `json:"security,omitempty"`
	// Roles lists who may call the route, as the route table says.
	Roles []string `json:"x-roles,omitempty"`
}

// apiParam is a path, query or header parameter.
type apiParam struct {
	Name        string      `json:"name"`
	In          string      `json:"in"`
	Description string      `json:"description,omitempty"`
	Required    bool        `json:"required,omitempty"`
	Schema      *jsonSchema `json:"schema"`
}

// apiBody is an operation's body.
type apiBody struct {
	Required bool                `json:"required"`
	Content  map[string]apiMedia `json:"content"`
}

// apiResponse is one status of an operation.
type apiResponse struct {
	Description string              `json:"description"`
	Content     map[string]apiMedia `json:"content,omitempty"`
}

// apiMedia holds the schema of a body.
type apiMedia struct {
	Schema *jsonSchema `json:"schema"`
}

// apiComponents holds the named schemas and security schemes.
type apiComponents struct {
	Schemas         map[string]*jsonSchema `json:"schemas"`
	SecuritySchemes map[string]apiSecurity `json:"securitySchemes"`
}

// apiSecurity is how callers authenticate.
type apiSecurity struct {
	Type         string `json:"type"`
	Scheme       string `json:"scheme,omitempty"`
	In           string `json:"in,omitempty"`   // where an apiKey is: "cookie"
	Name         string `json:"name,omitempty"` // the apiKey's name
	BearerFormat string `json:"bearerFormat,omitempty"`
	Description  string `json:"description,omitempty"`
}

var statusText = map[int]string{
	200: "OK", 201: "Created", 202: "Accepted: stored and queued", 204: "Done; no content",
	400: "Malformed request: bad JSON, a malformed query parameter or header",
	401: "Missing, wrong or expired token",
	403: "Your role may not do this; or a browser (cookie) request failed the CSRF check: error.field is X-CSRF-Token or Origin",
	404: "No such thing in your workspace (also for a malformed id)",
	408: "The body did not arrive in time",
	409: "Conflicts with the current state (a duplicate, a second open conversation, …)",
	413: "The body is larger than 1 MiB",
	422: "A value fails validation; error.field names it",
	429: "Too many requests (sign-ins, requests of a token, open streams): wait the seconds of Retry-After",
	502: "A service this depends on failed (the workspace's AI provider): error.code says which, error.message gives its reason",
	503: "Not ready",
}

var pathParam = regexp.MustCompile(`\{([A-Za-z0-9_]+)(\.\.\.)?\}`)

// openAPIPath turns a ServeMux pattern into an OpenAPI path: {name...}
// becomes {name} and the end anchor {$} goes.
func openAPIPath(pattern string) string {
	pattern = strings.TrimSuffix(pattern, "{$}")
	return pathParam.ReplaceAllString(pattern, "{$1}")
}

// buildOpenAPI documents every operation of ops, taking security and roles
// from the route table. It fails if a route has no notes, so the document
// cannot silently miss one.
func buildOpenAPI(routes []Route, ops map[string]opDoc) (*apiDoc, error) {
	g := newSchemaGen()
	doc := &apiDoc{
		OpenAPI: "3.1.0",
		Info: apiInfo{Title: "Switchboard API", Version: "1",
			Description: "Omnichannel customer conversations. Every error is {\"error\":{\"code\",\"message\"}}; lists are {\"data\",\"next_cursor\"} and take ?cursor=&limit=. A refused request changes nothing. Any request may be answered 503 {\"error\":{\"code\":\"unavailable\"}} with Retry-After while the store cannot be reached, or {\"error\":{\"code\":\"busy\"}} with Retry-After: 1 when its write kept conflicting with others: nothing was kept, send it again."},
		Paths:    map[string]map[string]*apiOperation{},
		Webhooks: map[string]map[string]*apiOperation{},
		Components: apiComponents{Schemas: g.components, SecuritySchemes: map[string]apiSecurity{
			"bearer": {Type: "http", Scheme: "bearer", BearerFormat: "sb_…",
				Description: "An API token (POST /api/v1/tokens) or a session token (POST /api/v1/auth/login)."},
			"sessionCookie": {Type: "apiKey", In: "cookie", Name: sessionCookie,
				Description: "A browser's session (POST /api/v1/auth/session), used when there is no Authorization header. " +
					"POST, PUT, PATCH and DELETE made with it must come from this site and carry X-CSRF-Token (403 otherwise)."},
			"channelToken": {Type: "http", Scheme: "bearer",
				Description: "The channel's own token, shown once: by POST /api/v1/channels and POST /api/v1/channels/{channelID}/rotate-token."},
			"metricsToken": {Type: "http", Scheme: "bearer",
				Description: "The node's metrics token (--metrics-token or SWITCHBOARD_METRICS_TOKEN)."},
		}},
	}
	byKey := map[string]Route{}
	for _, rt := range routes {
		key := rt.Method + " " + rt.Pattern
		byKey[key] = rt
		if _, ok := ops[key]; !ok {
			return nil, fmt.Errorf("httpapi: openapi: route %s has no documentation in openapi_ops.go", key)
		}
	}
	errSchema := g.response(httpjson.ErrorBody{})
	for key, o := range ops {
		method, pattern, _ := strings.Cut(key, " ")
		var allowed roles
		if a, ok := byKey[key].Handler.(*authedHandler); ok {
			allowed = a.allowed
		}
		p := openAPIPath(pattern)
		if doc.Paths[p] == nil {
			doc.Paths[p] = map[string]*apiOperation{}
		}
		doc.Paths[p][strings.ToLower(method)] = o.operation(g, pattern, allowed, errSchema)
	}
	doc.Webhooks["customChannelMessage"] = map[string]*apiOperation{"post": customChannelSend(g)}
	if g.err != nil {
		return nil, g.err
	}
	return doc, nil
}

func jsonContent(s *jsonSchema) map[string]apiMedia {
	return map[string]apiMedia{"application/json": {Schema: s}}
}

// operation renders one operation. Error responses follow from what the
// route takes: a token (401, 403, and 429 from the per-token rate limit),
// path ids (404), a body (400, 408, 413, 422), query parameters (400);
// o.errors adds the rest.
func (o opDoc) operation(g *schemaGen, pattern string, allowed roles, errSchema *jsonSchema) *apiOperation {
	op := &apiOperation{OperationID: o.id, Summary: o.summary, Description: o.desc, Tags: []string{o.tag},
		Responses: map[string]*apiResponse{}}
	errs := slices.Clone(o.errors)
	for _, m := range pathParam.FindAllStringSubmatch(pattern, -1) {
		s := &jsonSchema{Type: "string"}
		if strings.HasSuffix(m[1], "ID") {
			s = &jsonSchema{Type: "integer", Format: "int64"}
		}
		op.Parameters = append(op.Parameters, apiParam{Name: m[1], In: "path", Required: true, Schema: s})
		errs = append(errs, 404)
	}
	for _, q := range o.query {
		op.Parameters = append(op.Parameters, q.parameter("query"))
		errs = append(errs, 400)
	}
	for _, h := range o.headers {
		op.Parameters = append(op.Parameters, h.parameter("header"))
		errs = append(errs, 400)
	}
	if o.body != nil {
		// API bodies refuse unknown members; provider webhooks stay lenient.
		s := g.request(o.body, !o.channelToken)
		s.Required = o.required
		op.RequestBody = &apiBody{Required: !o.optionalBody, Content: jsonContent(s)}
		errs = append(errs, 400, 408, 413, 422)
	}
	if o.multipart {
		file := &jsonSchema{Type: "object", Required: []string{"file"},
			Properties: map[string]*jsonSchema{"file": {Type: "string", Format: "binary", Description: "the file; its filename and Content-Type are optional"}}}
		op.RequestBody = &apiBody{Required: true, Content: map[string]apiMedia{"multipart/form-data": {Schema: file}}}
		errs = append(errs, 400, 408, 413, 422)
	}
	switch {
	case allowed != nil:
		op.Security = []map[string][]string{{"bearer": {}}, {"sessionCookie": {}}}
		op.Roles = allowed
		errs = append(errs, 401, 403, 429)
	case o.channelToken:
		op.Security = []map[string][]string{{"channelToken": {}}}
		errs = append(errs, 401)
	case o.metricsToken:
		op.Security = []map[string][]string{{"metricsToken": {}}}
		errs = append(errs, 401)
	}
	ok := &apiResponse{Description: statusText[o.status]}
	if o.okText != "" {
		ok.Description = o.okText
	}
	switch {
	case o.media == "application/json":
		ok.Content = jsonContent(&jsonSchema{Type: "object"})
	case o.media != "":
		ok.Content = map[string]apiMedia{o.media: {Schema: &jsonSchema{Type: "string"}}}
	case o.resp != nil:
		ok.Content = jsonContent(g.response(o.resp))
	}
	op.Responses[strconv.Itoa(o.status)] = ok
	if o.also != 0 {
		op.Responses[strconv.Itoa(o.also)] = &apiResponse{Description: statusText[o.also], Content: ok.Content}
	}
	slices.Sort(errs)
	for _, code := range slices.Compact(errs) {
		op.Responses[strconv.Itoa(code)] = &apiResponse{Description: statusText[code], Content: jsonContent(errSchema)}
	}
	return op
}

// openAPI serves the document.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	doc, err := s.openapi()
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	httpjson.WriteJSON(w, http.StatusOK, doc)
	return nil
}
