package custom

import (
	"context"
	"encoding/json"
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// A base URL on a literal address the node's guard refuses is invalid,
// naming config.base_url and the operator's setting; a host name is
// accepted (it is checked when messages are sent), and so is an address
// the operator allowed.
func TestBaseURLAddressIsChecked(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ws, _ := workspace.New(d).Create(ctx, "W", "UTC")
		s := testService(t, d)
		s.SetGuard(netguard.New(netguard.Options{Allow: []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16")}}))
		tests := []struct {
			url  string
			want string // in the error message; "" when accepted
		}{
			{"http://127.0.0.1:9090", "loopback"},
			{"http://[::1]:9090", "loopback"},
			{"http://[::ffff:127.0.0.1]:9090", "loopback"},
			{"http://169.254.169.254/latest/meta-data", "cloud metadata"},
			{"http://100.64.1.1/", "carrier-grade NAT"},
			{"http://192.168.1.20/", "private"},
			{"http://[fd00::5]/", "unique local"},
			{"http://[64:ff9b::a9fe:a9fe]/", "NAT64"},
			{"http://0.0.0.0:80/", "unspecified"},
			{"ftp://files.example.com/", "http(s) URL"},
			{"javascript:alert(1)", "http(s) URL"},
			{"https://hooks.example.com/sb", ""},
			{"http://localhost:9090", ""},
			{"http://10.1.2.3:8080", ""},
			{"http://8.8.8.8/", ""},
		}
		for _, tt := range tests {
			cfg, _ := json.Marshal(Config{BaseURL: tt.url})
			_, err := s.Create(ctx, ws.ID, channel.Input{Type: Type, Name: "c", Config: cfg})
			if tt.want == "" {
				if err != nil {
					t.Errorf("create with %s = %v, want accepted", tt.url, err)
				}
				continue
			}
			var e *apperr.Error
			if !errors.As(err, &e) || e.Kind != apperr.KindInvalid || e.Field != "config.base_url" || !strings.Contains(e.Message, tt.want) {
				t.Errorf("create with %s = %v, want invalid config.base_url saying %q", tt.url, err, tt.want)
				continue
			}
			if strings.Contains(tt.want, "http(s)") {
				continue
			}
			if !strings.Contains(e.Message, "--allow-private-networks") {
				t.Errorf("create with %s: %q does not say how to allow it", tt.url, e.Message)
			}
		}

		// An update to a refused address is refused too; a rename of a
		// channel saved before the operator narrowed the ranges works.
		c, err := s.Create(ctx, ws.ID, channel.Input{Type: Type, Name: "site", Config: json.RawMessage(`{"base_url":"http://10.1.0.9"}`)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Update(ctx, ws.ID, c.ID, channel.Input{Config: json.RawMessage(`{"base_url":"http://169.254.169.254"}`)}); !errors.Is(err, apperr.ErrInvalid) {
			t.Fatalf("update to the metadata address = %v, want invalid", err)
		}
		s.SetGuard(netguard.New(netguard.Options{}))
		if got, err := s.Update(ctx, ws.ID, c.ID, channel.Input{Name: "renamed"}); err != nil || got.Name != "renamed" {
			t.Fatalf("rename = %+v, %v", got, err)
		}
	})
}
