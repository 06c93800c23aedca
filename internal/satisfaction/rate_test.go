package satisfaction_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/satisfaction"
)

// ratedEvents returns the payloads of the conversation's
// conversation.rated events, in order.
func ratedEvents(t *testing.T, d *db.DB, conv int64) []map[string]any {
	t.Helper()
	rows, err := d.Reader().Query(context.Background(), `SELECT payload FROM events WHERE conversation_id = ? AND type = 'conversation.rated' ORDER BY id`, conv)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []map[string]any
	for rows.Next() {
		var raw string
		var p map[string]any
		if err := rows.Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(raw), &p); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// The contact rates through the link: the rating and comment are kept, a
// change is told to the conversation (with the rating it replaces), the
// same answer again is nothing new, a wrong rating or comment is refused
// and changes nothing, and the link takes nothing past its lifetime.
func TestRate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		conv, token := w.survey(t, "+14155550100")

		v, err := w.sat.Get(ctx, token)
		if err != nil || v.WorkspaceName != "Acme" || v.Rating != 0 || v.Expired || !v.RatedAt.IsZero() {
			t.Fatalf("a fresh survey = %+v, %v; want Acme's, unrated", v, err)
		}
		if v, err = w.sat.Rate(ctx, token, 4, "  Quick and kind "); err != nil || v.Rating != 4 || v.Comment != "Quick and kind" || v.RatedAt.IsZero() {
			t.Fatalf("rate 4 = %+v, %v", v, err)
		}
		if _, err := w.sat.Rate(ctx, token, 4, "Quick and kind"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.sat.Rate(ctx, token, 2, "Slow after all"); err != nil {
			t.Fatal(err)
		}
		got := ratedEvents(t, d, conv)
		if len(got) != 2 || got[0]["rating"] != 4.0 || got[0]["comment"] != "Quick and kind" || got[0]["previous_rating"] != nil ||
			got[1]["rating"] != 2.0 || got[1]["previous_rating"] != 4.0 {
			t.Fatalf("conversation.rated payloads = %v; want 4 then 2 replacing 4, the repeat not told", got)
		}

		for _, tc := range []struct {
			name    string
			token   string
			rating  int
			comment string
			kind    apperr.Kind
		}{
			{"rating 0", token, 0, "", apperr.KindInvalid},
			{"rating 6", token, 6, "", apperr.KindInvalid},
			{"a comment too long", token, 3, strings.Repeat("é", satisfaction.MaxCommentLen+1), apperr.KindInvalid},
			{"an unknown token", "nope", 3, "", apperr.KindNotFound},
			{"a token too long", strings.Repeat("a", 65), 3, "", apperr.KindNotFound},
			{"no token", "", 3, "", apperr.KindNotFound},
		} {
			if _, err := w.sat.Rate(ctx, tc.token, tc.rating, tc.comment); apperr.KindOf(err) != tc.kind {
				t.Errorf("%s: %v, want %s", tc.name, err, tc.kind)
			}
		}
		if v, _ := w.sat.Get(ctx, token); v.Rating != 2 || v.Comment != "Slow after all" || len(ratedEvents(t, d, conv)) != 2 {
			t.Fatalf("after refused ratings: %+v; want 2, unchanged", v)
		}

		w.clk.Advance(satisfaction.LinkLifetime - time.Millisecond)
		if _, err := w.sat.Rate(ctx, token, 3, ""); err != nil {
			t.Fatalf("on the link's last millisecond: %v", err)
		}
		w.clk.Advance(time.Millisecond)
		_, err = w.sat.Rate(ctx, token, 5, "")
		if apperr.KindOf(err) != apperr.KindGone || apperr.CodeOf(err) != "survey_expired" {
			t.Fatalf("past the link's lifetime: %v, want 410 survey_expired", err)
		}
		if v, _ := w.sat.Get(ctx, token); !v.Expired || v.Rating != 3 {
			t.Fatalf("an expired survey = %+v; want expired, its last rating 3", v)
		}
	})
}

// One link cannot fill a conversation's timeline: its answer changes
// MaxAnswers times at most; the same answer again is no change.
func TestRateChangesAreBounded(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		conv, token := w.survey(t, "+14155550100")
		for i := range satisfaction.MaxAnswers {
			if _, err := w.sat.Rate(ctx, token, 1+i%5, ""); err != nil {
				t.Fatalf("change %d: %v", i+1, err)
			}
		}
		last, _ := w.sat.Get(ctx, token)
		if _, err := w.sat.Rate(ctx, token, last.Rating, ""); err != nil {
			t.Fatalf("the same answer again, at the bound: %v", err)
		}
		_, err := w.sat.Rate(ctx, token, 1+last.Rating%5, "")
		if apperr.KindOf(err) != apperr.KindConflict || apperr.CodeOf(err) != "survey_answered_too_often" {
			t.Fatalf("change %d: %v, want 409 survey_answered_too_often", satisfaction.MaxAnswers+1, err)
		}
		if n := len(ratedEvents(t, d, conv)); n != satisfaction.MaxAnswers {
			t.Fatalf("%d conversation.rated events, want %d", n, satisfaction.MaxAnswers)
		}
	})
}
