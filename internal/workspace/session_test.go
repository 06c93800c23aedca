package workspace

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// sessionFixture is a workspace with a user who has a password.
type sessionFixture struct {
	s    *Service
	clk  *clock.Fake
	ws   Workspace
	user User
}

func newSessionFixture(t *testing.T, d *db.DB) *sessionFixture {
	t.Helper()
	ctx := context.Background()
	f := &sessionFixture{clk: clock.NewFake(time.Unix(1_700_000_000, 0))}
	f.s = newTestService(d, Options{Clock: f.clk})
	var err error
	if f.ws, err = f.s.Create(ctx, "Acme", "UTC"); err != nil {
		t.Fatal(err)
	}
	if f.user, err = f.s.CreateUser(ctx, f.ws.ID, NewUser{Email: "ana@acme.io", Name: "Ana", Password: "correct horse"}); err != nil {
		t.Fatal(err)
	}
	return f
}

// signIn opens a session and returns its token and id.
func (f *sessionFixture) signIn(t *testing.T, password, agent string) (string, int64) {
	t.Helper()
	in, err := f.s.SignIn(context.Background(), SignInInput{Email: "ana@acme.io", Password: password, TTL: time.Hour,
		UserAgent: agent, ClientAddr: "203.0.113.5"})
	if err != nil {
		t.Fatal(err)
	}
	raw := in.Token
	p, err := f.s.Authenticate(context.Background(), raw)
	if err != nil || p.TokenKind != KindSession {
		t.Fatalf("new session = %+v, %v", p, err)
	}
	return raw, p.TokenID
}

func (f *sessionFixture) works(t *testing.T, raw string) bool {
	t.Helper()
	_, err := f.s.Authenticate(context.Background(), raw)
	if err != nil && !errors.Is(err, apperr.ErrUnauthorized) {
		t.Fatal(err)
	}
	return err == nil
}

// Sessions are listed with the client that opened them (cut short, no
// control characters), ended one at a time or all at once; API tokens
// survive signing out everywhere.
func TestSessionsListAndEnd(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newSessionFixture(t, d)
		long := "Mozilla/5.0\x00\n" + strings.Repeat("é", 300)
		a, aID := f.signIn(t, "correct horse", long)
		b, bID := f.signIn(t, "correct horse", "curl/8")
		c, _ := f.signIn(t, "correct horse", "phone")
		_, api, err := f.s.CreateToken(ctx, f.ws.ID, NewToken{Name: "script", UserID: f.user.ID})
		if err != nil {
			t.Fatal(err)
		}
		pg, err := f.s.Sessions(ctx, f.ws.ID, f.user.ID, bID, page.All())
		list := pg.Data
		if err != nil || len(list) != 3 {
			t.Fatalf("sessions = %+v, %v; want 3 (API tokens are not sessions)", list, err)
		}
		if !list[1].Current || list[0].Current || list[0].ClientAddr != "203.0.113.5" || list[0].ExpiresAt.IsZero() {
			t.Fatalf("sessions = %+v; want the second current, with address and expiry", list)
		}
		if ua := list[0].UserAgent; len(ua) > 200 || ua[:11] != "Mozilla/5.0" || containsControl(ua) {
			t.Fatalf("user agent stored as %q (%d bytes)", ua, len(ua))
		}

		if err := f.s.EndSession(ctx, f.ws.ID, f.user.ID, aID); err != nil {
			t.Fatal(err)
		}
		if f.works(t, a) || !f.works(t, b) {
			t.Fatal("ending one session must end exactly that one")
		}
		if err := f.s.EndSession(ctx, f.ws.ID, f.user.ID, aID); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("ending it twice = %v; want not found", err)
		}
		other, _ := f.s.CreateUser(ctx, f.ws.ID, NewUser{Email: "bob@acme.io", Name: "Bob"})
		if err := f.s.EndSession(ctx, f.ws.ID, other.ID, bID); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("ending another user's session = %v; want not found", err)
		}

		ended, err := f.s.EndSessions(ctx, f.ws.ID, f.user.ID, 0)
		if err != nil || len(ended) != 2 {
			t.Fatalf("sign out everywhere = %v, %v; want 2", ended, err)
		}
		if f.works(t, b) || f.works(t, c) || !f.works(t, api) {
			t.Fatal("signing out everywhere must end every session and keep API tokens")
		}

		// Expired sessions are not listed.
		f.signIn(t, "correct horse", "later")
		f.clk.Advance(time.Hour)
		if list, _ := f.s.Sessions(ctx, f.ws.ID, f.user.ID, 0, page.All()); len(list.Data) != 0 {
			t.Fatalf("expired sessions listed: %+v", list)
		}
	})
}

// Changing one's password needs the current one and ends every other
// session; a password reset by someone else ends all of them.
func TestPasswordChangeEndsSessions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newSessionFixture(t, d)
		here, hereID := f.signIn(t, "correct horse", "laptop")
		there, _ := f.signIn(t, "correct horse", "phone")

		change := PasswordChange{Current: "wrong horse", New: "battery staple", KeepSession: hereID}
		if _, err := f.s.ChangePassword(ctx, f.ws.ID, f.user.ID, change); !errors.Is(err, apperr.ErrInvalid) {
			t.Fatalf("wrong current password = %v; want invalid", err)
		}
		change.Current, change.New = "correct horse", "short"
		if _, err := f.s.ChangePassword(ctx, f.ws.ID, f.user.ID, change); !errors.Is(err, apperr.ErrInvalid) {
			t.Fatalf("short new password = %v; want invalid", err)
		}
		if !f.works(t, here) || !f.works(t, there) {
			t.Fatal("a refused change ended sessions")
		}
		change.New = "battery staple"
		ended, err := f.s.ChangePassword(ctx, f.ws.ID, f.user.ID, change)
		if err != nil || len(ended) != 1 {
			t.Fatalf("change = %+v, %v; want 1 other session ended", ended, err)
		}
		if !f.works(t, here) || f.works(t, there) {
			t.Fatal("the change must keep the session that made it and end the other")
		}
		if _, err := f.s.SignIn(ctx, SignInInput{Email: "ana@acme.io", Password: "correct horse"}); !errors.Is(err, apperr.ErrUnauthorized) {
			t.Fatalf("old password still signs in: %v", err)
		}
		again, _ := f.signIn(t, "battery staple", "tablet")

		// A reset by a manager ends every session, the user's own too.
		if _, err := f.s.UpdateUser(ctx, f.ws.ID, f.user.ID, UserUpdate{Password: ptr("chosen by the boss")}); err != nil {
			t.Fatal(err)
		}
		if f.works(t, here) || f.works(t, again) {
			t.Fatal("a password reset must end every session of the user")
		}
		// A rename ends nothing.
		last, _ := f.signIn(t, "chosen by the boss", "laptop")
		if _, err := f.s.UpdateUser(ctx, f.ws.ID, f.user.ID, UserUpdate{Name: ptr("Ana B")}); err != nil || !f.works(t, last) {
			t.Fatalf("a rename ended the session: %v", err)
		}
	})
}

func containsControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return true
		}
	}
	return false
}
