package httpapi_test

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// totp is an authenticator app's code of a base32 key at t (RFC 6238:
// HMAC-SHA1, 30-second steps, 6 digits), written here apart from the
// server's.
func totp(t *testing.T, key string, at time.Time) string {
	t.Helper()
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(key)
	if err != nil {
		t.Fatal(err)
	}
	mac := hmac.New(sha1.New, raw)
	binary.Write(mac, binary.BigEndian, uint64(at.Unix()/30))
	sum := mac.Sum(nil)
	off := sum[19] & 15
	return fmt.Sprintf("%06d", (binary.BigEndian.Uint32(sum[off:])&0x7fffffff)%1_000_000)
}

// Two-factor sign-in over HTTP: set up from a session (never an API
// token), confirmed with the app's code; then a sign-in asks the code,
// takes the app's or a recovery code, and an invitation's accept asks it
// too; off with the password and a code.
func TestTwoFactorOverHTTP(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.addAna(t)
		session, _ := f.signInAs(t, `{"email":"ana@acme.test","password":"correct horse"}`)
		f.run(t, []scenario{
			{name: "not with an API token", method: "POST", path: "/api/v1/me/two-factor", as: "agent", body: `{"password":"x"}`, status: 403},
			{name: "the password is asked", method: "POST", path: "/api/v1/me/two-factor", as: session, body: `{}`, status: 422,
				want: []string{`"field":"password"`}},
			{name: "a wrong password", method: "POST", path: "/api/v1/me/two-factor", as: session, body: `{"password":"wrong horse"}`, status: 422,
				want: []string{`"field":"password"`, "is wrong"}},
			{name: "nothing to confirm yet", method: "POST", path: "/api/v1/me/two-factor/confirm", as: session, body: `{"code":"123456"}`, status: 409},
		})
		status, body := f.do(t, scenario{method: "POST", path: "/api/v1/me/two-factor", as: session, body: `{"password":"correct horse"}`})
		var setup workspace.TwoFactorSetup
		if status != 200 || decode(body, &setup) != nil || !strings.HasPrefix(setup.URI, "otpauth://totp/Switchboard:ana@acme.test?") {
			t.Fatalf("set up: %d %s", status, body)
		}
		now := func() time.Time { return d.Clock().Now() }
		f.run(t, []scenario{{name: "a wrong first code", method: "POST", path: "/api/v1/me/two-factor/confirm", as: session,
			body: `{"code":"` + wrongCode(totp(t, setup.Secret, now())) + `"}`, status: 422, want: []string{`"field":"code"`}}})
		status, body = f.do(t, scenario{method: "POST", path: "/api/v1/me/two-factor/confirm", as: session, body: `{"code":"` + totp(t, setup.Secret, now()) + `"}`})
		var rc workspace.RecoveryCodes
		if status != 200 || decode(body, &rc) != nil || len(rc.Codes) != 10 {
			t.Fatalf("confirm: %d %s", status, body)
		}
		f.run(t, []scenario{
			{name: "the account says so", method: "GET", path: "/api/v1/me", as: session, status: 200,
				want: []string{`"two_factor":true`, `"recovery_codes_left":10`}},
			{name: "a sign-in without the code", method: "POST", path: "/api/v1/auth/login",
				body: `{"email":"ana@acme.test","password":"correct horse"}`, status: 401, want: []string{`"code":"two_factor_required"`}},
			{name: "with a wrong code", method: "POST", path: "/api/v1/auth/login",
				body:   `{"email":"ana@acme.test","password":"correct horse","code":"` + wrongCode(totp(t, setup.Secret, now())) + `"}`,
				status: 401, want: []string{`"code":"two_factor_invalid"`}},
		})
		// The app's next code (a step ahead is taken: clocks drift).
		if tok, _ := f.signInAs(t, `{"email":"ana@acme.test","password":"correct horse","code":"`+totp(t, setup.Secret, now().Add(30*time.Second))+`"}`); tok == "" {
			t.Fatal("no session with the app's code")
		}
		if tok, _ := f.signInAs(t, `{"email":"ana@acme.test","password":"correct horse","code":"`+rc.Codes[0]+`"}`); tok == "" {
			t.Fatal("no session with a recovery code")
		}
		f.run(t, []scenario{
			{name: "a recovery code once", method: "POST", path: "/api/v1/auth/login",
				body: `{"email":"ana@acme.test","password":"correct horse","code":"` + rc.Codes[0] + `"}`, status: 401,
				want: []string{`"code":"two_factor_invalid"`}},
			{name: "new recovery codes need a code", method: "POST", path: "/api/v1/me/two-factor/recovery-codes", as: session,
				body: `{"password":"correct horse"}`, status: 422, want: []string{`"field":"code"`}},
			{name: "off needs the password", method: "POST", path: "/api/v1/me/two-factor/disable", as: session,
				body: `{"password":"wrong horse","code":"` + rc.Codes[1] + `"}`, status: 422, want: []string{`"field":"password"`}},
		})

		// Another workspace invites Ana: accepting opens a session, so it
		// asks her second factor as a sign-in does.
		status, body = f.do(t, scenario{method: "POST", path: "/api/v1/invitations", as: "stranger", body: `{"email":"ana@acme.test","role":"agent"}`})
		var invited struct{ URL string }
		if status != 201 || decode(body, &invited) != nil {
			t.Fatalf("invite: %d %s", status, body)
		}
		token := invited.URL[strings.LastIndex(invited.URL, "/")+1:]
		sameSite := map[string]string{"Origin": f.srv.URL, "Sec-Fetch-Site": "same-origin"}
		resp, out := f.raw(t, "POST", "/api/v1/invitations/accept", "", `{"token":"`+token+`","password":"correct horse"}`, sameSite)
		if resp.StatusCode != 401 || !strings.Contains(out, `"two_factor_required"`) {
			t.Fatalf("accept without the code: %d %s", resp.StatusCode, out)
		}
		resp, out = f.raw(t, "POST", "/api/v1/invitations/accept", "", `{"token":"`+token+`","password":"correct horse","code":"`+rc.Codes[2]+`"}`, sameSite)
		if resp.StatusCode != 200 {
			t.Fatalf("accept with a recovery code: %d %s", resp.StatusCode, out)
		}

		f.run(t, []scenario{
			{name: "off", method: "POST", path: "/api/v1/me/two-factor/disable", as: session,
				body: `{"password":"correct horse","code":"` + rc.Codes[3] + `"}`, status: 204},
			{name: "off, the account says so", method: "GET", path: "/api/v1/me", as: session, status: 200, want: []string{`"two_factor":false`}},
		})
		if tok, list := f.signInAs(t, `{"email":"ana@acme.test","password":"correct horse"}`); tok != "" || len(list) != 2 {
			t.Fatalf("off: the sign-in lists Ana's two workspaces without a code, got token %q, %v", tok, list)
		}
	})
}

