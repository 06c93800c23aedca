-- A response's time in business hours is NULL when its calendar has no
-- hours (see 047_response_bh_nullable.postgres.sql). SQLite cannot drop a
-- NOT NULL: the table is built again with its rows and indexes.
-- Responses projected before keep their 0: `switchboard reports rebuild`
-- projects them again.
CREATE TABLE report_responses_new (
    event_id        BIGINT PRIMARY KEY,
    workspace_id    BIGINT NOT NULL,
    conversation_id BIGINT NOT NULL,
    user_id         BIGINT NOT NULL DEFAULT 0,
    at_local        BIGINT NOT NULL,
    response_ms     BIGINT NOT NULL,
    response_bh_ms  BIGINT
);
INSERT INTO report_responses_new (event_id, workspace_id, conversation_id, user_id, at_local, response_ms, response_bh_ms)
    SELECT event_id, workspace_id, conversation_id, user_id, at_local, response_ms, response_bh_ms FROM report_responses;
DROP TABLE report_responses;
ALTER TABLE report_responses_new RENAME TO report_responses;
CREATE INDEX report_responses_at ON report_responses (workspace_id, at_local);
CREATE INDEX report_responses_conversation ON report_responses (conversation_id);
