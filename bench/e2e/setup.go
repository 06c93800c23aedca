package main

import (
	"context"
	"fmt"
	"net/http"
	"slices"
)

// widgetSites is how many sites (origins) embed the benchmark's widget;
// the channel allows at most 20.
const widgetSites = 20

// createWidget makes the widget channel the visitors write to.
func createWidget(ctx context.Context, owner *api) (*widgetSite, error) {
	s := &widgetSite{base: owner.base, http: owner.http}
	for i := range widgetSites {
		s.origins = append(s.origins, fmt.Sprintf("http://shop%02d.bench.test", i))
	}
	var ch struct {
		ID int64 `json:"id"`
	}
	err := owner.do(ctx, http.MethodPost, "/api/v1/channels", map[string]any{"type": "widget", "name": "Bench shops (widget)",
		"config": map[string]any{"allowed_origins": s.origins}}, &ch)
	if err != nil {
		return nil, fmt.Errorf("widget channel: %w", err)
	}
	s.channelID = ch.ID
	return s, nil
}

// createAgents adds n agents through the API as the owner, spread over the
// demo's Sales, Support and Billing teams (which the seed workflow routes
// to), each with the given capacity and a token of its own. They stay
// offline until their presence says otherwise.
func createAgents(ctx context.Context, owner *api, n, capacity int, streams *http.Client, reg *registry) ([]*agent, error) {
	var teams struct {
		Data []struct {
			ID        int64   `json:"id"`
			Name      string  `json:"name"`
			MemberIDs []int64 `json:"member_ids"`
		} `json:"data"`
	}
	if err := owner.do(ctx, http.MethodGet, "/api/v1/teams", nil, &teams); err != nil {
		return nil, err
	}
	members := map[string][]int64{}
	ids := map[string]int64{}
	for _, t := range teams.Data {
		members[t.Name], ids[t.Name] = t.MemberIDs, t.ID
	}
	for _, name := range teamsAnswered {
		if ids[name] == 0 {
			return nil, fmt.Errorf("the demo has no team %q", name)
		}
	}
	var agents []*agent
	for i := range n {
		team := teamsAnswered[i%len(teamsAnswered)]
		var u struct {
			ID int64 `json:"id"`
		}
		if err := owner.do(ctx, http.MethodPost, "/api/v1/users", map[string]string{"email": fmt.Sprintf("agent%03d@bench.test", i),
			"name": fmt.Sprintf("Bench agent %d", i), "role": "agent"}, &u); err != nil {
			return nil, fmt.Errorf("agent %d: %w", i, err)
		}
		if err := owner.do(ctx, http.MethodPut, fmt.Sprintf("/api/v1/users/%d/capacity", u.ID), map[string]int{"capacity": capacity}, nil); err != nil {
			return nil, fmt.Errorf("agent %d capacity: %w", i, err)
		}
		var tok struct {
			Secret string `json:"secret"`
		}
		if err := owner.do(ctx, http.MethodPost, "/api/v1/tokens", map[string]any{"name": fmt.Sprintf("bench agent %d", i), "user_id": u.ID}, &tok); err != nil {
			return nil, fmt.Errorf("agent %d token: %w", i, err)
		}
		members[team] = append(members[team], u.ID)
		agents = append(agents, &agent{index: i, userID: u.ID, team: team, reg: reg, stream: streams,
			api: &api{base: owner.base, token: tok.Secret, http: owner.http}, connected: make(chan struct{})})
	}
	for _, name := range teamsAnswered {
		if err := owner.do(ctx, http.MethodPatch, fmt.Sprintf("/api/v1/teams/%d", ids[name]),
			map[string]any{"name": name, "member_ids": slices.Compact(members[name])}, nil); err != nil {
			return nil, fmt.Errorf("team %s: %w", name, err)
		}
	}
	return agents, nil
}
