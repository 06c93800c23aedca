package httpapi

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	paging "github.com/switchboard-chat/switchboard/internal/page"
	"github.com/switchboard-chat/switchboard/internal/report"
)

// satisfactionResponses lists the Satisfaction report's responses, a page
// at a time, narrowed by rating and to those with a comment.
func (s *Server) satisfactionResponses(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f, err := reportFilter(q)
	if err != nil {
		return err
	}
	rf, err := responseFilter(q)
	if err != nil {
		return err
	}
	req, err := paging.Parse(q, report.OrderRatedDesc)
	if err != nil {
		return err
	}
	pg, err := s.deps.Reports.SatisfactionResponses(r.Context(), Principal(r).WorkspaceID, f, rf, req)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, pg)
	return nil
}

// responseFilter reads ?rating=1,2 (ratings from 1 to 5, each once) and
// ?with_comment=true|false.
func responseFilter(q url.Values) (report.ResponseFilter, error) {
	var rf report.ResponseFilter
	if v := q.Get("rating"); v != "" {
		seen := [6]bool{}
		for _, part := range strings.Split(v, ",") {
			n, err := strconv.Atoi(part)
			if err != nil || n < 1 || n > 5 || seen[n] {
				return rf, apperr.BadRequest("query parameter rating: must be ratings from 1 to 5, each once, separated by commas (rating=1,2)")
			}
			seen[n] = true
			rf.Ratings = append(rf.Ratings, n)
		}
	}
	switch q.Get("with_comment") {
	case "", "false":
	case "true":
		rf.WithComment = true
	default:
		return rf, apperr.BadRequest("query parameter with_comment: must be true or false")
	}
	return rf, nil
}
