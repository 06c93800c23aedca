package httpapi

import (
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/aiagent"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	paging "github.com/switchboard-chat/switchboard/internal/page"
)

// The AI agents (issue 15 §3, internal/aiagent): members a conversation
// can be assigned to, with their instructions, knowledge, allowed actions
// and hand-over rules, and the run history of their turns. Owners and
// managers; every member sees AI agents among the workspace's users.

func (s *Server) aiAgentRoutes() []Route {
	r := func(method, pattern string, h http.Handler) Route { return Route{method, pattern, h} }
	return []Route{
		r("GET", "/api/v1/ai/agents", s.authed(managers, s.listAIAgents)),
		r("POST", "/api/v1/ai/agents", s.authed(managers, s.createAIAgent)),
		r("GET", "/api/v1/ai/agents/{agentID}", s.authed(managers, s.getAIAgent)),
		r("PATCH", "/api/v1/ai/agents/{agentID}", s.authed(managers, s.updateAIAgent)),
		r("DELETE", "/api/v1/ai/agents/{agentID}", s.authed(managers, s.deleteAIAgent)),
		r("GET", "/api/v1/ai/agents/{agentID}/turns", s.authed(managers, s.listAIAgentTurns)),
	}
}

// aiAgents is the node's AI agents service, or a 404 for a server built
// without.
func (s *Server) aiAgents(r *http.Request) (*aiagent.Service, error) {
	if s.deps.AIAgents == nil {
		return nil, apperr.NotFound("route " + r.Method + " " + r.URL.Path)
	}
	return s.deps.AIAgents, nil
}

func (s *Server) listAIAgents(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.aiAgents(r)
	if err != nil {
		return err
	}
	list, err := svc.List(r.Context(), Principal(r).WorkspaceID)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, whole(list))
	return nil
}

func (s *Server) createAIAgent(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.aiAgents(r)
	if err != nil {
		return err
	}
	var in aiagent.Input
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	a, err := svc.Create(r.Context(), Principal(r).WorkspaceID, in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusCreated, a)
	return nil
}

func (s *Server) getAIAgent(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.aiAgents(r)
	if err != nil {
		return err
	}
	id, err := PathID(r, "agentID")
	if err != nil {
		return err
	}
	a, err := svc.Get(r.Context(), Principal(r).WorkspaceID, id)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) updateAIAgent(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.aiAgents(r)
	if err != nil {
		return err
	}
	id, err := PathID(r, "agentID")
	if err != nil {
		return err
	}
	var in aiagent.Input
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	a, err := svc.Update(r.Context(), Principal(r).WorkspaceID, id, in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) deleteAIAgent(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.aiAgents(r)
	if err != nil {
		return err
	}
	id, err := PathID(r, "agentID")
	if err != nil {
		return err
	}
	if err := svc.Delete(r.Context(), Principal(r).WorkspaceID, id); err != nil {
		return err
	}
	noContent(w)
	return nil
}

func (s *Server) listAIAgentTurns(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.aiAgents(r)
	if err != nil {
		return err
	}
	id, err := PathID(r, "agentID")
	if err != nil {
		return err
	}
	conv, err := QueryInt(r, "conversation_id")
	if err != nil {
		return err
	}
	if conv < 0 {
		return apperr.BadRequest("query parameter conversation_id must be a conversation's id")
	}
	limit, err := paging.ParseLimit(r.URL.Query())
	if err != nil {
		return err
	}
	list, err := svc.History(r.Context(), Principal(r).WorkspaceID, id, conv, int(limit))
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, whole(list))
	return nil
}

// aiAgentOperations document aiAgentRoutes.
var aiAgentOperations = map[string]opDoc{
	"GET /api/v1/ai/agents": {id: "listAIAgents", tag: tagSettings, summary: "The workspace's AI agents, by name",
		desc:   "Not paged. An AI agent's id is its member id: the assignee_id of the conversations assigned to it.",
		status: 200, resp: page[aiagent.Agent]{}},
	"POST /api/v1/ai/agents": {id: "createAIAgent", tag: tagSettings, summary: "Add an AI agent",
		desc: "Adds a member of kind ai_agent (no account: it never signs in) that conversations can be assigned to. " +
			"source_ids: the knowledge sources it may search (0 for the articles written in the app); left out, every source. " +
			"actions: any of reply, ask_field, tags, lifecycle, assign, close (default reply); hand-over is always allowed. " +
			"Hand-over rules: max_turns answers without resolution (0: no limit, default 5), min_confidence of retrieval " +
			"(0–1, default 0.5), topics (keywords one of which a message must hold; empty: any); it hands over to " +
			"handover_team_id's queue or handover_user_id, else leaves the conversation unassigned. See docs/ai.md.",
		body: aiagent.Input{}, required: []string{"name"}, status: 201, resp: aiagent.Agent{}},
	"GET /api/v1/ai/agents/{agentID}": {id: "getAIAgent", tag: tagSettings, summary: "An AI agent", status: 200, resp: aiagent.Agent{}},
	"PATCH /api/v1/ai/agents/{agentID}": {id: "updateAIAgent", tag: tagSettings, summary: "Change an AI agent",
		desc: "Fields left out are unchanged; all_sources true lets it search every source again. enabled false makes it " +
			"hand over every message it receives.",
		body: aiagent.Input{}, status: 200, resp: aiagent.Agent{}},
	"DELETE /api/v1/ai/agents/{agentID}": {id: "deleteAIAgent", tag: tagSettings, summary: "Delete an AI agent",
		desc:   "Its member is deactivated (its messages keep naming it) and its open conversations are left unassigned in their team.",
		status: 204},
	"GET /api/v1/ai/agents/{agentID}/turns": {id: "listAIAgentTurns", tag: tagSettings, summary: "An AI agent's run history",
		desc: "Its latest turns, newest first: for each inbound message, what it read (redacted), the passages it retrieved and " +
			"their confidence, the actions it took or was refused and why, and why it handed over.",
		query: []param{{name: "conversation_id", desc: "Only the turns of this conversation", integer: true},
			{name: "limit", desc: "1–200, default 50", integer: true}},
		status: 200, resp: page[aiagent.TurnRecord]{}},
}

func init() {
	for k, v := range aiAgentOperations {
		operations[k] = v
	}
}
