-- Identity and access: users with one role each, API tokens stored as hashes, browser sessions
-- (the table alexedwards/scs's PostgreSQL store expects) and the append-only audit log.
-- The application runs as refurb_app, which owns nothing: see docs/database.md.

DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'refurb_app') THEN
    CREATE ROLE refurb_app NOLOGIN;
  END IF;
END
$$;

-- The migrating role must be able to SET ROLE refurb_app for the application's connections when
-- the same login runs both (the embedded database, a single DATABASE_URL). A superuser can
-- already; for others this grant makes it possible. It fails harmlessly when already granted.
DO $$
BEGIN
  IF NOT pg_has_role(current_user, 'refurb_app', 'MEMBER') THEN
    EXECUTE format('GRANT refurb_app TO %I', current_user);
  END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO refurb_app;
GRANT SELECT ON bun_migrations TO refurb_app;

CREATE TABLE users (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email         text NOT NULL CHECK (email = lower(btrim(email)) AND email LIKE '%_@_%' AND length(email) <= 254),
  name          text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  role          text NOT NULL CHECK (role IN ('admin', 'staff', 'trainee', 'donor', 'social_worker')),
  password_hash text NOT NULL,
  -- donor_id and partner_id get their foreign keys when donors and partner organisations exist.
  donor_id      bigint,
  partner_id    bigint,
  disabled_at   timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
-- Emails are stored lower-cased (CHECK above), so this index makes them unique case-insensitively.
CREATE UNIQUE INDEX users_email_key ON users (email);
GRANT SELECT, INSERT, UPDATE ON users TO refurb_app;

CREATE TABLE api_tokens (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id      bigint NOT NULL REFERENCES users (id),
  name         text NOT NULL DEFAULT '' CHECK (length(name) <= 100),
  -- SHA-256 of the token: tokens carry 256 random bits, so a fast hash is enough and the
  -- plain token exists only in the output of `refurb tokens create`.
  token_hash   bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);
CREATE INDEX api_tokens_user_id_idx ON api_tokens (user_id);
GRANT SELECT, INSERT, UPDATE ON api_tokens TO refurb_app;

-- Browser sessions, in the shape github.com/alexedwards/scs/postgresstore reads and writes.
CREATE TABLE sessions (
  token  text PRIMARY KEY,
  data   bytea NOT NULL,
  expiry timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);
GRANT SELECT, INSERT, UPDATE, DELETE ON sessions TO refurb_app;

-- Append-only: refurb_app may read and insert, never update or delete.
CREATE TABLE audit_log (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  actor_id    bigint REFERENCES users (id),
  action      text NOT NULL CHECK (action ~ '^[a-z_.]+$'),
  subject_id  bigint,
  -- SHA-256 of the e-mail address tried at login, never the address itself: it lets login
  -- attempts be counted per account (rate limit) without storing mistyped addresses in clear.
  account_key text,
  client_addr inet,
  detail      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_account_idx ON audit_log (account_key, at) WHERE account_key IS NOT NULL;
CREATE INDEX audit_log_failed_addr_idx ON audit_log (client_addr, at) WHERE action = 'login.failed';
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at);
GRANT SELECT, INSERT ON audit_log TO refurb_app;
