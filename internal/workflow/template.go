package workflow

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Templates: every text a step sends, stores or requests may hold
// variables written {{namespace.name}} (spaces inside the braces are
// allowed). The namespaces are contact, conversation, assignee, system
// (current_datetime, current_date, current_time in the workspace's time
// zone), trigger, step (step.<id>.<output>) and var (named variables set
// by Ask a Question, HTTP Request or the trigger). A variable that has no
// value renders as the empty string and is logged on the run. There is no
// logic in templates: Branch steps decide, templates only substitute.
var templateVar = regexp.MustCompile(`\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_\-]+)*)\s*\}\}`)

// namespaces are the first segment a variable may have.
var namespaces = map[string]bool{"contact": true, "conversation": true, "assignee": true, "system": true,
	"trigger": true, "step": true, "var": true}

// lookupFunc resolves a variable path; ok is false when it has no value.
type lookupFunc func(path string) (value any, ok bool)

// render substitutes every variable of text and returns the paths that had
// no value.
func render(text string, lookup lookupFunc) (string, []string) {
	if !strings.Contains(text, "{{") {
		return text, nil
	}
	var missing []string
	out := templateVar.ReplaceAllStringFunc(text, func(m string) string {
		path := templateVar.FindStringSubmatch(m)[1]
		v, ok := lookup(path)
		if !ok || v == nil {
			missing = append(missing, path)
			return ""
		}
		return stringify(v)
	})
	return out, missing
}

// renderJSON is render for a JSON text (an HTTP Request's body): a value
// rendered inside a JSON string is escaped as JSON escapes it, so a quote,
// a backslash or a line break in it (a contact's answer) neither breaks
// the body nor changes its meaning; outside a string it goes in as
// render writes it (a number, an object as JSON). Whether a variable
// stands inside a string is read from the template's own quotes, never
// from the values put in.
func renderJSON(text string, lookup lookupFunc) (string, []string) {
	if !strings.Contains(text, "{{") {
		return text, nil
	}
	var b strings.Builder
	var missing []string
	inString, escaped := false, false
	literal := func(s string) {
		for i := 0; i < len(s); i++ {
			switch c := s[i]; {
			case escaped:
				escaped = false
			case c == '\\' && inString:
				escaped = true
			case c == '"':
				inString = !inString
			}
		}
		b.WriteString(s)
	}
	last := 0
	for _, m := range templateVar.FindAllStringSubmatchIndex(text, -1) {
		literal(text[last:m[0]])
		last = m[1]
		path := text[m[2]:m[3]]
		v, ok := lookup(path)
		if !ok || v == nil {
			missing = append(missing, path)
			continue
		}
		s := stringify(v)
		if inString {
			var e strings.Builder
			enc := json.NewEncoder(&e)
			enc.SetEscapeHTML(false)
			enc.Encode(s)
			quoted := strings.TrimSuffix(e.String(), "\n")
			s = quoted[1 : len(quoted)-1]
		}
		b.WriteString(s)
	}
	literal(text[last:])
	return b.String(), missing
}

// templateVars lists the variable paths a text refers to.
func templateVars(text string) []string {
	var out []string
	for _, m := range templateVar.FindAllStringSubmatch(text, -1) {
		out = append(out, m[1])
	}
	return out
}

// stringify writes a variable's value as text: numbers without a needless
// exponent, lists joined with commas, objects as JSON.
func stringify(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case json.Number:
		return x.String()
	case []string:
		return strings.Join(x, ", ")
	case []any:
		parts := make([]string, len(x))
		for i, p := range x {
			parts[i] = stringify(p)
		}
		return strings.Join(parts, ", ")
	case nil:
		return ""
	}
	if b, err := json.Marshal(v); err == nil {
		return string(b)
	}
	return fmt.Sprint(v)
}

// dig walks a path of keys into decoded JSON.
func dig(v any, keys []string) (any, bool) {
	for _, k := range keys {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[k]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, v != nil
}
