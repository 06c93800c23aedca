-- search_fold(text) is what searches compare text through (db.Fold): on
-- SQLite a function the node registers on its connections, because
-- SQLite's LOWER folds A–Z only; here LOWER, which folds every letter.
-- IMMUTABLE and STRICT like LOWER, so a plan may inline it.
CREATE OR REPLACE FUNCTION search_fold(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS 'SELECT lower($1)';
