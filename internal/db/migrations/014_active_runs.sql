-- The runs not yet ended, by status: what /metrics reports as the engine's
-- live load, read at scrape time without scanning every finished run.
CREATE INDEX workflow_runs_active ON workflow_runs (status) WHERE ended_at = 0;
