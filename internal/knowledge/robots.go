package knowledge

import (
	"bufio"
	"strings"
)

// Robots is a parsed robots.txt (RFC 9309), reduced to the rules of the
// group that applies to one user agent.
type Robots struct {
	rules []robotsRule
}

type robotsRule struct {
	allow bool
	path  string
}

// ParseRobots reads robots.txt and keeps the rules of the group naming
// agent (matched case-insensitively as a product token: "Switchboard"
// matches "switchboard"), else those of "*". Groups that name the same
// agent are merged, as the RFC says.
func ParseRobots(body, agent string) Robots {
	agent = productToken(agent)
	type group struct {
		agents []string
		rules  []robotsRule
	}
	var groups []*group
	var cur *group
	lastWasAgent := false
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		key = strings.ToLower(strings.TrimSpace(key))
		value = strings.TrimSpace(value)
		switch key {
		case "user-agent":
			if cur == nil || !lastWasAgent {
				cur = &group{}
				groups = append(groups, cur)
			}
			cur.agents = append(cur.agents, productToken(value))
			lastWasAgent = true
		case "allow", "disallow":
			lastWasAgent = false
			if cur == nil {
				continue
			}
			if value == "" {
				continue // "Disallow:" allows everything
			}
			cur.rules = append(cur.rules, robotsRule{allow: key == "allow", path: value})
		default:
			lastWasAgent = false
		}
	}
	var mine, star []robotsRule
	found := false
	for _, g := range groups {
		for _, a := range g.agents {
			switch {
			case a == "*":
				star = append(star, g.rules...)
			case a != "" && a == agent:
				mine = append(mine, g.rules...)
				found = true
			}
		}
	}
	if found {
		return Robots{rules: mine}
	}
	return Robots{rules: star}
}

// productToken is a user agent's name, lowercased, without its version
// or comment ("Switchboard/2.0 (knowledge sync)" is "switchboard"): a
// group applies to the crawler it names as a whole, never to one whose
// name it only begins ("Switch" is another crawler).
func productToken(ua string) string {
	name, _, _ := strings.Cut(strings.TrimSpace(ua), " ")
	name, _, _ = strings.Cut(name, "/")
	return strings.ToLower(name)
}

// Allowed reports whether the path (with its query) may be fetched: the
// longest matching rule wins, Allow on a tie; no rule allows.
func (r Robots) Allowed(path string) bool {
	if path == "" {
		path = "/"
	}
	best, allow := -1, true
	for _, rule := range r.rules {
		if !robotsMatch(rule.path, path) {
			continue
		}
		if n := len(rule.path); n > best || n == best && rule.allow {
			best, allow = n, rule.allow
		}
	}
	return allow
}

// robotsMatch matches a rule's pattern ("*" any characters, a final "$"
// the end of the path) against the start of path.
func robotsMatch(pattern, path string) bool {
	anchored := strings.HasSuffix(pattern, "$")
	pattern = strings.TrimSuffix(pattern, "$")
	parts := strings.Split(pattern, "*")
	if !strings.HasPrefix(path, parts[0]) {
		return false
	}
	rest := path[len(parts[0]):]
	for i, p := range parts[1:] {
		if i == len(parts)-2 && anchored {
			return strings.HasSuffix(rest, p)
		}
		j := strings.Index(rest, p)
		if j < 0 {
			return false
		}
		rest = rest[j+len(p):]
	}
	return !anchored || rest == "" || len(parts) > 1 && parts[len(parts)-1] == ""
}
