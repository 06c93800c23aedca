package app_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/app"
)

// A node serves its OpenAPI document with every provider it registers:
// a provider's webhook route without documentation in
// internal/httpapi/openapi_ops.go would make it a 500.
func TestNodeServesOpenAPIWithEveryProvider(t *testing.T) {
	a, err := app.New(context.Background(), app.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	rec := httptest.NewRecorder()
	a.Handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /api/openapi.json: %d %s", rec.Code, rec.Body.String())
	}
	for name, path := range map[string]string{"Twilio": `"/webhooks/twilio/{channelID}"`, "LINE": `"/webhooks/line/{channelID}"`} {
		if !strings.Contains(rec.Body.String(), path) {
			t.Errorf("the %s webhook is not documented", name)
		}
	}
}
