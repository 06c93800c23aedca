-- Nodes: each running `switchboard serve` registers as it starts, and a
-- claim (a workflow run being advanced, an outbound message being sent)
-- names the node that holds it. A node that stops heartbeating loses its
-- claims to the others at once, rather than when their leases end; a node
-- restarting on SQLite, which it alone owns, takes back every claim.
CREATE TABLE nodes (
    id          {{ID}},
    started_at  BIGINT NOT NULL,
    seen_at     BIGINT NOT NULL,
    host        TEXT NOT NULL DEFAULT ''
);

ALTER TABLE workflow_runs ADD COLUMN lease_node BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbound_jobs ADD COLUMN lease_node BIGINT NOT NULL DEFAULT 0;
-- A claim is current while lease_until > 0; lease_node is whose it is.
CREATE INDEX workflow_runs_lease_node ON workflow_runs (lease_node) WHERE lease_until > 0;
CREATE INDEX outbound_jobs_lease_node ON outbound_jobs (lease_node) WHERE lease_until > 0;
