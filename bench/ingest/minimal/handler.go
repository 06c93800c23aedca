package minimal

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxBody bounds a webhook body, as the switchboard server does (1 MiB).
const maxBody = 1 << 20

// handler serves the custom channel's webhook for one channel,
// POST /channels/custom/{channelID}/webhook with the channel's bearer
// token, in the payload switchboard's custom channel (respond.io's)
// accepts; and GET /readyz.
type handler struct {
	channelID int64
	token     [32]byte // the token's digest, compared in constant time
	st        *Store
}

// NewHandler returns the pipeline's HTTP handler for the channel
// channelID whose bearer token is token, storing into st.
func NewHandler(channelID int64, token string, st *Store) http.Handler {
	h := &handler{channelID: channelID, token: sha256.Sum256([]byte(token)), st: st}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /channels/custom/{channelID}/webhook", h.webhook)
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	return mux
}

// payload is the part of the custom channel's body the pipeline stores.
type payload struct {
	ChannelID json.RawMessage `json:"channelId"`
	ContactID string          `json:"contactId"`
	Events    []struct {
		Type      string `json:"type"`
		MID       string `json:"mId"`
		Timestamp int64  `json:"timestamp"`
		Message   struct {
			Type string `json:"type"`
			Text string `json:"text"`
		} `json:"message"`
	} `json:"events"`
	Contact struct {
		FirstName string `json:"firstName"`
	} `json:"contact"`
}

func (h *handler) webhook(w http.ResponseWriter, r *http.Request) {
	if id, err := strconv.ParseInt(r.PathValue("channelID"), 10, 64); err != nil || id != h.channelID {
		fail(w, http.StatusNotFound, "not_found", "no such channel")
		return
	}
	token := r.Header.Get("Authorization")
	if len(token) < 7 || !strings.EqualFold(token[:7], "bearer ") {
		fail(w, http.StatusUnauthorized, "unauthorized", "missing bearer token")
		return
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(token[7:])))
	if subtle.ConstantTimeCompare(sum[:], h.token[:]) != 1 {
		fail(w, http.StatusUnauthorized, "unauthorized", "the bearer token is not this channel's token")
		return
	}
	var p payload
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	if err := dec.Decode(&p); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			fail(w, http.StatusRequestEntityTooLarge, "too_large", "the body is over 1 MiB")
			return
		}
		fail(w, http.StatusBadRequest, "bad_request", "the body is not a webhook payload: "+err.Error())
		return
	}
	items, err := h.items(p)
	if err != nil {
		fail(w, http.StatusUnprocessableEntity, "invalid", err.Error())
		return
	}
	results, err := h.st.Receive(r.Context(), items)
	if err != nil {
		fail(w, http.StatusServiceUnavailable, "unavailable", err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(struct {
		Results []Result `json:"results"`
	}{results})
}

// items checks a payload and returns its messages; the checks are the
// custom channel's for the fields the pipeline stores.
func (h *handler) items(p payload) ([]Item, error) {
	if len(p.ChannelID) > 0 {
		id := strings.Trim(string(p.ChannelID), `"`)
		if n, err := strconv.ParseInt(id, 10, 64); err != nil || n != h.channelID {
			return nil, fmt.Errorf("channelId %s is not the channel %d of the URL", p.ChannelID, h.channelID)
		}
	}
	if !fits(p.ContactID, 50) {
		return nil, errors.New("contactId must be 1 to 50 characters")
	}
	if len(p.Events) == 0 || len(p.Events) > 1000 {
		return nil, errors.New("events must hold 1 to 1000 events")
	}
	name := p.Contact.FirstName
	if name == "" {
		name = p.ContactID
	}
	out := make([]Item, len(p.Events))
	for i, e := range p.Events {
		switch {
		case e.Type != "message":
			return nil, fmt.Errorf("events[%d].type %q is not message", i, e.Type)
		case !fits(e.MID, 255):
			return nil, fmt.Errorf("events[%d].mId must be 1 to 255 characters", i)
		case !fits(e.Message.Type, 50):
			return nil, fmt.Errorf("events[%d].message.type must be 1 to 50 characters", i)
		case e.Message.Type == "text" && strings.TrimSpace(e.Message.Text) == "":
			return nil, fmt.Errorf("events[%d].message.text is blank", i)
		}
		out[i] = Item{ChannelID: h.channelID, ExternalID: p.ContactID, FirstName: name, MID: e.MID,
			Type: e.Message.Type, Text: e.Message.Text, SentAt: e.Timestamp}
	}
	return out, nil
}

// fits says whether s is 1 to max characters of valid UTF-8.
func fits(s string, max int) bool {
	return s != "" && utf8.ValidString(s) && utf8.RuneCountInString(s) <= max
}

// fail answers an error in the switchboard API's shape.
func fail(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": code, "message": message}})
}
