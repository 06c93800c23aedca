package twilio

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// MaxMedia is how many media an MMS carries at most (Twilio's limit).
const MaxMedia = 10

// Message is an inbound SMS or MMS as Twilio posts it to the incoming
// message webhook (twilio.com/docs/messaging/guides/webhook-request).
type Message struct {
	MessageSID  string
	AccountSID  string
	From        string
	To          string
	Body        string
	NumSegments int
	Media       []Media
	// Where Twilio geolocated the sender's number, when it did.
	FromCity, FromState, FromZip, FromCountry string
	// WhatsApp's: the sender's profile name; a shared location
	// (Latitude, Longitude, its Label and Address); the quick-reply
	// button the contact pressed (its text and payload).
	ProfileName               string
	Latitude, Longitude       *float64
	Label, Address            string
	ButtonText, ButtonPayload string
	// Params are every parameter posted, kept for a message Switchboard
	// cannot show (TypeUnsupported).
	Params url.Values
}

// Media is one attachment of an MMS: Twilio holds it at URL.
type Media struct {
	URL         string `json:"url"`
	ContentType string `json:"content_type,omitempty"`
}

// Status is a status callback of an outbound message
// (twilio.com/docs/messaging/guides/track-outbound-message-status).
type Status struct {
	MessageSID   string
	Status       string // MessageStatus: queued, sending, sent, delivered, undelivered, failed, read…
	ErrorCode    string
	ErrorMessage string
	To           string
}

// sid is the message's id: MessageSid, or the older SmsMessageSid/SmsSid.
func sid(form url.Values) string {
	for _, name := range []string{"MessageSid", "SmsMessageSid", "SmsSid"} {
		if v := strings.TrimSpace(form.Get(name)); v != "" {
			return v
		}
	}
	return ""
}

// ParseMessage reads an incoming message webhook's parameters. A
// parameter missing or out of shape is a 400.
func ParseMessage(form url.Values) (Message, error) {
	m := Message{
		MessageSID: sid(form), AccountSID: form.Get("AccountSid"),
		From: strings.TrimSpace(form.Get("From")), To: strings.TrimSpace(form.Get("To")), Body: form.Get("Body"),
		FromCity: form.Get("FromCity"), FromState: form.Get("FromState"), FromZip: form.Get("FromZip"), FromCountry: form.Get("FromCountry"),
		ProfileName: short(form.Get("ProfileName")), Label: short(form.Get("Label")), Address: short(form.Get("Address")),
		ButtonText: short(form.Get("ButtonText")), ButtonPayload: short(form.Get("ButtonPayload")),
		Params: form,
	}
	if m.MessageSID == "" {
		return m, apperr.BadRequest("MessageSid is missing")
	}
	if len(m.MessageSID) > conversation.MaxExternalLen {
		return m, apperr.BadRequest("MessageSid is longer than %d bytes", conversation.MaxExternalLen)
	}
	if m.From == "" {
		return m, apperr.BadRequest("From is missing")
	}
	if len(m.From) > conversation.MaxExternalLen {
		return m, apperr.BadRequest("From is longer than %d bytes", conversation.MaxExternalLen)
	}
	if s := form.Get("NumSegments"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return m, apperr.BadRequest("NumSegments %q is not a count", clip(s))
		}
		m.NumSegments = n
	}
	if form.Has("Latitude") || form.Has("Longitude") {
		lat, errLat := strconv.ParseFloat(strings.TrimSpace(form.Get("Latitude")), 64)
		lon, errLon := strconv.ParseFloat(strings.TrimSpace(form.Get("Longitude")), 64)
		// Written so that NaN, which every comparison fails, is refused.
		if errLat != nil || errLon != nil || !(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180) {
			return m, apperr.BadRequest("Latitude %q and Longitude %q are not a place", clip(form.Get("Latitude")), clip(form.Get("Longitude")))
		}
		m.Latitude, m.Longitude = &lat, &lon
	}
	num := 0
	if s := form.Get("NumMedia"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > MaxMedia {
			return m, apperr.BadRequest("NumMedia %q is not a count from 0 to %d", clip(s), MaxMedia)
		}
		num = n
	}
	for i := range num {
		raw := strings.TrimSpace(form.Get(fmt.Sprintf("MediaUrl%d", i)))
		u, err := url.Parse(raw)
		if raw == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return m, apperr.BadRequest("MediaUrl%d is missing or not an http(s) URL", i)
		}
		if len(raw) > 2048 {
			return m, apperr.BadRequest("MediaUrl%d is longer than 2048 bytes", i)
		}
		m.Media = append(m.Media, Media{URL: raw, ContentType: strings.TrimSpace(form.Get(fmt.Sprintf("MediaContentType%d", i)))})
	}
	return m, nil
}

// ParseStatus reads a status callback's parameters.
func ParseStatus(form url.Values) (Status, error) {
	s := Status{MessageSID: sid(form), Status: strings.ToLower(strings.TrimSpace(form.Get("MessageStatus"))),
		ErrorCode: strings.TrimSpace(form.Get("ErrorCode")), ErrorMessage: strings.TrimSpace(form.Get("ErrorMessage")), To: form.Get("To")}
	if s.Status == "" {
		s.Status = strings.ToLower(strings.TrimSpace(form.Get("SmsStatus")))
	}
	switch {
	case s.MessageSID == "":
		return s, apperr.BadRequest("MessageSid is missing")
	case len(s.MessageSID) > conversation.MaxExternalLen:
		return s, apperr.BadRequest("MessageSid is longer than %d bytes", conversation.MaxExternalLen)
	case s.Status == "":
		return s, apperr.BadRequest("MessageStatus is missing")
	case len(s.Status) > 32:
		return s, apperr.BadRequest("MessageStatus %q is not a status", clip(s.Status))
	}
	if s.ErrorCode != "" {
		if _, err := strconv.Atoi(s.ErrorCode); err != nil {
			return s, apperr.BadRequest("ErrorCode %q is not a number", clip(s.ErrorCode))
		}
	}
	return s, nil
}

