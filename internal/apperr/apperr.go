// Package apperr defines the kinds of error the domain returns, so that one
// function at the HTTP edge can map them to a status code and a JSON body
// without the domain knowing about HTTP.
package apperr

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Kind classifies an error for the caller.
type Kind string

// The kinds of error. Their string is also the error code shown to API users.
const (
	KindInvalid      Kind = "invalid"      // a value failed validation (422)
	KindBadRequest   Kind = "bad_request"  // the request itself is malformed (400)
	KindUnauthorized Kind = "unauthorized" // missing or wrong credentials (401)
	KindForbidden    Kind = "forbidden"    // authenticated but not allowed (403)
	KindNotFound     Kind = "not_found"    // the thing does not exist in this workspace (404)
	KindConflict     Kind = "conflict"     // the change clashes with current state (409)
	KindTooLarge     Kind = "too_large"    // the body is over the limit (413)
	KindTooMany      Kind = "rate_limited" // too many requests; try again later (429)
	KindTimeout      Kind = "timeout"      // the client took too long to send its request (408)
	KindGone         Kind = "gone"         // the thing existed but is no longer usable (410)
	KindUpstream     Kind = "upstream"     // a service this depends on (a model provider) failed (502)
)

// Error is a domain error with a kind, a message safe to show to users and,
// for validation errors, the field at fault.
type Error struct {
	Kind Kind
	// Code, when set, is a finer code than the kind, shown to API users
	// in its place (e.g. "invitation_expired"), so a client can tell
	// apart answers of one status.
	Code    string
	Field   string
	Message string
	Err     error // optional cause, never shown to users
	// RetryAfter, for KindTooMany, is how long the caller should wait
	// before trying again (answered as Retry-After).
	RetryAfter time.Duration
	// Details lists every problem when there are several (a workflow
	// definition with three bad steps), so the caller can fix them all in
	// one go; the Message then summarises them.
	Details []Detail
}

// Detail is one problem of an invalid request: where it is (Step, for a
// document made of parts such as a workflow's steps; Field, the setting at
// fault) and why.
type Detail struct {
	Step    string `json:"step,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

func (d Detail) String() string {
	var b strings.Builder
	if d.Step != "" {
		fmt.Fprintf(&b, "step %q: ", d.Step)
	}
	if d.Field != "" {
		b.WriteString(d.Field + ": ")
	}
	b.WriteString(d.Message)
	return b.String()
}

func (e *Error) Error() string {
	msg := e.Message
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Is lets errors.Is(err, ErrNotFound) match any error of the same kind.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Message == "" && t.Kind == e.Kind
}

// Sentinels usable with errors.Is.
var (
	ErrNotFound     = &Error{Kind: KindNotFound}
	ErrConflict     = &Error{Kind: KindConflict}
	ErrInvalid      = &Error{Kind: KindInvalid}
	ErrUnauthorized = &Error{Kind: KindUnauthorized}
	ErrForbidden    = &Error{Kind: KindForbidden}
)

// NotFound reports that a thing does not exist, e.g. NotFound("contact").
func NotFound(what string) error {
	return &Error{Kind: KindNotFound, Message: what + " not found"}
}

// Conflict reports a clash with the current state.
func Conflict(format string, args ...any) error {
	return &Error{Kind: KindConflict, Message: fmt.Sprintf(format, args...)}
}

// Invalid reports a field whose value fails validation.
func Invalid(field, format string, args ...any) error {
	return &Error{Kind: KindInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// InvalidAll reports several problems at once; what prefixes the summary
// message, e.g. "workflow".
func InvalidAll(what string, details []Detail) error {
	parts := make([]string, len(details))
	for i, d := range details {
		parts[i] = d.String()
	}
	return &Error{Kind: KindInvalid, Details: details,
		Message: fmt.Sprintf("%s: %d problem(s): %s", what, len(parts), strings.Join(parts, "; "))}
}

// DetailsOf returns the problems err lists, or nil.
func DetailsOf(err error) []Detail {
	var e *Error
	if errors.As(err, &e) {
		return e.Details
	}
	return nil
}

// BadRequest reports a malformed request.
func BadRequest(format string, args ...any) error {
	return &Error{Kind: KindBadRequest, Message: fmt.Sprintf(format, args...)}
}

// Unauthorized reports missing or wrong credentials.
func Unauthorized(msg string) error {
	return &Error{Kind: KindUnauthorized, Message: msg}
}

// Forbidden reports an action the caller's role does not allow.
func Forbidden(msg string) error {
	return &Error{Kind: KindForbidden, Message: msg}
}

// WithCode is an error of the kind with a finer code shown to API users
// (see Error.Code).
func WithCode(kind Kind, code, msg string) error {
	return &Error{Kind: kind, Code: code, Message: msg}
}

// TooLarge reports a body over the size limit.
func TooLarge(msg string) error {
	return &Error{Kind: KindTooLarge, Message: msg}
}

// TooMany reports a limit reached; the caller may try again after retryAfter.
func TooMany(retryAfter time.Duration, format string, args ...any) error {
	return &Error{Kind: KindTooMany, Message: fmt.Sprintf(format, args...), RetryAfter: retryAfter}
}

// Timeout reports a request the client did not finish sending in time.
func Timeout(msg string) error {
	return &Error{Kind: KindTimeout, Message: msg}
}

// MessageOf returns the words of err a user may be shown: an Error's
// Message (without its field or the wrapped cause, which may name
// internals), or err's own text for any other error.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}

// CodeOf returns the code an API error body gives err: its own code, or
// its kind's; "" for an unclassified error.
func CodeOf(err error) string {
	var e *Error
	if !errors.As(err, &e) {
		return ""
	}
	if e.Code != "" {
		return e.Code
	}
	return string(e.Kind)
}

// SaidOf returns err's message as an API error body says it: with the
// field it names first ("category: is required"); an unclassified
// error's own text.
func SaidOf(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Field != "" {
		return e.Field + ": " + e.Message
	}
	return MessageOf(err)
}

// KindOf returns the kind of err, or "" for an unclassified (internal) error.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return ""
}
