package conversation

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A tag's or a stage's rename rewrites the saved views filtering on the
// old name, and only them, on both stores.
func TestViewNamesRenameTheViewsFilteringOnTheName(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newInbox(t, d)
		ctx := context.Background()
		p := access.Principal{WorkspaceID: f.ws.ID, UserID: f.agents[2], Role: access.RoleManager, Can: access.Defaults(access.RoleManager)}
		vip, err := f.svc.CreateView(ctx, p, ViewInput{Name: "VIP customers", Filter: ListFilter{Status: StatusOpen, Tag: "VIP", Stage: "Customer"}})
		if err != nil {
			t.Fatal(err)
		}
		other, err := f.svc.CreateView(ctx, p, ViewInput{Name: "Others", Filter: ListFilter{Tag: "VIPs", Stage: "Lead"}})
		if err != nil {
			t.Fatal(err)
		}
		err = d.Write(ctx, func(tx *db.Tx) error {
			if err := ViewNames("tag").RenameTx(ctx, tx, f.ws.ID, "VIP", "V.I.P."); err != nil {
				return err
			}
			return ViewNames("stage").RenameTx(ctx, tx, f.ws.ID, "Customer", "Client")
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.svc.GetView(ctx, p, vip.ID)
		if err != nil || got.Filter.Tag != "V.I.P." || got.Filter.Stage != "Client" || got.Filter.Status != StatusOpen {
			t.Errorf("renamed view: %+v %v", got.Filter, err)
		}
		got, err = f.svc.GetView(ctx, p, other.ID)
		if err != nil || got.Filter.Tag != "VIPs" || got.Filter.Stage != "Lead" {
			t.Errorf("another view: %+v %v", got.Filter, err)
		}
	})
}
