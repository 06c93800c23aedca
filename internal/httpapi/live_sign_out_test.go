package httpapi_test

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// Signing out of a session signs out the device its live sockets kept
// present (one per sign-in, unless a tab named its own): the agent is
// offline at once and routing stops handing them conversations, instead
// of staying online for the workspace's inactivity timeout with a device
// nothing can ever beat again. Ending another session of one's own (a
// lost laptop) does the same for that session's device only, and
// signing out everywhere for every session's.
func TestSigningOutOfASessionSignsOutItsLiveDevice(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ana := f.addAna(t).ID
		f.login(t, "laptop", "correct horse", "laptop")
		f.login(t, "phone", "correct horse", "phone")
		_, phoneSession := f.sessionIDs(t, "phone")
		f.vars["phoneSession"] = itoa(phoneSession)
		laptop := f.openLive(t, "laptop", "")
		phone := f.openLive(t, "phone", "")
		if n, av := presenceOf(t, f, ana); n != 2 || av != "online" {
			t.Fatalf("with two sessions' sockets open: %d devices, %q; want 2, online", n, av)
		}
		laptop.c.CloseNow()
		phone.c.CloseNow()

		f.run(t, []scenario{{name: "end the phone's session from the laptop", method: "DELETE",
			path: "/api/v1/me/sessions/{{phoneSession}}", as: "laptop", status: 204}})
		if n, av := presenceOf(t, f, ana); n != 1 || av != "online" {
			t.Fatalf("after ending the phone's session: %d devices, %q; want the laptop's alone, online", n, av)
		}
		f.run(t, []scenario{{name: "sign out", method: "POST", path: "/api/v1/auth/logout", as: "laptop", status: 204}})
		if n, av := presenceOf(t, f, ana); n != 0 || av != "offline" {
			t.Fatalf("after signing out: %d devices, %q; want none, offline", n, av)
		}

		// Signing out everywhere signs out every session's device.
		f.login(t, "a", "correct horse", "a")
		f.login(t, "b", "correct horse", "b")
		f.openLive(t, "a", "").c.CloseNow()
		f.openLive(t, "b", "").c.CloseNow()
		if n, av := presenceOf(t, f, ana); n != 2 || av != "online" {
			t.Fatalf("signed in again twice: %d devices, %q; want 2, online", n, av)
		}
		f.run(t, []scenario{{name: "sign out everywhere", method: "POST", path: "/api/v1/auth/logout-all", as: "a", status: 200,
			want: []string{`"ended":2`}}})
		if n, av := presenceOf(t, f, ana); n != 0 || av != "offline" {
			t.Fatalf("after signing out everywhere: %d devices, %q; want none, offline", n, av)
		}
	})
}

// A password reset by a manager ends every session of the user, and so
// signs out the devices those sessions' sockets kept present, as signing
// out everywhere does: the user is offline at once, not online with no
// session for the workspace's inactivity timeout, taking conversations.
func TestPasswordResetSignsOutTheSessionsLiveDevices(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ana := f.addAna(t).ID
		f.login(t, "laptop", "correct horse", "laptop")
		f.login(t, "phone", "correct horse", "phone")
		f.openLive(t, "laptop", "").c.CloseNow()
		f.openLive(t, "phone", "").c.CloseNow()
		if n, av := presenceOf(t, f, ana); n != 2 || av != "online" {
			t.Fatalf("with two sessions' sockets open: %d devices, %q; want 2, online", n, av)
		}
		f.run(t, []scenario{
			{name: "a manager resets Ana's password", method: "PATCH", path: "/api/v1/users/{{ana}}", as: "manager",
				body: `{"password":"battery staple"}`, status: 200},
			{name: "her sessions ended", method: "GET", path: "/api/v1/me", as: "laptop", status: 401},
		})
		if n, av := presenceOf(t, f, ana); n != 0 || av != "offline" {
			t.Fatalf("after the reset: %d devices, %q; want none, offline", n, av)
		}
	})
}

// Changing one's own password ends one's other sessions, in every
// workspace of the account, and so signs out the devices their sockets
// kept present, in each of those workspaces: the session making the
// change keeps its device. Before, the other sessions' devices stayed
// online with no session behind them until the inactivity timeout,
// taking conversations.
func TestPasswordChangeSignsOutTheOtherSessionsLiveDevices(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		ana := f.addAna(t).ID
		var me struct{ Workspace workspace.Workspace }
		f.get(t, "/api/v1/me", "stranger", &me)
		f.vars["other"] = itoa(me.Workspace.ID)
		inOther, err := f.wsSvc.CreateUser(ctx, me.Workspace.ID, workspace.NewUser{Email: "ana@acme.test", Name: "Ana O", JoinAccount: true})
		must0(t, err)
		f.vars["acme"] = itoa(f.ws.ID)
		for _, s := range [][2]string{{"laptop", "acme"}, {"phone", "acme"}, {"otherTab", "other"}} {
			f.tokens[s[0]], _ = f.signInAs(t, `{"email":"ana@acme.test","password":"correct horse","workspace_id":{{`+s[1]+`}}}`)
		}
		for _, as := range []string{"laptop", "phone", "otherTab"} {
			f.openLive(t, as, "").c.CloseNow()
		}
		if n, av := presenceOf(t, f, ana); n != 2 || av != "online" {
			t.Fatalf("in Acme: %d devices, %q; want 2, online", n, av)
		}
		f.run(t, []scenario{{name: "Ana changes her password on the laptop", method: "PUT", path: "/api/v1/me/password", as: "laptop",
			body: `{"current_password":"correct horse","new_password":"battery staple"}`, status: 200, want: []string{`"ended":2`}}})
		if n, av := presenceOf(t, f, ana); n != 1 || av != "online" {
			t.Fatalf("in Acme after the change: %d devices, %q; want the laptop's alone, online", n, av)
		}
		if n, av := presenceAs(t, f, "stranger", inOther.ID); n != 0 || av != "offline" {
			t.Fatalf("in the other workspace after the change: %d devices, %q; want none, offline", n, av)
		}
	})
}
