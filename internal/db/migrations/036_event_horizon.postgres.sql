-- Event ids visible in commit order without a global write lock (issue 14).
--
-- An event's id comes from events_id_seq when it is inserted, not when its
-- transaction commits, so with concurrent writers id 10 may commit after
-- id 11, and a consumer that read "after 11" would never see 10. Readers
-- therefore read only up to the *horizon*: the highest id below which no
-- transaction can still commit an event (see DB.EventHorizon).
--
-- switchboard_event_id() is the column's default, so every insert takes
-- its id through it. The first event of a transaction also takes an
-- advisory lock named after its id, held until the transaction ends, and
-- marks the transaction (a transaction-local setting) so its later events,
-- whose ids are larger, take plain ids. A savepoint rolled back releases
-- both together, so its transaction's next event locks again. The lock is
-- in the two-key form: key1 = 1870000000 + id / 2^31, key2 = id mod 2^31,
-- a namespace of its own in pg_locks (every other lock of Switchboard has
-- key1 below it).
--
-- Taking the id and its lock happen under the shared side of a gate
-- (7268002, 0), a session lock held for those two steps only; the horizon
-- takes the gate exclusively, so it never sees an id taken but not yet
-- locked. The horizon is then the lowest locked id minus one, or the
-- sequence's last value when no transaction holds one: every smaller id
-- was either locked (and so is still held or its transaction has ended,
-- committed events being visible before locks are released) or not used.
CREATE FUNCTION switchboard_event_id() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	id bigint;
BEGIN
	IF current_setting('switchboard.event_lock', true) = 'on' THEN
		RETURN nextval('events_id_seq');
	END IF;
	PERFORM pg_advisory_lock_shared(7268002, 0);
	BEGIN
		id := nextval('events_id_seq');
		PERFORM pg_advisory_xact_lock(1870000000 + (id >> 31)::int, (id & 2147483647)::int);
		PERFORM set_config('switchboard.event_lock', 'on', true);
	EXCEPTION WHEN OTHERS OR query_canceled THEN
		PERFORM pg_advisory_unlock_shared(7268002, 0);
		RAISE;
	END;
	PERFORM pg_advisory_unlock_shared(7268002, 0);
	RETURN id;
END $$;

ALTER TABLE events ALTER COLUMN id SET DEFAULT switchboard_event_id();

-- switchboard_event_horizon returns the highest event id up to which
-- every event is committed or will never be: reading "after N, up to the
-- horizon" skips nothing. It holds the gate for a moment, as a session
-- lock released before it returns, so it may run in any transaction; the
-- caller reads the events in a later statement (a later snapshot).
CREATE FUNCTION switchboard_event_horizon() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	last bigint;
	called boolean;
	low bigint;
BEGIN
	PERFORM pg_advisory_lock(7268002, 0);
	BEGIN
		SELECT s.last_value, s.is_called INTO last, called FROM events_id_seq s;
		IF NOT called THEN
			last := last - 1;
		END IF;
		SELECT min((l.classid::bigint - 1870000000) * 2147483648 + l.objid::bigint) INTO low
			FROM pg_locks l
			WHERE l.locktype = 'advisory' AND l.objsubid = 2 AND l.classid::bigint >= 1870000000
				AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database());
	EXCEPTION WHEN OTHERS OR query_canceled THEN
		PERFORM pg_advisory_unlock(7268002, 0);
		RAISE;
	END;
	PERFORM pg_advisory_unlock(7268002, 0);
	IF low IS NOT NULL AND low - 1 < last THEN
		RETURN low - 1;
	END IF;
	RETURN last;
END $$;

-- conversation_counts (migrations 013, 015, 023) kept one row per group,
-- and every conversation opened in a workspace's group bumped that row:
-- concurrent writers queued on its row lock until each other's commit.
-- Each group now has up to 16 rows, a slot per backend (its process id
-- modulo 16), and the readers already sum n over the rows they match; a
-- conversation leaving a group counts -1 in the leaver's slot.
ALTER TABLE conversation_counts ADD COLUMN slot SMALLINT NOT NULL DEFAULT 0;
ALTER TABLE conversation_counts DROP CONSTRAINT conversation_counts_pkey;
ALTER TABLE conversation_counts ADD PRIMARY KEY (workspace_id, status, team_id, assignee_id, channel_id, opened_source, slot);

CREATE OR REPLACE FUNCTION conversation_counts_apply() RETURNS trigger AS $$
DECLARE
    s SMALLINT := pg_backend_pid() % 16;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.is_test = 0 THEN
        INSERT INTO conversation_counts (workspace_id, status, team_id, assignee_id, channel_id, opened_source, slot, n)
        VALUES (OLD.workspace_id, OLD.status, COALESCE(OLD.team_id, 0), COALESCE(OLD.assignee_id, 0), COALESCE(OLD.channel_id, 0), OLD.opened_source, s, -1)
        ON CONFLICT (workspace_id, status, team_id, assignee_id, channel_id, opened_source, slot) DO UPDATE SET n = conversation_counts.n - 1;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.is_test = 0 THEN
        INSERT INTO conversation_counts (workspace_id, status, team_id, assignee_id, channel_id, opened_source, slot, n)
        VALUES (NEW.workspace_id, NEW.status, COALESCE(NEW.team_id, 0), COALESCE(NEW.assignee_id, 0), COALESCE(NEW.channel_id, 0), NEW.opened_source, s, 1)
        ON CONFLICT (workspace_id, status, team_id, assignee_id, channel_id, opened_source, slot) DO UPDATE SET n = conversation_counts.n + 1;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
