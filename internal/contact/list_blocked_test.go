package contact_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// The list's blocked filter: only the blocked, or all but them; any other
// value is a 400.
func TestListBlockedFilter(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newMergeFixture(t, d)
		spam := f.receive(t, f.chA, "a-1", "m1", contact.Input{FirstName: ptr("Spam")})
		ada := f.receive(t, f.chA, "a-2", "m2", contact.Input{FirstName: ptr("Ada")})
		if _, err := f.svc.Block(ctx, f.system, spam.ContactID, true); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			blocked string
			want    []int64
		}{{"", []int64{spam.ContactID, ada.ContactID}}, {"only", []int64{spam.ContactID}}, {"exclude", []int64{ada.ContactID}}} {
			filter, err := contact.ParseListFilter(url.Values{"blocked": {c.blocked}})
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.svc.List(ctx, f.system, filter, page.Request{Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, ct := range got.Data {
				ids = append(ids, ct.ID)
			}
			if len(ids) != len(c.want) || len(ids) > 0 && ids[0] != c.want[0] {
				t.Errorf("blocked=%q: %v, want %v", c.blocked, ids, c.want)
			}
		}
		if _, err := contact.ParseListFilter(url.Values{"blocked": {"yes"}}); apperr.KindOf(err) != apperr.KindBadRequest {
			t.Errorf("blocked=yes: %v, want a bad request", err)
		}
	})
}
