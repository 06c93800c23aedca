package httpapi

import (
	"net/http"
	"time"

	"github.com/switchboard-chat/switchboard/internal/httpjson"
	"github.com/switchboard-chat/switchboard/internal/satisfaction"
)

// The satisfaction survey's page (the web app's /rate/<token>), signed
// out: the token the contact's link holds is the only credential.

// surveyView is a survey as its contact sees it.
type surveyView struct {
	WorkspaceName string `json:"workspace_name"`
	// Rating is the contact's, 1 to 5; 0 until they answer.
	Rating  int        `json:"rating"`
	Comment string     `json:"comment"`
	RatedAt *time.Time `json:"rated_at"`
	// Expired: the link no longer takes a rating.
	Expired bool `json:"expired"`
}

// surveyAnswer is the contact's rating.
type surveyAnswer struct {
	Rating  int    `json:"rating"`
	Comment string `json:"comment"`
}

func viewOfSurvey(v satisfaction.Survey) surveyView {
	out := surveyView{WorkspaceName: v.WorkspaceName, Rating: v.Rating, Comment: v.Comment, Expired: v.Expired}
	if !v.RatedAt.IsZero() {
		out.RatedAt = &v.RatedAt
	}
	return out
}

func (s *Server) getSurvey(w http.ResponseWriter, r *http.Request) error {
	v, err := s.satisfaction().Get(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, viewOfSurvey(v))
	return nil
}

func (s *Server) rateSurvey(w http.ResponseWriter, r *http.Request) error {
	var in surveyAnswer
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	v, err := s.satisfaction().Rate(r.Context(), r.PathValue("token"), in.Rating, in.Comment)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, viewOfSurvey(v))
	return nil
}

// anyOrigin lets a page of any site call a survey's routes: the website
// widget (internal/channel/widget) draws the survey in its chat, on its
// site's page. Safe to open: the token in the path is the only
// credential, no cookie is read, and the answer holds nothing the token
// does not already give.
func anyOrigin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		next.ServeHTTP(w, r)
	})
}

// surveyPreflight answers a browser's CORS preflight of a survey's POST
// (its JSON body asks for one).
func surveyPreflight(w http.ResponseWriter, _ *http.Request) error {
	h := w.Header()
	h.Set("Access-Control-Allow-Methods", "GET, POST")
	h.Set("Access-Control-Allow-Headers", "Content-Type")
	h.Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// satisfaction is the surveys' service: the node's, else one over the
// store (a test server's), which takes ratings as well.
func (s *Server) satisfaction() *satisfaction.Service {
	if s.deps.Satisfaction != nil {
		return s.deps.Satisfaction
	}
	return satisfaction.New(s.deps.DB, satisfaction.Options{PublicURL: s.deps.PublicURL})
}
