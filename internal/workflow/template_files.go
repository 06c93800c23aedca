package workflow

import (
	"embed"
	"fmt"
	"path"
	"strings"
)

//go:embed templates/*.json
var templateFiles embed.FS

// Templates lists the workflow templates shipped with Switchboard, by name
// (the file name without .json).
func Templates() []string {
	entries, _ := templateFiles.ReadDir("templates")
	out := make([]string, 0, len(entries))
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e.Name(), ".json"))
	}
	return out
}

// TemplateDefinition returns a shipped template's definition.
func TemplateDefinition(name string) (Definition, error) {
	b, err := templateFiles.ReadFile(path.Join("templates", name+".json"))
	if err != nil {
		return Definition{}, fmt.Errorf("workflow: no template %q", name)
	}
	return ParseDefinition(b)
}
