-- Workflows (issue 3). A workflow row holds the editable draft; each
-- publish freezes the definition into an immutable workflow_versions row,
-- and runs point at the version they started on. Timestamps are Unix ms.

CREATE TABLE workflows (
    id                  {{ID}},
    workspace_id        BIGINT NOT NULL REFERENCES workspaces(id),
    name                TEXT NOT NULL,
    description         TEXT NOT NULL DEFAULT '',
    -- the draft being edited (JSON); '' when it equals the published version
    draft               TEXT NOT NULL DEFAULT '',
    published_version   INTEGER NOT NULL DEFAULT 0,
    -- the published version's trigger type, so matching an event reads one index
    trigger_type        TEXT NOT NULL DEFAULT '',
    active              INTEGER NOT NULL DEFAULT 0,
    webhook_secret      TEXT NOT NULL,
    -- next firing of a schedule trigger (0: none)
    next_fire_at        BIGINT NOT NULL DEFAULT 0,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);
CREATE INDEX workflows_trigger ON workflows (workspace_id, trigger_type) WHERE active = 1;
CREATE INDEX workflows_schedule ON workflows (next_fire_at) WHERE next_fire_at > 0;

CREATE TABLE workflow_versions (
    workflow_id     BIGINT NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
    version         INTEGER NOT NULL,
    definition      TEXT NOT NULL,
    published_at    BIGINT NOT NULL,
    PRIMARY KEY (workflow_id, version)
);

-- A run is durable state, not a goroutine: the step it is at, its data
-- (variables, step outputs, retry counters) and, while it waits, the time
-- it is due (wake_at: a timeout, a Wait, or "now" for a runnable run).
CREATE TABLE workflow_runs (
    id                  {{ID}},
    workspace_id        BIGINT NOT NULL REFERENCES workspaces(id),
    workflow_id         BIGINT NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
    version             INTEGER NOT NULL,
    contact_id          BIGINT NOT NULL DEFAULT 0,
    conversation_id     BIGINT NOT NULL DEFAULT 0,
    status              TEXT NOT NULL CHECK (status IN ('running', 'waiting_reply', 'waiting_timer',
                            'waiting_assignment', 'finished', 'failed', 'stopped')),
    step                TEXT NOT NULL DEFAULT '',
    data                TEXT NOT NULL DEFAULT '{}',
    wake_at             BIGINT NOT NULL DEFAULT 0,
    lease_until         BIGINT NOT NULL DEFAULT 0,
    depth               INTEGER NOT NULL DEFAULT 0,
    trigger_event_id    BIGINT,
    error               TEXT NOT NULL DEFAULT '',
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL,
    ended_at            BIGINT NOT NULL DEFAULT 0
);
-- Replaying an event can never start a second run of the same workflow.
CREATE UNIQUE INDEX workflow_runs_trigger ON workflow_runs (workflow_id, trigger_event_id) WHERE trigger_event_id IS NOT NULL;
CREATE INDEX workflow_runs_due ON workflow_runs (wake_at) WHERE wake_at > 0;
CREATE INDEX workflow_runs_conversation ON workflow_runs (conversation_id)
    WHERE status IN ('running', 'waiting_reply', 'waiting_timer', 'waiting_assignment');
CREATE INDEX workflow_runs_workflow ON workflow_runs (workflow_id, id);

-- The step-by-step history of a run.
CREATE TABLE workflow_run_steps (
    id          {{ID}},
    run_id      BIGINT NOT NULL REFERENCES workflow_runs(id) ON DELETE CASCADE,
    step        TEXT NOT NULL,
    type        TEXT NOT NULL,
    input       TEXT NOT NULL DEFAULT '{}',
    outcome     TEXT NOT NULL DEFAULT '',
    exit        TEXT NOT NULL DEFAULT '',
    error       TEXT NOT NULL DEFAULT '',
    at          BIGINT NOT NULL
);
CREATE INDEX workflow_run_steps_run ON workflow_run_steps (run_id, id);

-- "Trigger once per contact": the contacts a workflow has already run for.
CREATE TABLE workflow_contacts (
    workflow_id BIGINT NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
    contact_id  BIGINT NOT NULL,
    PRIMARY KEY (workflow_id, contact_id)
);

-- Events appended by a workflow step carry the depth of the run that made
-- them, so workflows that trigger each other through events hit the loop
-- guard like those that start each other directly.
CREATE TABLE workflow_event_depth (
    event_id    BIGINT PRIMARY KEY,
    depth       INTEGER NOT NULL
);

-- The engine's cursor in the event log: the id of the last event consumed.
CREATE TABLE workflow_cursor (
    name        TEXT PRIMARY KEY,
    after_id    BIGINT NOT NULL
);
-- It starts at the log's end: history from before workflows existed
-- triggers nothing.
INSERT INTO workflow_cursor (name, after_id) SELECT 'engine', COALESCE(MAX(id), 0) FROM events;

-- Per-workspace workflow settings.
CREATE TABLE workflow_settings (
    workspace_id        BIGINT PRIMARY KEY REFERENCES workspaces(id),
    allow_private_http  INTEGER NOT NULL DEFAULT 0
);
