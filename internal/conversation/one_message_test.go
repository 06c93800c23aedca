package conversation

import (
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// TestMessageByProviderIDProbesTheIndex: a reaction names its message by
// provider id in either direction. The generic plan on a fresh
// PostgreSQL store probes the unique index on all three of its columns;
// without the direction it walked every entry of the channel.
func TestMessageByProviderIDProbesTheIndex(t *testing.T) {
	plan := dbtest.GenericPlan(t, messageByProviderID, `1`, `'in'`, `'out'`, `'wamid.1'`)
	if !strings.Contains(plan, "using messages_provider_id") || !strings.Contains(plan, "direction = ANY") || strings.Contains(plan, "Seq Scan") {
		t.Errorf("not a probe of messages_provider_id on channel, direction and provider id:\n%s", plan)
	}
}
