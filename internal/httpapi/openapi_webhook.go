package httpapi

// These types document the custom channel's wire format in the OpenAPI
// document: respond.io's custom-channel format, so an integration written
// for it ports by changing only the base URL. The webhook handler itself
// belongs to internal/channel/custom.

// customInbound is what an integrator POSTs to a custom channel's webhook.
type customInbound struct {
	ChannelID string         `json:"channelId"`
	ContactID string         `json:"contactId"`
	Events    []customEvent  `json:"events"`
	Contact   *customContact `json:"contact,omitempty"`
}

// customEvent is one item of an inbound webhook.
type customEvent struct {
	Type      string         `json:"type"`
	MID       string         `json:"mId"`
	Timestamp int64          `json:"timestamp"`
	Message   *customMessage `json:"message,omitempty"`
	Status    string         `json:"status,omitempty"`
}

// customMessage is a message in either direction.
type customMessage struct {
	Type       string            `json:"type"`
	Text       string            `json:"text,omitempty"`
	Attachment *customAttachment `json:"attachment,omitempty"`
}

// customAttachment is the file of an attachment message.
type customAttachment struct {
	Type        string `json:"type"`
	URL         string `json:"url"`
	MimeType    string `json:"mimeType,omitempty"`
	FileName    string `json:"fileName,omitempty"`
	Description string `json:"description,omitempty"`
}

// customContact is the profile the integrator knows of the contact.
type customContact struct {
	FirstName   string `json:"firstName,omitempty"`
	LastName    string `json:"lastName,omitempty"`
	ProfilePic  string `json:"profilePic,omitempty"`
	CountryCode string `json:"countryCode,omitempty"`
	Email       string `json:"email,omitempty"`
	Phone       string `json:"phone,omitempty"`
	Language    string `json:"language,omitempty"`
}

// customOutbound is what Switchboard POSTs to <base_url>/message.
type customOutbound struct {
	ChannelID string        `json:"channelId"`
	ContactID string        `json:"contactId"`
	Message   customMessage `json:"message"`
}

// customSent is the integrator's answer to a send.
type customSent struct {
	MID string `json:"mId"`
}

// customRefusal is the integrator's answer to a send it refuses for good.
type customRefusal struct {
	Error struct {
		Message string `json:"message"`
	} `json:"error"`
}

// customChannelSend documents the call Switchboard makes to a custom
// channel's integrator: an OpenAPI 3.1 webhook, since the integrator
// serves it.
func customChannelSend(g *schemaGen) *apiOperation {
	return &apiOperation{OperationID: "customChannelSend", Summary: "Switchboard sends a message through a custom channel",
		Description: "Switchboard POSTs to the channel's <base_url>/message with the channel token as bearer and an Idempotency-Key header. " +
			"A 4xx {error:{message}} fails the message with that reason; a 5xx or a timeout is retried with backoff.",
		Tags:        []string{"channels"},
		RequestBody: &apiBody{Required: true, Content: jsonContent(g.request(customOutbound{}, false))},
		Responses: map[string]*apiResponse{
			"200": {Description: "Sent", Content: jsonContent(g.response(customSent{}))},
			"4XX": {Description: "Permanent failure, shown to the agent", Content: jsonContent(g.response(customRefusal{}))},
			"5XX": {Description: "Temporary failure: retried with backoff"},
		},
		Security: []map[string][]string{{"channelToken": {}}},
	}
}
