// Package demo loads a demo workspace that a person can sign in to and a
// script can drive: an owner, agents in Sales/Support/Billing teams, a few
// contacts, custom fields, closing categories, a custom channel and the
// seed's inbound workflow (welcome, ask, route, assign), started.
package demo

import (
	"context"
	"errors"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/page"
	"github.com/switchboard-chat/switchboard/internal/workflow"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// OwnerEmail is the demo owner's sign-in.
const OwnerEmail = "owner@demo.switchboard.local"

// Services are the parts the loader writes through.
type Services struct {
	Workspaces    *workspace.Service
	Contacts      *contact.Service
	Channels      *channel.Service
	Conversations *conversation.Service
	// Workflows, when set, receives the seed's inbound workflow template.
	Workflows *workflow.Service
}

// Options tune the demo.
type Options struct {
	// NoWorkflows leaves out the inbound workflow, e.g. for a benchmark of
	// the receive path alone.
	NoWorkflows bool
	Password    string // the owner's password
	ChannelURL  string // the custom channel's base URL (where outbound messages go)
}

// Result is what a person or a script needs to use the demo.
type Result struct {
	WorkspaceID   int64  `json:"workspace_id"`
	OwnerEmail    string `json:"owner_email"`
	OwnerPassword string `json:"owner_password,omitempty"`
	APIToken      string `json:"api_token"`
	ChannelID     int64  `json:"channel_id"`
	ChannelToken  string `json:"channel_token"`
	WebhookPath   string `json:"webhook_path"`
	Created       bool   `json:"created"` // false when the demo already existed
}

// Load creates the demo workspace, or finds the existing one; either way it
// issues a fresh API token (tokens are stored hashed and cannot be shown
// again).
func Load(ctx context.Context, s Services, opt Options) (Result, error) {
	if opt.Password == "" {
		opt.Password = "switchboard"
	}
	if opt.ChannelURL == "" {
		opt.ChannelURL = "http://127.0.0.1:9090"
	}
	res := Result{OwnerEmail: OwnerEmail}
	owner, err := s.Workspaces.UserByEmail(ctx, OwnerEmail)
	switch {
	case err == nil:
		res.WorkspaceID = owner.WorkspaceID
		chans, err := s.Channels.List(ctx, res.WorkspaceID, page.All())
		if err != nil {
			return res, err
		}
		for _, c := range chans.Data {
			if c.Type == channel.TypeCustom {
				res.ChannelID, res.ChannelToken = c.ID, c.Token
				break
			}
		}
	case errors.Is(err, apperr.ErrNotFound):
		if err := create(ctx, s, opt, &res); err != nil {
			return res, err
		}
		res.Created, res.OwnerPassword = true, opt.Password
	default:
		return res, err
	}
	_, raw, err := s.Workspaces.CreateToken(ctx, res.WorkspaceID, workspace.NewToken{Name: "demo"})
	if err != nil {
		return res, err
	}
	res.APIToken = raw
	res.WebhookPath = fmt.Sprintf("/channels/custom/%d/webhook", res.ChannelID)
	return res, nil
}
