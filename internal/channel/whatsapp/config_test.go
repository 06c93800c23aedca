package whatsapp

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/netguard"
)

func TestValidateConfig(t *testing.T) {
	good := `"phone_number_id":"106540352242922","business_account_id":"102290129340398","access_token":"EAAG","app_secret":"s"`
	out, err := New(nil).Validate(json.RawMessage(`{`+good+`}`), channel.Check{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `"api_base_url":"https://graph.facebook.com"`) || !strings.Contains(string(out), `"api_version":"v21.0"`) {
		t.Errorf("defaults: %s", out)
	}
	out, err = New(nil).Validate(json.RawMessage(`{`+good+`,"api_base_url":"https://proxy.example/graph/","api_version":"v22.0","read_receipts":"never"}`), channel.Check{})
	if err != nil || !strings.Contains(string(out), `"api_base_url":"https://proxy.example/graph"`) || !strings.Contains(string(out), `"read_receipts":"never"`) {
		t.Errorf("%s %v", out, err)
	}
	for _, tc := range []struct{ config, field string }{
		{`{"business_account_id":"1","access_token":"a","app_secret":"s"}`, "config.phone_number_id"},
		{`{"phone_number_id":"+1 555","business_account_id":"1","access_token":"a","app_secret":"s"}`, "config.phone_number_id"},
		{`{"phone_number_id":"1","access_token":"a","app_secret":"s"}`, "config.business_account_id"},
		{`{"phone_number_id":"1","business_account_id":"1","app_secret":"s"}`, "config.access_token"},
		{`{"phone_number_id":"1","business_account_id":"1","access_token":"a"}`, "config.app_secret"},
		{`{` + good + `,"api_version":"21"}`, "config.api_version"},
		{`{` + good + `,"api_base_url":"ftp://x"}`, "config.api_base_url"},
		{`{` + good + `,"api_base_url":"http://10.0.0.1"}`, "config.api_base_url"},
		{`{` + good + `,"phone":"1"}`, "config"},
		{`{` + good + `,"read_receipts":"sometimes"}`, "config.read_receipts"},
	} {
		_, err := New(nil).Validate(json.RawMessage(tc.config), channel.Check{Guard: netguard.New(netguard.Options{})})
		var e *apperr.Error
		if !errors.As(err, &e) || e.Field != tc.field {
			t.Errorf("%s: %v", tc.config, err)
		}
	}
}
