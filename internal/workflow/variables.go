package workflow

import (
	"context"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// scope resolves template variables for one step of one run. Records are
// loaded on first use, through the step's transaction, so a step sees what
// earlier steps (and its own writes) changed.
type scope struct {
	ctx     context.Context
	q       db.Querier
	e       *Engine
	run     *Run
	now     time.Time
	missing []string

	contact  *contact.Contact // with its tags and custom fields
	row      *contact.Contact // its row alone (see loadContactRow)
	conv     *conversation.Conversation
	assignee map[string]any
}

func (s *scope) loadContact() *contact.Contact {
	if s.contact != nil || s.run.ContactID == 0 {
		return s.contact
	}
	var c contact.Contact
	var err error
	if s.row != nil {
		c, err = contact.WithDetailsTx(s.ctx, s.q, *s.row)
	} else {
		c, err = contact.GetTx(s.ctx, s.q, s.run.WorkspaceID, s.run.ContactID)
	}
	if err == nil {
		s.contact = &c
	}
	return s.contact
}

// loadContactRow is loadContact for a variable of the contact's row (a
// standard field): one statement, where the tags and custom fields take
// two more.
func (s *scope) loadContactRow() *contact.Contact {
	if s.contact != nil {
		return s.contact
	}
	if s.row == nil && s.run.ContactID != 0 {
		if c, err := contact.GetRowTx(s.ctx, s.q, s.run.WorkspaceID, s.run.ContactID); err == nil {
			s.row = &c
		}
	}
	return s.row
}

func (s *scope) loadConversation() *conversation.Conversation {
	if s.conv == nil && s.run.ConversationID != 0 {
		if c, err := conversation.GetTx(s.ctx, s.q, s.run.WorkspaceID, s.run.ConversationID); err == nil {
			s.conv = &c
		}
	}
	return s.conv
}

// lookup resolves a variable path such as contact.first_name.
func (s *scope) lookup(path string) (any, bool) {
	ns, rest, _ := strings.Cut(path, ".")
	keys := strings.Split(rest, ".")
	switch ns {
	case "contact":
		load := s.loadContact
		if len(keys) > 0 && contactRowKeys[keys[0]] {
			load = s.loadContactRow
		}
		c := load()
		if c == nil {
			return nil, false
		}
		return contactValue(c, keys)
	case "conversation":
		c := s.loadConversation()
		if c == nil {
			return nil, false
		}
		return dig(map[string]any{"id": c.ID, "status": c.Status, "channel_id": c.ChannelID, "opened_source": c.OpenedSource,
			"assignee_id": c.AssigneeID, "team_id": c.TeamID, "opened_at": c.OpenedAt.Format(time.RFC3339)}, keys)
	case "assignee":
		if s.assignee == nil {
			c := s.loadConversation()
			if c == nil || c.AssigneeID == 0 || s.e.users == nil {
				return nil, false
			}
			u, err := s.e.users.GetUser(s.ctx, s.run.WorkspaceID, c.AssigneeID)
			if err != nil {
				return nil, false
			}
			s.assignee = map[string]any{"id": u.ID, "name": u.Name, "email": u.Email, "status": u.Status,
				"availability": s.availability(u.ID)}
		}
		return dig(s.assignee, keys)
	case "system":
		loc := s.e.location(s.ctx, s.run.WorkspaceID)
		t := s.now.In(loc)
		switch rest {
		case "current_datetime":
			return t.Format("2006-01-02 15:04"), true
		case "current_date":
			return t.Format("2006-01-02"), true
		case "current_time":
			return t.Format("15:04"), true
		}
		return nil, false
	case "trigger":
		return dig(s.run.Data.Trigger, keys)
	case "step":
		out := map[string]any{}
		for k, v := range s.run.Data.Steps {
			out[k] = v
		}
		return dig(out, keys)
	case "var":
		return dig(s.run.Data.Vars, keys)
	}
	return nil, false
}

// contactRowKeys are the contact variables read from its row alone (see
// contactValue); the others need its tags or custom fields.
var contactRowKeys = map[string]bool{"id": true, "first_name": true, "last_name": true, "name": true, "phone": true,
	"email": true, "language": true, "country": true, "lifecycle": true, "lifecycle_stage": true}

// contactValue reads a standard or custom field of a contact.
func contactValue(c *contact.Contact, keys []string) (any, bool) {
	if len(keys) == 0 {
		return nil, false
	}
	switch keys[0] {
	case "id":
		return c.ID, true
	case "first_name":
		return c.FirstName, c.FirstName != ""
	case "last_name":
		return c.LastName, c.LastName != ""
	case "name":
		return strings.TrimSpace(c.FirstName + " " + c.LastName), true
	case "phone":
		return c.Phone, c.Phone != ""
	case "email":
		return c.Email, c.Email != ""
	case "language":
		return c.Language, c.Language != ""
	case "country":
		return c.Country, c.Country != ""
	case "lifecycle", "lifecycle_stage":
		return c.LifecycleStage, c.LifecycleStage != ""
	case "tags":
		return c.Tags, true
	case "fields":
		return dig(c.Fields, keys[1:])
	}
	v, ok := c.Fields[keys[0]]
	return v, ok && v != nil
}

// availability is the user's availability as routing last announced it:
// online or busy while a device of theirs was seen within the workspace's
// inactivity timeout, offline otherwise (SPEC §1), where their status is
// only what they chose.
func (s *scope) availability(userID int64) string {
	var presence string
	if err := s.q.QueryRow(s.ctx, `SELECT presence FROM routing_agents WHERE user_id = ?`, userID).Scan(&presence); err != nil {
		return "offline" // never seen by routing
	}
	return presence
}