// maxShort bounds WhatsApp's short texts (a profile name, a place's label
// and address, a button's text and payload), each far shorter at
// WhatsApp: with them the message's content stays storable.
const maxShort = 1024

// short makes one of those texts storable.
func short(s string) string { return limit.Storable(s, maxShort) }

// clip shortens what is reflected of a bad value.
func clip(s string) string { return limit.Clip(s, 40) }

// mediaKind is the attachment kind of a MIME type.
func mediaKind(contentType string) string {
	major, _, _ := strings.Cut(strings.ToLower(contentType), "/")
	switch major {
	case "image", "video", "audio":
		return major
	}
	return "file"
}

// content is what is stored as an inbound message's content: what Twilio
// said of it beyond its text.
type content struct {
	Type        string    `json:"type"`
	Text        string    `json:"text,omitempty"`
	NumSegments int       `json:"num_segments,omitempty"`
	Media       []Media   `json:"media,omitempty"`
	To          string    `json:"to,omitempty"`
	From        *location `json:"from_location,omitempty"`
	// A shared location (WhatsApp), as the other channels store theirs.
	Latitude  *float64 `json:"latitude,omitempty"`
	Longitude *float64 `json:"longitude,omitempty"`
	Name      string   `json:"name,omitempty"`
	Address   string   `json:"address,omitempty"`
	// A pressed quick-reply button (WhatsApp): its text and payload.
	Title   string     `json:"title,omitempty"`
	Payload string     `json:"payload,omitempty"`
	Params  url.Values `json:"params,omitempty"` // for an unsupported message: everything Twilio posted
}

type location struct {
	City    string `json:"city,omitempty"`
	State   string `json:"state,omitempty"`
	Zip     string `json:"zip,omitempty"`
	Country string `json:"country,omitempty"`
}

// inbound turns a parsed message into the item conversation.Receive
// stores: text, an attachment message for an MMS (its media fetched later
// through FetchMedia), or, for a message with neither body nor media,
// TypeUnsupported with every parameter Twilio posted.
func (m Message) inbound(workspaceID, channelID int64) conversation.Inbound {
	// A WhatsApp sender is "whatsapp:+14155550100": the contact is the
	// number, as on SMS, so a reply and a first message address it alike.
	from := m.From
	if len(from) > len(whatsAppPrefix) && strings.EqualFold(from[:len(whatsAppPrefix)], whatsAppPrefix) {
		from = from[len(whatsAppPrefix):]
	}
	in := conversation.Inbound{
		Kind: conversation.KindMessage, WorkspaceID: workspaceID, ChannelID: channelID,
		ExternalID: from, ProviderMessageID: m.MessageSID, Type: "text", Text: m.Body,
	}
	if e164.MatchString(from) {
		phone := from
		in.Profile.Phone = &phone
	}
	in.Profile.FirstName, in.Profile.LastName = contact.DisplayName(m.ProfileName)
	if len(m.FromCountry) == 2 {
		country := strings.ToUpper(m.FromCountry)
		in.Profile.Country = &country
	}
	c := content{Type: "text", Text: m.Body, NumSegments: m.NumSegments, To: m.To}
	if m.FromCity != "" || m.FromState != "" || m.FromZip != "" || m.FromCountry != "" {
		c.From = &location{City: m.FromCity, State: m.FromState, Zip: m.FromZip, Country: m.FromCountry}
	}
	switch {
	case m.Latitude != nil:
		in.Type, c.Type = "location", "location"
		c.Latitude, c.Longitude, c.Name, c.Address = m.Latitude, m.Longitude, m.Label, m.Address
		var words []string
		for _, w := range []string{m.Label, m.Address} {
			if w = strings.TrimSpace(w); w != "" {
				words = append(words, w)
			}
		}
		in.Text = strings.Join(words, ", ")
		c.Text = in.Text
	case m.ButtonText != "" || m.ButtonPayload != "":
		text := m.ButtonText
		if strings.TrimSpace(text) == "" {
			text = m.Body
		}
		in.Type, in.Text, c.Type, c.Text, c.Title, c.Payload = "quick_reply", text, "quick_reply", text, m.ButtonText, m.ButtonPayload
	case len(m.Media) > 0:
		in.Type, c.Type, c.Media = "attachment", "attachment", m.Media
		for _, md := range m.Media {
			in.Media = append(in.Media, conversation.MediaRef{Ref: md.URL, Kind: mediaKind(md.ContentType), ContentType: md.ContentType})
		}
	case strings.TrimSpace(m.Body) == "":
		in.Type, c.Type, c.Params = conversation.TypeUnsupported, conversation.TypeUnsupported, m.Params
	}
	in.Content, _ = json.Marshal(c)
	if len(in.Content) > conversation.MaxContentBytes {
		// Only an unsupported message keeps every parameter: too many to
		// store, it keeps its type and text.
		c.Params = url.Values{"_truncated": {"the parameters were too large to keep"}}
		in.Content, _ = json.Marshal(c)
	}
	return in
}
