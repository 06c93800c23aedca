package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard-chat/switchboard/bench/harness"
	"github.com/switchboard-chat/switchboard/bench/ingest/minimal"
)

// minimalPackage is the command serving the minimal receive pipeline
// (bench/ingest/minimal),
// the baseline switchboard's ingest is read against.
const minimalPackage = "github.com/switchboard-chat/switchboard/bench/ingest/minimal/cmd/minimal"

// buildMinimal compiles the minimal pipeline into dir, with the profile
// switchboard is compiled with: most of both programs' time is in the same
// SQLite driver, which the profile speeds up, so the ratio compares their
// code rather than their compilation.
func buildMinimal(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "minimal")
	pgo, err := harness.Profile(ctx)
	if err != nil {
		return "", err
	}
	out, err := exec.CommandContext(ctx, "go", "build", "-pgo="+pgo, "-o", bin, minimalPackage).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build %s: %w\n%s", minimalPackage, err, out)
	}
	return bin, nil
}

// runMinimalLevel is runLevel for the minimal pipeline: a fresh data
// folder, the pipeline as a child process, the same webhooks from the
// same load generator, then its file checked like switchboard's.
func runMinimalLevel(ctx context.Context, bin string, concurrency, n int, duration time.Duration) (levelResult, error) {
	res := levelResult{Concurrency: concurrency, Nodes: 1}
	dir, err := os.MkdirTemp("", "switchboard-bench-minimal-*")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dir)
	key := make([]byte, 24)
	rand.Read(key)
	token := hex.EncodeToString(key)
	const channelID = 1
	srv, err := harness.Start(ctx, harness.Options{Bin: bin, LogFile: filepath.Join(dir, "minimal.log"),
		Command: []string{"-data", dir, "-channel", fmt.Sprint(channelID), "-token", token}})
	if err != nil {
		return res, err
	}
	defer srv.Kill() // only if we return early
	wh := &harness.Webhook{URL: fmt.Sprintf("%s/channels/custom/%d/webhook", srv.URL, channelID), ChannelID: channelID,
		Token: token, HTTP: harness.NewClient(concurrency)}

	cpu0 := harness.SelfCPU()
	srv0, srvOK := srv.CPUSoFar()
	busy0, busyOK := harness.MachineBusy()
	lat, firstErr := generate(ctx, []*harness.Webhook{wh}, concurrency, n, duration, &res)
	busy1, _ := harness.MachineBusy()
	srv1, _ := srv.CPUSoFar()
	res.ClientCPU = harness.SelfCPU() - cpu0
	res.FirstError = firstErr
	slices.Sort(lat)
	res.P50, res.P99 = percentile(lat, 0.50), percentile(lat, 0.99)
	if len(lat) > 0 {
		res.Max = lat[len(lat)-1]
	}
	if err := srv.Stop(30 * time.Second); err != nil {
		return res, fmt.Errorf("stop the minimal pipeline: %w", err)
	}
	res.ServerCPU = srv1 - srv0
	if !srvOK {
		user, sys := srv.CPU()
		res.ServerCPU = user + sys
	}
	res.NodeCPU = []time.Duration{res.ServerCPU}
	res.OtherCPU = -1
	if busyOK {
		res.OtherCPU = max(0, busy1-busy0-res.ServerCPU-res.ClientCPU)
	}
	return res, verifyMinimal(ctx, dir, &res)
}

// verifyMinimal checks the stopped pipeline's file as verifyStored checks
// switchboard's: every acknowledged message stored once, one contact each.
func verifyMinimal(ctx context.Context, dir string, res *levelResult) error {
	st, err := harness.OpenSQLite(filepath.Join(dir, minimal.File))
	if err != nil {
		return err
	}
	defer st.Close()
	var distinct int64
	if err := st.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT provider_message_id) FROM messages`).Scan(&res.Stored, &distinct); err != nil {
		return fmt.Errorf("count stored messages: %w", err)
	}
	if err := st.QueryRowContext(ctx, `SELECT COUNT(*) FROM contacts`).Scan(&res.Contacts); err != nil {
		return fmt.Errorf("count contacts: %w", err)
	}
	judgeStored(res, distinct)
	res.Indexes, err = indexCounts(ctx, st, "contacts", "conversations", "messages", "events")
	return err
}

// indexCounts lists how many indexes each table has (those SQLite makes
// for UNIQUE constraints included), every one of which an insert updates,
// and its triggers, which run with the insert.
func indexCounts(ctx context.Context, st *sql.DB, tables ...string) (string, error) {
	var parts []string
	for _, t := range tables {
		var indexes, triggers int
		if err := st.QueryRowContext(ctx, `SELECT COUNT(*) FILTER (WHERE type = 'index'), COUNT(*) FILTER (WHERE type = 'trigger')
			FROM sqlite_master WHERE tbl_name = ?`, t).Scan(&indexes, &triggers); err != nil {
			return "", fmt.Errorf("count the indexes of %s: %w", t, err)
		}
		part := fmt.Sprintf("%s %d", t, indexes)
		switch {
		case triggers == 1:
			part += " (+1 trigger)"
		case triggers > 1:
			part += fmt.Sprintf(" (+%d triggers)", triggers)
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, ", "), nil
}

// runMinimalStore is the minimal pipeline without HTTP or JSON: n
// messages, each the first of a new contact, stored by concurrency
// goroutines calling its store in this process, which shares their
// commits as the served pipeline does. Its CPU is the pipeline's SQLite
// and group-commit cost alone.
func runMinimalStore(ctx context.Context, n, concurrency int) (rawResult, error) {
	res := rawResult{Batch: concurrency, Messages: n}
	dir, err := os.MkdirTemp("", "switchboard-minimal-store-*")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dir)
	st, err := minimal.Open(ctx, dir)
	if err != nil {
		return res, err
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, concurrency)
	start, cpu0 := time.Now(), harness.SelfCPU()
	for range concurrency {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				out, err := st.Receive(ctx, []minimal.Item{{ChannelID: 1, ExternalID: contactID(i), FirstName: "Bench",
					MID: fmt.Sprintf("bench-%d", i), Type: "text", Text: "hello from the benchmark", SentAt: time.Now().UnixMilli()}})
				if err == nil && (len(out) != 1 || !out[0].Opened) {
					err = fmt.Errorf("message %d: %+v, want one that opened a conversation", i, out)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	res.Elapsed, res.CPU = time.Since(start), harness.SelfCPU()-cpu0
	close(errs)
	return res, errors.Join(<-errs, st.Close())
}

// statementsNote says how many SQL statements each path runs for the
// first message of a new contact, read from the code at this commit
// (bench/ingest/minimal/store.go; internal/conversation/receive_group.go,
// internal/contact and internal/event), not measured: the one writer
// executes them one after another, so they set the serial cost per message.
const statementsNote = "the minimal pipeline runs 5 statements for a new contact's message and writes 5 rows " +
	"(redelivery check, contact upsert, conversation upsert, message, both events in one INSERT); " +
	"Switchboard writes 7 rows per message but gathers the webhooks that arrive while earlier ones are written into one receive batch, " +
	"which runs about ten statements whatever its size (redelivery check, identity lookup and phone lookup for all its messages, " +
	"the workspace's default stage and auto-close, the last ids, then one multi-row INSERT per table for contacts, identities, conversations, " +
	"messages and events, each split in chunks of a power of two rows)"
