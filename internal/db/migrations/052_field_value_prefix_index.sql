-- contact_field_values_value (013) held each value whole. A text field's
-- value may be 5,000 characters, and PostgreSQL refuses a B-tree entry
-- past about 2,700 bytes once compressed: saving a long value that does
-- not compress (a pasted note, a token) failed with a 500. The index now
-- holds the value's first 100 characters (at most 400 bytes); the list
-- filters compare that prefix, which the index finds, then the whole
-- value. substr counts characters on both stores.
DROP INDEX contact_field_values_value;
CREATE INDEX contact_field_values_value ON contact_field_values (field_id, substr(value, 1, 100), contact_id);
