-- Where in its conversation's timeline a run began: the conversation's
-- last_seq when the run was inserted. A run about to wait checks that no
-- close (or, for a workflow ending on assignment, no assignment) came
-- after its start (workflow/wait_guard.go). A run started by an event
-- compares with its trigger event; a run with none (started by hand, on
-- a schedule, by another run) had only the clock to compare with, which
-- missed a close in the same millisecond and any assignment. The
-- conversation's sequence is taken under its row lock by every event of
-- its timeline, so it orders them exactly on both stores.
ALTER TABLE workflow_runs ADD COLUMN start_seq BIGINT;

-- Unfinished runs with no trigger event get the last seq of their
-- conversation's events made up to their creation, by the clock as
-- before; every run inserted from now on records it exactly.
UPDATE workflow_runs SET start_seq = COALESCE((SELECT MAX(e.seq) FROM events e
		WHERE e.conversation_id = workflow_runs.conversation_id AND e.created_at <= workflow_runs.created_at), 0)
	WHERE trigger_event_id IS NULL AND conversation_id <> 0 AND ended_at = 0;
