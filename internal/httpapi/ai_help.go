package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/assist"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
)

// AI help for human agents in the inbox (issue 15 §4, internal/assist):
// a reply drafted from the conversation and the knowledge base (streamed
// as server-sent events when asked), a draft rewritten or translated, a
// summary of the conversation. Every member who may see the conversation
// may ask; nothing is ever sent: the agent edits the text and sends it
// with ai_assisted, which marks the message.

func (s *Server) aiHelpRoutes() []Route {
	r := func(method, pattern string, h http.Handler) Route { return Route{method, pattern, h} }
	return []Route{
		r("GET", "/api/v1/conversations/{conversationID}/ai", s.authed(anyone, s.aiHelpStatus)),
		r("POST", "/api/v1/conversations/{conversationID}/ai/draft", s.authed(anyone, noStore(s.aiDraft))),
		r("POST", "/api/v1/conversations/{conversationID}/ai/summary", s.authed(anyone, noStore(s.aiSummary))),
		r("POST", "/api/v1/ai/rewrite", s.authed(anyone, noStore(s.aiRewrite))),
		r("POST", "/api/v1/ai/translate", s.authed(anyone, noStore(s.aiTranslate))),
	}
}

// assistant is the node's AI help, built from its AI service, knowledge,
// conversations and contacts.
func (s *Server) assistant() *assist.Service {
	s.assistOnce.Do(func() {
		// Interfaces holding nil pointers would not be nil: pass nil.
		var models assist.Models
		if s.deps.AI != nil {
			models = s.deps.AI
		}
		var contacts assist.Contacts
		if s.deps.Contacts != nil {
			contacts = s.deps.Contacts
		}
		s.assist = assist.New(models, s.deps.Knowledge, s.deps.Conversations, contacts)
	})
	return s.assist
}

// aiHelpStatus is what the composer needs to show its AI menu.
type aiHelpStatus struct {
	// Model: the workspace has a chat model. Without one, drafts come
	// from the knowledge base alone (when an article answers well) and
	// rewrite, translate and summary answer 409 ai_not_configured.
	Model bool `json:"model"`
	// ContactLanguage is the contact's language (saved on the contact,
	// else detected from their messages); "" when unknown.
	ContactLanguage string `json:"contact_language"`
}

func (s *Server) aiHelpStatus(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "conversationID")
	if err != nil {
		return err
	}
	p := Principal(r)
	lang, err := s.assistant().ContactLanguage(r.Context(), p, id)
	if err != nil {
		return err
	}
	st := aiHelpStatus{ContactLanguage: lang}
	if s.deps.AI != nil {
		m, ok, err := s.deps.AI.Model(r.Context(), p.WorkspaceID)
		if err != nil {
			return err
		}
		st.Model = ok && m.ChatModel() != ""
	}
	httpjson.WriteJSON(w, http.StatusOK, st)
	return nil
}

// aiDraft answers the draft as JSON, or, for a client that accepts
// text/event-stream, as server-sent events: "delta" events with
// {"text":piece} as the model writes, then "done" with the whole draft, or
// "error" with the error body if the model fails midway. An error before
// the first piece (no model, the budget, the provider's refusal) is an
// ordinary JSON error with its status.
func (s *Server) aiDraft(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "conversationID")
	if err != nil {
		return err
	}
	p := Principal(r)
	if !strings.Contains(r.Header.Get("Accept"), "text/event-stream") {
		d, err := s.assistant().Draft(r.Context(), p, id, nil)
		if err != nil {
			return err
		}
		httpjson.WriteJSON(w, http.StatusOK, d)
		return nil
	}
	flusher, ok := w.(http.Flusher)
	if !ok {
		return fmt.Errorf("httpapi: streaming unsupported by the response writer")
	}
	started := false
	send := func(event string, v any) error {
		if !started {
			h := w.Header()
			h.Set("Content-Type", "text/event-stream")
			h.Set("Cache-Control", "no-store")
			h.Set("X-Accel-Buffering", "no")
			w.WriteHeader(http.StatusOK)
			started = true
		}
		data, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, data); err != nil {
			return err
		}
		flusher.Flush()
		return nil
	}
	d, err := s.assistant().Draft(r.Context(), p, id, func(piece string) error {
		return send("delta", map[string]string{"text": piece})
	})
	if err != nil {
		if !started {
			return err
		}
		// Midway: the status is sent; the error travels as an event.
		rec := &errorRecorder{header: http.Header{}}
		httpjson.WriteError(rec, r, err)
		fmt.Fprintf(w, "event: error\ndata: %s\n\n", strings.TrimSpace(rec.body.String()))
		flusher.Flush()
		return nil
	}
	return send("done", d)
}

