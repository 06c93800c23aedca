package httpapi

import (
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/httpjson"
	paging "github.com/switchboard-chat/switchboard/internal/page"
	"github.com/switchboard-chat/switchboard/internal/webhook"
)

// Outgoing webhooks (issue 13): owners and managers manage the endpoints
// that receive the workspace's events, test them, read their delivery log
// and resend a delivery. Secrets are shown on create and rotate only.

// webhookRoutes are the routes of this file, appended to the table.
func (s *Server) webhookRoutes() []Route {
	r := func(method, pattern string, h http.Handler) Route { return Route{method, pattern, h} }
	return []Route{
		r("GET", "/api/v1/webhooks", s.authed(managers, s.listWebhooks)),
		r("POST", "/api/v1/webhooks", s.authed(managers, noStore(s.createWebhook))),
		r("GET", "/api/v1/webhooks/event-types", s.authed(managers, s.webhookEventTypes)),
		r("GET", "/api/v1/webhooks/{webhookID}", s.authed(managers, s.getWebhook)),
		r("PATCH", "/api/v1/webhooks/{webhookID}", s.authed(managers, s.updateWebhook)),
		r("DELETE", "/api/v1/webhooks/{webhookID}", s.authed(managers, s.deleteWebhook)),
		r("POST", "/api/v1/webhooks/{webhookID}/rotate-secret", s.authed(managers, noStore(s.rotateWebhookSecret))),
		r("POST", "/api/v1/webhooks/{webhookID}/test", s.authed(managers, s.testWebhook)),
		r("GET", "/api/v1/webhooks/{webhookID}/deliveries", s.authed(managers, s.listWebhookDeliveries)),
		r("POST", "/api/v1/webhooks/{webhookID}/deliveries/{deliveryID}/resend", s.authed(managers, s.resendWebhookDelivery)),
	}
}

// webhookEventTypeList is the answer of GET /api/v1/webhooks/event-types.
type webhookEventTypeList struct {
	Data []string `json:"data"`
}

// webhookOperations document webhookRoutes.
var webhookOperations = map[string]opDoc{
	"GET /api/v1/webhooks": {id: "listWebhooks", tag: tagWebhooks, summary: "The workspace's webhook endpoints, oldest first",
		desc: "At most 50, never paged. Secrets are not included.", status: 200, resp: page[webhook.Endpoint]{}},
	"POST /api/v1/webhooks": {id: "createWebhook", tag: tagWebhooks, summary: "Add a webhook endpoint",
		desc: "url must be http(s); an address in a private or internal range is refused (422) unless the server's operator allows it " +
			"(--allow-private-networks). event_types are names from GET /api/v1/webhooks/event-types. The answer holds the signing " +
			"secret, shown this once (rotate it to see a new one). See docs/webhooks.md.",
		body: webhook.Input{}, required: []string{"url", "event_types"}, status: 201, resp: webhook.Endpoint{}, errors: []int{409}},
	"GET /api/v1/webhooks/event-types": {id: "listWebhookEventTypes", tag: tagWebhooks, summary: "The event types an endpoint may subscribe to",
		status: 200, resp: webhookEventTypeList{}},
	"GET /api/v1/webhooks/{webhookID}": {id: "getWebhook", tag: tagWebhooks, summary: "A webhook endpoint", status: 200, resp: webhook.Endpoint{}},
	"PATCH /api/v1/webhooks/{webhookID}": {id: "updateWebhook", tag: tagWebhooks, summary: "Change a webhook endpoint",
		desc: "Fields left out are unchanged. enabled: true turns a disabled endpoint back on (healthy again; the deliveries that waited go out).",
		body: webhook.Input{}, status: 200, resp: webhook.Endpoint{}},
	"DELETE /api/v1/webhooks/{webhookID}": {id: "deleteWebhook", tag: tagWebhooks, summary: "Delete a webhook endpoint and its delivery log", status: 204},
	"POST /api/v1/webhooks/{webhookID}/rotate-secret": {id: "rotateWebhookSecret", tag: tagWebhooks,
		summary: "Give a webhook endpoint a new signing secret", desc: "The answer holds the new secret, shown this once; the old one stops signing at once.",
		status: 200, resp: webhook.Endpoint{}},
	"POST /api/v1/webhooks/{webhookID}/test": {id: "testWebhook", tag: tagWebhooks, summary: "Send a test delivery now",
		desc: "POSTs a signed event of type webhook.test (id 0) through the guarded client, records it in the delivery log and answers the " +
			"delivery: its state (delivered on a 2xx), HTTP status, duration and the start of the answer, or the error.",
		status: 200, resp: webhook.Delivery{}},
	"GET /api/v1/webhooks/{webhookID}/deliveries": {id: "listWebhookDeliveries", tag: tagWebhooks, summary: "An endpoint's delivery log, newest first",
		query:  append([]param{{"state", "pending, delivered or failed", false}}, paged...),
		status: 200, resp: page[webhook.Delivery]{}},
	"POST /api/v1/webhooks/{webhookID}/deliveries/{deliveryID}/resend": {id: "resendWebhookDelivery", tag: tagWebhooks,
		summary: "Send a delivery again",
		desc: "The same body and event id, due now and retried for another 24 hours, its attempts counted afresh (the backoff " +
			"starts again at about 10 s); a delivery being sent right now is a 409.",
		status: 200, resp: webhook.Delivery{}, errors: []int{409}},
}

