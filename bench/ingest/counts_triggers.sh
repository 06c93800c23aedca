#!/usr/bin/env bash
# Times the statement that opens a receive batch's conversations on
# PostgreSQL, with the conversation counters' triggers of two binaries'
# schemas (migration 042: counted per statement instead of per row):
# 2,000 INSERTs of 32 conversations each, one transaction each, into a
# fresh database migrated by each binary, alternated ROUNDS times. Run it
# with a server: scripts/with-postgres.sh bench/ingest/counts_triggers.sh BEFORE AFTER [ROUNDS]
set -euo pipefail
before=$1 after=$2 rounds=${3:-3}
base=${SWITCHBOARD_TEST_POSTGRES%%\?*}
base=${base%/*}
for round in $(seq "$rounds"); do
  for which in before after; do
    bin=$before; [ "$which" = after ] && bin=$after
    db=counts_$which
    psql "$base/postgres" -q -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" 2>/dev/null
    "$bin" migrate --database-url "$base/$db?sslmode=disable" >/dev/null 2>&1
    psql "$base/$db" -q <<'SQL'
INSERT INTO workspaces (id, name, created_at) VALUES (1, 'w', 1);
INSERT INTO channels (id, workspace_id, type, name, token, created_at) VALUES (1, 1, 'custom', 'c', 't', 1);
INSERT INTO contacts (id, workspace_id, first_name, created_at, updated_at) SELECT g, 1, 'c', 1, 1 FROM generate_series(1, 64000) g;
CHECKPOINT;
SQL
    start=$(date +%s%N)
    psql "$base/$db" -q <<'SQL'
DO $$
BEGIN
  FOR b IN 0..1999 LOOP
    INSERT INTO conversations (workspace_id, contact_id, channel_id, status, opened_source, opened_at)
    SELECT 1, g, 1, 'open', 'contact', 1 FROM generate_series(b * 32 + 1, b * 32 + 32) g;
    COMMIT;
  END LOOP;
END $$;
SQL
    end=$(date +%s%N)
    counted=$(psql "$base/$db" -Atc 'SELECT SUM(n) FROM conversation_counts')
    echo "round $round, $which: $(( (end - start) / 1000000 )) ms for 64000 conversations (counted: $counted)"
    psql "$base/postgres" -q -c "DROP DATABASE $db"
  done
done