func (s *Server) aiSummary(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "conversationID")
	if err != nil {
		return err
	}
	var in assist.SummaryInput
	if err := httpjson.DecodeOptional(w, r, &in); err != nil {
		return err
	}
	res, err := s.assistant().Summary(r.Context(), Principal(r), id, in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, res)
	return nil
}

func (s *Server) aiRewrite(w http.ResponseWriter, r *http.Request) error {
	var in assist.RewriteInput
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	res, err := s.assistant().Rewrite(r.Context(), Principal(r), in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, res)
	return nil
}

func (s *Server) aiTranslate(w http.ResponseWriter, r *http.Request) error {
	var in assist.TranslateInput
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	res, err := s.assistant().Translate(r.Context(), Principal(r), in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, res)
	return nil
}

// errorRecorder captures an error body written by httpjson.WriteError.
type errorRecorder struct {
	header http.Header
	body   strings.Builder
}

func (e *errorRecorder) Header() http.Header         { return e.header }
func (e *errorRecorder) Write(b []byte) (int, error) { return e.body.Write(b) }
func (e *errorRecorder) WriteHeader(int)             {}

const aiHelpErrors = "Without a chat model: 409 ai_not_configured. Past the monthly token budget: 409 ai_budget_exhausted. " +
	"The provider's refusal or failure (after retries of 429 and 5xx): 502 ai_provider_error with its message; a provider that cannot " +
	"be reached: 502 ai_unreachable. Contact text and knowledge go to the model in delimited sections that it is told are data, never " +
	"instructions; with redaction on, emails, phone and card numbers are masked first. Tokens count against the budget."

// aiHelpOperations document aiHelpRoutes.
var aiHelpOperations = map[string]opDoc{
	"GET /api/v1/conversations/{conversationID}/ai": {id: "getAIHelpStatus", tag: tagConversations,
		summary: "What AI help the conversation has: a chat model, and its contact's language",
		desc: "model: the workspace has a chat model (without one, only drafts from the knowledge base work). contact_language: the " +
			"language saved on the contact, else the one detected from their messages (\"\" when unknown).",
		status: 200, resp: aiHelpStatus{}},
	"POST /api/v1/conversations/{conversationID}/ai/draft": {id: "draftAIReply", tag: tagConversations,
		summary: "Draft a reply from the conversation and the knowledge base (never sent)",
		desc: "The chat model writes a reply in the contact's language from the conversation's last 30 messages and the 3 knowledge " +
			"passages that best match the contact's latest messages. With Accept: text/event-stream the answer is server-sent events: " +
			"\"delta\" events with {\"text\"} as it is written, then \"done\" with the draft (or \"error\" with the error body if the model " +
			"fails midway); otherwise the draft as JSON. Without a chat model the draft is the best knowledge passage, quoted with its " +
			"title (source knowledge), when it matches the question well; otherwise 409 ai_not_configured. Send the edited text with " +
			"ai_assisted: true. " + aiHelpErrors,
		status: 200, resp: assist.Draft{}, errors: []int{409, 502}},
	"POST /api/v1/conversations/{conversationID}/ai/summary": {id: "summariseConversation", tag: tagConversations,
		summary: "Summarise the conversation (the closing dialog's \"Fill with AI\")",
		desc:    "Two to four sentences in language (default en): what the contact wanted, what was done, what is left. " + aiHelpErrors,
		body:    assist.SummaryInput{}, optionalBody: true, status: 200, resp: assist.Result{}, errors: []int{409, 502}},
	"POST /api/v1/ai/rewrite": {id: "rewriteText", tag: tagConversations, summary: "Rewrite a draft: shorter, friendlier, formal or grammar",
		desc: "grammar fixes spelling, grammar and punctuation only; the others keep every fact and the language. " + aiHelpErrors,
		body: assist.RewriteInput{}, required: []string{"text", "style"}, status: 200, resp: assist.Result{}, errors: []int{409, 502}},
	"POST /api/v1/ai/translate": {id: "translateText", tag: tagConversations, summary: "Translate a message or a draft",
		desc: "language: the code to translate to (a contact's message into the agent's language). Without it, conversation_id: the " +
			"draft goes into that conversation's contact's language (409 contact_language_unknown when it is not known). " +
			"source_language is the language detected in the text (\"\" when unsure). " + aiHelpErrors,
		body: assist.TranslateInput{}, required: []string{"text"}, status: 200, resp: assist.Result{}, errors: []int{409, 502}},
}

func init() {
	for k, v := range aiHelpOperations {
		operations[k] = v
	}
}