func init() {
	for k, v := range webhookOperations {
		operations[k] = v
	}
}

func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request) error {
	list, err := s.deps.OutgoingWebhooks.List(r.Context(), Principal(r).WorkspaceID)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, whole(list))
	return nil
}

func (s *Server) webhookEventTypes(w http.ResponseWriter, r *http.Request) error {
	httpjson.WriteJSON(w, http.StatusOK, webhookEventTypeList{Data: webhook.EventTypes})
	return nil
}

func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request) error {
	var in webhook.Input
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	ep, err := s.deps.OutgoingWebhooks.Create(r.Context(), Principal(r).WorkspaceID, in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusCreated, ep)
	return nil
}

func (s *Server) getWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "webhookID")
	if err != nil {
		return err
	}
	ep, err := s.deps.OutgoingWebhooks.Get(r.Context(), Principal(r).WorkspaceID, id)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, ep)
	return nil
}

func (s *Server) updateWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "webhookID")
	if err != nil {
		return err
	}
	var in webhook.Input
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	ep, err := s.deps.OutgoingWebhooks.Update(r.Context(), Principal(r).WorkspaceID, id, in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, ep)
	return nil
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "webhookID")
	if err != nil {
		return err
	}
	if err := s.deps.OutgoingWebhooks.Delete(r.Context(), Principal(r).WorkspaceID, id); err != nil {
		return err
	}
	noContent(w)
	return nil
}

func (s *Server) rotateWebhookSecret(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "webhookID")
	if err != nil {
		return err
	}
	ep, err := s.deps.OutgoingWebhooks.Rotate(r.Context(), Principal(r).WorkspaceID, id)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, ep)
	return nil
}

func (s *Server) testWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "webhookID")
	if err != nil {
		return err
	}
	d, err := s.deps.OutgoingWebhooks.Test(r.Context(), Principal(r).WorkspaceID, id)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) listWebhookDeliveries(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "webhookID")
	if err != nil {
		return err
	}
	req, err := pageRequest(r, paging.OrderID)
	if err != nil {
		return err
	}
	list, err := s.deps.OutgoingWebhooks.Deliveries(r.Context(), Principal(r).WorkspaceID, id,
		webhook.DeliveryFilter{State: r.URL.Query().Get("state")}, req)
	if err != nil {
		return err
	}
	return writeList(w, list)
}

func (s *Server) resendWebhookDelivery(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "webhookID")
	if err != nil {
		return err
	}
	deliveryID, err := PathID(r, "deliveryID")
	if err != nil {
		return err
	}
	d, err := s.deps.OutgoingWebhooks.Resend(r.Context(), Principal(r).WorkspaceID, id, deliveryID)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, d)
	return nil
}
