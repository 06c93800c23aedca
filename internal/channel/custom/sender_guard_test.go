package custom

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

var hi = conversation.Message{ID: 1, Type: "text", Text: "hi"}

// A base URL on a refused address fails the message for good, naming the
// operator's setting, and nothing is sent there with the channel's token.
func TestSenderRefusesInternalAddresses(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		io.WriteString(w, `{"mId":"x"}`)
	}))
	defer srv.Close()
	// NewSender(nil) and a zero Sender are guarded too.
	for name, s := range map[string]*Sender{"NewSender(nil)": NewSender(nil), "zero Sender": {}} {
		for _, base := range []string{srv.URL, "http://169.254.169.254/latest", "http://[::ffff:127.0.0.1]:1"} {
			_, err := s.Send(context.Background(), customChannel(base), "c1", hi)
			if !outbound.IsPermanent(err) || !strings.Contains(outbound.Reason(err), "not allowed") ||
				!strings.Contains(outbound.Reason(err), "--allow-private-networks") {
				t.Errorf("%s to %s: %v, want a permanent refusal naming the setting", name, base, err)
			}
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the refused integrator was called %d times", n)
	}
}

// The integrator's error text is cut to a few hundred bytes, on a
// character boundary, before it becomes a failure reason, a retry error
// or a log line.
func TestSenderTruncatesReflectedErrors(t *testing.T) {
	huge := strings.Repeat("é", 200_000) // 400 KB, two bytes a character
	tests := []struct {
		name      string
		status    int
		body      string
		permanent bool
	}{
		{"4xx nested message", 400, `{"error":{"message":"` + huge + `"}}`, true},
		{"4xx flat error", 422, `{"error":"` + huge[:20_000] + `"}`, true},
		{"4xx text body", 400, huge, true},
		{"5xx message", 500, `{"error":{"message":"` + huge[:30_001] + `"}}`, false},
		{"5xx html", 502, "<html>" + huge, false},
		{"invalid UTF-8 and NUL", 400, `{"error":{"message":"bad \u0000 ` + "\xff\xfe" + strings.Repeat("x", 5000) + `"}}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			_, err := testSender().Send(context.Background(), customChannel(srv.URL), "c1", hi)
			if err == nil || outbound.IsPermanent(err) != tt.permanent {
				t.Fatalf("Send = %v, want permanent %v", err, tt.permanent)
			}
			for what, text := range map[string]string{"reason": outbound.Reason(err), "error": err.Error()} {
				if len(text) > maxReflectedBytes+100 || !utf8.ValidString(text) || strings.ContainsRune(text, 0) {
					t.Errorf("%s is %d bytes (valid UTF-8 %v): %.80q…", what, len(text), utf8.ValidString(text), text)
				}
			}
		})
	}
}

// A 429 or 503 with Retry-After carries the delay to the dispatcher, in
// either form of the header; other answers carry none.
func TestSenderRetryAfter(t *testing.T) {
	date := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		status     int
		retryAfter string
		want       time.Duration // 0: none
	}{
		{"429 seconds", 429, "120", 2 * time.Minute},
		{"503 seconds", 503, "30", 30 * time.Second},
		{"429 HTTP-date", 429, date.Add(10 * time.Minute).Format(http.TimeFormat), 10 * time.Minute},
		{"503 HTTP-date", 503, date.Add(45 * time.Second).Format(http.TimeFormat), 45 * time.Second},
		{"429 capped", 429, "86400", outbound.MaxRetryAfter},
		{"429 without header", 429, "", 0},
		{"429 garbage", 429, "later", 0},
		{"500 ignores it", 500, "120", 0},
		{"502 ignores it", 502, "120", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				// The answer's own Date is what an HTTP-date counts from.
				w.Header().Set("Date", date.Format(http.TimeFormat))
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				w.WriteHeader(tt.status)
				fmt.Fprint(w, `{"error":{"message":"slow down"}}`)
			}))
			defer srv.Close()
			_, err := testSender().Send(context.Background(), customChannel(srv.URL), "c1", hi)
			if err == nil || outbound.IsPermanent(err) {
				t.Fatalf("Send = %v, want a retryable error", err)
			}
			got, ok := outbound.RetryAfter(err)
			if got != tt.want || ok != (tt.want != 0) {
				t.Fatalf("RetryAfter = %v, %v; want %v", got, ok, tt.want)
			}
			if !strings.Contains(err.Error(), "slow down") {
				t.Fatalf("error %q lost the integrator's words", err)
			}
		})
	}
}
