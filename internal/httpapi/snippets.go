package httpapi

import (
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/httpjson"
	"github.com/switchboard-chat/switchboard/internal/snippet"
)

func (s *Server) listSnippets(w http.ResponseWriter, r *http.Request) error {
	req, err := pageRequest(r, snippet.OrderName)
	if err != nil {
		return err
	}
	list, err := s.deps.Snippets.List(r.Context(), Principal(r).WorkspaceID, r.URL.Query().Get("q"), req)
	if err != nil {
		return err
	}
	return writeList(w, list)
}

func (s *Server) getSnippet(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "snippetID")
	if err != nil {
		return err
	}
	sn, err := s.deps.Snippets.Get(r.Context(), Principal(r).WorkspaceID, id)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, sn)
	return nil
}

func (s *Server) createSnippet(w http.ResponseWriter, r *http.Request) error {
	var in snippet.Input
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	sn, err := s.deps.Snippets.Create(r.Context(), Principal(r).WorkspaceID, in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusCreated, sn)
	return nil
}

func (s *Server) updateSnippet(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "snippetID")
	if err != nil {
		return err
	}
	var in snippet.Input
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	sn, err := s.deps.Snippets.Update(r.Context(), Principal(r).WorkspaceID, id, in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, sn)
	return nil
}

func (s *Server) deleteSnippet(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "snippetID")
	if err != nil {
		return err
	}
	if err := s.deps.Snippets.Delete(r.Context(), Principal(r).WorkspaceID, id); err != nil {
		return err
	}
	noContent(w)
	return nil
}
