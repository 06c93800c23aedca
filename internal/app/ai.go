package app

import (
	"context"
	"log/slog"

	"github.com/switchboard-chat/switchboard/internal/ai"
	"github.com/switchboard-chat/switchboard/internal/aiagent"
	"github.com/switchboard-chat/switchboard/internal/workflow"
)

// buildAI makes the AI service (issue 15): API keys sealed with the
// node's keyring like channel secrets, every call through the guarded
// client (a local model server needs --allow-private-networks).
// It runs after buildChannels, whose keyring it shares.
func (a *App) buildAI() error {
	a.AI = ai.New(a.DB, ai.Options{Keys: a.keys, Guard: a.outboundGuard()})
	return nil
}

// aiClassifier serves the workflow Classify step from internal/ai.
type aiClassifier struct{ s *ai.Service }

func (c aiClassifier) ClassifyIntent(ctx context.Context, workspaceID int64, text string, threshold float64) (workflow.Classified, error) {
	r, err := c.s.Classify(ctx, workspaceID, text, ai.ClassifyOptions{Threshold: threshold})
	return workflow.Classified{Intent: r.Intent, Confidence: r.Confidence, Language: r.Language, Method: r.Method}, err
}

// workflowClassifier is the Classify step's classifier (nil without AI).
func (a *App) workflowClassifier() workflow.Classifier {
	if a.AI == nil {
		return nil
	}
	return aiClassifier{a.AI}
}

// wireAIAgents builds the AI agents (issue 15 §3): the consumer that turns
// inbound messages of their conversations into turns, and the turn runner
// among the node's timed work.
func (a *App) wireAIAgents() {
	a.AIAgents = aiagent.New(a.DB, aiagent.Options{AI: a.AI, Knowledge: a.Knowledge, Router: a.Routing, Windows: a.Channels})
	a.AIAgents.Register(a.Due)
	a.engines = append(a.engines, a.AIAgents.NewConsumer(a.Hub, a.Background).Run)
}

// upgradeKnowledgeTerms writes again, once after an upgrade, the index
// terms of the knowledge passages an older version indexed, then waits
// for the node to stop: an engine that returned would be run again.
func (a *App) upgradeKnowledgeTerms(ctx context.Context) {
	if n, err := a.Knowledge.UpgradeTerms(ctx); err != nil && ctx.Err() == nil {
		slog.Error("knowledge: index terms not upgraded; retried at the next start", "err", err)
	} else if n > 0 {
		slog.Info("knowledge: index terms upgraded", "passages", n)
	}
	<-ctx.Done()
}
