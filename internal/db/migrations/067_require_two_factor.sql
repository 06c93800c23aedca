-- An owner may require two-factor sign-in of every member: a session of a
-- person without it then reaches only their account, to set it up.
ALTER TABLE workspaces ADD COLUMN require_two_factor INTEGER NOT NULL DEFAULT 0;
