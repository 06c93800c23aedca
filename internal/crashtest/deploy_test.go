package crashtest

import (
	"bufio"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The container files are never built here (there is no Docker engine on
// the machines that run the tests), so this test checks them against what
// the tests run: the compose file's nodes start `serve` with
// deploy/node.env and set, as variables, exactly the per-deployment
// settings the several-node tests give as flags; the Dockerfile builds
// the binary with the Makefile's rule, statically, and runs it as a
// non-root user on a tiny base.
func TestDeployFiles(t *testing.T) {
	services := composeServices(t, "../../docker-compose.yml")
	want := []string{}
	for _, v := range perDeployment {
		want = append(want, v)
	}
	slices.Sort(want)
	nodes := 0
	for name, lines := range services {
		if !strings.HasPrefix(name, "node") {
			continue
		}
		nodes++
		body := strings.Join(lines, "\n")
		if !strings.Contains(body, `command: ["serve"]`) {
			t.Errorf("%s: command is not [\"serve\"]:\n%s", name, body)
		}
		if !regexp.MustCompile(`env_file:\s*\n\s*- deploy/node\.env`).MatchString(body) {
			t.Errorf("%s: env_file is not deploy/node.env", name)
		}
		got := environmentKeys(lines)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s sets %v; the tests give the nodes %v beside deploy/node.env", name, got, want)
		}
	}
	if nodes < 2 {
		t.Errorf("docker-compose.yml has %d nodes, want two", nodes)
	}
	for _, s := range []string{"postgres", "lb"} {
		if _, ok := services[s]; !ok {
			t.Errorf("docker-compose.yml has no %s service", s)
		}
	}
	if env, err := readEnvFile(nodeEnvFile); err != nil || len(env) == 0 {
		t.Errorf("deploy/node.env: %v, %d settings", err, len(env))
	} else {
		for _, kv := range env {
			k, _, _ := strings.Cut(kv, "=")
			if slices.Contains(want, k) {
				t.Errorf("deploy/node.env sets %s, which is per deployment", k)
			}
		}
	}

	docker := readFile(t, "../../Dockerfile")
	makefile := readFile(t, "../../Makefile")
	for _, c := range []struct{ what, in, pattern string }{
		{"the Makefile's rule builds the binary", makefile, `(?m)^bin/switchboard:.*\n\t\$\(GO\) build -ldflags "\$\(LDFLAGS\)" -o \$@ \./cmd/switchboard$`},
		{"the image builds it by that rule, without cgo (static)", docker, `(?m)^RUN CGO_ENABLED=0 make -o web/dist/index\.html VERSION=\$\{VERSION\} bin/switchboard`},
		{"the web app is built as make builds it", docker, `(?m)^RUN npm ci --no-audit --no-fund$[\s\S]*^RUN npm run build$`},
		{"the base is distroless static, non-root", docker, `(?m)^FROM gcr\.io/distroless/static-debian12:nonroot$`},
		{"it runs as the non-root user", docker, `(?m)^USER nonroot:nonroot$`},
		{"the data folder is a volume", docker, `(?m)^VOLUME /data$`},
		{"the health check is the binary's", docker, `(?m)^HEALTHCHECK .*CMD \["/switchboard", "health"\]$`},
		{"it serves by default", docker, `(?m)^CMD \["serve"\]$`},
	} {
		if !regexp.MustCompile(c.pattern).MatchString(c.in) {
			t.Errorf("%s: no line matches %s", c.what, c.pattern)
		}
	}
	if !strings.Contains(makefile, "LDFLAGS := -X github.com/switchboard-chat/switchboard/internal/cli.Version=$(VERSION)") {
		t.Error("the Makefile's LDFLAGS no longer set the version the image passes as VERSION")
	}
}

// composeServices splits a compose file's services: block into each
// service's lines (those indented under "  name:"). It reads the plain
// block style the file is written in, not YAML at large.
func composeServices(t *testing.T, path string) map[string][]string {
	t.Helper()
	services := map[string][]string{}
	sc := bufio.NewScanner(strings.NewReader(readFile(t, path)))
	in, current := false, ""
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "services:":
			in = true
		case in && line != "" && !strings.HasPrefix(line, " ") && !strings.HasPrefix(line, "#"):
			in = false
		case in && strings.HasPrefix(line, "  ") && !strings.HasPrefix(line, "   ") && strings.HasSuffix(line, ":"):
			current = strings.TrimSuffix(strings.TrimSpace(line), ":")
			services[current] = nil
		case in && current != "":
			services[current] = append(services[current], line)
		}
	}
	if len(services) == 0 {
		t.Fatalf("%s: no services", path)
	}
	return services
}

// environmentKeys lists the variables of a service's environment: block.
func environmentKeys(lines []string) []string {
	var keys []string
	in := false
	for _, l := range lines {
		switch {
		case l == "    environment:":
			in = true
		case in && strings.HasPrefix(l, "      "):
			if k, _, ok := strings.Cut(strings.TrimSpace(l), ":"); ok {
				keys = append(keys, k)
			}
		default:
			in = false
		}
	}
	return keys
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
