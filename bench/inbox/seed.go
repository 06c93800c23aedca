package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// inbox is a workspace with many open conversations spread over teams,
// agents and channels, and the principals that look at it.
type inbox struct {
	d       *db.DB
	conv    *conversation.Service
	owner   access.Principal // sees everything
	agent   access.Principal // sees their own and their teams' unassigned
	teams   []int64
	agents  []int64
	channel []int64
}

// shape says how big the inbox is.
type shape struct {
	Conversations, Teams, Agents, Channels int
}

// seed builds the inbox. People, teams and channels go through their
// services; contacts and conversations are bulk inserts in one transaction
// (100,000 in seconds) with one or two messages each, spread as an inbox is: a third unassigned, the
// rest over the agents, every conversation in a team, a quarter waiting,
// a tenth of the contacts tagged vip.
func seed(ctx context.Context, d *db.DB, sh shape) (*inbox, error) {
	ws := workspace.New(d)
	wsp, err := ws.Create(ctx, "inbox bench", "UTC")
	if err != nil {
		return nil, err
	}
	in := &inbox{d: d, conv: conversation.New(d)}
	owner, err := ws.CreateUser(ctx, wsp.ID, workspace.NewUser{Email: fmt.Sprintf("owner-%d@bench.test", wsp.ID), Name: "Owner", Role: "owner"})
	if err != nil {
		return nil, err
	}
	in.owner = access.Principal{WorkspaceID: wsp.ID, UserID: owner.ID, Role: access.RoleOwner, Can: access.Defaults(access.RoleOwner)}
	members := make([][]int64, sh.Teams)
	for i := range sh.Agents {
		u, err := ws.CreateUser(ctx, wsp.ID, workspace.NewUser{Email: fmt.Sprintf("agent%d-%d@bench.test", i, wsp.ID), Name: fmt.Sprintf("Agent %d", i)})
		if err != nil {
			return nil, err
		}
		in.agents = append(in.agents, u.ID)
		members[i%sh.Teams] = append(members[i%sh.Teams], u.ID)
	}
	for i := range sh.Teams {
		t, err := ws.CreateTeam(ctx, wsp.ID, workspace.TeamInput{Name: fmt.Sprintf("team %d", i), MemberIDs: members[i]})
		if err != nil {
			return nil, err
		}
		in.teams = append(in.teams, t.ID)
	}
	in.agent = access.Principal{WorkspaceID: wsp.ID, UserID: in.agents[0], Role: access.RoleAgent, Teams: []int64{in.teams[0]},
		Can: access.Defaults(access.RoleAgent)}
	chs := channel.New(d)
	for i := range sh.Channels {
		c, err := chs.Create(ctx, wsp.ID, channel.Input{Type: channel.TypeCustom, Name: fmt.Sprintf("channel %d", i),
			Config: json.RawMessage(`{"base_url":"https://example.com/hook"}`)})
		if err != nil {
			return nil, err
		}
		in.channel = append(in.channel, c.ID)
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	now := d.Now()
	err = d.Write(ctx, func(tx *db.Tx) error {
		var vip int64
		if err := tx.QueryRow(ctx, `INSERT INTO tags (workspace_id, name, created_at) VALUES (?, 'vip', ?) RETURNING id`, wsp.ID, now).Scan(&vip); err != nil {
			return err
		}
		for i := range sh.Conversations {
			var contactID int64
			if err := tx.QueryRow(ctx, `INSERT INTO contacts (workspace_id, first_name, last_name, phone, email, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, wsp.ID, fmt.Sprintf("Contact%d", i), "Bench", fmt.Sprintf("+1555%07d", i),
				fmt.Sprintf("c%d@bench.test", i), now, now).Scan(&contactID); err != nil {
				return err
			}
			if i%10 == 0 { // a tenth of the contacts are VIPs
				if _, err := tx.Exec(ctx, `INSERT INTO contact_tags (contact_id, tag_id) VALUES (?, ?)`, contactID, vip); err != nil {
					return err
				}
			}
			// Conversations opened over the last 30 days, their last
			// message since; times repeat so sorts meet ties.
			opened := now - int64(rnd.IntN(30*24*3600))*1000
			last := opened + int64(rnd.IntN(3600))*1000
			waiting := conversation.NotWaiting
			if i%4 == 0 {
				waiting = last
			}
			var assignee any
			team := in.teams[i%sh.Teams]
			if i%3 != 0 {
				tm := members[i%sh.Teams]
				assignee = tm[rnd.IntN(len(tm))]
			}
			var convID int64
			if err := tx.QueryRow(ctx, `INSERT INTO conversations (workspace_id, contact_id, channel_id, status, opened_source, assignee_id,
				team_id, last_seq, last_message_at, last_incoming_at, opened_at, waiting_since) VALUES (?, ?, ?, 'open', 'contact', ?, ?, 2, ?, ?, ?, ?)
				RETURNING id`, wsp.ID, contactID, in.channel[i%sh.Channels], assignee, team, last, last, opened, waiting).Scan(&convID); err != nil {
				return err
			}
			// Each conversation's messages: the contact's first, and a
			// reply in those not waiting, so a row's preview (the newest
			// message) is looked up among several.
			msgs := []string{"in"}
			if waiting == conversation.NotWaiting {
				msgs = append(msgs, "out")
			}
			for k, dir := range msgs {
				sender := map[string]string{"in": "contact", "out": "user"}[dir]
				if _, err := tx.Exec(ctx, `INSERT INTO messages (workspace_id, conversation_id, contact_id, channel_id, direction, sender,
					type, text, status, created_at) VALUES (?, ?, ?, ?, ?, ?, 'text', ?, ?, ?)`, wsp.ID, convID, contactID, in.channel[i%sh.Channels],
					dir, sender, fmt.Sprintf("Message %d of conversation %d: where is my order?", k, i), map[string]string{"in": "received", "out": "delivered"}[dir],
					opened+int64(k)*1000); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("seed conversations: %w", err)
	}
	// Two saved views for the agent, as the inbox would have.
	for _, v := range []conversation.ViewInput{
		{Name: "Waiting on channel 0", Filter: conversation.ListFilter{Status: "open", ChannelID: in.channel[0], Sort: conversation.SortWaiting}},
		{Name: "My team, unassigned", Filter: conversation.ListFilter{Status: "open", TeamID: in.teams[0], Assignee: "none"}},
	} {
		for _, p := range []access.Principal{in.agent, in.owner} {
			if _, err := in.conv.CreateView(ctx, p, v); err != nil {
				return nil, err
			}
		}
	}
	return in, nil
}
