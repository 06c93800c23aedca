package httpapi

import (
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	"github.com/switchboard-chat/switchboard/internal/notification"
	paging "github.com/switchboard-chat/switchboard/internal/page"
)

// notificationsOf returns the bell's service and refuses a workspace
// token, which belongs to no person and has no bell.
func (s *Server) notificationsOf(r *http.Request) (*notification.Service, error) {
	if Principal(r).UserID == 0 {
		return nil, notification.ErrNoPerson
	}
	return notification.New(s.deps.DB), nil
}

// listNotifications answers the caller's bell, newest first (?unread=true
// keeps the unread ones).
func (s *Server) listNotifications(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.notificationsOf(r)
	if err != nil {
		return err
	}
	var f notification.ListFilter
	switch r.URL.Query().Get("unread") {
	case "", "false":
	case "true":
		f.UnreadOnly = true
	default:
		return apperr.BadRequest("query parameter unread must be true or false")
	}
	req, err := pageRequest(r, paging.OrderID)
	if err != nil {
		return err
	}
	list, err := svc.List(r.Context(), Principal(r), f, req)
	if err != nil {
		return err
	}
	return writeList(w, list)
}

// unreadCount is the number on the bell.
type unreadCount struct {
	Unread int `json:"unread"`
}

func (s *Server) countNotifications(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.notificationsOf(r)
	if err != nil {
		return err
	}
	n, err := svc.Unread(r.Context(), Principal(r))
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, unreadCount{Unread: n})
	return nil
}

// readNotifications is what marking read takes: the ids, or no ids (the
// member absent or null) for all.
type readNotifications struct {
	IDs []int64 `json:"ids"`
}

// maxReadIDs bounds one request's ids (each is a query variable).
const maxReadIDs = 200

func (s *Server) markNotificationsRead(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.notificationsOf(r)
	if err != nil {
		return err
	}
	var in readNotifications
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	if in.IDs != nil && len(in.IDs) == 0 {
		// "ids": [] names no notification: it marks none. Only a body
		// without ids marks all (the service's empty list), so a client
		// sending the ids it showed, having shown none, clears nothing.
		noContent(w)
		return nil
	}
	if len(in.IDs) > maxReadIDs {
		return apperr.Invalid("ids", "holds %d ids; at most %d at once (or none, for all)", len(in.IDs), maxReadIDs)
	}
	if err := svc.MarkRead(r.Context(), Principal(r), in.IDs); err != nil {
		return err
	}
	noContent(w)
	return nil
}

// notificationSettings is a member's settings as the API shows them, with
// whether this server mails notifications at all (without a mail server,
// a public URL and --notification-mail-after the settings are kept but
// nothing is mailed) and how long one waits unseen before it is.
type notificationSettings struct {
	notification.Settings
	MailAvailable    bool `json:"mail_available"`
	MailAfterSeconds int  `json:"mail_after_seconds"`
}

// notificationSettingsOf is set as the API shows it on this node.
func (s *Server) notificationSettingsOf(set notification.Settings) notificationSettings {
	after := s.deps.NotificationMailAfter
	return notificationSettings{Settings: set, MailAvailable: s.sendsMail() && after > 0, MailAfterSeconds: int(after.Seconds())}
}

func (s *Server) getNotificationSettings(w http.ResponseWriter, r *http.Request) error {
	set, err := notification.New(s.deps.DB).GetSettings(r.Context(), Principal(r))
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, s.notificationSettingsOf(set))
	return nil
}

// putNotificationSettings replaces the caller's settings: every member is
// required, so a client cannot turn a mail on or off by leaving it out.
func (s *Server) putNotificationSettings(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		MailMentions    *bool   `json:"mail_mentions"`
		MailAssignments *bool   `json:"mail_assignments"`
		MailWebhooks    *bool   `json:"mail_webhooks"`
		Language        *string `json:"language"`
	}
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	switch {
	case in.MailMentions == nil:
		return apperr.Invalid("mail_mentions", "is required")
	case in.MailAssignments == nil:
		return apperr.Invalid("mail_assignments", "is required")
	case in.MailWebhooks == nil:
		return apperr.Invalid("mail_webhooks", "is required")
	case in.Language == nil:
		return apperr.Invalid("language", "is required")
	}
	set, err := notification.New(s.deps.DB).SetSettings(r.Context(), Principal(r),
		notification.Settings{MailMentions: *in.MailMentions, MailAssignments: *in.MailAssignments, MailWebhooks: *in.MailWebhooks, Language: *in.Language})
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, s.notificationSettingsOf(set))
	return nil
}
