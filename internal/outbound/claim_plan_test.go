package outbound

import (
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// TestClaimProbesTheLine: the claim's generic plan on a fresh PostgreSQL
// store (no statistics) checks each candidate's line with one probe of
// outbound_jobs_recipient on its channel and contact. Written with NOT
// EXISTS, it read every pending job per candidate (an anti join whose
// inner scan had no condition), quadratic in a backlog.
func TestClaimProbesTheLine(t *testing.T) {
	plan := dbtest.GenericPlan(t, claimSQL[db.Postgres], "1", "1", "1", "1", "10")
	if !strings.Contains(plan, "Index Cond: ((channel_id = j.channel_id) AND (contact_id = j.contact_id) AND (id < j.id))") {
		t.Errorf("the line is not probed per candidate:\n%s", plan)
	}
}
