-- Device requests: social workers of partner organisations ask for a device for a beneficiary
-- known to the workshop only by the social worker's own pseudonymous reference; staff decide,
-- allocate a ready device and hand it out against the beneficiary's signature. The rules live
-- here as well as in package requests (docs/requests.md):
-- - the request lifecycle's allowed moves (request_transitions) in a trigger;
-- - a device becomes reserved or handed out only through a request that holds it, written first
--   in the same transaction, and leaves reserved only once the request released it (a trigger on
--   devices);
-- - row-level security, forced, on the tables that carry beneficiary data: the acting user, role
--   and organisation are set per transaction (set_config('refurb.user_id', ..., true) etc.) and
--   a social worker's transaction sees their own requests (a coordinator their organisation's),
--   staff and administrators every one, anyone else none;
-- - append-only request events; a notification outbox written in the change's transaction.

CREATE TABLE partner_organisations (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name       text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  kind       text NOT NULL CHECK (kind IN ('social_office', 'refugee_agency', 'ngo', 'school', 'other')),
  address    text CHECK (length(address) <= 500),
  contact    text CHECK (length(contact) <= 300),
  -- walk_in marks the workshop's own "organisation" under which staff file requests for people
  -- who come to the counter without a social worker.
  walk_in    boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX partner_organisations_name_key ON partner_organisations (lower(name));
CREATE UNIQUE INDEX partner_organisations_walk_in_key ON partner_organisations (walk_in) WHERE walk_in;
INSERT INTO partner_organisations (name, kind, walk_in) VALUES ('Walk-in', 'other', true);
GRANT SELECT, INSERT, UPDATE ON partner_organisations TO refurb_app;

ALTER TABLE users ADD CONSTRAINT users_partner_id_fkey FOREIGN KEY (partner_id) REFERENCES partner_organisations (id);
CREATE INDEX users_partner_idx ON users (partner_id) WHERE partner_id IS NOT NULL;
-- The language a user picked with the pages' language switch: pages and e-mails use it.
ALTER TABLE users ADD COLUMN language text CHECK (language IN ('fr', 'de', 'en', 'pt', 'ar'));

-- The request policy (docs/requests.md): how many open requests a social worker may have, which
-- device kinds partners may request now, and how long closed requests keep their details.
INSERT INTO settings (key, value) VALUES
  ('requests.max_open_per_worker', '3'),
  ('requests.open_kinds', '["laptop", "desktop", "all_in_one", "tablet", "smartphone"]'),
  ('requests.retention_days', '365'),
  -- Printed on hand-over receipts as whom the beneficiary contacts for help with the device.
  ('org.support_contact', '""')
ON CONFLICT (key) DO NOTHING;

CREATE TABLE device_requests (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  partner_id      bigint NOT NULL REFERENCES partner_organisations (id),
  -- Who filed it: the social worker, or a staff member for a walk-in.
  requester_id    bigint NOT NULL REFERENCES users (id),
  -- The social worker's own pseudonymous reference for the beneficiary; NULL once anonymised.
  reference       text CHECK (length(btrim(reference)) BETWEEN 1 AND 40 AND reference !~ '[[:cntrl:]]'),
  kind            text NOT NULL CHECK (kind IN ('laptop', 'desktop', 'all_in_one', 'tablet', 'smartphone', 'monitor', 'printer', 'peripheral', 'other')),
  purpose         text NOT NULL CHECK (purpose IN ('school', 'job_search', 'administration', 'language_learning', 'other')),
  language        text CHECK (language ~ '^[a-z]{2}$'),
  keyboard_layout text CHECK (keyboard_layout ~ '^[A-Z]{2}(-[A-Z]{2})?$'),
  urgency         text NOT NULL DEFAULT 'normal' CHECK (urgency IN ('high', 'normal', 'low')),
  household       text CHECK (household IN ('one', 'two', 'three_four', 'five_plus')),
  note            text CHECK (length(note) <= 300),
  status          text NOT NULL DEFAULT 'submitted'
                  CHECK (status IN ('submitted', 'approved', 'waitlisted', 'rejected', 'allocated', 'handed_out', 'cancelled')),
  -- The reason given with a WAITLIST or REJECT decision, which the social worker sees.
  reason          text CHECK (length(reason) <= 500),
  device_id       bigint REFERENCES devices (id),
  -- The device's cycle when it was allocated: a device handed out, returned and handed out
  -- again belongs to one request per cycle.
  device_cycle    int,
  pickup_on       date,
  decided_at      timestamptz,
  decided_by      bigint REFERENCES users (id),
  allocated_at    timestamptz,
  allocated_by    bigint REFERENCES users (id),
  handed_out_at   timestamptz,
  handed_out_by   bigint REFERENCES users (id),
  -- When the request reached rejected, handed_out or cancelled: the retention period runs from it.
  closed_at       timestamptz,
  anonymised_at   timestamptz,
  version         int NOT NULL DEFAULT 1 CHECK (version >= 1),
  submitted_at    timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((device_id IS NULL) = (device_cycle IS NULL)),
  CHECK (status NOT IN ('allocated', 'handed_out') OR device_id IS NOT NULL),
  CHECK ((status IN ('rejected', 'handed_out', 'cancelled')) = (closed_at IS NOT NULL)),
  -- Only anonymisation removes the reference, and it removes the note with it.
  CHECK ((reference IS NULL) = (anonymised_at IS NOT NULL)),
  CHECK (anonymised_at IS NULL OR note IS NULL)
);
-- A device is held by one request at a time, and belongs to one request per cycle.
CREATE UNIQUE INDEX device_requests_device_key ON device_requests (device_id, device_cycle) WHERE device_id IS NOT NULL;
CREATE INDEX device_requests_requester_idx ON device_requests (requester_id, submitted_at DESC, id DESC);
CREATE INDEX device_requests_partner_idx ON device_requests (partner_id, submitted_at DESC, id DESC);
CREATE INDEX device_requests_list_idx ON device_requests (submitted_at DESC, id DESC);
-- The triage queue: requests to decide or to give a device, by urgency, then oldest first; and
-- apart, the many that hold a reserved device, waiting to be handed out.
CREATE INDEX device_requests_triage_idx ON device_requests ((CASE urgency WHEN 'high' THEN 0 WHEN 'normal' THEN 1 ELSE 2 END), submitted_at, id)
  WHERE status IN ('submitted', 'waitlisted', 'approved');
CREATE INDEX device_requests_allocated_idx ON device_requests ((CASE urgency WHEN 'high' THEN 0 WHEN 'normal' THEN 1 ELSE 2 END), submitted_at, id)
  WHERE status = 'allocated';
-- Anonymisation: closed requests whose details are still there.
CREATE INDEX device_requests_retention_idx ON device_requests (closed_at) WHERE anonymised_at IS NULL AND closed_at IS NOT NULL;
GRANT SELECT, INSERT, UPDATE ON device_requests TO refurb_app;

-- The request lifecycle's allowed moves; package requests holds the same table (Transitions)
-- and a test keeps the two equal.
CREATE TABLE request_transitions (
  from_status text NOT NULL,
  to_status   text NOT NULL,
  PRIMARY KEY (from_status, to_status)
);
INSERT INTO request_transitions VALUES
  ('submitted', 'approved'), ('submitted', 'waitlisted'), ('submitted', 'rejected'), ('submitted', 'cancelled'),
  ('waitlisted', 'approved'), ('waitlisted', 'rejected'), ('waitlisted', 'cancelled'),
  ('approved', 'allocated'), ('approved', 'cancelled'),
  ('allocated', 'handed_out'), ('allocated', 'approved'), ('allocated', 'cancelled');
GRANT SELECT ON request_transitions TO refurb_app;

-- A request moves only along request_transitions, its creation is always submitted, and a
-- device it takes on must be a ready device of the requested kind at that moment (the request
-- row is written before the device moves to reserved).
CREATE FUNCTION device_requests_check() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  dev devices%ROWTYPE;
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.status <> 'submitted' OR NEW.device_id IS NOT NULL THEN
      RAISE EXCEPTION 'a device request starts as submitted, without a device'
        USING ERRCODE = 'RF020'; -- pgcode.RequestTransitionRefused
    END IF;
    RETURN NEW;
  END IF;
  IF NEW.status <> OLD.status
     AND NOT EXISTS (SELECT 1 FROM request_transitions WHERE from_status = OLD.status AND to_status = NEW.status) THEN
    RAISE EXCEPTION 'device request %: % -> % is not an allowed move', OLD.id, OLD.status, NEW.status
      USING ERRCODE = 'RF020'; -- pgcode.RequestTransitionRefused
  END IF;
  IF NEW.device_id IS NOT NULL AND NEW.device_id IS DISTINCT FROM OLD.device_id THEN
    SELECT * INTO dev FROM devices WHERE id = NEW.device_id;
    IF dev.status <> 'ready' OR dev.kind <> NEW.kind OR dev.cycle <> NEW.device_cycle OR NEW.status <> 'allocated' THEN
      RAISE EXCEPTION 'device request %: device % (%, %) cannot be allocated to a request for a %', OLD.id, dev.tag, dev.kind, dev.status, NEW.kind
        USING ERRCODE = 'RF022'; -- pgcode.AllocationRefused
    END IF;
  END IF;
  IF NEW.device_id IS DISTINCT FROM OLD.device_id AND OLD.device_id IS NOT NULL AND NEW.device_id IS NOT NULL THEN
    RAISE EXCEPTION 'device request %: release the device before allocating another', OLD.id
      USING ERRCODE = 'RF022'; -- pgcode.AllocationRefused
  END IF;
  IF OLD.status = 'handed_out' AND NEW.device_id IS DISTINCT FROM OLD.device_id THEN
    RAISE EXCEPTION 'device request %: a handed-out request keeps its device', OLD.id
      USING ERRCODE = 'RF022'; -- pgcode.AllocationRefused
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER device_requests_check BEFORE INSERT OR UPDATE ON device_requests FOR EACH ROW EXECUTE FUNCTION device_requests_check();

-- A device moves to reserved or handed_out only when a request holding it in the matching
-- state (in the device's current cycle) was written first, in the same transaction; it leaves
-- reserved (to ready or lost) only once that request released it. The function reads
-- device_requests as the system (SET clause below, for the function's duration only): row-level
-- security must not hide from this check a request the acting user may not read. Its trigger
-- runs after devices_check_transition (triggers fire by name), so a move the lifecycle does not
-- have is refused as such first.
CREATE FUNCTION devices_check_request() RETURNS trigger
LANGUAGE plpgsql SET refurb.role = 'system' AS $$
BEGIN
  IF NEW.status = OLD.status THEN
    RETURN NEW;
  END IF;
  IF NEW.status = 'reserved' AND NOT EXISTS (
      SELECT 1 FROM device_requests WHERE device_id = OLD.id AND device_cycle = OLD.cycle AND status = 'allocated') THEN
    RAISE EXCEPTION 'device %: reserving a device goes through a device request', OLD.tag
      USING ERRCODE = 'RF021'; -- pgcode.DeviceNeedsRequest
  END IF;
  IF NEW.status = 'handed_out' AND NOT EXISTS (
      SELECT 1 FROM device_requests WHERE device_id = OLD.id AND device_cycle = OLD.cycle AND status = 'handed_out') THEN
    RAISE EXCEPTION 'device %: handing out a device goes through a device request', OLD.tag
      USING ERRCODE = 'RF021'; -- pgcode.DeviceNeedsRequest
  END IF;
  IF OLD.status = 'reserved' AND EXISTS (
      SELECT 1 FROM device_requests WHERE device_id = OLD.id AND status = 'allocated') THEN
    RAISE EXCEPTION 'device %: a device request holds it; release the request first', OLD.tag
      USING ERRCODE = 'RF021'; -- pgcode.DeviceNeedsRequest
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER devices_require_request BEFORE UPDATE OF status ON devices FOR EACH ROW EXECUTE FUNCTION devices_check_request();
-- Matching (docs/requests.md): a device's quality for any request (memory, battery, condition,
-- age), the same in Go (requests.quality); and ready devices of a kind grouped by keyboard layout
-- and installed system, best quality first within a group, so that ranking visits each group's
-- first few devices rather than every ready device.
CREATE FUNCTION refurb_device_quality(ram numeric, battery int, grade text, made int) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(floor(least(ram, 16))::int, 0) + coalesce(battery / 10, 0)
    + CASE grade WHEN 'A' THEN 6 WHEN 'B' THEN 4 WHEN 'C' THEN 2 ELSE 0 END
    + coalesce(greatest(0, least(10, made - 2015)), 0)
$$;
CREATE INDEX devices_ready_match_idx ON devices (kind, (coalesce(keyboard_layout, '')), (coalesce(os_installed, '')),
  refurb_device_quality(ram_gb, battery_health_pct, condition_grade, manufacture_year) DESC, received_at, id)
  WHERE status = 'ready';

-- Every move of a request: who, when, from, to. Append-only; free text (a decision's reason)
-- stays on the request, where anonymisation removes it.
CREATE TABLE device_request_events (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  request_id  bigint NOT NULL REFERENCES device_requests (id),
  at          timestamptz NOT NULL DEFAULT now(),
  actor_id    bigint REFERENCES users (id),
  kind        text NOT NULL CHECK (kind IN ('submitted', 'decided', 'allocated', 'released', 'handed_out', 'cancelled', 'anonymised')),
  from_status text,
  to_status   text,
  detail      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX device_request_events_request_idx ON device_request_events (request_id, id);
GRANT SELECT, INSERT ON device_request_events TO refurb_app;

-- The beneficiary's signature taken at the counter, as a grey PNG. Deleted by anonymisation.
CREATE TABLE device_request_signatures (
  request_id  bigint PRIMARY KEY REFERENCES device_requests (id),
  png         bytea NOT NULL CHECK (length(png) BETWEEN 8 AND 524288 AND substr(png, 1, 8) = '\x89504e470d0a1a0a'::bytea),
  signed_at   timestamptz NOT NULL DEFAULT now(),
  recorded_by bigint REFERENCES users (id)
);
GRANT SELECT, INSERT, DELETE ON device_request_signatures TO refurb_app;

-- E-mails to send after the change that caused them committed: written in the change's
-- transaction, sent and retried by the server (FOR UPDATE SKIP LOCKED: several servers never
-- take the same row). Ids only, never beneficiary data.
CREATE TABLE notification_outbox (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind            text NOT NULL CHECK (kind IN ('request_decided', 'request_allocated', 'request_handed_out')),
  request_id      bigint NOT NULL REFERENCES device_requests (id),
  recipient_id    bigint NOT NULL REFERENCES users (id),
  -- The request's status the change left it in: what the e-mail tells.
  status          text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  attempts        int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  sent_at         timestamptz,
  -- given up after too many attempts
  failed_at       timestamptz,
  last_error      text CHECK (length(last_error) <= 1000)
);
CREATE INDEX notification_outbox_due_idx ON notification_outbox (next_attempt_at, id) WHERE sent_at IS NULL AND failed_at IS NULL;
GRANT SELECT, INSERT, UPDATE ON notification_outbox TO refurb_app;

-- Row-level security. The policies read the acting user from settings each transaction sets
-- (package requests, setActor); without them a transaction sees nothing. FORCE applies the
-- policies to the tables' owner too (superusers and BYPASSRLS roles still bypass them).
ALTER TABLE device_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE device_requests FORCE ROW LEVEL SECURITY;
CREATE POLICY device_requests_office ON device_requests
  USING (current_setting('refurb.role', true) IN ('admin', 'staff', 'system'));
CREATE POLICY device_requests_own ON device_requests
  USING (current_setting('refurb.role', true) = 'social_worker'
         AND requester_id = nullif(current_setting('refurb.user_id', true), '')::bigint);
CREATE POLICY device_requests_organisation ON device_requests
  USING (current_setting('refurb.role', true) = 'social_worker'
         AND current_setting('refurb.coordinator', true) = 'true'
         AND partner_id = nullif(current_setting('refurb.partner_id', true), '')::bigint);

-- Events and signatures: those of the requests the transaction sees (the subquery runs under
-- device_requests' own policies).
ALTER TABLE device_request_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE device_request_events FORCE ROW LEVEL SECURITY;
CREATE POLICY device_request_events_visible ON device_request_events
  USING (EXISTS (SELECT 1 FROM device_requests r WHERE r.id = request_id));

ALTER TABLE device_request_signatures ENABLE ROW LEVEL SECURITY;
ALTER TABLE device_request_signatures FORCE ROW LEVEL SECURITY;
CREATE POLICY device_request_signatures_read ON device_request_signatures FOR SELECT
  USING (current_setting('refurb.role', true) IN ('admin', 'staff', 'system')
         AND EXISTS (SELECT 1 FROM device_requests r WHERE r.id = request_id));
CREATE POLICY device_request_signatures_insert ON device_request_signatures FOR INSERT
  WITH CHECK (current_setting('refurb.role', true) IN ('admin', 'staff')
              AND EXISTS (SELECT 1 FROM device_requests r WHERE r.id = request_id));
CREATE POLICY device_request_signatures_delete ON device_request_signatures FOR DELETE
  USING (current_setting('refurb.role', true) = 'system');

-- Hand-over receipts are certificates about a device request.
ALTER TABLE certificates ADD COLUMN device_request_id bigint REFERENCES device_requests (id);
ALTER TABLE certificates ADD CONSTRAINT certificates_handover_request CHECK (kind <> 'handover' OR device_request_id IS NOT NULL);
CREATE INDEX certificates_device_request_idx ON certificates (device_request_id, id) WHERE device_request_id IS NOT NULL;
-- A receipt is written in the beneficiary's language: Portuguese and Arabic too.
ALTER TABLE certificates DROP CONSTRAINT certificates_language_check;
ALTER TABLE certificates ADD CONSTRAINT certificates_language_check CHECK (language IN ('fr', 'de', 'en', 'pt', 'ar'));

CREATE OR REPLACE FUNCTION certificates_check_supersede() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  successor certificates%ROWTYPE;
BEGIN
  IF OLD.superseded_by IS NOT NULL THEN
    RAISE EXCEPTION 'certificate % is already superseded', OLD.number USING ERRCODE = 'RF010'; -- pgcode.SupersedeRefused
  END IF;
  SELECT * INTO successor FROM certificates WHERE id = NEW.superseded_by;
  IF successor.kind <> OLD.kind OR successor.donation_id IS DISTINCT FROM OLD.donation_id
     OR successor.device_request_id IS DISTINCT FROM OLD.device_request_id OR successor.id < OLD.id THEN
    RAISE EXCEPTION 'certificate % can only be superseded by a later one of the same kind and subject', OLD.number
      USING ERRCODE = 'RF010'; -- pgcode.SupersedeRefused
  END IF;
  RETURN NEW;
END
$$;
