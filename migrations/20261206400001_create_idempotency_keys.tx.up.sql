-- Idempotent retries (docs/api.md, "Idempotency-Key"): a client that sends a request again
-- with the same Idempotency-Key (a script after a dropped connection, a form sent twice) gets
-- the first answer instead of a second change. One row per user and key, written in a
-- transaction held open while the first request runs, so that a concurrent duplicate waits on
-- the unique key and then reads the answer; kept 24 hours, purged by the daily job. The answer
-- may hold what the user saw (a device request's details): it is replayed to that user only.
CREATE TABLE idempotency_keys (
  user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  key          text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  request_hash bytea NOT NULL CHECK (length(request_hash) = 32),
  -- The first answer; written in the same transaction as the row, so never seen without it.
  status       int NOT NULL DEFAULT 0 CHECK (status = 0 OR status BETWEEN 100 AND 599),
  header       jsonb NOT NULL DEFAULT '{}',
  body         bytea NOT NULL DEFAULT '',
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO refurb_app;
