// Package workflow runs inbound-conversation workflows: a trigger plus a
// graph of steps, executed for the contact and conversation that fired it.
// Definitions are JSON, validated on save and frozen into immutable
// versions on publish. The engine consumes the event log with its own
// cursor, and a run is a database row (step, data, status, wake time), so
// waiting runs cost no goroutine and survive restarts; each step's writes
// and the run's next state commit in one transaction.
package workflow

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/limit"
)

// Definition is a workflow's trigger and its graph of steps, as saved
// through the API.
type Definition struct {
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Trigger     Trigger  `json:"trigger"`
	Options     Options  `json:"options,omitzero"`
	Steps       []Step   `json:"steps"`
	Start       string   `json:"start,omitempty"` // the first step; default the first of Steps
	Warnings    []string `json:"-"`
}

// Options are per-workflow behaviours.
type Options struct {
	// EndOnAssignment ends the workflow's waiting runs of a conversation
	// when an agent is assigned to it (the seed's "the workflow ends when
	// an agent is assigned").
	EndOnAssignment bool `json:"end_on_assignment,omitempty"`
}

// Trigger says which event starts a run, under which conditions.
type Trigger struct {
	Type string `json:"type"`
	// Conditions are the trigger type's settings; see trigger_*.go.
	Conditions json.RawMessage `json:"conditions,omitempty"`
	// OncePerContact starts at most one run per contact, ever.
	OncePerContact bool `json:"once_per_contact,omitempty"`
}

// Step is one node of the graph.
type Step struct {
	ID       string          `json:"id"`
	Type     string          `json:"type"`
	Name     string          `json:"name,omitempty"`
	Settings json.RawMessage `json:"settings,omitempty"`
	// Exits name the steps that follow, by exit name (next, else,
	// branch[0]…, timeout, failure, success). A missing exit ends the run.
	Exits map[string]string `json:"exits,omitempty"`
}

// Limits that protect the system.
const (
	MaxSteps      = 100
	MaxBranches   = 9
	MaxConditions = 10
	MaxOptions    = 10
	MaxDepth      = 10 // workflows starting workflows (directly or through events)
	MaxJumps      = 100
	MaxWait       = 7 * 24 * 60 * 60 // seconds

	MaxNameLen        = limit.Name      // characters of a workflow's or a step's name
	MaxDescriptionLen = limit.ShortText // characters of a workflow's description
)

// step returns the step with id, or nil.
func (d *Definition) step(id string) *Step {
	for i := range d.Steps {
		if d.Steps[i].ID == id {
			return &d.Steps[i]
		}
	}
	return nil
}

// first is the step a run starts at.
func (d *Definition) first() string {
	if d.Start != "" {
		return d.Start
	}
	if len(d.Steps) > 0 {
		return d.Steps[0].ID
	}
	return ""
}

// ParseDefinition decodes a definition's JSON.
func ParseDefinition(b []byte) (Definition, error) {
	var d Definition
	if err := json.Unmarshal(b, &d); err != nil {
		return d, fmt.Errorf("workflow: definition: %w", err)
	}
	return d, nil
}

// decodeSettings reads a step's or trigger's settings into v; empty
// settings leave v at its zero value. An unknown setting is an error, so
// a misspelt one is reported on save instead of silently ignored.
func decodeSettings(raw json.RawMessage, v any) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
