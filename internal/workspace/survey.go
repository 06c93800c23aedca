package workspace

import (
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// SurveyLink is where a survey's message puts the contact's rating link;
// a message without it gets the link after its words.
const SurveyLink = "{{link}}"

// DefaultSurveyMessage is the survey's message until the workspace writes
// its own.
const DefaultSurveyMessage = "Thanks for contacting us! How would you rate this conversation? Tell us in one tap: " + SurveyLink

// MaxSurveyMessageLen bounds the survey's message (characters).
const MaxSurveyMessageLen = 1000

// Survey is the workspace's satisfaction survey: when on, a conversation
// closed by a person or an AI agent sends its contact Message, whose
// SurveyLink is replaced by the link to rate the conversation.
type Survey struct {
	Enabled bool   `json:"enabled"`
	Message string `json:"message"`
	// Available says whether this server sends surveys at all: it needs
	// its public address (--public-url) to link to (set by the API).
	Available bool `json:"available"`
}

// SurveyInput changes the survey; nil fields are unchanged, and an empty
// message puts the default back.
type SurveyInput struct {
	Enabled *bool   `json:"enabled"`
	Message *string `json:"message"`
}

func (s Survey) withDefault() Survey {
	if strings.TrimSpace(s.Message) == "" {
		s.Message = DefaultSurveyMessage
	}
	return s
}

// Text is the message a contact reads: the survey's words with link in
// place of SurveyLink (after them when they lack it).
func (s Survey) Text(link string) string {
	msg := s.withDefault().Message
	if !strings.Contains(msg, SurveyLink) {
		return msg + "\n\n" + link
	}
	return strings.ReplaceAll(msg, SurveyLink, link)
}

// columns are the workspaces columns the input sets (nil: unchanged).
func (in *SurveyInput) columns() (enabled *int64, message *string, err error) {
	if in == nil {
		return nil, nil, nil
	}
	if in.Enabled != nil {
		enabled = new(int64)
		*enabled = int64(db.Bool(*in.Enabled))
	}
	if in.Message != nil {
		m := strings.TrimSpace(*in.Message)
		if err := limit.Text("satisfaction_survey.message", m, MaxSurveyMessageLen); err != nil {
			return nil, nil, err
		}
		if strings.Count(m, SurveyLink) > 1 {
			return nil, nil, apperr.Invalid("satisfaction_survey.message", "holds %s more than once: the contact gets one link", SurveyLink)
		}
		message = &m
	}
	return enabled, message, nil
}
