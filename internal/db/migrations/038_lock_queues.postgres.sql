-- Two lock queues sampled in pg_locks under load, removed (issue 14): the
-- event horizon's gate, and conversation_counts slots shared by two
-- writers.
--
-- 1. The event horizon without its gate.
--
-- Migration 036 took an event id and its advisory lock under the shared
-- side of a gate (7268002, 0), and the horizon took the gate exclusively
-- for the moment it read, so that it never saw an id taken but not yet
-- locked. Sampled under load, the gate was a queue of its own: every
-- horizon (every consumer's and live reader's look at the log, on every
-- node) waited for the inserts taking ids, and those inserts for it.
--
-- The gate is not needed if the lock comes before the id. The first event
-- of a transaction now reads the sequence's last value f, takes a shared
-- transaction advisory lock named after f (key1 = 1880000000 + f / 2^31,
-- key2 = f mod 2^31: a namespace of its own, above 036's), and only then
-- takes its id from the sequence, which is larger than f. The horizon
-- reads the sequence's last value L first and then the held locks, and
-- returns the smaller of L and the lowest locked f. Why no id up to it can
-- still commit: an id at most L was taken before the horizon read L, so
-- its lock was taken before too; if that lock is still held when the
-- horizon reads the locks, its f (smaller than the id) bounds the answer
-- below the id; if it is not, the transaction has ended, and PostgreSQL
-- makes a commit visible before it releases the transaction's locks. An
-- id larger than L is above the answer anyway.
--
-- Transactions that share a floor share its lock (shared mode), so no
-- writer ever waits for another here, nor for a horizon. A savepoint rolled
-- back still releases the lock and the transaction-local mark together.
-- Locks of 036's form (key1 from 1870000000, named after the id itself,
-- id - 1 being the bound) are still honoured, for transactions that began
-- before this migration.
CREATE OR REPLACE FUNCTION switchboard_event_id() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	f bigint;
	called boolean;
BEGIN
	IF current_setting('switchboard.event_lock', true) = 'on' THEN
		RETURN nextval('events_id_seq');
	END IF;
	SELECT s.last_value, s.is_called INTO f, called FROM events_id_seq s;
	IF NOT called THEN
		f := f - 1;
	END IF;
	PERFORM pg_advisory_xact_lock_shared(1880000000 + (f >> 31)::int, (f & 2147483647)::int);
	PERFORM set_config('switchboard.event_lock', 'on', true);
	RETURN nextval('events_id_seq');
END $$;

CREATE OR REPLACE FUNCTION switchboard_event_horizon() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	last bigint;
	called boolean;
	low bigint;
BEGIN
	-- The sequence first, the locks second: the order is the proof.
	SELECT s.last_value, s.is_called INTO last, called FROM events_id_seq s;
	IF NOT called THEN
		last := last - 1;
	END IF;
	SELECT min(CASE WHEN l.classid::bigint >= 1880000000
			THEN (l.classid::bigint - 1880000000) * 2147483648 + l.objid::bigint
			ELSE (l.classid::bigint - 1870000000) * 2147483648 + l.objid::bigint - 1 END) INTO low
		FROM pg_locks l
		WHERE l.locktype = 'advisory' AND l.objsubid = 2
			AND l.classid::bigint >= 1870000000 AND l.classid::bigint < 1890000000
			AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database());
	IF low IS NOT NULL AND low < last THEN
		RETURN low;
	END IF;
	RETURN last;
END $$;

-- 2. conversation_counts (036) spread each group's count over 16 rows, the
-- slot chosen as the backend's process id modulo 16. Sampled under load,
-- two writer connections (four per node) often shared a slot, and a new
-- conversation's count then waited for the other's whole transaction,
-- fsync included, on that row. A transaction now takes a slot of its own
-- the first time it counts: the first of the 16 whose transaction
-- advisory lock (7268003, slot) it can take without waiting, starting at
-- its process id modulo 16, remembered in a transaction-local setting.
-- Only when every slot is taken does it fall back to the process id's,
-- and wait. A savepoint rolled back releases the lock and the setting
-- together, as the event horizon's do.
CREATE OR REPLACE FUNCTION conversation_counts_slot() RETURNS smallint LANGUAGE plpgsql AS $$
DECLARE
	cur text := current_setting('switchboard.count_slot', true);
	first int := pg_backend_pid() % 16;
	k int;
BEGIN
	IF cur IS NOT NULL AND cur <> '' THEN
		RETURN cur::smallint;
	END IF;
	FOR i IN 0..15 LOOP
		k := (first + i) % 16;
		IF pg_try_advisory_xact_lock(7268003, k) THEN
			PERFORM set_config('switchboard.count_slot', k::text, true);
			RETURN k;
		END IF;
	END LOOP;
	RETURN first;
END $$;

CREATE OR REPLACE FUNCTION conversation_counts_apply() RETURNS trigger AS $$
DECLARE
    s SMALLINT := conversation_counts_slot();
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
