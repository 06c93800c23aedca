package httpapi_test

import (
	"fmt"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// A contact's timeline walked at the largest page size serves every
// event: a page of 200 asks the store for 201 rows (one more, to know
// whether another page follows), which must not be read as "no limit
// given" and cut to the default 50 without a cursor.
func TestContactTimelineAtTheLargestPage(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		var contactID int64
		for i := range 60 { // an event per message, and more
			contactID = f.inbound(t, "+14155550100", "Ada", fmt.Sprint("m", i)).ContactID
		}
		want := dbtest.Count(t, d, `SELECT COUNT(*) FROM events WHERE contact_id = ?`, contactID)
		if want <= 50 {
			t.Fatalf("only %d events: the test needs more than the default page", want)
		}
		var got int
		path := "/api/v1/contacts/" + itoa(contactID) + "/events?limit=200"
		for cursor := ""; ; {
			var pg struct {
				Data       []event.Event `json:"data"`
				NextCursor string        `json:"next_cursor"`
			}
			p := path
			if cursor != "" {
				p += "&cursor=" + cursor
			}
			f.get(t, p, "owner", &pg)
			got += len(pg.Data)
			if pg.NextCursor == "" {
				break
			}
			cursor = pg.NextCursor
		}
		if got != want {
			t.Errorf("the timeline at limit=200 served %d events, want all %d", got, want)
		}
	})
}
