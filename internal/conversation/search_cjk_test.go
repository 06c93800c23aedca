package conversation

import (
	"context"
	"slices"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// TestSearchFindsChineseAndJapanese: unspaced text is found by any part
// of it, on both stores (each run indexed as its pairs of characters),
// and the passage marks the characters found, not the whole sentence.
func TestSearchFindsChineseAndJapanese(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newInbox(t, d)
		g := runSearchIndex(t, f.fixture)
		case1 := f.receiveOne(t, f.inbound("+14155550001", "c1", "我的手机壳坏了，请帮我换一个")).MessageID
		tokyo := f.receiveOne(t, f.inbound("+14155550002", "c2", "東京都に住んでいます。iPhoneのケースが届いていません")).MessageID
		kyoto := f.receiveOne(t, f.inbound("+14155550003", "c3", "京都駅で待っています")).MessageID
		backgroundtest.WaitIdle(t, g)

		for _, c := range []struct {
			q     string
			found []int64
		}{
			{"手机壳", []int64{case1}},
			{"壳", []int64{case1}},         // one character, the run's last but two
			{"坏了", []int64{case1}},        // the end of a run
			{"手机 坏", []int64{case1}},      // two parts, spaced
			{"京都", []int64{kyoto, tokyo}}, // inside 東京都 too
			{"東京都", []int64{tokyo}},
			{"住んで", []int64{tokyo}},
			{"iphone ケース", []int64{tokyo}},
			{"待って", []int64{kyoto}},
			{"手表", nil},
		} {
			find := func(req page.Request) (page.Page[MessageHit], error) {
				return f.svc.SearchMessages(ctx, f.owner, c.q, ListFilter{}, req)
			}
			if got := walkHits(t, find, func(h MessageHit) int64 { return h.Message.ID }); !slices.Equal(got, c.found) {
				t.Errorf("%q found %v, want %v", c.q, got, c.found)
			}
		}

		pg, err := f.svc.SearchMessages(ctx, f.owner, "京都", ListFilter{}, page.First())
		if err != nil || len(pg.Data) != 2 {
			t.Fatalf("search: %v, %v", pg.Data, err)
		}
		if got := snippetString(pg.Data[1].Snippet); got != "東[京都]に住んでいます。iPhoneのケースが届いていません" {
			t.Errorf("snippet %q", got)
		}
	})
}
