// Package httpjson is JSON over HTTP for every handler of the server: it
// reads request bodies within a bound, decodes them with errors that say
// what is wrong, and writes answers and errors in one shape. It sits below
// the API and the channel providers, which both use it, and knows nothing
// of either.
package httpjson

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// MaxBodyBytes bounds every request body; a larger one is answered 413.
const MaxBodyBytes = 1 << 20

type ctxKey struct{}

// WithRequestID returns ctx carrying the request's id, which error
// answers echo and the log lines of the request carry.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, ctxKey{}, id)
}

// RequestID returns the id of the request, or "" when none was given.
func RequestID(r *http.Request) string {
	id, _ := r.Context().Value(ctxKey{}).(string)
	return id
}

// ErrorBody is the JSON shape of every error answer.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is what an error answer says.
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	// Problems lists every problem when the request has several.
	Problems  []apperr.Detail `json:"problems,omitempty"`
	RequestID string          `json:"request_id,omitempty"`
}

// StatusOf maps a domain error kind to its HTTP status.
func StatusOf(k apperr.Kind) int {
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
	case apperr.KindTooMany:
		return http.StatusTooManyRequests
	case apperr.KindTimeout:
		return http.StatusRequestTimeout
	case apperr.KindGone:
		return http.StatusGone
	case apperr.KindUpstream:
		return http.StatusBadGateway
	}
	return http.StatusInternalServerError
}

// UnavailableRetryAfter is the Retry-After of a 503 answered while the
// store cannot be reached: a provider or client trying again after it
// finds the store back after a restart or a failover.
const UnavailableRetryAfter = 5

// BusyRetryAfter is the Retry-After of a 503 answered for a write that
// kept conflicting with others (see WriteError): they last milliseconds.
const BusyRetryAfter = 1

// StatusClientClosedRequest is the status of a request its client
// cancelled by going away (nginx's 499): in logs and metrics only, since
// the client is not there to read it.
const StatusClientClosedRequest = 499

// WriteError answers err as JSON. Domain errors show their message; a
// store that cannot be reached (db.IsUnavailable) is a 503 with
// Retry-After, which providers retry, and nothing of the request was
// kept; so is a write aborted for conflicts (deadlocks) more times than
// the door retries it (code busy); anything else is logged with the
// request id and shown as an internal error.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	id := RequestID(r)
	var e *apperr.Error
	body := ErrorBody{Error: ErrorDetail{RequestID: id}}
	status := http.StatusInternalServerError
	// Refused for the store's passing trouble, not for the request: a 503
	// with Retry-After, which providers and clients retry.
	refuse := func(logMsg, code, msg string, retryAfter int) {
		slog.Warn(logMsg, "request_id", id, "method", r.Method, "path", r.URL.Path, "err", err)
		body.Error.Code, body.Error.Message = code, msg
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
		WriteJSON(w, http.StatusServiceUnavailable, body)
	}
	if errors.Is(err, context.Canceled) && errors.Is(r.Context().Err(), context.Canceled) {
		// The client went away (a stopped AI draft, a closed tab) and
		// its request was cancelled with it: nobody reads this answer,
		// and the node did nothing wrong, so it is no 500 in the logs or
		// the 5xx metrics, but 499, the usual "client closed request".
		slog.Debug("request cancelled by the client", "request_id", id, "method", r.Method, "path", r.URL.Path)
		body.Error.Code, body.Error.Message = "client_closed_request", "the request was cancelled by the client"
		WriteJSON(w, StatusClientClosedRequest, body)
		return
	}
	if db.IsUnavailable(err) {
		refuse("request refused: the store is unavailable",
			"unavailable", "the store is unavailable; nothing was kept, try again shortly", UnavailableRetryAfter)
		return
	}
	if db.IsTransient(err) {
		// A write PostgreSQL kept aborting (deadlocks, a lock given way
		// to avoid one: db.ErrLockOrder) after the door's retries: its
		// transaction was rolled back, and the same request a moment
		// later finds the conflicting writes done.
		refuse("request refused: conflicting writes outlasted the retries",
			"busy", "conflicting writes were in progress; nothing was kept, try again", BusyRetryAfter)
		return
	}
	if errors.As(err, &e) {
		status = StatusOf(e.Kind)
		// The message, never the cause: causes are for the log.
		body.Error.Code, body.Error.Message, body.Error.Field = apperr.CodeOf(e), apperr.SaidOf(e), e.Field
		body.Error.Problems = e.Details
		if e.Kind == apperr.KindTooMany {
			// Whole seconds, rounded up: a client waiting the answered
			// time is never early.
			w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(e.RetryAfter.Seconds())))))
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

// Decode reads an API request's JSON body into v: 413 past MaxBodyBytes,
// 400 for malformed JSON (saying where), for trailing data, for a field of
// the wrong JSON type, for a field v does not have (a misspelt field would
// otherwise be dropped without a word), and for invalid UTF-8 or a NUL
// character anywhere. Provider webhooks, whose payloads are lenient by
// design, read their bodies with ReadBody and parse them themselves.
func Decode(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := ReadBody(w, r)
	if err != nil {
		return err
	}
	return DecodeBytes(body, v)
}

// DecodeOptional is Decode for a route whose body may be left out: an
// empty body leaves v as it is, however it came (Content-Length: 0, or
// chunked with no chunk, which Content-Length alone does not tell).
func DecodeOptional(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := ReadBody(w, r)
	if err != nil || len(bytes.TrimSpace(body)) == 0 {
		return err
	}
	return DecodeBytes(body, v)
}

// ReadBody reads the whole body within MaxBodyBytes. A body that does
// not arrive before the connection's read deadline (set by the server
// for slow clients) is a 408.
func ReadBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	var maxErr *http.MaxBytesError
	if errors.As(err, &maxErr) {
		return nil, apperr.TooLarge(fmt.Sprintf("request body is larger than %d bytes", maxErr.Limit))
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return nil, apperr.Timeout("the request body did not arrive in time")
	}
	if err != nil {
		return nil, apperr.BadRequest("reading body: %v", err)
	}
	return body, nil
}

// DecodeBytes parses an API request's JSON with the checks and error
// reporting of Decode.
func DecodeBytes(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return apperr.BadRequest("request body is empty; a JSON object is expected")
	}
	// encoding/json would quietly turn invalid UTF-8 into U+FFFD: the
	// client would not learn that its text was changed.
	if !utf8.Valid(body) {
		return apperr.BadRequest("request body is not valid UTF-8 (at byte %d)", invalidAt(body))
	}
	if where, ok := nulAt(body); ok {
		const msg = `holds a NUL character (\u0000), which no text accepts`
		if where == "" {
			return apperr.BadRequest("the body " + msg)
		}
		return &apperr.Error{Kind: apperr.KindBadRequest, Field: where, Message: msg}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	dec.DisallowUnknownFields()
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
		case strings.HasPrefix(err.Error(), unknownFieldPrefix):
			return apperr.BadRequest("unknown field %s", strings.TrimPrefix(err.Error(), unknownFieldPrefix))
		}
		return apperr.BadRequest("malformed JSON: %v", err)
	}
	if dec.More() {
		return apperr.BadRequest("malformed JSON: data after the JSON value")
	}
	return nil
}
