package contact

import (
	"context"
	"errors"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// An upsert matches on the phone or email as they normalise: a phone of
// spaces or dashes alone is no phone. It was checked before normalising,
// so such an upsert matched nothing and created a new contact on every
// call (a CRM sync sending "phone": " " duplicated its contacts).
func TestUpsertWithBlankPhoneIsRefusedNotDuplicated(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ws, err := workspace.New(d).Create(ctx, "Acme", "UTC")
		if err != nil {
			t.Fatal(err)
		}
		s := New(d)
		for _, in := range []Input{
			{FirstName: ptr("Ada"), Phone: ptr(" ")},
			{FirstName: ptr("Ada"), Phone: ptr("-"), Email: ptr("  ")},
			{FirstName: ptr("Ada"), Email: ptr(" ")},
		} {
			for range 2 {
				_, _, err := s.Upsert(ctx, access.System(ws.ID), in)
				var e *apperr.Error
				if !errors.As(err, &e) || e.Kind != apperr.KindInvalid {
					t.Errorf("upsert %s: %v, want invalid", show(in), err)
				}
			}
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM contacts`); n != 0 {
			t.Errorf("%d contacts created, want none", n)
		}
	})
}

func show(in Input) string {
	v := func(p *string) string {
		if p == nil {
			return "nil"
		}
		return "\"" + *p + "\""
	}
	return "phone " + v(in.Phone) + " email " + v(in.Email)
}