// wrongCode is a six-digit code other than code.
func wrongCode(code string) string {
	if code == "000000" {
		return "000001"
	}
	return "000000"
}

// An owner requires two-factor sign-in: only once they have it; then a
// member's session without it reaches only their account (403
// two_factor_setup_required elsewhere) until they turn it on, API tokens
// act as before, and nobody of the workspace may turn theirs off.
func TestWorkspaceRequiresTwoFactor(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.addAna(t)
		ana, _ := f.signInAs(t, `{"email":"ana@acme.test","password":"correct horse"}`)
		f.run(t, []scenario{
			{name: "managers may not", method: "PATCH", path: "/api/v1/workspace", as: "manager", body: `{"require_two_factor":true}`, status: 403},
			{name: "an owner without it may not", method: "PATCH", path: "/api/v1/workspace", as: "owner", body: `{"require_two_factor":true}`,
				status: 422, want: []string{`"field":"require_two_factor"`}},
			{name: "a token owner may: it has no second factor to lose", method: "PATCH", path: "/api/v1/workspace", as: "integration",
				body: `{"require_two_factor":true}`, status: 200, want: []string{`"require_two_factor":true`}},
			{name: "Ana's session: her account only", method: "GET", path: "/api/v1/conversations", as: ana, status: 403,
				want: []string{`"code":"two_factor_setup_required"`}},
			{name: "who she is", method: "GET", path: "/api/v1/me", as: ana, status: 200,
				want: []string{`"require_two_factor":true`, `"two_factor":false`}},
			{name: "her sessions", method: "GET", path: "/api/v1/me/sessions", as: ana, status: 200},
			{name: "her views are not her account", method: "GET", path: "/api/v1/me/views", as: ana, status: 403},
			{name: "API tokens act as before", method: "GET", path: "/api/v1/conversations", as: "agent", status: 200},
		})
		status, body := f.do(t, scenario{method: "POST", path: "/api/v1/me/two-factor", as: ana, body: `{"password":"correct horse"}`})
		var setup workspace.TwoFactorSetup
		if status != 200 || decode(body, &setup) != nil {
			t.Fatalf("set up: %d %s", status, body)
		}
		status, body = f.do(t, scenario{method: "POST", path: "/api/v1/me/two-factor/confirm", as: ana, body: `{"code":"` + totp(t, setup.Secret, d.Clock().Now()) + `"}`})
		var rc workspace.RecoveryCodes
		if status != 200 || decode(body, &rc) != nil {
			t.Fatalf("confirm: %d %s", status, body)
		}
		f.run(t, []scenario{
			{name: "with it on, the same session goes on", method: "GET", path: "/api/v1/conversations", as: ana, status: 200},
			{name: "off is refused while required", method: "POST", path: "/api/v1/me/two-factor/disable", as: ana,
				body: `{"password":"correct horse","code":"` + rc.Codes[0] + `"}`, status: 409, want: []string{"requires two-factor sign-in"}},
			{name: "no longer required", method: "PATCH", path: "/api/v1/workspace", as: "owner", body: `{"require_two_factor":false}`, status: 200},
			{name: "off then", method: "POST", path: "/api/v1/me/two-factor/disable", as: ana,
				body: `{"password":"correct horse","code":"` + rc.Codes[0] + `"}`, status: 204},
		})
	})
}
