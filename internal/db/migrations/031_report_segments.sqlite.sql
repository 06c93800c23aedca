-- Reports at scale (issue 13): per-day column segments of the report
-- facts, the days whose facts changed since their segment was written,
-- and per-team business calendars.

-- One segment per workspace, kind and local day: the facts of the
-- conversations (or responses) whose kind's date falls on that day,
-- packed by column (see internal/report/segment.go). kind: o opened,
-- c closed, a first assigned, f first response, r response.
CREATE TABLE report_segments (
    workspace_id    BIGINT NOT NULL,
    kind            TEXT NOT NULL,
    day             BIGINT NOT NULL,
    row_count       BIGINT NOT NULL,
    data            BLOB NOT NULL,
    PRIMARY KEY (workspace_id, kind, day)
);

-- Days whose facts the projection changed since their segments were
-- written: queries read the live fact tables for them. version grows
-- with each change so the compactor clears only what it saw; changed_at
-- (Unix ms) lets it leave a day that is still changing for later.
CREATE TABLE report_dirty_days (
    workspace_id    BIGINT NOT NULL,
    day             BIGINT NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1,
    changed_at      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (workspace_id, day)
);

-- Every day that already has facts starts dirty: the compactor writes
-- its segments, and queries stay exact meanwhile.
INSERT INTO report_dirty_days (workspace_id, day)
SELECT workspace_id, opened_local / 86400000 FROM report_conversations
UNION SELECT workspace_id, closed_local / 86400000 FROM report_conversations WHERE closed_at > 0
UNION SELECT workspace_id, first_assigned_local / 86400000 FROM report_conversations WHERE first_assigned_at > 0
UNION SELECT workspace_id, first_response_local / 86400000 FROM report_conversations WHERE first_response_at > 0
UNION SELECT workspace_id, at_local / 86400000 FROM report_responses;

-- The days of a conversation's responses, found when its facts change.
CREATE INDEX report_responses_conversation ON report_responses (conversation_id);

-- A team's own business hours and holidays (empty: the workspace's).
ALTER TABLE teams ADD COLUMN business_hours TEXT NOT NULL DEFAULT '';
ALTER TABLE teams ADD COLUMN holidays TEXT NOT NULL DEFAULT '[]';
