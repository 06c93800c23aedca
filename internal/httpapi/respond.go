package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
)

// MaxBodyBytes bounds every request body; a larger one is answered 413.
const MaxBodyBytes = 1 << 20

// errorBody is the JSON shape of every error answer.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Field     string `json:"field,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}

// statusOf maps a domain error kind to its HTTP status.
func statusOf(k apperr.Kind) int {
	switch k {
	case apperr.KindInvalid:
		return http.StatusUnprocessableEntity
	case apperr.KindBadRequest:
		return http.StatusBadRequest
	case apperr.KindUnauthorized:
		return http.StatusUnauthorized
	case apperr.KindForbidden:
		return http.StatusForbidden
	case apperr.KindNotFound:
		return http.StatusNotFound
	case apperr.KindConflict:
		return http.StatusConflict
	case apperr.KindTooLarge:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// WriteError answers err as JSON. Domain errors show their message;
// anything else is logged with the request id and shown as an internal error.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	id := requestID(r)
	var e *apperr.Error
	body := errorBody{Error: errorDetail{RequestID: id}}
	status := http.StatusInternalServerError
	if errors.As(err, &e) {
		status = statusOf(e.Kind)
		// The message, never the cause: causes are for the log.
		body.Error.Code, body.Error.Message, body.Error.Field = string(e.Kind), e.Message, e.Field
		if e.Field != "" {
			body.Error.Message = e.Field + ": " + e.Message
		}
	}
	if status == http.StatusInternalServerError {
		slog.Error("request failed", "request_id", id, "method", r.Method, "path", r.URL.Path, "err", err)
		body.Error.Code, body.Error.Message = "internal", "internal error (request "+id+")"
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="switchboard"`)
	}
	WriteJSON(w, status, body)
}

// WriteJSON answers v as JSON with the status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// Decode reads a JSON body into v: 413 past MaxBodyBytes, 400 for
// malformed JSON (saying where), for trailing data or for a field of the
// wrong JSON type.
func Decode(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := ReadBody(w, r)
	if err != nil {
		return err
	}
	return DecodeBytes(body, v)
}

// ReadBody reads the whole body within MaxBodyBytes.
func ReadBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	var maxErr *http.MaxBytesError
	if errors.As(err, &maxErr) {
		return nil, apperr.TooLarge(fmt.Sprintf("request body is larger than %d bytes", maxErr.Limit))
	}
	if err != nil {
		return nil, apperr.BadRequest("reading body: %v", err)
	}
	return body, nil
}

// DecodeBytes parses JSON with the same error reporting as Decode.
func DecodeBytes(body []byte, v any) error {
	if len(strings.TrimSpace(string(body))) == 0 {
		return apperr.BadRequest("request body is empty; a JSON object is expected")
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			return apperr.BadRequest("malformed JSON at byte %d: %v", syn.Offset, syn)
		case errors.As(err, &typ):
			return apperr.BadRequest("field %q must be a JSON %s, not %s", typ.Field, typ.Type.Kind(), typ.Value)
		case errors.Is(err, io.ErrUnexpectedEOF):
			return apperr.BadRequest("malformed JSON: unexpected end of body")
		}
		return apperr.BadRequest("malformed JSON: %v", err)
	}
	if dec.More() {
		return apperr.BadRequest("malformed JSON: data after the JSON value")
	}
	return nil
}

// PathID parses the {name} path segment as a positive id; 404 otherwise,
// since no such resource can exist.
func PathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.NotFound(strings.TrimSuffix(name, "ID"))
	}
	return id, nil
}

// QueryInt parses an optional integer query parameter; 400 if malformed.
func QueryInt(r *http.Request, name string) (int64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, apperr.BadRequest("query parameter %s must be an integer", name)
	}
	return n, nil
}
