package httpapi

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
)

// PathID parses the {name} path segment as a positive id; 404 otherwise,
// since no such resource can exist.
func PathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.NotFound(strings.TrimSuffix(name, "ID"))
	}
	return id, nil
}

// QueryInt parses an optional integer query parameter; 400 if malformed.
func QueryInt(r *http.Request, name string) (int64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, apperr.BadRequest("query parameter %s must be an integer", name)
	}
	return n, nil
}
