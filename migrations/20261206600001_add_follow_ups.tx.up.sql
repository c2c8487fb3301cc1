-- Follow-up after hand-out (docs/impact.md): three months after a device was handed out, the
-- social worker who requested it is asked three short questions (is it still in use? what for?
-- any problem?), on their pages and, when e-mail is configured, through the notification outbox.
-- The answers are choices, never free text: nothing about the beneficiary is collected. They
-- feed the impact ledger. A follow-up belongs to its request (package requests) and is visible
-- under the same row-level security: to its social worker, their coordinator, and staff.

CREATE TABLE request_follow_ups (
  request_id  bigint PRIMARY KEY REFERENCES device_requests (id),
  asked_at    timestamptz NOT NULL DEFAULT now(),
  answered_at timestamptz,
  answered_by bigint REFERENCES users (id),
  in_use      text CHECK (in_use IN ('yes', 'no', 'unknown')),
  uses        text[] NOT NULL DEFAULT '{}'
              CHECK (uses <@ ARRAY['school', 'job_search', 'administration', 'language_learning', 'communication', 'other']),
  problem     text CHECK (problem IN ('none', 'hardware', 'software', 'connectivity', 'skills', 'other')),
  CHECK ((answered_at IS NULL) = (in_use IS NULL)),
  CHECK ((answered_at IS NULL) = (problem IS NULL)),
  CHECK ((answered_at IS NULL) = (answered_by IS NULL)),
  CHECK (answered_at IS NOT NULL OR cardinality(uses) = 0)
);
CREATE INDEX request_follow_ups_asked_idx ON request_follow_ups (asked_at);
CREATE INDEX request_follow_ups_answered_idx ON request_follow_ups (answered_at) WHERE answered_at IS NOT NULL;
CREATE INDEX request_follow_ups_open_idx ON request_follow_ups (asked_at, request_id) WHERE answered_at IS NULL;
GRANT SELECT, INSERT ON request_follow_ups TO refurb_app;
GRANT UPDATE (answered_at, answered_by, in_use, uses, problem) ON request_follow_ups TO refurb_app;

-- A follow-up is asked about a request handed out, and answered once.
CREATE FUNCTION request_follow_ups_check() RETURNS trigger
LANGUAGE plpgsql SET refurb.role = 'system' AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NOT EXISTS (SELECT 1 FROM device_requests WHERE id = NEW.request_id AND status = 'handed_out') THEN
      RAISE EXCEPTION 'device request %: a follow-up is asked after the hand-out', NEW.request_id
        USING ERRCODE = 'RF060'; -- pgcode.FollowUpRefused
    END IF;
    IF NEW.answered_at IS NOT NULL THEN
      RAISE EXCEPTION 'device request %: a follow-up starts unanswered', NEW.request_id
        USING ERRCODE = 'RF060'; -- pgcode.FollowUpRefused
    END IF;
    RETURN NEW;
  END IF;
  IF OLD.answered_at IS NOT NULL OR NEW.request_id <> OLD.request_id OR NEW.asked_at <> OLD.asked_at THEN
    RAISE EXCEPTION 'device request %: the follow-up was answered already', OLD.request_id
      USING ERRCODE = 'RF061'; -- pgcode.FollowUpAnswered
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER request_follow_ups_check BEFORE INSERT OR UPDATE ON request_follow_ups FOR EACH ROW EXECUTE FUNCTION request_follow_ups_check();

ALTER TABLE request_follow_ups ENABLE ROW LEVEL SECURITY;
ALTER TABLE request_follow_ups FORCE ROW LEVEL SECURITY;
-- Visible, and answerable, with its request (the subquery runs under device_requests' policies);
-- the office's check first, so that staff's reads never run the subquery.
CREATE POLICY request_follow_ups_visible ON request_follow_ups
  USING (current_setting('refurb.role', true) IN ('admin', 'staff', 'system')
         OR EXISTS (SELECT 1 FROM device_requests r WHERE r.id = request_id));
-- Asked by the server's job (or staff).
CREATE POLICY request_follow_ups_ask ON request_follow_ups AS RESTRICTIVE FOR INSERT
  WITH CHECK (current_setting('refurb.role', true) IN ('admin', 'staff', 'system'));

-- The e-mail asking the questions goes through the requests' outbox.
ALTER TABLE notification_outbox DROP CONSTRAINT notification_outbox_kind_check;
ALTER TABLE notification_outbox ADD CONSTRAINT notification_outbox_kind_check
  CHECK (kind IN ('request_decided', 'request_allocated', 'request_handed_out', 'request_follow_up'));
