package httpapi

import (
	"io"
	"net/http"
	"strconv"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	"github.com/switchboard-chat/switchboard/internal/knowledge"
	paging "github.com/switchboard-chat/switchboard/internal/page"
)

// The knowledge base (internal/knowledge): managers and owners write
// articles and sources; every member searches it, which shows what the AI
// would retrieve for a question.

// knowledgeSearchResult is the answer of GET /api/v1/knowledge/search.
type knowledgeSearchResult struct {
	Hits       []knowledge.Hit      `json:"hits"`
	Confidence knowledge.Confidence `json:"confidence"`
}

func (s *Server) searchKnowledge(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	opts := knowledge.SearchOptions{Limit: 5}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 20 {
			return apperr.BadRequest("limit must be an integer from 1 to 20")
		}
		opts.Limit = n
	}
	hits, err := s.deps.Knowledge.Search(r.Context(), Principal(r).WorkspaceID, q.Get("q"), opts)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, knowledgeSearchResult{Hits: hits, Confidence: knowledge.Assess(hits)})
	return nil
}

func (s *Server) listKnowledgeArticles(w http.ResponseWriter, r *http.Request) error {
	req, err := pageRequest(r, paging.OrderID)
	if err != nil {
		return err
	}
	f := knowledge.ArticleFilter{SourceID: -1}
	if v := r.URL.Query().Get("source_id"); v != "" {
		if f.SourceID, err = strconv.ParseInt(v, 10, 64); err != nil || f.SourceID < 0 {
			return apperr.BadRequest("source_id must be a source id, or 0 for the articles written in the app")
		}
	}
	list, err := s.deps.Knowledge.Articles(r.Context(), Principal(r).WorkspaceID, f, req)
	if err != nil {
		return err
	}
	return writeList(w, list)
}

func (s *Server) getKnowledgeArticle(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "articleID")
	if err != nil {
		return err
	}
	a, err := s.deps.Knowledge.Article(r.Context(), Principal(r).WorkspaceID, id)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) createKnowledgeArticle(w http.ResponseWriter, r *http.Request) error {
	var in knowledge.ArticleInput
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	a, err := s.deps.Knowledge.CreateArticle(r.Context(), Principal(r).WorkspaceID, in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusCreated, a)
	return nil
}

func (s *Server) updateKnowledgeArticle(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "articleID")
	if err != nil {
		return err
	}
	var in knowledge.ArticleInput
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	a, err := s.deps.Knowledge.UpdateArticle(r.Context(), Principal(r).WorkspaceID, id, in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) deleteKnowledgeArticle(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "articleID")
	if err != nil {
		return err
	}
	if err := s.deps.Knowledge.DeleteArticle(r.Context(), Principal(r).WorkspaceID, id); err != nil {
		return err
	}
	noContent(w)
	return nil
}

func (s *Server) listKnowledgeSources(w http.ResponseWriter, r *http.Request) error {
	list, err := s.deps.Knowledge.Sources(r.Context(), Principal(r).WorkspaceID)
	if err != nil {
		return err
	}
	return writeList(w, paging.Page[knowledge.Source]{Data: list})
}

func (s *Server) addKnowledgeSource(w http.ResponseWriter, r *http.Request) error {
	var in knowledge.SourceInput
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	p := Principal(r)
	src, err := s.deps.Knowledge.AddSource(r.Context(), p.WorkspaceID, in)
	if err != nil {
		return err
	}
	// the first sync runs at once; its outcome is the source's status
	if src, err = s.deps.Knowledge.Sync(r.Context(), p.WorkspaceID, src.ID); err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusCreated, src)
	return nil
}

func (s *Server) uploadKnowledgeFile(w http.ResponseWriter, r *http.Request) error {
	file, err := httpjson.File(w, r, knowledge.MaxFileBytes)
	if err != nil {
		return err
	}
	data, err := io.ReadAll(io.LimitReader(file.Body, knowledge.MaxFileBytes+1))
	if err != nil {
		return err
	}
	src, err := s.deps.Knowledge.UploadFile(r.Context(), Principal(r).WorkspaceID, file.FileName, data)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusCreated, src)
	return nil
}

func (s *Server) syncKnowledgeSource(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "sourceID")
	if err != nil {
		return err
	}
	src, err := s.deps.Knowledge.Sync(r.Context(), Principal(r).WorkspaceID, id)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, src)
	return nil
}

func (s *Server) deleteKnowledgeSource(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "sourceID")
	if err != nil {
		return err
	}
	if err := s.deps.Knowledge.DeleteSource(r.Context(), Principal(r).WorkspaceID, id); err != nil {
		return err
	}
	noContent(w)
	return nil
}
