package workspace

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// A new invitation has not been mailed; recording a mail, sent or
// failed, shows in the pending list with when it happened.
func TestInvitationMailStatus(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newInviteFixture(t, d, Options{})
		inv, _ := f.invite(t, "mailed@example.com", 0)
		if inv.MailStatus != MailNone || inv.MailStatusAt != nil {
			t.Fatalf("new invitation: %+v, want mail_status none", inv)
		}
		steps := []struct {
			sent bool
			want string
		}{{false, MailFailed}, {true, MailSent}}
		for _, st := range steps {
			f.clk.Advance(time.Minute)
			got, err := f.s.RecordInvitationMail(ctx, f.ws.ID, inv.ID, st.sent)
			if err != nil {
				t.Fatal(err)
			}
			list, err := f.s.Invitations(ctx, f.ws.ID, page.Request{Limit: 10})
			if err != nil || len(list.Data) != 1 {
				t.Fatalf("list: %+v, %v", list, err)
			}
			for _, i := range []Invitation{got, list.Data[0]} {
				if i.MailStatus != st.want || i.MailStatusAt == nil || !i.MailStatusAt.Equal(f.clk.Now()) {
					t.Fatalf("sent=%v: %+v, want %s at %v", st.sent, i, st.want, f.clk.Now())
				}
			}
		}
		if _, err := f.s.RecordInvitationMail(ctx, f.ws.ID+1, inv.ID, true); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("another workspace's: %v, want 404", err)
		}
	})
}

// Renewing a pending invitation's link makes a new token: the old link
// stops working, the new one previews and accepts, and works at least
// seven days from the renewal (it kept the first's expiry: resent the day
// before, it died as the person read it); a longer expiry stays.
// Used, revoked and expired invitations have no link to renew (404).
func TestInvitationRenewLink(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newInviteFixture(t, d, Options{})
		inv, old := f.invite(t, "again@example.com", time.Hour)
		f.clk.Advance(50 * time.Minute)
		renewed, raw, err := f.s.RenewInvitationLink(ctx, f.ws.ID, inv.ID, "")
		if err != nil || raw == old || raw == "" || !renewed.ExpiresAt.Equal(f.clk.Now().Add(DefaultInvitationTTL)) || renewed.Email != inv.Email {
			t.Fatalf("renew = %+v %q, %v", renewed, raw, err)
		}
		if _, err := f.s.PreviewInvitation(ctx, old); !errors.Is(err, ErrInvitationNotFound) {
			t.Fatalf("old link: %v, want not found", err)
		}
		if _, err := f.accept(raw, "Again", "long enough"); err != nil {
			t.Fatalf("accept the new link: %v", err)
		}
		long, _ := f.invite(t, "long@example.com", MaxInvitationTTL)
		if again, _, err := f.s.RenewInvitationLink(ctx, f.ws.ID, long.ID, ""); err != nil || !again.ExpiresAt.Equal(long.ExpiresAt) {
			t.Fatalf("renew a 30-day invitation: %+v, %v; want its expiry kept", again, err)
		}

		revoked, _ := f.invite(t, "revoked@example.com", time.Hour)
		if err := f.s.RevokeInvitation(ctx, f.ws.ID, revoked.ID); err != nil {
			t.Fatal(err)
		}
		expired, _ := f.invite(t, "expired@example.com", time.Minute)
		f.clk.Advance(time.Minute)
		for name, id := range map[string]int64{"accepted": inv.ID, "revoked": revoked.ID, "expired": expired.ID} {
			if _, _, err := f.s.RenewInvitationLink(ctx, f.ws.ID, id, ""); !errors.Is(err, apperr.ErrNotFound) {
				t.Errorf("%s: %v, want 404", name, err)
			}
			if _, err := f.s.PendingInvitation(ctx, f.ws.ID, id); !errors.Is(err, apperr.ErrNotFound) {
				t.Errorf("%s is pending: %v", name, err)
			}
		}
		pending, _ := f.invite(t, "other@example.com", time.Hour)
		if _, _, err := f.s.RenewInvitationLink(ctx, f.ws.ID+1, pending.ID, ""); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("another workspace's: %v, want 404", err)
		}
		if got, err := f.s.PendingInvitation(ctx, f.ws.ID, pending.ID); err != nil || got.Email != "other@example.com" {
			t.Fatalf("pending = %+v, %v", got, err)
		}
		if _, err := f.s.PendingInvitation(ctx, f.ws.ID+1, pending.ID); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("another workspace's pending: %v", err)
		}
	})
}

