-- Accounts (issue 8): one person, several workspaces. An account is the
-- person who signs in (email, password); a users row becomes their
-- membership of one workspace (name shown there, role, status, teams,
-- deactivation) and keeps its id, which every other table refers to.

CREATE TABLE accounts (
    id              {{ID}},
    email           TEXT NOT NULL,
    name            TEXT NOT NULL,
    password_hash   TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL
);
-- Emails are stored lowercased; the index holds that for any row too.
CREATE UNIQUE INDEX accounts_email ON accounts (lower(email));

-- One account per distinct email, with the name, password and creation
-- time of its oldest user. Emails were unique server-wide and always
-- stored lowercased, so today each user becomes its own account; lower()
-- would fold any that differed only in case onto the oldest.
INSERT INTO accounts (email, name, password_hash, created_at)
SELECT lower(u.email), u.name, u.password_hash, u.created_at FROM users u
WHERE u.id = (SELECT MIN(v.id) FROM users v WHERE lower(v.email) = lower(u.email))
ORDER BY u.id;

-- Set for every membership. It stays nullable because SQLite cannot add a
-- NOT NULL column that references another table.
ALTER TABLE users ADD COLUMN account_id BIGINT REFERENCES accounts(id);
UPDATE users SET account_id = (SELECT a.id FROM accounts a WHERE lower(a.email) = lower(users.email));

-- The account holds the email and the password now. A person is a member
-- of a workspace at most once.
DROP INDEX users_email;
ALTER TABLE users DROP COLUMN email;
ALTER TABLE users DROP COLUMN password_hash;
CREATE UNIQUE INDEX users_account ON users (account_id, workspace_id);
