package routing

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A batch's assignments read the workspace's routing settings once
// (db.Memo); a settings update written earlier in the same transaction is
// what the reads after it see, never the memo of before it.
func TestSettingsUpdateInABatchIsReadAfterIt(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		err := d.Write(ctx, func(tx *db.Tx) error {
			before, err := loadSettings(ctx, tx, f.wsID)
			if err != nil {
				return err
			}
			if before.capacity != 0 || before.strategy != RoundRobin {
				t.Fatalf("settings to start from: %+v", before)
			}
			if _, err := f.svc.updateSettingsTx(ctx, tx, f.wsID, SettingsUpdate{DefaultCapacity: intp(3), DefaultStrategy: new(LeastOpen)}); err != nil {
				return err
			}
			after, err := loadSettings(ctx, tx, f.wsID)
			if err != nil {
				return err
			}
			if after.capacity != 3 || after.strategy != LeastOpen {
				t.Errorf("read after the update in the same transaction: capacity %d, strategy %s; want 3, least_open", after.capacity, after.strategy)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
