package widget

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
)

func TestValidateConfig(t *testing.T) {
	for _, tc := range []struct {
		name, in, field, want string
	}{
		{name: "defaults", in: `{"allowed_origins":["https://Shop.Example:443/"]}`,
			want: `{"allowed_origins":["https://shop.example"],"color":"#2563eb","greeting":"","position":"right","pre_chat_form":false}`},
		{name: "everything", in: `{"allowed_origins":["http://localhost:8080","http://localhost:8080"],"color":"#ABCDEF","greeting":" Hi ","position":"left","pre_chat_form":true}`,
			want: `{"allowed_origins":["http://localhost:8080"],"color":"#abcdef","greeting":"Hi","position":"left","pre_chat_form":true}`},
		// Browsers send an international domain name in its ASCII form.
		{name: "an international domain", in: `{"allowed_origins":["https://Bücher.example","http://[::1]:8080","http://my_shop.example:80"]}`,
			want: `{"allowed_origins":["https://xn--bcher-kva.example","http://[::1]:8080","http://my_shop.example"],"color":"#2563eb","greeting":"","position":"right","pre_chat_form":false}`},
		{name: "no origin", in: `{"allowed_origins":[]}`, field: "config.allowed_origins"},
		{name: "a path", in: `{"allowed_origins":["https://a.example/x"]}`, field: "config.allowed_origins"},
		{name: "a query", in: `{"allowed_origins":["https://a.example?x=1"]}`, field: "config.allowed_origins"},
		{name: "credentials", in: `{"allowed_origins":["https://u:p@a.example"]}`, field: "config.allowed_origins"},
		{name: "a wildcard", in: `{"allowed_origins":["*"]}`, field: "config.allowed_origins"},
		{name: "a colour", in: `{"allowed_origins":["https://a.example"],"color":"#abc"}`, field: "config.color"},
		{name: "a position", in: `{"allowed_origins":["https://a.example"],"position":"center"}`, field: "config.position"},
		{name: "an unknown field", in: `{"allowed_origins":["https://a.example"],"colour":"#abcdef"}`, field: "config"},
		{name: "not an object", in: `[]`, field: "config"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := (&Provider{}).Validate(json.RawMessage(tc.in), channel.Check{})
			if tc.field != "" {
				var e *apperr.Error
				if !errors.As(err, &e) || e.Kind != apperr.KindInvalid || e.Field != tc.field {
					t.Fatalf("error %v, want one naming %s", err, tc.field)
				}
				return
			}
			if err != nil || string(out) != tc.want {
				t.Fatalf("got %s %v, want %s", out, err, tc.want)
			}
		})
	}
}

func TestAllows(t *testing.T) {
	raw, err := validateConfig(json.RawMessage(`{"allowed_origins":["https://shop.example","http://localhost:8080","https://bücher.example"]}`))
	if err != nil {
		t.Fatal(err)
	}
	c := parseConfig(raw)
	for origin, want := range map[string]bool{
		// The shop at bücher.example, as the browser names its page.
		"https://xn--bcher-kva.example": true, "https://bücher.example": true, "https://xn--bcher-kva.example:8443": false,
		"https://shop.example": true, "https://SHOP.example:443": true, "http://localhost:8080": true,
		"http://shop.example": false, "https://evil.example": false, "": false, "null": false, "http://localhost:8081": false,
	} {
		if got := c.allows(origin); got != want {
			t.Errorf("allows(%q) = %v", origin, got)
		}
	}
}

func TestVisitorCredentials(t *testing.T) {
	ch := channel.Channel{ID: 7, Token: "token-a"}
	v := newVisitor(ch)
	if err := authenticate(ch, v); err != nil {
		t.Fatal(err)
	}
	other := newVisitor(ch)
	for name, bad := range map[string]Visitor{
		"another visitor's secret": {VisitorID: v.VisitorID, Secret: other.Secret},
		"no secret":                {VisitorID: v.VisitorID},
		"a made-up id":             {VisitorID: "v_x", Secret: v.Secret},
	} {
		if err := authenticate(ch, bad); apperr.KindOf(err) != apperr.KindUnauthorized {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Another channel, or the same after its token was rotated, refuses it.
	for _, c := range []channel.Channel{{ID: 8, Token: "token-a"}, {ID: 7, Token: "token-b"}} {
		if err := authenticate(c, v); err == nil {
			t.Errorf("channel %+v accepted a visitor of channel 7", c)
		}
	}
}

// TestScriptSize keeps the widget under its budget: 50 KB gzipped.
func TestScriptSize(t *testing.T) {
	if n := gzipSize(Script()); n > 50_000 {
		t.Fatalf("widget.js is %d bytes gzipped; the budget is 50 KB", n)
	} else {
		t.Logf("widget.js: %d bytes, %d gzipped", len(Script()), n)
	}
}
