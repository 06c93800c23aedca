package whatsapp

import "encoding/json"

// The webhook envelope of the WhatsApp Cloud API, as Meta documents it:
//
//	{"object": "whatsapp_business_account",
//	 "entry": [{"id": WABA id, "changes": [{"field": "messages", "value": {
//	     "messaging_product": "whatsapp",
//	     "metadata": {"display_phone_number", "phone_number_id"},
//	     "contacts": [{"profile": {"name"}, "wa_id"}],
//	     "messages": [...], "statuses": [...], "errors": [...]}}]}]}

// ObjectWABA is the envelope's object for WhatsApp Business Accounts.
const ObjectWABA = "whatsapp_business_account"

// Envelope is one webhook delivery.
type Envelope struct {
	Object string  `json:"object"`
	Entry  []Entry `json:"entry"`
}

// Entry is one WhatsApp Business Account's changes. Time, when given (a
// template's change carries it), is when they happened, in Unix seconds.
type Entry struct {
	ID      string      `json:"id"`
	Time    json.Number `json:"time"`
	Changes []Change    `json:"changes"`
}

// Change is one field's change; messages are under field "messages".
type Change struct {
	Field string `json:"field"`
	Value Value  `json:"value"`
}

// Value is what changed: messages from contacts, statuses of the
// business's messages, or errors of the account (field "messages"); or
// one of the account's message templates (field
// "message_template_status_update": Event is its new status, or what
// happened to it, and Reason why, "NONE" for an approval).
type Value struct {
	MessagingProduct string     `json:"messaging_product"`
	Metadata         Metadata   `json:"metadata"`
	Contacts         []Contact  `json:"contacts"`
	Messages         []Message  `json:"messages"`
	Statuses         []Status   `json:"statuses"`
	Errors           []APIError `json:"errors"`

	Event            string `json:"event"`
	TemplateName     string `json:"message_template_name"`
	TemplateLanguage string `json:"message_template_language"`
	Reason           string `json:"reason"`
}

// Metadata names the business phone number the change is for.
type Metadata struct {
	DisplayPhoneNumber string `json:"display_phone_number"`
	PhoneNumberID      string `json:"phone_number_id"`
}

// Contact is the WhatsApp user a message came from.
type Contact struct {
	WaID    string `json:"wa_id"`
	Profile struct {
		Name string `json:"name"`
	} `json:"profile"`
}

// Message is one message from a WhatsApp user. Raw keeps it as received,
// the stored message's "whatsapp" member.
type Message struct {
	From        string            `json:"from"`
	ID          string            `json:"id"`
	Timestamp   string            `json:"timestamp"`
	Type        string            `json:"type"`
	Context     *MessageContext   `json:"context,omitempty"`
	Text        *Text             `json:"text,omitempty"`
	Image       *Media            `json:"image,omitempty"`
	Audio       *Media            `json:"audio,omitempty"`
	Video       *Media            `json:"video,omitempty"`
	Document    *Media            `json:"document,omitempty"`
	Sticker     *Media            `json:"sticker,omitempty"`
	Location    *Location         `json:"location,omitempty"`
	Contacts    []json.RawMessage `json:"contacts,omitempty"`
	Interactive *Interactive      `json:"interactive,omitempty"`
	Button      *Button           `json:"button,omitempty"`
	Reaction    *Reaction         `json:"reaction,omitempty"`
	Errors      []APIError        `json:"errors,omitempty"`

	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON keeps the message's raw JSON beside its fields.
func (m *Message) UnmarshalJSON(b []byte) error {
	type plain Message
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*m = Message(p)
	m.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// MessageContext is the message a reply or a button press refers to.
type MessageContext struct {
	From string `json:"from"`
	ID   string `json:"id"`
}

// Text is a text message's body.
type Text struct {
	Body string `json:"body"`
}

// Media is an image, audio, video, document or sticker held by WhatsApp:
// its id is fetched with the Graph API.
type Media struct {
	ID       string `json:"id"`
	MimeType string `json:"mime_type"`
	SHA256   string `json:"sha256"`
	Caption  string `json:"caption"`
	Filename string `json:"filename"`
	Voice    bool   `json:"voice"`
	Animated bool   `json:"animated"`
}

// Location is a shared location.
type Location struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	Name      string  `json:"name"`
	Address   string  `json:"address"`
	URL       string  `json:"url"`
}

// Interactive is the contact's answer to an interactive message: a reply
// button or a list row.
type Interactive struct {
	Type        string `json:"type"` // button_reply or list_reply
	ButtonReply *Reply `json:"button_reply,omitempty"`
	ListReply   *Reply `json:"list_reply,omitempty"`
}

// Reply is the button or row the contact chose.
type Reply struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
}

// Button is a template's quick-reply button pressed.
type Button struct {
	Text    string `json:"text"`
	Payload string `json:"payload"`
}

// Reaction is an emoji on a message; an empty emoji removes it.
type Reaction struct {
	MessageID string `json:"message_id"`
	Emoji     string `json:"emoji"`
}

// Status is the delivery status of a message the business sent.
type Status struct {
	ID          string     `json:"id"`
	RecipientID string     `json:"recipient_id"`
	Status      string     `json:"status"` // sent, delivered, read, failed
	Timestamp   string     `json:"timestamp"`
	Errors      []APIError `json:"errors,omitempty"`
}

// APIError is an error inside a webhook: of a message (an unsupported
// type), a status (why it failed) or the account.
type APIError struct {
	Code      int    `json:"code"`
	Title     string `json:"title"`
	Message   string `json:"message"`
	ErrorData struct {
		Details string `json:"details"`
	} `json:"error_data"`
}
