package httpjson

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// An error listing several problems answers them all, whichever layer
// wrapped it, so no handler needs its own error shape.
func TestWriteErrorListsProblems(t *testing.T) {
	details := []apperr.Detail{
		{Step: "a", Field: "exits.next", Message: "points nowhere"},
		{Field: "name", Message: "is required"},
	}
	err := fmt.Errorf("saving: %w", apperr.InvalidAll("workflow", details))
	rec := httptest.NewRecorder()
	WriteError(rec, httptest.NewRequest("POST", "/x", nil), err)
	if rec.Code != 422 {
		t.Fatalf("status %d, want 422", rec.Code)
	}
	var body ErrorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	if body.Error.Code != "invalid" || len(body.Error.Problems) != 2 || body.Error.Problems[0] != details[0] || body.Error.Problems[1] != details[1] {
		t.Fatalf("body %s", rec.Body)
	}
	want := `workflow: 2 problem(s): step "a": exits.next: points nowhere; name: is required`
	if body.Error.Message != want {
		t.Errorf("message %q, want %q", body.Error.Message, want)
	}

	// A single-field error keeps its shape, with no problems list.
	rec = httptest.NewRecorder()
	WriteError(rec, httptest.NewRequest("POST", "/x", nil), apperr.Invalid("email", "is not an address"))
	if got := rec.Body.String(); json.Valid([]byte(got)) && (containsKey(got, "problems") || rec.Code != 422) {
		t.Errorf("single error answered %d %s", rec.Code, got)
	}
	if len(apperr.DetailsOf(errors.New("plain"))) != 0 {
		t.Error("a plain error has no details")
	}
}

func containsKey(body, key string) bool {
	var m struct {
		Error map[string]any `json:"error"`
	}
	json.Unmarshal([]byte(body), &m)
	_, ok := m.Error[key]
	return ok
}

// A store that cannot be reached is a 503 with Retry-After, whose body
// says so without the cause, and so is a write that kept conflicting with
// others beyond the door's retries; any other failure stays a 500.
func TestWriteErrorStoreUnavailable(t *testing.T) {
	cases := []struct {
		err        error
		status     int
		code       string
		retryAfter string
	}{
		{fmt.Errorf("conversation: receive: db: begin: %w", &pgconn.PgError{Code: "57P01", Message: "terminating connection"}), 503, "unavailable", "5"},
		{fmt.Errorf("db: %w", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}), 503, "unavailable", "5"},
		{fmt.Errorf("db: write: %w", &pgconn.PgError{Code: "40P01", Message: "deadlock detected"}), 503, "busy", "1"},
		{fmt.Errorf("routing: assign: %w", db.ErrLockOrder), 503, "busy", "1"},
		{errors.New("something broke"), 500, "internal", ""},
	}
	for _, c := range cases {
		rec := httptest.NewRecorder()
		WriteError(rec, httptest.NewRequest("POST", "/x", nil), c.err)
		var body ErrorBody
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatal(err)
		}
		if rec.Code != c.status || body.Error.Code != c.code || rec.Header().Get("Retry-After") != c.retryAfter {
			t.Errorf("%v: answered %d %s, Retry-After %q; want %d %s, %q", c.err, rec.Code, rec.Body, rec.Header().Get("Retry-After"), c.status, c.code, c.retryAfter)
		}
		if c.status == 503 && (strings.Contains(rec.Body.String(), "57P01") || strings.Contains(rec.Body.String(), "40P01")) {
			t.Errorf("the cause leaked into the answer: %s", rec.Body)
		}
	}
}
