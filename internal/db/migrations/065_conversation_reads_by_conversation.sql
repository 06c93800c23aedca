-- A conversation's reads by anyone: when a person last read it, which the
-- widget tells its visitor ("Seen"), and the rows a deleted conversation
-- cascades to, found without reading every member's marks.
CREATE INDEX conversation_reads_conversation ON conversation_reads (conversation_id, read_at);
