package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/custom"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/workflow"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// create writes the demo workspace and fills res.
func create(ctx context.Context, s Services, opt Options, res *Result) error {
	// What the operator chose (the password, the channel's address) is
	// checked before anything is written: once the owner exists, Load
	// takes the workspace for the demo, so a refusal after it would leave
	// a demo without its channel, workflow and contacts for good.
	owner := workspace.NewUser{Email: OwnerEmail, Name: "Olivia Owner", Role: workspace.RoleOwner, Password: opt.Password}
	if err := workspace.CheckNewUser(owner); err != nil {
		return fmt.Errorf("demo: owner: %w", err)
	}
	cfg, _ := json.Marshal(custom.Config{BaseURL: opt.ChannelURL})
	chIn := channel.Input{Type: channel.TypeCustom, Name: "Website (custom channel)", Config: cfg}
	if err := s.Channels.Check(chIn); err != nil {
		return fmt.Errorf("demo: channel: %w", err)
	}
	ws, err := s.Workspaces.Create(ctx, "Demo Company", "UTC")
	if err != nil {
		return err
	}
	res.WorkspaceID = ws.ID
	if _, err := s.Workspaces.CreateUser(ctx, ws.ID, owner); err != nil {
		return fmt.Errorf("demo: owner: %w", err)
	}
	agents := map[string][]string{ // team -> agents
		"Sales":   {"Sam Sales", "Sasha Seller"},
		"Support": {"Alex Support", "Robin Helper"},
		"Billing": {"Bea Billing"},
	}
	for _, team := range []string{"Sales", "Support", "Billing"} {
		var ids []int64
		for _, name := range agents[team] {
			email := fmt.Sprintf("%s@demo.switchboard.local", firstWord(name))
			u, err := s.Workspaces.CreateUser(ctx, ws.ID, workspace.NewUser{Email: email, Name: name, Role: workspace.RoleAgent})
			if err != nil {
				return fmt.Errorf("demo: agent: %w", err)
			}
			ids = append(ids, u.ID)
		}
		if _, err := s.Workspaces.CreateTeam(ctx, ws.ID, workspace.TeamInput{Name: team, MemberIDs: ids}); err != nil {
			return fmt.Errorf("demo: team: %w", err)
		}
	}
	for _, f := range []contact.Field{
		{Key: "need", Name: "What they need", Type: "list", Options: []string{"sales", "support", "billing"}},
		{Key: "order_number", Name: "Order number", Type: "text"},
		{Key: "company_size", Name: "Company size", Type: "number"},
	} {
		if _, err := s.Contacts.CreateField(ctx, ws.ID, f); err != nil {
			return fmt.Errorf("demo: field: %w", err)
		}
	}
	for _, c := range []string{"Resolved", "Follow-up needed", "Spam"} {
		if _, err := s.Conversations.CreateCategory(ctx, ws.ID, c); err != nil {
			return fmt.Errorf("demo: category: %w", err)
		}
	}
	ch, err := s.Channels.Create(ctx, ws.ID, chIn)
	if err != nil {
		return fmt.Errorf("demo: channel: %w", err)
	}
	res.ChannelID, res.ChannelToken = ch.ID, ch.Token
	if !opt.NoWorkflows {
		if err := inboundWorkflow(ctx, s, ws.ID); err != nil {
			return err
		}
	}
	for _, c := range []struct{ first, last, phone, email string }{
		{"Maria", "Garcia", "+14155550101", "maria@example.com"},
		{"Kenji", "Tanaka", "+14155550102", "kenji@example.com"},
		{"Amara", "Okafor", "+14155550103", ""},
	} {
		in := contact.Input{FirstName: &c.first, LastName: &c.last, Phone: &c.phone}
		if c.email != "" {
			in.Email = &c.email
		}
		if _, err := s.Contacts.Create(ctx, ws.ID, in); err != nil {
			return fmt.Errorf("demo: contact: %w", err)
		}
	}
	return nil
}

func firstWord(s string) string {
	for i, r := range s {
		if r == ' ' {
			return strings.ToLower(s[:i])
		}
	}
	return strings.ToLower(s)
}

// inboundWorkflow loads the seed's inbound-conversation workflow from its
// shipped template, publishes and starts it.
func inboundWorkflow(ctx context.Context, s Services, workspaceID int64) error {
	if s.Workflows == nil {
		return nil
	}
	def, err := workflow.TemplateDefinition("inbound_conversation")
	if err != nil {
		return err
	}
	w, err := s.Workflows.Create(ctx, workspaceID, def)
	if err != nil {
		return fmt.Errorf("demo: workflow: %w", err)
	}
	if _, err := s.Workflows.Publish(ctx, workspaceID, w.ID, workflow.Edit{}); err != nil {
		return fmt.Errorf("demo: publish workflow: %w", err)
	}
	if _, err := s.Workflows.SetActive(ctx, workspaceID, w.ID, true); err != nil {
		return fmt.Errorf("demo: start workflow: %w", err)
	}
	return nil
}
