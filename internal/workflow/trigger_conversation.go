package workflow

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
)

func init() {
	registerTrigger("conversation_opened", func() triggerImpl { return &conversationOpened{} })
	registerTrigger("conversation_closed", func() triggerImpl { return &conversationClosed{} })
}

// conversationOpened fires when a conversation opens; Sources, when set,
// keeps only openings by those sources (contact, user, workflow, api) —
// the seed's inbound workflow uses ["contact"].
type conversationOpened struct {
	Sources []string `json:"sources,omitempty"`
}

var openSources = []string{"contact", "user", "workflow", "api"}

func (t *conversationOpened) check(c *checker) {
	for _, s := range t.Sources {
		if !slices.Contains(openSources, s) {
			c.add("trigger.conditions.sources", "unknown source %q (contact, user, workflow or api)", s)
		}
	}
}

func (t *conversationOpened) on() event.Type { return event.ConversationOpened }

func (t *conversationOpened) match(_ context.Context, _ *db.Tx, ev event.Event) (map[string]any, bool, error) {
	var p struct {
		Source    string `json:"source"`
		ChannelID int64  `json:"channel_id"`
	}
	json.Unmarshal(ev.Payload, &p)
	if len(t.Sources) > 0 && !slices.Contains(t.Sources, p.Source) {
		return nil, false, nil
	}
	return map[string]any{"source": p.Source, "conversation_id": ev.ConversationID, "channel_id": p.ChannelID}, true, nil
}

// conversationClosed fires when a conversation closes, optionally only
// for some close sources and closing categories.
type conversationClosed struct {
	Sources    []string `json:"sources,omitempty"`
	Categories []string `json:"categories,omitempty"`
}

var closeSources = []string{"user", "workflow", "api", "auto_close", "ai_agent"}

func (t *conversationClosed) check(c *checker) {
	for _, s := range t.Sources {
		if !slices.Contains(closeSources, s) {
			c.add("trigger.conditions.sources", "unknown source %q (user, workflow, api, auto_close or ai_agent)", s)
		}
	}
}

func (t *conversationClosed) on() event.Type { return event.ConversationClosed }

func (t *conversationClosed) match(_ context.Context, _ *db.Tx, ev event.Event) (map[string]any, bool, error) {
	var p struct {
		Source   string `json:"source"`
		Category string `json:"category"`
		Summary  string `json:"summary"`
	}
	json.Unmarshal(ev.Payload, &p)
	if len(t.Sources) > 0 && !slices.Contains(t.Sources, p.Source) {
		return nil, false, nil
	}
	if len(t.Categories) > 0 && !slices.Contains(t.Categories, p.Category) {
		return nil, false, nil
	}
	return map[string]any{"source": p.Source, "category": p.Category, "summary": p.Summary, "conversation_id": ev.ConversationID}, true, nil
}
