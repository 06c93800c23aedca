package crashtest

import (
	"database/sql"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/bench/harness"
)

// TestBackupWhileServing runs `switchboard backup` against a SQLite node
// receiving webhooks: the copy passes PRAGMA integrity_check and holds
// every message acknowledged before the backup began, each webhook's
// messages all or none.
func TestBackupWhileServing(t *testing.T) {
	bin := binary(t)
	ctx := t.Context()
	dir := t.TempDir()
	store := harness.StoreArgs(dir, "")
	demo, err := harness.LoadDemo(ctx, bin, store)
	if err != nil {
		t.Fatal(err)
	}
	logFile := filepath.Join(t.TempDir(), "serve.log")
	srv, err := harness.Start(ctx, harness.Options{Bin: bin, StoreArgs: store, LogFile: logFile})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Kill)
	ld := startLoad(ctx, []*harness.Webhook{harness.NewWebhook(srv.URL, demo, 8)}, 1, 8)
	ld.waitAcked(t, 0, minAcked, "before the backup")

	ackedBefore := ackedIDs(ld.l)
	out := filepath.Join(t.TempDir(), "copy.db")
	res, err := exec.CommandContext(ctx, bin, "backup", "--data", dir, "--out", out).CombinedOutput()
	if err != nil {
		t.Fatalf("switchboard backup: %v\n%s", err, res)
	}
	_, ackedDuring, _ := ld.l.counts()
	ld.end()
	if ackedDuring <= len(ackedBefore) {
		t.Fatalf("no message was acknowledged while the backup ran (%d before, %d after): the test proves nothing", len(ackedBefore), ackedDuring)
	}
	if !strings.Contains(string(res), "integrity ok") {
		t.Errorf("switchboard backup printed %q", res)
	}

	copyDB, err := sql.Open("sqlite", "file:"+out+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	var check string
	if err := copyDB.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check of the copy: %q, %v", check, err)
	}
	inCopy := map[string]bool{}
	rows, err := copyDB.QueryContext(ctx, fmt.Sprintf(`SELECT provider_message_id FROM messages WHERE channel_id = %d AND direction = 'in'`, demo.ChannelID))
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var mid string
		rows.Scan(&mid)
		inCopy[mid] = true
	}
	rows.Close()
	missing := 0
	for _, id := range ackedBefore {
		if !inCopy[id] {
			missing++
		}
	}
	if missing > 0 {
		t.Errorf("%d of the %d messages acknowledged before the backup are not in the copy", missing, len(ackedBefore))
	}
	ld.l.mu.Lock()
	for _, w := range ld.l.webhooks {
		n := 0
		for _, id := range w.mIDs {
			if inCopy[id] {
				n++
			}
		}
		if n != 0 && n != len(w.mIDs) {
			t.Errorf("the copy holds %d of webhook %v's %d messages: half a transaction", n, w.mIDs, len(w.mIDs))
		}
	}
	ld.l.mu.Unlock()
	t.Logf("%d messages acknowledged before the backup, %d by its end; the copy holds %d", len(ackedBefore), ackedDuring, len(inCopy))
	if err := srv.Stop(15 * time.Second); err != nil {
		t.Errorf("graceful stop: %v", err)
	}
	checkNoRace(t, logFile)
}

// ackedIDs lists the message ids of every acknowledged webhook so far.
func ackedIDs(l *ledger) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var ids []string
	for _, w := range l.webhooks {
		if w.acked {
			ids = append(ids, w.mIDs...)
		}
	}
	return ids
}