// An invitation keeps the language of its mail, English unless given,
// wherever it is read again: the list, a renewal (whose mail is written
// anew) and the record of its mail.
func TestInvitationLanguageKept(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newInviteFixture(t, d, Options{})
		plain, _ := f.invite(t, "plain@example.com", 0)
		fr, _, err := f.s.Invite(ctx, f.ws.ID, NewInvitation{Email: "francoise@example.com", Language: "fr"})
		if err != nil || plain.Language != "en" || fr.Language != "fr" {
			t.Fatalf("made: %q and %+v (%v); want en and fr", plain.Language, fr, err)
		}
		renewed, _, err := f.s.RenewInvitationLink(ctx, f.ws.ID, fr.ID, "")
		if err != nil || renewed.Language != "fr" {
			t.Fatalf("renewed: %+v, %v", renewed, err)
		}
		recorded, err := f.s.RecordInvitationMail(ctx, f.ws.ID, fr.ID, true)
		if err != nil || recorded.Language != "fr" {
			t.Fatalf("recorded: %+v, %v", recorded, err)
		}
		pending, err := f.s.PendingInvitation(ctx, f.ws.ID, fr.ID)
		if err != nil || pending.Language != "fr" {
			t.Fatalf("pending: %+v, %v", pending, err)
		}
		list, err := f.s.Invitations(ctx, f.ws.ID, page.Request{Limit: 10})
		if err != nil || len(list.Data) != 2 || list.Data[0].Language != "en" || list.Data[1].Language != "fr" {
			t.Fatalf("list: %+v, %v", list, err)
		}
	})
}

// A renewal may change the language of the invitation's mails, this one's
// and the next renewals'; a language outside the list changes nothing, not
// even the link.
func TestInvitationLanguageChangedByARenewal(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newInviteFixture(t, d, Options{})
		inv, raw := f.invite(t, "nadia@example.com", 0)
		for _, bad := range []string{"de", "FR", "fr-CA", " en"} {
			if _, _, err := f.s.RenewInvitationLink(ctx, f.ws.ID, inv.ID, bad); apperr.KindOf(err) != apperr.KindInvalid {
				t.Fatalf("renewed in %q: %v; want invalid", bad, err)
			}
		}
		if p, err := f.s.PreviewInvitation(ctx, raw); err != nil || p.Email != "nadia@example.com" || p.Language != "en" {
			t.Fatalf("the first link after refused renewals: %+v, %v", p, err)
		}
		fr, frRaw, err := f.s.RenewInvitationLink(ctx, f.ws.ID, inv.ID, "fr")
		if err != nil || fr.Language != "fr" {
			t.Fatalf("renewed in fr: %+v, %v", fr, err)
		}
		// The link's page speaks the language of the mail that carried it.
		if p, err := f.s.PreviewInvitation(ctx, frRaw); err != nil || p.Language != "fr" {
			t.Fatalf("the French link's preview: %+v, %v", p, err)
		}
		kept, _, err := f.s.RenewInvitationLink(ctx, f.ws.ID, inv.ID, "")
		if err != nil || kept.Language != "fr" {
			t.Fatalf("renewed again without a language: %+v, %v", kept, err)
		}
		pending, err := f.s.PendingInvitation(ctx, f.ws.ID, inv.ID)
		if err != nil || pending.Language != "fr" {
			t.Fatalf("pending: %+v, %v", pending, err)
		}
	})
}
