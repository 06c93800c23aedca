package conversation

import (
	"context"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// TestLookupProbesIndexes: the receive lookup's generic plan on a fresh
// PostgreSQL store (no statistics, the worst case) probes an index per
// item for each check, and scans no table whole. Written with EXISTS, it
// planned hashed subplans that scanned every message and contact per
// batch until autovacuum's first analyze.
func TestLookupProbesIndexes(t *testing.T) {
	plan := dbtest.GenericPlan(t, pgLookupSQL, `'{1}'::bigint[]`, `'{p}'::text[]`, `'{x}'::text[]`, `'{1}'::bigint[]`,
		`'{+14155550100}'::text[]`, `'{""}'::text[]`)
	if strings.Contains(plan, "Seq Scan") {
		t.Errorf("a table scanned whole:\n%s", plan)
	}
	for _, index := range []string{"messages_provider_id", "contact_identities_external", "contacts_phone", "contacts_email"} {
		if !strings.Contains(plan, "using "+index+" ") {
			t.Errorf("no probe of %s:\n%s", index, plan)
		}
	}
}

// TestIncomingProbesIndexes: the statement that stores a batch's
// messages of known contacts finds the contacts and the conversations it
// updates through their primary keys, in its generic plan on a store
// analyzed with a thousand of each. Joined to the unnest, it planned a
// hash join over each whole table, which under load kept scanning every
// dead row its own updates had left there until the next vacuum.
func TestIncomingProbesIndexes(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t, db.Postgres)
	f := newFixture(t, d)
	err := d.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `WITH c AS (
				INSERT INTO contacts (workspace_id, first_name, created_at, updated_at)
				SELECT ?, 'c' || n, 0, 0 FROM generate_series(1, 1000) n RETURNING id
			)
			INSERT INTO conversations (workspace_id, contact_id, channel_id, status, opened_source, opened_at, last_message_at)
			SELECT ?, id, ?, 'open', 'contact', 0, 0 FROM c`, f.ws.ID, f.ws.ID, f.channel.ID)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `ANALYZE contacts; ANALYZE conversations`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	ids := `'{1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32}'::bigint[]`
	plan := dbtest.GenericPlanOn(t, d, pgIncomingSQL, ids, ids, ids, ids, ids, `'{}'::text[]`, `'{}'::text[]`, `'{}'::text[]`,
		`'{}'::text[]`, ids, `'{}'::boolean[]`, ids, `'{}'::text[]`, `'open'`, `'contact'`, `1`, `1`, `1`, `1`, `1`, `1`, ids, `1`, `1`,
		`0`, `1`, `1`, `'contact'`, ids)
	for _, table := range []string{"contacts", "conversations"} {
		if strings.Contains(plan, "Seq Scan on "+table) {
			t.Errorf("%s scanned whole:\n%s", table, plan)
		}
	}
	if n := strings.Count(plan, "Index Cond: (id = ANY"); n != 2 {
		t.Errorf("%d probes of a primary key by the ids given, want 2 (contacts, conversations):\n%s", n, plan)
	}
}
