-- Who said a pair of contacts is not one person, so that the list of
-- dismissed pairs (where a dismissal can be taken back) names them; NULL
-- for an API token's dismissal, one made before this column, or a user
-- deleted since.
ALTER TABLE contact_merge_dismissals ADD COLUMN user_id BIGINT REFERENCES users(id) ON DELETE SET NULL;
