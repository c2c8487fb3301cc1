-- What several server instances behind one load balancer must share moves out of each
-- process's memory (docs/operations.md, "Several instances"): rate-limit counters, the asset
-- lists waiting between their check and their import, and when the daily job last ran.

-- Fixed-window counters: one row per key (e.g. "verify:<client address>") and window.
-- Rows of past windows are purged by the daily job.
CREATE TABLE rate_limits (
  key          text NOT NULL CHECK (length(key) <= 200),
  window_start timestamptz NOT NULL,
  n            integer NOT NULL,
  PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_limits_window_idx ON rate_limits (window_start);
GRANT SELECT, INSERT, UPDATE, DELETE ON rate_limits TO refurb_app;

-- A donor's asset list checked on the intake page waits here until its uploader confirms the
-- import, on whichever instance. Only the hash of the token the page holds is stored. Expired
-- rows are purged by the daily job, and never taken.
CREATE TABLE held_imports (
  token_hash  bytea PRIMARY KEY,
  user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  donation_id bigint NOT NULL REFERENCES donations (id) ON DELETE CASCADE,
  filename    text NOT NULL,
  data        bytea NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL
);
CREATE INDEX held_imports_expires_idx ON held_imports (expires_at);
GRANT SELECT, INSERT, DELETE ON held_imports TO refurb_app;

-- The server's periodic jobs: an instance runs a job when its last run is old enough, taking
-- the row's lock so that two instances never run it at once.
CREATE TABLE jobs (
  name     text PRIMARY KEY,
  last_run timestamptz NOT NULL
);
GRANT SELECT, INSERT, UPDATE ON jobs TO refurb_app;
