package httpapi

import (
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/httpjson"
)

// onlyGET lets reads through to the app's pages; anything else at a path
// of the app is a 405, in the API's error shape.
func onlyGET(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			httpjson.WriteJSON(w, http.StatusMethodNotAllowed, httpjson.ErrorBody{Error: httpjson.ErrorDetail{
				Code: "method_not_allowed", Message: r.Method + " is not allowed on the web app's pages", RequestID: httpjson.RequestID(r)}})
			return
		}
		next.ServeHTTP(w, r)
	})
}
