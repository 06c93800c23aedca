-- A lease per consumer of the event log (issue 14): on PostgreSQL every
-- node ran every durable consumer, and each one, on each node, woke on
-- every commit, asked the event horizon, read the log and tried the
-- cursor row, which one node at a time could take. Now one node at a time
-- runs a given consumer: the holder of its row here (lease_node, a node
-- of the nodes table), until lease_until (ms, on the holder's clock),
-- renewed with the node's heartbeat and taken over by another node's once
-- it has passed. The cursor row, locked in each batch's transaction, still
-- keeps a batch from being handled twice; the lease only keeps the other
-- nodes from trying. As with the other claims, lease_until = 0 means
-- released (a node stopping, or taken back from a silent one).
--
-- SQLite has one node, which runs every consumer: the table stays empty
-- there, and exists so that both stores have the same tables.
CREATE TABLE event_consumer_leases (
	name TEXT PRIMARY KEY,
	lease_node BIGINT NOT NULL,
	lease_until BIGINT NOT NULL
);
