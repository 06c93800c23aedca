package workflow

import (
	"reflect"
	"testing"
)

func TestRender(t *testing.T) {
	vars := map[string]any{"contact": map[string]any{"first_name": "Ada", "tags": []any{"vip", "new"}},
		"var": map[string]any{"n": 3.0, "big": 1234567.0, "order": map[string]any{"id": "A-1"}}}
	lookup := func(path string) (any, bool) { return dig(vars, splitPath(path)) }
	for _, c := range []struct {
		in, out string
		missing []string
	}{
		{"Hi {{contact.first_name}}!", "Hi Ada!", nil},
		{"Hi {{ contact.first_name }}", "Hi Ada", nil},
		{"{{var.n}} and {{var.big}}", "3 and 1234567", nil},
		{"{{contact.tags}}", "vip, new", nil},
		{"order {{var.order.id}}", "order A-1", nil},
		{"{{var.order}}", `{"id":"A-1"}`, nil},
		{"[{{var.missing}}] [{{contact.last_name}}]", "[] []", []string{"var.missing", "contact.last_name"}},
		{"no variables {{ }} {{1x}}", "no variables {{ }} {{1x}}", nil},
	} {
		out, missing := render(c.in, lookup)
		if out != c.out || !reflect.DeepEqual(missing, c.missing) {
			t.Errorf("render(%q) = %q, %q; want %q, %q", c.in, out, missing, c.out, c.missing)
		}
	}
}

func splitPath(p string) []string {
	var out []string
	start := 0
	for i := range len(p) {
		if p[i] == '.' {
			out = append(out, p[start:i])
			start = i + 1
		}
	}
	return append(out, p[start:])
}
