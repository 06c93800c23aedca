package contact

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

func TestValidateValue(t *testing.T) {
	list := Field{Key: "need", Type: "list", Options: []string{"sales", "support"}}
	tests := []struct {
		field Field
		in    any
		want  string // "" means invalid
	}{
		{Field{Key: "age", Type: "number"}, float64(42), "42"},
		{Field{Key: "age", Type: "number"}, json.Number("3.50"), "3.5"},
		{Field{Key: "age", Type: "number"}, " 7 ", "7"},
		{Field{Key: "age", Type: "number"}, "1,000", "1000"}, // as people write it (ParseNumber)
		{Field{Key: "age", Type: "number"}, "1.234,5", "1234.5"},
		{Field{Key: "age", Type: "number"}, "1,000,00", ""},
		{Field{Key: "age", Type: "number"}, "abc", ""},
		{Field{Key: "age", Type: "number"}, true, ""},
		{Field{Key: "vip", Type: "checkbox"}, true, "true"},
		{Field{Key: "vip", Type: "checkbox"}, "false", "false"},
		{Field{Key: "vip", Type: "checkbox"}, "yes", ""},
		{list, "sales", "sales"},
		{list, "Sales", "sales"}, // without case; the option as defined is stored
		{list, " SUPPORT ", "support"},
		{list, "billing", ""},
		{Field{Key: "mail", Type: "email"}, "Ana@Example.com", "ana@example.com"},
		{Field{Key: "mail", Type: "email"}, "not-an-email", ""},
		{Field{Key: "site", Type: "url"}, "https://example.com/x", "https://example.com/x"},
		{Field{Key: "site", Type: "url"}, "javascript:alert(1)", ""},
		{Field{Key: "born", Type: "date"}, "1990-02-28", "1990-02-28"},
		{Field{Key: "born", Type: "date"}, "1990-02-30", ""},
		{Field{Key: "born", Type: "date"}, "28/02/1990", ""},
		{Field{Key: "at", Type: "time"}, "09:30", "09:30"},
		{Field{Key: "at", Type: "time"}, "25:00", ""},
		{Field{Key: "note", Type: "text"}, "hello", "hello"},
		{Field{Key: "note", Type: "text"}, 12, ""},
	}
	for _, tt := range tests {
		got, err := ValidateValue(tt.field, tt.in)
		if tt.want == "" {
			var e *apperr.Error
			if !errors.As(err, &e) || e.Kind != apperr.KindInvalid || e.Field != "fields."+tt.field.Key {
				t.Errorf("%s(%v): err = %v, want invalid naming fields.%s", tt.field.Type, tt.in, err, tt.field.Key)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s(%v) = %q, %v; want %q", tt.field.Type, tt.in, got, err, tt.want)
		}
	}
}

func TestNormalizePhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"+1 (415) 555-0123", "+14155550123"},
		{"0033612345678", "+33612345678"},
		{"", ""},
		{"415-555-0123", "!"},
		{"+0123456789", "!"},
		{"+1234", "!"},
	}
	for _, tt := range tests {
		got, err := NormalizePhone(tt.in)
		if tt.want == "!" {
			if err == nil {
				t.Errorf("NormalizePhone(%q) = %q, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

// Options that differ only in case could not be told apart, since values
// match them without case: a list field refuses them.
func TestListOptionsDifferBeyondCase(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ws, err := workspace.New(d).Create(ctx, "Acme", "UTC")
		if err != nil {
			t.Fatal(err)
		}
		s := New(d)
		_, err = s.CreateField(ctx, ws.ID, Field{Key: "need", Type: "list", Options: []string{"Sales", "Support", "sales"}})
		var e *apperr.Error
		if !errors.As(err, &e) || e.Kind != apperr.KindInvalid || e.Field != "options[2]" {
			t.Fatalf("options differing only in case: %v, want invalid naming options[2]", err)
		}
	})
}
