-- Reports (issue 13): projections of the event log, rebuilt from it by
-- `switchboard reports rebuild`. Times are Unix milliseconds; *_local
-- columns are the same instant as wall-clock milliseconds in the
-- workspace's time zone at projection time (so a day is local / 86400000
-- and an hour of day is local % 86400000 / 3600000 on both stores).

-- One row per conversation: its facts. last_event_id makes the
-- projection idempotent (an event at or below it changes nothing).
CREATE TABLE report_conversations (
    conversation_id         BIGINT PRIMARY KEY,
    workspace_id            BIGINT NOT NULL,
    contact_id              BIGINT NOT NULL DEFAULT 0,
    channel_id              BIGINT NOT NULL DEFAULT 0,
    team_id                 BIGINT NOT NULL DEFAULT 0,
    assignee_id             BIGINT NOT NULL DEFAULT 0,
    opened_at               BIGINT NOT NULL,
    opened_local            BIGINT NOT NULL,
    opened_source           TEXT NOT NULL DEFAULT '',
    queued_at               BIGINT NOT NULL DEFAULT 0,
    first_assigned_at       BIGINT NOT NULL DEFAULT 0,
    first_assigned_local    BIGINT NOT NULL DEFAULT 0,
    first_assignee_id       BIGINT NOT NULL DEFAULT 0,
    strategy                TEXT NOT NULL DEFAULT '',
    time_to_assign_ms       BIGINT,
    queue_wait_ms           BIGINT,
    reassignments           INTEGER NOT NULL DEFAULT 0,
    waiting_since           BIGINT NOT NULL DEFAULT 0,
    first_response_at       BIGINT NOT NULL DEFAULT 0,
    first_response_local    BIGINT NOT NULL DEFAULT 0,
    first_responder_id      BIGINT NOT NULL DEFAULT 0,
    first_response_ms       BIGINT,
    first_response_bh_ms    BIGINT,
    assign_response_ms      BIGINT,
    responses               INTEGER NOT NULL DEFAULT 0,
    response_ms_total       BIGINT NOT NULL DEFAULT 0,
    messages_in             INTEGER NOT NULL DEFAULT 0,
    messages_out            INTEGER NOT NULL DEFAULT 0,
    closed_at               BIGINT NOT NULL DEFAULT 0,
    closed_local            BIGINT NOT NULL DEFAULT 0,
    closed_source           TEXT NOT NULL DEFAULT '',
    category                TEXT NOT NULL DEFAULT '',
    resolution_ms           BIGINT,
    resolution_bh_ms        BIGINT,
    reopen                  INTEGER NOT NULL DEFAULT 0,
    is_test                 INTEGER NOT NULL DEFAULT 0,
    last_event_id           BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX report_conversations_opened ON report_conversations (workspace_id, opened_local);
CREATE INDEX report_conversations_closed ON report_conversations (workspace_id, closed_local);
CREATE INDEX report_conversations_first_response ON report_conversations (workspace_id, first_response_local);
CREATE INDEX report_conversations_assigned ON report_conversations (workspace_id, first_assigned_local);
CREATE INDEX report_conversations_contact ON report_conversations (contact_id, closed_at);
CREATE INDEX report_conversations_open ON report_conversations (workspace_id, closed_at);

-- Every human response: a user's message answering the contact's oldest
-- unanswered message. Keyed by the message event.
CREATE TABLE report_responses (
    event_id        BIGINT PRIMARY KEY,
    workspace_id    BIGINT NOT NULL,
    conversation_id BIGINT NOT NULL,
    user_id         BIGINT NOT NULL DEFAULT 0,
    at_local        BIGINT NOT NULL,
    response_ms     BIGINT NOT NULL,
    response_bh_ms  BIGINT NOT NULL
);
CREATE INDEX report_responses_at ON report_responses (workspace_id, at_local);

-- Messages per local day, channel, direction, sender and user.
CREATE TABLE report_message_days (
    workspace_id    BIGINT NOT NULL,
    day             BIGINT NOT NULL,
    channel_id      BIGINT NOT NULL,
    direction       TEXT NOT NULL,
    sender          TEXT NOT NULL,
    user_id         BIGINT NOT NULL,
    team_id         BIGINT NOT NULL,
    messages        BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, day, channel_id, direction, sender, user_id, team_id)
);

-- Contacts created, and lifecycle changes, keyed by their event.
CREATE TABLE report_contacts (
    contact_id      BIGINT PRIMARY KEY,
    workspace_id    BIGINT NOT NULL,
    created_local   BIGINT NOT NULL,
    is_test         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX report_contacts_created ON report_contacts (workspace_id, created_local);
CREATE TABLE report_lifecycle (
    event_id        BIGINT PRIMARY KEY,
    workspace_id    BIGINT NOT NULL,
    contact_id      BIGINT NOT NULL,
    stage           TEXT NOT NULL,
    at_local        BIGINT NOT NULL
);
CREATE INDEX report_lifecycle_at ON report_lifecycle (workspace_id, at_local);

-- Workflow runs (those tied to a conversation, which the log records) and
-- the steps each reached.
CREATE TABLE report_workflow_runs (
    run_id          BIGINT PRIMARY KEY,
    workspace_id    BIGINT NOT NULL,
    workflow_id     BIGINT NOT NULL,
    started_local   BIGINT NOT NULL,
    ended_local     BIGINT NOT NULL DEFAULT 0,
    status          TEXT NOT NULL DEFAULT 'running',
    last_step       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX report_workflow_runs_started ON report_workflow_runs (workspace_id, started_local);
CREATE TABLE report_workflow_steps (
    run_id          BIGINT NOT NULL,
    step            TEXT NOT NULL,
    workspace_id    BIGINT NOT NULL,
    workflow_id     BIGINT NOT NULL,
    PRIMARY KEY (run_id, step)
);

-- Per-workspace report settings: the reopen window and the holidays of
-- the business-hours calendar (the hours are workspaces.business_hours).
CREATE TABLE report_settings (
    workspace_id        BIGINT PRIMARY KEY,
    reopen_window_ms    BIGINT NOT NULL,
    holidays            TEXT NOT NULL DEFAULT '[]'
);
