package httpapi

import (
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	"github.com/switchboard-chat/switchboard/internal/workflow"
)

// The settings screens' routes (issue 10): renaming and recolouring tags,
// editing custom fields and finding the workflows that use one, managing
// lifecycle stages, renaming closing categories and testing a channel's
// connection. All are for owners and managers.

// settingsRoutes are the routes of this file, appended to the table.
func (s *Server) settingsRoutes() []Route {
	r := func(method, pattern string, h http.Handler) Route { return Route{method, pattern, h} }
	return []Route{
		r("PATCH", "/api/v1/tags/{tagID}", s.authed(managers, s.updateTag)),
		r("PATCH", "/api/v1/custom-fields/{fieldID}", s.authed(managers, s.updateField)),
		r("GET", "/api/v1/custom-fields/{fieldID}/usage", s.authed(managers, s.fieldUsage)),
		r("POST", "/api/v1/lifecycle-stages", s.authed(managers, s.createStage)),
		r("PUT", "/api/v1/lifecycle-stages/order", s.authed(managers, s.reorderStages)),
		r("PATCH", "/api/v1/lifecycle-stages/{stageID}", s.authed(managers, s.updateStage)),
		r("DELETE", "/api/v1/lifecycle-stages/{stageID}", s.authed(managers, s.deleteStage)),
		r("PATCH", "/api/v1/closing-categories/{categoryID}", s.authed(managers, s.renameCategory)),
		r("POST", "/api/v1/channels/{channelID}/test", s.authed(managers, noStore(s.testChannel))),
	}
}

// settingsOperations document settingsRoutes.
var settingsOperations = map[string]opDoc{
	"PATCH /api/v1/tags/{tagID}": {id: "updateTag", tag: tagSettings, summary: "Rename or recolour a tag",
		desc: "Fields left out are unchanged. color: #rrggbb, or \"\" for none. Contacts keep the tag.",
		body: contact.TagUpdate{}, status: 200, resp: contact.Tag{}, errors: []int{409}},
	"PATCH /api/v1/custom-fields/{fieldID}": {id: "updateCustomField", tag: tagSettings, summary: "Rename a custom field or replace a list field's options",
		desc: "The key and the type never change. Contacts keep their values, even one no longer among the options.",
		body: contact.FieldUpdate{}, status: 200, resp: contact.Field{}},
	"GET /api/v1/custom-fields/{fieldID}/usage": {id: "customFieldUsage", tag: tagSettings,
		summary: "The workflows whose draft or published version uses a custom field",
		desc: "A template ({{contact.fields.<key>}}), a step or trigger setting naming the field, or a field condition or target. " +
			"Shown before deleting the field: those workflows would stop finding it.",
		status: 200, resp: fieldUsage{}},
	"POST /api/v1/lifecycle-stages": {id: "createLifecycleStage", tag: tagSettings, summary: "Add a lifecycle stage after the last",
		body: contact.StageInput{}, required: []string{"name"}, status: 201, resp: contact.Stage{}, errors: []int{409}},
	"PUT /api/v1/lifecycle-stages/order": {id: "reorderLifecycleStages", tag: tagSettings, summary: "Put the lifecycle stages in a new order",
		desc: "ids names every stage of the workspace once, in the new order; positions are rewritten in one transaction.",
		body: stageOrder{}, required: []string{"ids"}, status: 200, resp: page[contact.Stage]{}},
	"PATCH /api/v1/lifecycle-stages/{stageID}": {id: "updateLifecycleStage", tag: tagSettings,
		summary: "Rename a lifecycle stage, mark it lost, or make it the default",
		desc:    "A new name is carried, in the same transaction, into every workflow (draft and published versions) that names the stage.",
		body:    contact.StageInput{}, status: 200, resp: contact.Stage{}, errors: []int{409}},
	"DELETE /api/v1/lifecycle-stages/{stageID}": {id: "deleteLifecycleStage", tag: tagSettings,
		summary: "Delete a lifecycle stage; its contacts are left without one",
		desc: "The default stage cannot be deleted while other stages remain (409), nor a stage a workflow names " +
			"(409, naming the workflows).", status: 204, errors: []int{409}},
	"PATCH /api/v1/closing-categories/{categoryID}": {id: "renameClosingCategory", tag: tagSettings,
		summary: "Rename a closing category; closed conversations keep the old name",
		desc:    "The new name is carried, in the same transaction, into every workflow (draft and published versions) that names the category.",
		body:    newCategory{}, required: []string{"name"}, status: 200, resp: conversation.Category{}, errors: []int{409}},
	"POST /api/v1/channels/{channelID}/test": {id: "testChannel", tag: tagChannels, summary: "Test a channel's connection",
		desc: "Sends the channel type's probe through the guarded client (custom channel: POST <base_url>/message with the bearer token, " +
			"the header X-Switchboard-Probe: 1 and the body {\"type\":\"probe\",\"channelId\":\"<id>\"}) and answers the status, latency " +
			"and the first 512 bytes of the answer, or the network error. A channel type without a probe is a 422.",
		status: 200, resp: channel.ProbeResult{}},
}

