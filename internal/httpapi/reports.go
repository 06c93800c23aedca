package httpapi

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/csvcell"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	paging "github.com/switchboard-chat/switchboard/internal/page"
	"github.com/switchboard-chat/switchboard/internal/report"
	"github.com/switchboard-chat/switchboard/internal/routing"
)

// Reports (issue 13): owners and managers only (the route table says
// managers); agents get 403 whatever their permissions.

// The sources a conversation is opened and closed with (docs/reports.md).
var (
	reportOpenedSources = []string{conversation.SourceContact, conversation.SourceUser, conversation.SourceWorkflow, conversation.SourceAPI}
	reportClosedSources = []string{conversation.SourceUser, conversation.SourceWorkflow, conversation.SourceAPI,
		conversation.SourceAutoClose, conversation.SourceAIAgent}
)

// reportFilter reads a report's filter from the query string.
func reportFilter(q url.Values) (report.Filter, error) {
	f := report.Filter{From: q.Get("from"), To: q.Get("to"), Interval: q.Get("interval"), OpenedSource: q.Get("opened_source"),
		ClosedSource: q.Get("closed_source"), Category: q.Get("category")}
	for name, dst := range map[string]*int64{"team_id": &f.TeamID, "user_id": &f.UserID, "channel_id": &f.ChannelID, "workflow_id": &f.WorkflowID} {
		if v := q.Get(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				return f, apperr.BadRequest("query parameter %s: must be a positive id", name)
			}
			*dst = n
		}
	}
	// A source outside its list would match no conversation: the report
	// would answer every figure 0, as if nothing had happened.
	if v := f.OpenedSource; v != "" && !slices.Contains(reportOpenedSources, v) {
		return f, apperr.BadRequest("query parameter opened_source: must be contact, user, workflow or api")
	}
	if v := f.ClosedSource; v != "" && !slices.Contains(reportClosedSources, v) {
		return f, apperr.BadRequest("query parameter closed_source: must be user, workflow, api, auto_close or ai_agent")
	}
	switch q.Get("compare") {
	case "", "none":
	case "previous":
		f.Compare = true
	default:
		return f, apperr.BadRequest("query parameter compare: must be previous or none")
	}
	switch q.Get("hours") {
	case "", "all":
	case "business":
		f.BusinessHours = true
	default:
		return f, apperr.BadRequest("query parameter hours: must be all or business")
	}
	// rows only shapes a CSV, but a bad value is refused whatever the
	// format, so a typo never passes silently.
	switch q.Get("rows") {
	case "", "facts", "charts":
	default:
		return f, apperr.BadRequest("query parameter rows: must be facts or charts")
	}
	return f, nil
}

// reportHandler answers a report as JSON, or as CSV with ?format=csv.
func reportHandler[T any](s *Server, name string, fn func(*report.Service, context.Context, int64, report.Filter) (report.Result[T], error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		f, err := reportFilter(r.URL.Query())
		if err != nil {
			return err
		}
		switch r.URL.Query().Get("format") {
		case "csv":
			return s.streamReport(w, r, name, f)
		case "", "json":
		default:
			return apperr.BadRequest("query parameter format: must be json or csv")
		}
		res, err := fn(s.deps.Reports, r.Context(), Principal(r).WorkspaceID, f)
		if err != nil {
			return err
		}
		httpjson.WriteJSON(w, http.StatusOK, res)
		return nil
	}
}

// exportReport streams the rows behind a report as CSV.
func (s *Server) exportReport(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("report")
	if !slices.Contains(report.Reports, name) {
		return apperr.NotFound("report")
	}
	f, err := reportFilter(r.URL.Query())
	if err != nil {
		return err
	}
	return s.streamReport(w, r, name, f)
}

func (s *Server) streamReport(w http.ResponseWriter, r *http.Request, name string, f report.Filter) error {
	started := false
	cw := csv.NewWriter(w)
	rc := http.NewResponseController(w)
	n := 0
	export := s.deps.Reports.Export
	switch r.URL.Query().Get("rows") {
	case "", "facts":
	case "charts":
		export = s.deps.Reports.ExportCharts
	default:
		return apperr.BadRequest("query parameter rows: must be facts or charts")
	}
	err := export(r.Context(), Principal(r).WorkspaceID, name, f, func(row []string) error {
		if !started {
			started = true
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			w.Header().Set("Content-Disposition", `attachment; filename="report-`+name+`.csv"`)
			w.WriteHeader(http.StatusOK)
		}
		if err := cw.Write(csvcell.Row(row)); err != nil {
			return err
		}
		if n++; n%500 == 0 {
			cw.Flush()
			rc.Flush()
		}
		return cw.Error()
	})
	if err != nil && !started {
		return err
	}
	if err != nil {
		panic(http.ErrAbortHandler) // a truncated CSV must not look complete
	}
	cw.Flush()
	return cw.Error()
}

// reportNow answers the live state: open conversations, queues, agents.
func (s *Server) reportNow(w http.ResponseWriter, r *http.Request) error {
	p := Principal(r)
	var src report.NowSource
	if s.deps.Routing != nil {
		src = routingNow{s.deps.Routing}
	}
	n, err := s.deps.Reports.Now(r.Context(), p.WorkspaceID, src)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, n)
	return nil
}

// routingNow answers the Now report's presence from routing.
type routingNow struct{ r *routing.Service }

func (n routingNow) Agents(ctx context.Context, workspaceID int64) ([]report.AgentNow, error) {
	var out []report.AgentNow
	req := paging.All()
	for {
		pg, err := n.r.Presences(ctx, workspaceID, req)
		if err != nil {
			return nil, err
		}
		for _, p := range pg.Data {
			out = append(out, report.AgentNow{UserID: p.UserID, Availability: p.Availability, Open: p.Open, Capacity: p.Capacity})
		}
		if pg.NextCursor == "" || len(pg.Data) == 0 {
			return out, nil
		}
		req.After = &paging.Cursor{Order: paging.OrderID, ID: pg.Data[len(pg.Data)-1].UserID}
	}
}

func (s *Server) getReportSettings(w http.ResponseWriter, r *http.Request) error {
	st, err := s.deps.Reports.Settings(r.Context(), Principal(r).WorkspaceID)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) updateReportSettings(w http.ResponseWriter, r *http.Request) error {
	// A field the body leaves out keeps its value: the body is read over
	// the current settings (PUT {"holidays"} alone zeroed the reopen
	// window, which stopped reopens being counted).
	in, err := s.deps.Reports.Settings(r.Context(), Principal(r).WorkspaceID)
	if err != nil {
		return err
	}
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	st, err := s.deps.Reports.UpdateSettings(r.Context(), Principal(r).WorkspaceID, in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, st)
	return nil
}
