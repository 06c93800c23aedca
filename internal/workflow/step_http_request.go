package workflow

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

func init() { register("http_request", func() stepImpl { return &httpRequest{} }) }

// httpRequest calls an external URL. The URL, headers and body are texts
// with variables; response fields are mapped into named variables by JSON
// path ($.a.b[0].c). A 2xx answer takes success; an error, a timeout or
// another status takes failure, with the reason in the history. The call
// goes through the node's guarded client: private and internal addresses
// are refused unless the server's operator allows them.
type httpRequest struct {
	Method         string            `json:"method"`
	URL            string            `json:"url"`
	Headers        map[string]string `json:"headers,omitempty"`
	Body           string            `json:"body,omitempty"`
	TimeoutSeconds int               `json:"timeout_seconds,omitempty"` // default 10, at most 30
	Response       map[string]string `json:"response,omitempty"`        // variable -> JSON path
}

var httpMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE"}

func (s *httpRequest) check(c *checker) {
	if !slices.Contains(httpMethods, s.Method) {
		c.add("settings.method", "must be GET, POST, PUT, PATCH or DELETE")
	}
	if !strings.HasPrefix(s.URL, "http://") && !strings.HasPrefix(s.URL, "https://") && !strings.HasPrefix(s.URL, "{{") {
		c.add("settings.url", "must be an http:// or https:// URL")
	}
	if s.TimeoutSeconds < 0 || s.TimeoutSeconds > 30 {
		c.add("settings.timeout_seconds", "must be between 1 and 30")
	}
	for name, path := range s.Response {
		if !stepIDRe.MatchString(name) {
			c.add("settings.response", "variable name %q is 1–64 letters, digits, _ or -", name)
		}
		if !strings.HasPrefix(path, "$") {
			c.add("settings.response."+name, "a JSON path starts with $ (e.g. $.data.id)")
		}
	}
}

func (s *httpRequest) sets() []string {
	out := make([]string, 0, len(s.Response))
	for name := range s.Response {
		out = append(out, name)
	}
	return out
}

func (s *httpRequest) exits() []string { return []string{"success", "failure"} }

// httpOutcome is what the call returned, handed from outside to exec.
type httpOutcome struct {
	Method, URL string
	Status      int
	Body        []byte
	Err         string
	// Missing are the variables the URL, headers and body rendered empty:
	// rendered here, they are recorded by exec's history line.
	Missing []string
}

// outsideBound is the call's timeout (see boundedOutsider).
func (s *httpRequest) outsideBound() time.Duration {
	if s.TimeoutSeconds <= 0 {
		return 10 * time.Second
	}
	return time.Duration(s.TimeoutSeconds) * time.Second
}

func (s *httpRequest) outside(ctx context.Context, x *execution) (any, error) {
	out := httpOutcome{Method: s.Method, URL: x.text(s.URL)}
	// Every text is rendered before anything can fail, so the history
	// names each variable that rendered empty.
	var body io.Reader
	if s.Body != "" {
		body = strings.NewReader(x.jsonText(s.Body)) // sent as JSON: values escaped inside its strings
	}
	headers := make(map[string]string, len(s.Headers))
	for k, v := range s.Headers {
		headers[k] = x.text(v)
	}
	out.Missing = x.vars.missing
	timeout := s.outsideBound()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, s.Method, out.URL, body)
	if err != nil {
		out.Err = err.Error()
		return out, nil
	}
	if s.Body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("User-Agent", "Switchboard-Workflow/1")
	resp, err := x.e.opts.HTTPClient.Do(req)
	if err != nil {
		out.Err = err.Error()
		if ctx.Err() == context.DeadlineExceeded {
			out.Err = fmt.Sprintf("timed out after %s", timeout)
		}
		return out, nil
	}
	defer resp.Body.Close()
	out.Status = resp.StatusCode
	out.Body, _ = io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return out, nil
}

func (s *httpRequest) exec(x *execution) (result, error) {
	out, _ := x.outside.(httpOutcome)
	x.vars.missing = append(x.vars.missing, out.Missing...)
	x.log("request", out.Method+" "+out.URL)
	switch {
	case out.Err != "":
		return result{exit: "failure", outcome: "request failed: " + out.Err, output: map[string]any{"error": out.Err}}, nil
	case out.Status < 200 || out.Status > 299:
		return result{exit: "failure", outcome: fmt.Sprintf("answered %d", out.Status), output: map[string]any{"status": out.Status}}, nil
	}
	// Its numbers as json.Number, as a run's data is read (decodeJSON):
	// an 18-digit id stays that id. A body that is no JSON maps nothing.
	var doc any
	if decodeJSON(out.Body, &doc) != nil {
		doc = nil
	}
	for name, path := range s.Response {
		if v, ok := dig(doc, jsonPath(path)); ok {
			x.run.Data.Vars[name] = v
		} else {
			// Not in this answer: no value, rather than what an earlier
			// call (a loop's previous page) left there.
			delete(x.run.Data.Vars, name)
		}
	}
	return result{exit: "success", outcome: fmt.Sprintf("answered %d", out.Status), output: map[string]any{"status": out.Status, "body": doc}}, nil
}

// jsonPath splits $.a.b[0].c into the keys a, b, 0, c, and $[0].id (into
// a response that is an array) into 0, id.
func jsonPath(p string) []string {
	p = strings.NewReplacer("[", ".", "]", "").Replace(strings.TrimPrefix(p, "$"))
	p = strings.TrimPrefix(p, ".")
	if p == "" {
		return nil
	}
	return strings.Split(p, ".")
}