func init() {
	for k, v := range settingsOperations {
		operations[k] = v
	}
}

func (s *Server) updateTag(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "tagID")
	if err != nil {
		return err
	}
	var in contact.TagUpdate
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	t, err := s.deps.Contacts.UpdateTag(r.Context(), Principal(r).WorkspaceID, id, in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, t)
	return nil
}

func (s *Server) updateField(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "fieldID")
	if err != nil {
		return err
	}
	var in contact.FieldUpdate
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	f, err := s.deps.Contacts.UpdateField(r.Context(), Principal(r).WorkspaceID, id, in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, f)
	return nil
}

// fieldUsage is the answer of GET /custom-fields/{id}/usage.
type fieldUsage struct {
	Field     contact.Field       `json:"field"`
	Workflows []workflow.FieldUse `json:"workflows"`
}

func (s *Server) fieldUsage(w http.ResponseWriter, r *http.Request) error {
	p := Principal(r)
	id, err := PathID(r, "fieldID")
	if err != nil {
		return err
	}
	f, err := s.deps.Contacts.GetField(r.Context(), p.WorkspaceID, id)
	if err != nil {
		return err
	}
	out := fieldUsage{Field: f, Workflows: []workflow.FieldUse{}}
	if s.deps.Workflows != nil {
		if out.Workflows, err = s.deps.Workflows.FieldUsage(r.Context(), p.WorkspaceID, f.Key); err != nil {
			return err
		}
	}
	httpjson.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) createStage(w http.ResponseWriter, r *http.Request) error {
	var in contact.StageInput
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	st, err := s.deps.Contacts.CreateStage(r.Context(), Principal(r).WorkspaceID, in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusCreated, st)
	return nil
}

func (s *Server) updateStage(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "stageID")
	if err != nil {
		return err
	}
	var in contact.StageInput
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	st, err := s.deps.Contacts.UpdateStage(r.Context(), Principal(r).WorkspaceID, id, in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, st)
	return nil
}

// stageOrder is the body of PUT /lifecycle-stages/order.
type stageOrder struct {
	IDs []int64 `json:"ids"`
}

func (s *Server) reorderStages(w http.ResponseWriter, r *http.Request) error {
	var in stageOrder
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	if in.IDs == nil {
		return apperr.Invalid("ids", "is required")
	}
	list, err := s.deps.Contacts.ReorderStages(r.Context(), Principal(r).WorkspaceID, in.IDs)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, whole(list))
	return nil
}

func (s *Server) deleteStage(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "stageID")
	if err != nil {
		return err
	}
	if err := s.deps.Contacts.DeleteStage(r.Context(), Principal(r).WorkspaceID, id); err != nil {
		return err
	}
	noContent(w)
	return nil
}

func (s *Server) renameCategory(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "categoryID")
	if err != nil {
		return err
	}
	var in newCategory
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	c, err := s.deps.Conversations.RenameCategory(r.Context(), Principal(r).WorkspaceID, id, in.Name)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, c)
	return nil
}

// testChannel sends the channel's probe and answers what came back; an
// integrator that answers 500 or cannot be reached is still a 200 of this
// route, saying so.
func (s *Server) testChannel(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "channelID")
	if err != nil {
		return err
	}
	res, err := s.deps.Channels.Test(r.Context(), Principal(r).WorkspaceID, id)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, res)
	return nil
}
