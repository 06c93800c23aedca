package httpapi

import (
	"encoding/json"
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
)

// A channel's pre-approved message templates (WhatsApp's), as last synced
// from the provider: everyone who sees the channel reads them (the
// composer's template picker, outside the reply window); managers sync.

// channelTemplate is one template as the API shows it.
type channelTemplate struct {
	Name     string `json:"name"`
	Language string `json:"language"`
	Body     string `json:"body"`
	Params   int    `json:"params"`
	Status   string `json:"status"`
	Category string `json:"category"`
	// Components is the provider's description of the template (WhatsApp:
	// its HEADER, BODY, FOOTER and BUTTONS), from which the composer's
	// picker learns the header a template expects.
	Components json.RawMessage `json:"components,omitempty"`
}

// templateList is the answer of both routes: {"data": [...]}.
type templateList struct {
	Data []channelTemplate `json:"data"`
}

func templatesOf(list []channel.Template) templateList {
	out := templateList{Data: make([]channelTemplate, len(list))}
	for i, t := range list {
		out.Data[i] = channelTemplate{Name: t.Name, Language: t.Language, Body: t.Body, Params: t.Params, Status: t.Status, Category: t.Category,
			Components: t.Components}
	}
	return out
}

func (s *Server) listChannelTemplates(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "channelID")
	if err != nil {
		return err
	}
	list, err := s.deps.Channels.Templates(r.Context(), Principal(r).WorkspaceID, id)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, templatesOf(list))
	return nil
}

func (s *Server) syncChannelTemplates(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "channelID")
	if err != nil {
		return err
	}
	list, err := s.deps.Channels.SyncTemplates(r.Context(), Principal(r).WorkspaceID, id)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, templatesOf(list))
	return nil
}
