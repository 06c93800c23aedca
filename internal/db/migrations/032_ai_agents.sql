-- AI agents (issue 15 §3): members of a workspace a conversation can be
-- assigned to, answered by internal/aiagent instead of a person.

-- A users row is a human member (with an account that signs in) or an AI
-- agent (no account: it can never sign in). Routing never picks an AI
-- agent from a team or the workspace; only a request naming it assigns it.
ALTER TABLE users ADD COLUMN kind TEXT NOT NULL DEFAULT 'human';

-- What an AI agent does: its instructions and tone, the knowledge it may
-- search (source_ids: a JSON array, 0 standing for the articles written in
-- the app; NULL: every source), the actions it may take (a JSON array of
-- reply, ask_field, tags, lifecycle, assign, close), and its hand-over
-- rules: after max_turns answers without resolution, under min_confidence
-- of retrieval, outside topics (a JSON array of keywords; empty: any
-- topic); hand-over goes to handover_team_id's queue or handover_user_id,
-- else leaves the conversation unassigned.
CREATE TABLE ai_agents (
    user_id             BIGINT PRIMARY KEY REFERENCES users(id),
    workspace_id        BIGINT NOT NULL REFERENCES workspaces(id),
    instructions        TEXT NOT NULL DEFAULT '',
    tone                TEXT NOT NULL DEFAULT '',
    source_ids          TEXT,
    actions             TEXT NOT NULL DEFAULT '["reply"]',
    max_turns           INTEGER NOT NULL DEFAULT 5,
    min_confidence      DOUBLE PRECISION NOT NULL DEFAULT 0.5,
    topics              TEXT NOT NULL DEFAULT '[]',
    handover_team_id    BIGINT REFERENCES teams(id) ON DELETE SET NULL,
    handover_user_id    BIGINT REFERENCES users(id) ON DELETE SET NULL,
    enabled             INTEGER NOT NULL DEFAULT 1,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);
CREATE INDEX ai_agents_workspace ON ai_agents (workspace_id);

-- One turn per inbound message an AI agent must answer, written by the
-- event consumer in the transaction that moves its cursor (so once per
-- message), done by the turn runner in the transaction that applies its
-- actions (so its effects happen once). lease_until keeps two nodes from
-- running one turn at the same time; result is what the turn saw and did,
-- redacted (the run history; the timeline event carries the same).
CREATE TABLE ai_agent_turns (
    id              {{ID}},
    workspace_id    BIGINT NOT NULL REFERENCES workspaces(id),
    agent_id        BIGINT NOT NULL REFERENCES users(id),
    conversation_id BIGINT NOT NULL REFERENCES conversations(id),
    message_id      BIGINT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending',
    outcome         TEXT NOT NULL DEFAULT '',
    lease_until     BIGINT NOT NULL DEFAULT 0,
    attempts        INTEGER NOT NULL DEFAULT 0,
    result          TEXT NOT NULL DEFAULT '{}',
    created_at      BIGINT NOT NULL,
    done_at         BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX ai_agent_turns_message ON ai_agent_turns (message_id);
CREATE INDEX ai_agent_turns_pending ON ai_agent_turns (status, lease_until);
CREATE INDEX ai_agent_turns_conversation ON ai_agent_turns (conversation_id, id);
