package main

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/routing"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// world is a store with a workspace of agents in teams and a routing
// service whose engines run, as a node would have them.
type world struct {
	d       *db.DB
	dir     string
	hub     *event.Hub
	routing *routing.Service
	conv    *conversation.Service
	wsID    int64
	teams   []int64
	agents  []int64
	// committed holds when each assignment committed (conversation id →
	// time.Time), for the refill run's stages.
	committed sync.Map
}

func openWorld(ctx context.Context, pg string, agents, teams int, capacity *int) (*world, error) {
	w := &world{hub: event.NewHub()}
	cfg := db.Config{URL: pg}
	if pg == "" {
		dir, err := os.MkdirTemp("", "switchboard-routing-bench-*")
		if err != nil {
			return nil, err
		}
		w.dir, cfg.DataDir = dir, dir
	}
	d, err := db.Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	w.d = d
	d.OnEvents(w.hub.Notify)
	w.routing = routing.New(d, routing.Options{Hub: w.hub, Assigned: func(conv, _ int64) { w.committed.Store(conv, time.Now()) }})
	w.conv = conversation.New(d)
	w.conv.OnSlotFreed(w.routing.RefillTx) // as the app wires them: a close refills in its own commit
	ws := workspace.New(d)
	wsp, err := ws.Create(ctx, fmt.Sprintf("bench %d", time.Now().UnixNano()), "UTC")
	if err != nil {
		return nil, err
	}
	w.wsID = wsp.ID
	members := make([][]int64, teams)
	for i := range agents {
		u, err := ws.CreateUser(ctx, w.wsID, workspace.NewUser{Email: fmt.Sprintf("agent%d-%d@bench.test", i, w.wsID), Name: fmt.Sprintf("Agent %d", i)})
		if err != nil {
			return nil, err
		}
		w.agents = append(w.agents, u.ID)
		members[i%teams] = append(members[i%teams], u.ID)
		if i%4 == 0 { // a quarter of the agents also work in a second team
			members[(i+1)%teams] = append(members[(i+1)%teams], u.ID)
		}
		if capacity != nil {
			if err := w.routing.SetCapacity(ctx, w.wsID, u.ID, capacity); err != nil {
				return nil, err
			}
		}
		if _, err := w.routing.Heartbeat(ctx, w.wsID, u.ID, "bench"); err != nil {
			return nil, err
		}
	}
	for i := range teams {
		t, err := ws.CreateTeam(ctx, w.wsID, workspace.TeamInput{Name: fmt.Sprintf("team %d", i), MemberIDs: members[i]})
		if err != nil {
			return nil, err
		}
		w.teams = append(w.teams, t.ID)
	}
	w.routing.Start(ctx)
	return w, nil
}

func (w *world) close() {
	w.routing.Close()
	w.d.Close()
	if w.dir != "" {
		os.RemoveAll(w.dir)
	}
}

// conversations inserts n open, unassigned conversations (one contact
// each): setup, not measured.
func (w *world) conversations(ctx context.Context, n int) ([]int64, error) {
	ids := make([]int64, 0, n)
	now := w.d.Now()
	for len(ids) < n {
		var batch []int64 // kept only once committed: Write may run fn again
		err := w.d.Write(ctx, func(tx *db.Tx) error {
			batch = batch[:0]
			for range min(5000, n-len(ids)) {
				var contact, id int64
				if err := tx.QueryRow(ctx, `INSERT INTO contacts (workspace_id, first_name, created_at, updated_at) VALUES (?, 'c', ?, ?) RETURNING id`,
					w.wsID, now, now).Scan(&contact); err != nil {
					return err
				}
				if err := tx.QueryRow(ctx, `INSERT INTO conversations (workspace_id, contact_id, status, opened_source, opened_at) VALUES (?, ?, 'open', 'api', ?) RETURNING id`,
					w.wsID, contact, now).Scan(&id); err != nil {
					return err
				}
				batch = append(batch, id)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		ids = append(ids, batch...)
	}
	return ids, nil
}
