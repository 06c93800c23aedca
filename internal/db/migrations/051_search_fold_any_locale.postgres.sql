-- search_fold (048) was LOWER, which follows the database's LC_CTYPE: in
-- a database created with the C or POSIX locale (a server initdb'd
-- without a locale, a managed service's default) it folds A–Z only, and
-- a search for "ÉMILE" found nobody called "émile". In such a database
-- search_fold becomes LOWER under a collation that knows every letter:
-- PostgreSQL 17's built-in C.UTF-8 (Unicode's simple case mapping, as
-- Go's strings.ToLower folds the search text), else ICU's root locale
-- (most packages have ICU; it folds a final capital sigma to ς and İ to
-- i̇, which strings.ToLower does not). A database whose LOWER already
-- folds every letter (a UTF-8 locale) keeps it: it folds as Go does. A
-- server with neither collation keeps LOWER; the node warns at start
-- when it folds A–Z only (see db.checkFold).
DO $migration$
BEGIN
    IF lower('É') = 'é' THEN
        RETURN;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'pg_c_utf8') THEN
        CREATE OR REPLACE FUNCTION search_fold(text) RETURNS text
            LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
            AS 'SELECT lower($1 COLLATE pg_c_utf8)';
    ELSIF EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu') THEN
        CREATE OR REPLACE FUNCTION search_fold(text) RETURNS text
            LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
            AS 'SELECT lower($1 COLLATE "und-x-icu")';
    END IF;
END
$migration$;
