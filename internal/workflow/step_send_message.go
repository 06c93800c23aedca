package workflow

import (
	"encoding/json"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

func init() { register("send_message", func() stepImpl { return &sendMessage{} }) }

// sendMessage sends text (with variables), optionally with attachments and
// quick replies, or a provider's approved template (WhatsApp's, which
// alone may go outside the reply window), on the conversation's channel
// (the one the contact last wrote on) or a chosen channel the contact has
// an identity on.
type sendMessage struct {
	Text         string       `json:"text,omitempty"` // or attachments alone, or a template (check)
	ChannelID    int64        `json:"channel_id,omitempty" ref:"channel"`
	Attachments  []attachment `json:"attachments,omitempty"`
	QuickReplies []string     `json:"quick_replies,omitempty"`
	Template     *msgTemplate `json:"template,omitempty"`
}

// attachment is a file sent with a message.
type attachment struct {
	Type string `json:"type"` // image, video, audio, file
	URL  string `json:"url"`
}

func (s *sendMessage) check(c *checker) {
	if s.Template != nil {
		s.Template.check(c)
		if s.Text != "" || len(s.Attachments) > 0 || len(s.QuickReplies) > 0 {
			c.add("settings.text", "a template is sent alone: remove the text, attachments and quick replies")
		}
		return
	}
	if s.Text == "" && len(s.Attachments) == 0 {
		c.add("settings.text", "is required (or an attachment, or a template)")
	}
	if n := limit.Len(s.Text); n > conversation.MaxTextLen {
		c.add("settings.text", "is %d characters long; at most %d are allowed", n, conversation.MaxTextLen)
	}
	for i, a := range s.Attachments {
		switch a.Type {
		case "image", "video", "audio", "file":
		default:
			c.add(fmt.Sprintf("settings.attachments[%d].type", i), "must be image, video, audio or file")
		}
		if a.URL == "" {
			c.add(fmt.Sprintf("settings.attachments[%d].url", i), "is required")
		}
	}
	if len(s.QuickReplies) > MaxOptions {
		c.add("settings.quick_replies", "at most %d quick replies", MaxOptions)
	}
}

// exits: failure when the message cannot be sent (outside the channel's
// reply window, no channel, a template the channel cannot send).
func (s *sendMessage) exits() []string { return []string{"next", "failure"} }

func (s *sendMessage) exec(x *execution) (result, error) {
	if s.Template != nil {
		return s.Template.exec(x, s.ChannelID)
	}
	text := x.text(s.Text)
	x.log("text", text)
	replies, files := s.QuickReplies, s.Attachments
	if len(files) > 0 && len(replies) > 0 {
		// No channel carries files and quick replies in one message (a
		// WhatsApp button message has no file; a Telegram keyboard rides
		// on one message): the files go first, then the text with its
		// replies, the message the contact answers.
		if _, err := x.send("", nil, files, s.ChannelID); err != nil {
			return result{}, err
		}
		files = nil
	}
	m, err := x.send(text, replies, files, s.ChannelID)
	if err != nil {
		return result{}, err
	}
	return result{exit: "next", outcome: fmt.Sprintf("sent message %d", m.ID), output: map[string]any{"message_id": m.ID}}, nil
}

// send queues an outbound message on the run's conversation, in the step's
// transaction: the message and the run's next state commit together.
func (x *execution) send(text string, quickReplies []string, attachments []attachment, channelID int64) (conversation.Message, error) {
	if x.run.ConversationID == 0 {
		return conversation.Message{}, apperr.Conflict("the run has no conversation to send on (add an Open Conversation step)")
	}
	in := conversation.SendInput{Type: "text", Text: text, Sender: conversation.SourceWorkflow, ChannelID: channelID, Windows: x.e.opts.Windows}
	replies := make([]string, len(quickReplies))
	for i, q := range quickReplies {
		replies[i] = x.text(q)
	}
	switch {
	case len(attachments) > 0:
		in.Type = "attachment"
		rendered := make([]attachment, len(attachments))
		for i, a := range attachments {
			rendered[i] = attachment{Type: a.Type, URL: x.text(a.URL)}
		}
		in.Content, _ = json.Marshal(map[string]any{"type": "attachment", "text": text, "attachments": rendered})
	case len(replies) > 0:
		in.Type = "quick_reply"
		in.Content, _ = json.Marshal(map[string]any{"type": "quick_reply", "text": text, "replies": replies})
	}
	return x.sendInput(in)
}

// sendInput queues in on the run's conversation (see send).
func (x *execution) sendInput(in conversation.SendInput) (conversation.Message, error) {
	// The chain's timeline events queued before the step go in with the
	// message, in the one update of the conversation that reserves their
	// sequence numbers (see sendsFirst).
	in.Before = x.lines.takeFor(x.run.ConversationID)
	m, err := conversation.SendTx(x.ctx, x.tx, x.run.WorkspaceID, x.run.ConversationID, in)
	if err == nil {
		x.lines.taken(len(in.Before))
	}
	return m, err
}
