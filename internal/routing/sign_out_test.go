package routing

import (
	"context"
	"errors"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A sign-out must name the device it signs out, as a heartbeat must
// (the API marks device_id required for both): without one it is a 422
// naming device_id, not a 200 that signed nothing out while the caller
// believes their device is gone.
func TestSignOutWithoutADeviceIsRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		_, ag := f.agents(1, nil, "desk")
		for _, device := range []string{"", "   "} {
			_, err := f.svc.SignOut(ctx, f.wsID, ag[0], device)
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Kind != apperr.KindInvalid || ae.Field != "device_id" {
				t.Fatalf("sign out of device %q = %v; want 422 on device_id", device, err)
			}
		}
		if p, err := f.svc.Presence(ctx, f.wsID, ag[0]); err != nil || p.Devices != 1 || p.Availability != Online {
			t.Fatalf("after refused sign-outs: %+v, %v; want the device kept, online", p, err)
		}
	})
}
