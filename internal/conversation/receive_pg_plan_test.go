package conversation

import (
	"strings"
	"testing"

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
