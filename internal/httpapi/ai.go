package httpapi

import (
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/ai"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
)

// The AI settings (issue 15, internal/ai): the workspace's model provider
// (the API key is never returned: only whether it is set and its last four
// characters), this month's token usage, a test call, and the intents the
// Classify workflow step sorts messages into. Owners and managers; every
// member reads the intents.

// aiRoutes are the routes of this file, appended to the table.
func (s *Server) aiRoutes() []Route {
	r := func(method, pattern string, h http.Handler) Route { return Route{method, pattern, h} }
	return []Route{
		r("GET", "/api/v1/ai/settings", s.authed(managers, noStore(s.getAISettings))),
		r("PUT", "/api/v1/ai/settings", s.authed(managers, noStore(s.updateAISettings))),
		r("GET", "/api/v1/ai/usage", s.authed(managers, s.getAIUsage)),
		r("POST", "/api/v1/ai/test", s.authed(managers, noStore(s.testAI))),
		r("GET", "/api/v1/intents", s.authed(anyone, s.listIntents)),
		r("POST", "/api/v1/intents", s.authed(managers, s.createIntent)),
		r("POST", "/api/v1/intents/classify", s.authed(managers, s.classifyPhrase)),
		r("GET", "/api/v1/intents/{intentID}", s.authed(anyone, s.getIntent)),
		r("PATCH", "/api/v1/intents/{intentID}", s.authed(managers, s.updateIntent)),
		r("DELETE", "/api/v1/intents/{intentID}", s.authed(managers, s.deleteIntent)),
	}
}

// aiService is the node's AI service, or a 404 for a server built without.
func (s *Server) aiService(r *http.Request) (*ai.Service, error) {
	if s.deps.AI == nil {
		return nil, apperr.NotFound("route " + r.Method + " " + r.URL.Path)
	}
	return s.deps.AI, nil
}

func (s *Server) getAISettings(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.aiService(r)
	if err != nil {
		return err
	}
	st, err := svc.Settings(r.Context(), Principal(r).WorkspaceID)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) updateAISettings(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.aiService(r)
	if err != nil {
		return err
	}
	var in ai.SettingsInput
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	st, err := svc.UpdateSettings(r.Context(), Principal(r).WorkspaceID, in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) getAIUsage(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.aiService(r)
	if err != nil {
		return err
	}
	u, err := svc.Usage(r.Context(), Principal(r).WorkspaceID)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) testAI(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.aiService(r)
	if err != nil {
		return err
	}
	res, err := svc.Test(r.Context(), Principal(r).WorkspaceID)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, res)
	return nil
}

func (s *Server) listIntents(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.aiService(r)
	if err != nil {
		return err
	}
	list, err := svc.Intents(r.Context(), Principal(r).WorkspaceID)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, whole(list))
	return nil
}

func (s *Server) getIntent(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.aiService(r)
	if err != nil {
		return err
	}
	id, err := PathID(r, "intentID")
	if err != nil {
		return err
	}
	it, err := svc.Intent(r.Context(), Principal(r).WorkspaceID, id)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, it)
	return nil
}

func (s *Server) createIntent(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.aiService(r)
	if err != nil {
		return err
	}
	var in ai.IntentInput
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	it, err := svc.CreateIntent(r.Context(), Principal(r).WorkspaceID, in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusCreated, it)
	return nil
}

func (s *Server) updateIntent(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.aiService(r)
	if err != nil {
		return err
	}
	id, err := PathID(r, "intentID")
	if err != nil {
		return err
	}
	var in ai.IntentInput
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	it, err := svc.UpdateIntent(r.Context(), Principal(r).WorkspaceID, id, in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, it)
	return nil
}

func (s *Server) deleteIntent(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.aiService(r)
	if err != nil {
		return err
	}
	id, err := PathID(r, "intentID")
	if err != nil {
		return err
	}
	if err := svc.DeleteIntent(r.Context(), Principal(r).WorkspaceID, id); err != nil {
		return err
	}
	noContent(w)
	return nil
}

