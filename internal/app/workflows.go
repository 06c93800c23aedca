package app

import (
	"context"

	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/routing"
	"github.com/switchboard-chat/switchboard/internal/workflow"
)

// routingAssigner lets the workflow engine's Assign To step call routing:
// workflow declares the Assigner it needs, routing satisfies it through
// this adapter, and neither package imports the other.
type routingAssigner struct{ svc *routing.Service }

var _ workflow.Assigner = routingAssigner{}

func (a routingAssigner) AssignTx(ctx context.Context, tx *db.Tx, req workflow.AssignRequest) (workflow.AssignResult, error) {
	res, err := a.svc.AssignTx(ctx, tx, routing.Request{WorkspaceID: req.WorkspaceID, ConversationID: req.ConversationID,
		Target: req.Target, UserID: req.UserID, TeamID: req.TeamID, Strategy: req.Strategy, OnlyOnline: req.OnlyOnline,
		MaxOpen: req.MaxOpen, Force: req.Force, Queue: req.Queue, NoQueue: !req.Queue, Priority: req.Priority,
		Source: req.Source, ByUserID: req.ByUserID})
	if err != nil {
		return workflow.AssignResult{}, err
	}
	return workflow.AssignResult{Assigned: res.Assigned, UserID: res.UserID, Queued: res.Queued, Position: res.Position,
		Reason: res.Reason.Summary}, nil
}

func (a routingAssigner) LeaveQueueTx(ctx context.Context, tx *db.Tx, workspaceID, conversationID int64) error {
	return routing.DequeueTx(ctx, tx, workspaceID, conversationID)
}

// wireWorkflows builds the workflow service and its engine (which
// consumes the event log and advances runs), assigning through routing;
// it runs after routing is built.
func (a *App) wireWorkflows() {
	var assigner workflow.Assigner
	if a.Routing != nil {
		assigner = routingAssigner{a.Routing}
	}
	a.Workflows = workflow.NewService(a.DB)
	// Workflows name lifecycle stages and closing categories by name, and
	// saved views stages and tags: a rename in the settings is carried
	// into them in its transaction.
	a.Contacts.SetStageUsers(contact.NameUsersOf(a.Workflows.SettingNames(workflow.LifecycleStage), conversation.ViewNames("stage")))
	a.Conversations.SetCategoryUsers(a.Workflows.SettingNames(workflow.ClosingCategory))
	a.Contacts.SetTagUsers(contact.NameUsersOf(a.Workflows.SettingNames(workflow.Tag), conversation.ViewNames("tag")))
	engine := workflow.NewEngine(a.Workflows, a.Hub, assigner, a.Workspaces, workflow.EngineOptions{
		Group: a.Background, Due: a.Due, HTTPClient: a.outboundGuard().Client(), Node: a.node.ID(), Lease: a.cfg.Lease,
		Classifier: a.workflowClassifier(), Windows: a.Channels,
		// Open Conversation reaches a contact who never wrote on a channel
		// as the API does: by their phone or email where the channel can.
		Addressers: a.Channels})
	a.engines = append(a.engines, engine.Run)
	a.Metrics.Register(engine.Collector())
	// The survey's words take the workflows' variables.
	a.Satisfaction.SetRender(engine.RenderTx)
	// So do a broadcast's, for each recipient.
	a.Broadcasts.SetRender(engine.RenderTx)
}
