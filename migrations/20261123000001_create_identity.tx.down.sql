-- Reverts the identity tables. The refurb_app role is left in place: it is cluster-wide and
-- other databases on the same cluster may use it.
DROP TABLE audit_log;
DROP TABLE sessions;
DROP TABLE api_tokens;
DROP TABLE users;