// classifyInput is a phrase to try against the intents.
type classifyInput struct {
	Text string `json:"text"`
}

func (s *Server) classifyPhrase(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.aiService(r)
	if err != nil {
		return err
	}
	var in classifyInput
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	if in.Text == "" {
		return apperr.Invalid("text", "is required")
	}
	c, err := svc.Classify(r.Context(), Principal(r).WorkspaceID, in.Text, ai.ClassifyOptions{})
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, c)
	return nil
}

// aiOperations document aiRoutes.
var aiOperations = map[string]opDoc{
	"GET /api/v1/ai/settings": {id: "getAISettings", tag: tagSettings, summary: "The workspace's AI provider settings",
		desc: "The API key is never returned: api_key_set says whether one is saved and api_key_last4 shows its last four characters " +
			"(empty for a key shorter than 8). configured: a base URL and a chat or embeddings model are set.",
		status: 200, resp: ai.Settings{}},
	"PUT /api/v1/ai/settings": {id: "updateAISettings", tag: tagSettings, summary: "Change the AI provider settings",
		desc: "Fields left out are unchanged. base_url is an OpenAI-compatible API root (e.g. https://api.openai.com/v1); a private " +
			"address (a local model server) is refused unless the operator allowed it (--allow-private-networks). api_key: the new " +
			"key, sealed at rest; \"\" removes it. monthly_budget: tokens per calendar month (UTC), 0 for none; a call once it is " +
			"spent is refused. redact masks emails, phone and card numbers before anything is sent. llm_classify lets the chat " +
			"model classify intents first. threshold (0–1): the confidence under which the intent is \"none\".",
		body: ai.SettingsInput{}, status: 200, resp: ai.Settings{}},
	"GET /api/v1/ai/usage": {id: "getAIUsage", tag: tagSettings, summary: "This month's token usage against the budget",
		desc:   "Tokens as the provider reported them, for the current calendar month (UTC). remaining is -1 with no budget.",
		status: 200, resp: ai.Usage{}},
	"POST /api/v1/ai/test": {id: "testAI", tag: tagSettings, summary: "Check the AI settings with a one-line completion",
		desc: "Asks the chat model to say hello. Answered 200 either way: ok false with the reason (the provider's message, a " +
			"refused address, the budget) when the call failed.",
		optionalBody: true, status: 200, resp: ai.TestResult{}},
	"GET /api/v1/intents": {id: "listIntents", tag: tagSettings, summary: "The workspace's intents, by name",
		desc: "At most 100, not paged.", status: 200, resp: page[ai.Intent]{}},
	"POST /api/v1/intents": {id: "createIntent", tag: tagSettings, summary: "Add an intent",
		desc: "name: lowercase letters, digits, - and _ (\"none\" is reserved); examples: 1–100 phrases the classifier learns from " +
			"(blank and repeated ones dropped). The classifier is retrained on the next classification.",
		body: ai.IntentInput{}, required: []string{"name", "examples"}, status: 201, resp: ai.Intent{}, errors: []int{409}},
	"POST /api/v1/intents/classify": {id: "classifyPhrase", tag: tagSettings, summary: "Try a phrase against the intents",
		desc: "What the Classify workflow step would find: the intent (\"none\" under the threshold), its confidence, every intent's " +
			"score, the method (classifier or llm) and the detected language.",
		body: classifyInput{}, required: []string{"text"}, status: 200, resp: ai.Classification{}},
	"GET /api/v1/intents/{intentID}": {id: "getIntent", tag: tagSettings, summary: "An intent", status: 200, resp: ai.Intent{}},
	"PATCH /api/v1/intents/{intentID}": {id: "updateIntent", tag: tagSettings, summary: "Change an intent's name, description or examples",
		body: ai.IntentInput{}, status: 200, resp: ai.Intent{}, errors: []int{409}},
	"DELETE /api/v1/intents/{intentID}": {id: "deleteIntent", tag: tagSettings, summary: "Delete an intent", status: 204},
}

func init() {
	for k, v := range aiOperations {
		operations[k] = v
	}
}
