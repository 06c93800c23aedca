package workspace

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// On PostgreSQL recording a token's use runs beside other writes: while
// another node's concurrent writes hold the store's write lock shared,
// authenticating must not wait for them to end (through the exclusive
// door it would, and every agent's requests touch their session), and
// the use is recorded.
func TestTokenUseIsRecordedBesideOtherWrites(t *testing.T) {
	ctx := context.Background()
	cfg := dbtest.PostgresConfig(t)
	s, raw := New(dbtest.OpenConfig(t, cfg)), dbtest.Raw(t, cfg)
	ws, err := s.Create(ctx, "A", "UTC")
	if err != nil {
		t.Fatal(err)
	}
	tok, secret, err := s.CreateToken(ctx, ws.ID, NewToken{Name: "agent's"})
	if err != nil {
		t.Fatal(err)
	}

	release := dbtest.HoldConcurrentWrites(t, raw)
	err = dbtest.NeverWaits(t, raw, "recording a token's use", release, func() error {
		_, err := s.Authenticate(ctx, secret)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	release()
	list, err := s.ListTokens(ctx, ws.ID, page.All())
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Data) != 1 || list.Data[0].ID != tok.ID || list.Data[0].LastUsedAt.IsZero() {
		t.Fatalf("tokens after use = %+v, want its last use recorded", list.Data)
	}
}
