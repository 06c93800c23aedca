package conversation

import (
	"context"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// A list row carries the contact's name and its newest message, whoever
// wrote it, so the inbox draws a row without a request per row.
func TestListRowsCarryContactAndLastMessage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newInbox(t, d)
		pg, err := f.svc.List(context.Background(), f.owner, ListFilter{}, page.Request{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		byID := map[int64]Conversation{}
		for _, c := range pg.Data {
			byID[c.ID] = c
		}
		cases := []struct {
			conv      int
			name      string
			direction string
			text      string
		}{
			{0, "Person0 Doe", "in", "hello"},
			{1, "Person1 Doe", "out", "hi"},   // answered: the reply is newest
			{2, "Person2 Doe", "in", "again"}, // wrote twice
			{7, "Zoë Quinn", "in", "hello"},
		}
		for _, tc := range cases {
			c, ok := byID[f.convs[tc.conv].ID]
			if !ok {
				t.Fatalf("conversation %d missing from the list", tc.conv)
			}
			if c.ContactName != tc.name {
				t.Errorf("conversation %d: contact_name %q, want %q", tc.conv, c.ContactName, tc.name)
			}
			if c.LastMessage == nil || c.LastMessage.Direction != tc.direction || c.LastMessage.Text != tc.text {
				t.Errorf("conversation %d: last_message %+v, want %s %q", tc.conv, c.LastMessage, tc.direction, tc.text)
			}
		}
	})
}

func TestPreviewText(t *testing.T) {
	long := strings.Repeat("é", 200)
	cases := []struct{ in, want string }{
		{"hello", "hello"},
		{"two\nlines\t here", "two lines here"},
		{long, strings.Repeat("é", previewRunes-1) + "…"},
	}
	for _, tc := range cases {
		if got := clip(tc.in, previewRunes); got != tc.want {
			t.Errorf("clip(%.20q) = %.30q, want %.30q", tc.in, got, tc.want)
		}
	}
	if got := DisplayName("", "", "", "a@b.test"); got != "a@b.test" {
		t.Errorf("DisplayName falls back to the email: %q", got)
	}
	if got := DisplayName(" ", "", "+33 6", "a@b.test"); got != "+33 6" {
		t.Errorf("DisplayName prefers the phone to the email: %q", got)
	}
}
