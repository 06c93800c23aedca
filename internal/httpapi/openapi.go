package httpapi

import "net/http"

// openAPI serves the OpenAPI document. (Being completed: see openapi_doc.go.)
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	WriteJSON(w, http.StatusOK, map[string]any{"openapi": "3.1.0"})
	return nil
}
