-- Inventory: donors, collection points, donations (intake batches), devices with their storage
-- media, sanitization records, repairs, QA checks, flags and the append-only event history.
-- The rules that protect the data live here as well as in package inventory: allowed values as
-- CHECKs, unique tags, serials and donation numbers, the lifecycle's allowed moves and its wipe
-- guard in a trigger, and append-only evidence (events, wipe records, QA checks) by privilege.
-- See docs/inventory.md.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Settings that change how the workshop works, one JSON value per key.
CREATE TABLE settings (
  key        text PRIMARY KEY CHECK (key ~ '^[a-z_.]+$'),
  value      jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- The tag prefix goes into every asset tag and its check character: letters only.
  CHECK (key <> 'tag_prefix' OR value #>> '{}' ~ '^[A-Z]{1,10}$')
);
INSERT INTO settings (key, value) VALUES
  ('tag_prefix', '"DI"'),
  -- Digital Inclusion accepts computers up to 10 years old and smartphones up to 7; older ones
  -- are flagged for the recycling route at intake.
  ('acceptance.max_age_years', '{"laptop": 10, "desktop": 10, "all_in_one": 10, "tablet": 7, "smartphone": 7, "monitor": 10}'),
  -- Weights default from the kind (Restart Project 2021 averages, kg), used until someone weighs the device.
  ('default_weight_kg', '{"laptop": 1.83, "desktop": 6.69, "all_in_one": 6.69, "tablet": 0.77, "smartphone": 0.15, "monitor": 3.66, "printer": 12.47, "peripheral": 0.44, "other": 1.0}'),
  ('qa.battery_min_pct', '70');
GRANT SELECT, UPDATE ON settings TO refurb_app;

CREATE TABLE donors (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name                text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  kind                text NOT NULL CHECK (kind IN ('company', 'public_body', 'association', 'individual')),
  registration_number text CHECK (length(registration_number) <= 50),
  contact_name        text CHECK (length(contact_name) <= 200),
  email               text CHECK (length(email) <= 254),
  phone               text CHECK (length(phone) <= 50),
  address             text CHECK (length(address) <= 500),
  postal_code         text CHECK (length(postal_code) <= 20),
  city                text CHECK (length(city) <= 100),
  country             text NOT NULL DEFAULT 'LU' CHECK (country ~ '^[A-Z]{2}$'),
  notes               text CHECK (length(notes) <= 2000),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX donors_name_trgm_idx ON donors USING gin (lower(name) gin_trgm_ops);
GRANT SELECT, INSERT, UPDATE ON donors TO refurb_app;

ALTER TABLE users ADD CONSTRAINT users_donor_id_fkey FOREIGN KEY (donor_id) REFERENCES donors (id);
-- A donor's user belongs to a donor; nobody else does.
ALTER TABLE users ADD CONSTRAINT users_donor_role_check CHECK ((role = 'donor') = (donor_id IS NOT NULL));

CREATE TABLE collection_points (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name       text NOT NULL UNIQUE CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  kind       text NOT NULL CHECK (kind IN ('workshop', 'recycling_centre', 'partner')),
  address    text CHECK (length(address) <= 500),
  active     boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO collection_points (name, kind) VALUES ('Workshop', 'workshop');
GRANT SELECT, INSERT, UPDATE ON collection_points TO refurb_app;

-- Donation numbers run per year (DON-2026-00042). The counter row is updated in the intake's
-- transaction, so numbers never collide and a rolled-back intake leaves no gap half-used.
CREATE TABLE donation_counters (
  year int PRIMARY KEY CHECK (year BETWEEN 2000 AND 2999),
  last int NOT NULL CHECK (last >= 0)
);
GRANT SELECT, INSERT, UPDATE ON donation_counters TO refurb_app;

CREATE TABLE donations (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  number              text NOT NULL UNIQUE CHECK (number ~ '^DON-[0-9]{4}-[0-9]{5,}$'),
  donor_id            bigint REFERENCES donors (id),
  collection_point_id bigint NOT NULL REFERENCES collection_points (id),
  received_on         date NOT NULL CHECK (received_on >= '2000-01-01'),
  received_by         bigint REFERENCES users (id),
  donor_reference     text CHECK (length(donor_reference) <= 200),
  note                text CHECK (length(note) <= 2000),
  closed_at           timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX donations_donor_idx ON donations (donor_id, received_on DESC);
CREATE INDEX donations_received_idx ON donations (received_on DESC, id DESC);
GRANT SELECT, INSERT, UPDATE ON donations TO refurb_app;

-- ISO 7064 MOD 37,36 check character over the tag without its hyphens, so that a mistyped or
-- misread tag is rejected instead of opening another device. The same function is in Go
-- (inventory.CheckChar); a test keeps them equal.
CREATE FUNCTION refurb_check_char(s text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  alphabet constant text := '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  p int := 36;
  v int;
  c text;
BEGIN
  FOREACH c IN ARRAY regexp_split_to_array(upper(s), '') LOOP
    v := strpos(alphabet, c) - 1;
    IF v < 0 THEN
      RAISE EXCEPTION 'character % is not alphanumeric', c;
    END IF;
    p := (p + v) % 36;
    IF p = 0 THEN p := 36; END IF;
    p := (p * 2) % 37;
  END LOOP;
  RETURN substr(alphabet, ((37 - p) % 36) + 1, 1);
END
$$;

-- refurb_tag formats tag number n with prefix: DI-000123-N. The number has at least six digits
-- (lpad alone would cut 1000000 down to 100000, and the tag of another device).
CREATE FUNCTION refurb_tag(prefix text, n bigint) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT prefix || '-' || num || '-' || refurb_check_char(prefix || num)
  FROM (SELECT CASE WHEN n < 1000000 THEN lpad(n::text, 6, '0') ELSE n::text END AS num) AS t
$$;

-- Tag numbers come from this sequence inside the INSERT (trigger below), never from a number
-- a form read earlier: two intakes at once can never get the same tag.
CREATE SEQUENCE device_tag_seq;
GRANT USAGE, SELECT ON SEQUENCE device_tag_seq TO refurb_app;

CREATE TABLE devices (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tag_number        bigint NOT NULL UNIQUE CHECK (tag_number > 0),
  tag               text NOT NULL UNIQUE,
  donation_id       bigint NOT NULL REFERENCES donations (id),
  kind              text NOT NULL CHECK (kind IN ('laptop', 'desktop', 'all_in_one', 'tablet', 'smartphone', 'monitor', 'printer', 'peripheral', 'other')),
  make              text CHECK (length(make) <= 100),
  model             text CHECK (length(model) <= 200),
  serial_number     text CHECK (length(serial_number) <= 100 AND serial_number !~ '[[:cntrl:]]'),
  manufacture_year  int CHECK (manufacture_year BETWEEN 1980 AND 2100),
  cpu               text CHECK (length(cpu) <= 200),
  ram_gb            numeric(8,2) CHECK (ram_gb > 0),
  screen_inches     numeric(5,2) CHECK (screen_inches > 0 AND screen_inches < 200),
  battery_health_pct int CHECK (battery_health_pct BETWEEN 0 AND 100),
  os_installed      text CHECK (length(os_installed) <= 200),
  keyboard_layout   text CHECK (keyboard_layout ~ '^[A-Z]{2}(-[A-Z]{2})?$'),
  condition_grade   text CHECK (condition_grade IN ('A', 'B', 'C', 'D')),
  weight_kg         numeric(7,3) NOT NULL CHECK (weight_kg > 0),
  location          text CHECK (length(location) <= 100),
  donor_asset_tag   text CHECK (length(donor_asset_tag) <= 100),
  notes             text CHECK (length(notes) <= 4000),
  status            text NOT NULL DEFAULT 'received'
                    CHECK (status IN ('received', 'wiped', 'in_repair', 'ready', 'reserved', 'handed_out', 'recycled', 'dismantled', 'lost')),
  -- cycle counts the device's passes through the workshop: a returned device starts a new
  -- cycle, and only wipes and QA checks of the current cycle count (it must be wiped again).
  cycle             int NOT NULL DEFAULT 1 CHECK (cycle >= 1),
  version           int NOT NULL DEFAULT 1 CHECK (version >= 1),
  received_at       timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
-- A serial appears once per donation (the same file imported twice creates nothing new).
CREATE UNIQUE INDEX devices_donation_serial_key ON devices (donation_id, lower(serial_number)) WHERE serial_number IS NOT NULL;
CREATE INDEX devices_donation_idx ON devices (donation_id, id);
CREATE INDEX devices_status_idx ON devices (status, received_at DESC, id DESC);
CREATE INDEX devices_received_idx ON devices (received_at DESC, id DESC);
CREATE INDEX devices_kind_idx ON devices (kind, received_at DESC, id DESC);
-- Free-text search on tag, serial, make and model with ILIKE '%term%' uses this index.
CREATE INDEX devices_search_trgm_idx ON devices USING gin (
  (lower(tag || ' ' || coalesce(serial_number, '') || ' ' || coalesce(make, '') || ' ' || coalesce(model, ''))) gin_trgm_ops);
GRANT SELECT, INSERT, UPDATE ON devices TO refurb_app;

CREATE FUNCTION devices_assign_tag() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  prefix text;
BEGIN
  IF NEW.tag_number IS NULL THEN
    NEW.tag_number := nextval('device_tag_seq');
  ELSIF NEW.tag_number > (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM device_tag_seq) THEN
    -- A pre-printed label can only be claimed if its number was handed out by the sequence.
    RAISE EXCEPTION 'tag number % was never issued', NEW.tag_number USING ERRCODE = 'RF004'; -- pgcode.TagNeverIssued
  END IF;
  SELECT value #>> '{}' INTO prefix FROM settings WHERE key = 'tag_prefix';
  NEW.tag := refurb_tag(coalesce(prefix, 'DI'), NEW.tag_number);
  RETURN NEW;
END
$$;
CREATE TRIGGER devices_assign_tag BEFORE INSERT ON devices FOR EACH ROW EXECUTE FUNCTION devices_assign_tag();

-- The lifecycle's allowed moves (docs/inventory.md); package inventory holds the same table
-- and a test keeps the two equal.
CREATE TABLE device_transitions (
  from_status text NOT NULL,
  to_status   text NOT NULL,
  PRIMARY KEY (from_status, to_status)
);
INSERT INTO device_transitions VALUES
  ('received', 'wiped'), ('received', 'recycled'), ('received', 'dismantled'), ('received', 'lost'),
  ('wiped', 'in_repair'), ('wiped', 'ready'), ('wiped', 'recycled'), ('wiped', 'dismantled'), ('wiped', 'lost'),
  ('in_repair', 'ready'), ('in_repair', 'recycled'), ('in_repair', 'dismantled'), ('in_repair', 'lost'),
  ('ready', 'reserved'), ('ready', 'in_repair'), ('ready', 'recycled'), ('ready', 'dismantled'), ('ready', 'lost'),
  ('reserved', 'handed_out'), ('reserved', 'ready'), ('reserved', 'lost'),
  ('handed_out', 'received'),
  ('lost', 'received');
GRANT SELECT ON device_transitions TO refurb_app;

CREATE TABLE storage_media (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  device_id     bigint NOT NULL REFERENCES devices (id),
  kind          text NOT NULL CHECK (kind IN ('hdd', 'ssd', 'nvme', 'emmc', 'flash', 'other')),
  make          text CHECK (length(make) <= 100),
  model         text CHECK (length(model) <= 200),
  serial_number text CHECK (length(serial_number) <= 100 AND serial_number !~ '[[:cntrl:]]'),
  capacity_gb   numeric(10,2) CHECK (capacity_gb > 0),
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX storage_media_device_idx ON storage_media (device_id, id);
CREATE UNIQUE INDEX storage_media_serial_key ON storage_media (lower(serial_number)) WHERE serial_number IS NOT NULL;
GRANT SELECT, INSERT ON storage_media TO refurb_app;

-- One record per drive and attempt (NIST SP 800-88). Records are evidence for erasure
-- certificates: the application may add them, never change or delete them.
CREATE TABLE wipe_records (
  id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  medium_id              bigint NOT NULL REFERENCES storage_media (id),
  cycle                  int NOT NULL CHECK (cycle >= 1),
  method                 text NOT NULL CHECK (method IN ('clear', 'purge', 'destroy')),
  technique              text NOT NULL CHECK (length(btrim(technique)) BETWEEN 1 AND 200),
  standard               text CHECK (length(standard) <= 200),
  tool                   text CHECK (length(tool) <= 200),
  verification           text NOT NULL DEFAULT 'none' CHECK (verification IN ('none', 'sample', 'full')),
  started_at             timestamptz,
  finished_at            timestamptz NOT NULL,
  result                 text NOT NULL CHECK (result IN ('passed', 'failed')),
  warnings               text CHECK (length(warnings) <= 2000),
  operator_id            bigint NOT NULL REFERENCES users (id),
  verifier_id            bigint REFERENCES users (id),
  destination            text CHECK (destination IN ('reuse', 'recycling', 'destruction')),
  contractor             text CHECK (length(contractor) <= 200),
  contractor_certificate text CHECK (length(contractor_certificate) <= 100),
  din_level              text CHECK (din_level ~ '^[OTEHFP]-[1-7]$'),
  report_filename        text CHECK (length(report_filename) <= 255),
  report_sha256          text CHECK (report_sha256 ~ '^[0-9a-f]{64}$'),
  created_at             timestamptz NOT NULL DEFAULT now(),
  CHECK (started_at IS NULL OR started_at <= finished_at),
  CHECK (verifier_id IS NULL OR verifier_id <> operator_id),
  -- Contractor and DIN 66399 level describe physical destruction only.
  CHECK (method = 'destroy' OR (contractor IS NULL AND contractor_certificate IS NULL AND din_level IS NULL))
);
CREATE INDEX wipe_records_medium_idx ON wipe_records (medium_id, cycle, finished_at DESC, id DESC);
GRANT SELECT, INSERT ON wipe_records TO refurb_app;

-- wipe_missing lists the media of a device that lack a passing record in its current cycle:
-- the latest record of the cycle must have passed.
CREATE FUNCTION wipe_missing(dev bigint) RETURNS SETOF bigint
LANGUAGE sql STABLE AS $$
  SELECT m.id FROM storage_media m JOIN devices d ON d.id = m.device_id
  WHERE m.device_id = dev
    AND coalesce((SELECT w.result FROM wipe_records w
                  WHERE w.medium_id = m.id AND w.cycle = d.cycle
                  ORDER BY w.finished_at DESC, w.id DESC LIMIT 1), 'none') <> 'passed'
  ORDER BY m.id
$$;

CREATE TABLE repair_logs (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  device_id   bigint NOT NULL REFERENCES devices (id),
  cycle       int NOT NULL CHECK (cycle >= 1),
  description text NOT NULL CHECK (length(btrim(description)) BETWEEN 1 AND 4000),
  parts_used  text CHECK (length(parts_used) <= 1000),
  minutes     int NOT NULL CHECK (minutes BETWEEN 0 AND 6000),
  outcome     text NOT NULL CHECK (outcome IN ('fixed', 'repairable', 'end_of_life')),
  recorded_by bigint NOT NULL REFERENCES users (id),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX repair_logs_device_idx ON repair_logs (device_id, id);
GRANT SELECT, INSERT ON repair_logs TO refurb_app;

-- Who did the work of a repair (trainees' skills are evidenced by it).
CREATE TABLE repair_workers (
  repair_id bigint NOT NULL REFERENCES repair_logs (id),
  user_id   bigint NOT NULL REFERENCES users (id),
  PRIMARY KEY (repair_id, user_id)
);
CREATE INDEX repair_workers_user_idx ON repair_workers (user_id);
GRANT SELECT, INSERT ON repair_workers TO refurb_app;

-- QA checklist per device kind: items [{"key": "boots", "label": "Boots to the OS"}, ...].
CREATE TABLE qa_templates (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  device_kind text NOT NULL UNIQUE CHECK (device_kind IN ('laptop', 'desktop', 'all_in_one', 'tablet', 'smartphone', 'monitor', 'printer', 'peripheral', 'other')),
  items       jsonb NOT NULL CHECK (jsonb_typeof(items) = 'array' AND jsonb_array_length(items) > 0),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO qa_templates (device_kind, items) VALUES
  ('laptop', '[{"key":"boots","label":"Boots to the operating system"},{"key":"keyboard","label":"Every key works"},{"key":"touchpad","label":"Touchpad works"},{"key":"screen","label":"Screen without dead pixels or lines"},{"key":"battery","label":"Battery health over the threshold"},{"key":"wifi","label":"Wi-Fi connects"},{"key":"webcam","label":"Webcam and microphone work"},{"key":"usb","label":"USB ports work"},{"key":"os_activated","label":"Operating system installed and activated"}]'),
  ('desktop', '[{"key":"boots","label":"Boots to the operating system"},{"key":"usb","label":"USB ports work"},{"key":"network","label":"Network (Ethernet or Wi-Fi) connects"},{"key":"audio","label":"Audio output works"},{"key":"os_activated","label":"Operating system installed and activated"}]'),
  ('all_in_one', '[{"key":"boots","label":"Boots to the operating system"},{"key":"screen","label":"Screen without dead pixels or lines"},{"key":"usb","label":"USB ports work"},{"key":"wifi","label":"Wi-Fi connects"},{"key":"webcam","label":"Webcam and microphone work"},{"key":"os_activated","label":"Operating system installed and activated"}]'),
  ('tablet', '[{"key":"boots","label":"Boots"},{"key":"touch","label":"Touch screen responds everywhere"},{"key":"battery","label":"Battery health over the threshold"},{"key":"wifi","label":"Wi-Fi connects"},{"key":"camera","label":"Cameras work"},{"key":"factory_reset","label":"Factory reset, no account lock"}]'),
  ('smartphone', '[{"key":"boots","label":"Boots"},{"key":"touch","label":"Touch screen responds everywhere"},{"key":"battery","label":"Battery health over the threshold"},{"key":"wifi","label":"Wi-Fi connects"},{"key":"calls","label":"Calls and SIM work"},{"key":"camera","label":"Cameras work"},{"key":"factory_reset","label":"Factory reset, no account lock"}]'),
  ('monitor', '[{"key":"powers_on","label":"Powers on"},{"key":"screen","label":"No dead pixels, lines or burn-in"},{"key":"inputs","label":"Video inputs work"}]'),
  ('printer', '[{"key":"powers_on","label":"Powers on"},{"key":"prints","label":"Prints a test page"}]'),
  ('peripheral', '[{"key":"works","label":"Works when connected"}]'),
  ('other', '[{"key":"works","label":"Works as intended"}]');
GRANT SELECT, UPDATE ON qa_templates TO refurb_app;

-- A QA check against the kind's checklist: items [{"key": "boots", "passed": true, "note": ""}].
CREATE TABLE qa_checks (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  device_id    bigint NOT NULL REFERENCES devices (id),
  cycle        int NOT NULL CHECK (cycle >= 1),
  items        jsonb NOT NULL CHECK (jsonb_typeof(items) = 'array'),
  passed       boolean NOT NULL,
  performed_by bigint NOT NULL REFERENCES users (id),
  verified_by  bigint REFERENCES users (id),
  note         text CHECK (length(note) <= 2000),
  created_at   timestamptz NOT NULL DEFAULT now(),
  CHECK (verified_by IS NULL OR verified_by <> performed_by)
);
CREATE INDEX qa_checks_device_idx ON qa_checks (device_id, cycle, id DESC);
GRANT SELECT, INSERT ON qa_checks TO refurb_app;

-- Flags that hold a device back (needs part, wipe failed, needs investigation) or advise
-- (over the acceptance age). At most one open flag of a kind per device.
CREATE TABLE device_flags (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  device_id  bigint NOT NULL REFERENCES devices (id),
  flag       text NOT NULL CHECK (flag IN ('needs_part', 'wipe_failed', 'needs_investigation', 'over_age')),
  note       text CHECK (length(note) <= 1000),
  set_by     bigint REFERENCES users (id),
  set_at     timestamptz NOT NULL DEFAULT now(),
  cleared_by bigint REFERENCES users (id),
  cleared_at timestamptz,
  CHECK ((cleared_at IS NULL) = (cleared_by IS NULL) OR cleared_at IS NOT NULL)
);
CREATE UNIQUE INDEX device_flags_open_key ON device_flags (device_id, flag) WHERE cleared_at IS NULL;
GRANT SELECT, INSERT, UPDATE ON device_flags TO refurb_app;

-- The guards of the lifecycle, enforced whatever code updates the status: the move must be
-- allowed, every move but to received, in_repair and lost needs every medium sanitized, and
-- ready needs a passing QA check of the current cycle and no open blocking flag.
CREATE FUNCTION devices_check_transition() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  missing bigint[];
BEGIN
  IF NEW.status = OLD.status THEN
    -- Only a return starts a new cycle: moving the cycle back would revive old wipes and checks.
    IF NEW.cycle <> OLD.cycle THEN
      RAISE EXCEPTION 'device %: the cycle changes only when the device comes back', OLD.id
        USING ERRCODE = 'RF001'; -- pgcode.TransitionRefused
    END IF;
    RETURN NEW;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM device_transitions WHERE from_status = OLD.status AND to_status = NEW.status) THEN
    RAISE EXCEPTION 'device %: % -> % is not an allowed move', OLD.id, OLD.status, NEW.status
      USING ERRCODE = 'RF001'; -- pgcode.TransitionRefused
  END IF;
  IF NEW.status IN ('wiped', 'ready', 'reserved', 'handed_out', 'recycled', 'dismantled') THEN
    SELECT array_agg(m) INTO missing FROM wipe_missing(NEW.id) m;
    IF missing IS NOT NULL THEN
      RAISE EXCEPTION 'device %: storage media % lack a passing sanitization record', OLD.id, missing
        USING ERRCODE = 'RF002'; -- pgcode.WipeRequired
    END IF;
  END IF;
  IF NEW.status = 'ready' THEN
    IF NOT coalesce((SELECT passed FROM qa_checks WHERE device_id = NEW.id AND cycle = NEW.cycle ORDER BY id DESC LIMIT 1), false) THEN
      RAISE EXCEPTION 'device %: ready needs a passed QA check', OLD.id USING ERRCODE = 'RF003'; -- pgcode.ReadyRefused
    END IF;
    IF EXISTS (SELECT 1 FROM device_flags WHERE device_id = NEW.id AND cleared_at IS NULL AND flag <> 'over_age') THEN
      RAISE EXCEPTION 'device %: ready needs no open blocking flag', OLD.id USING ERRCODE = 'RF003'; -- pgcode.ReadyRefused
    END IF;
  END IF;
  -- A device that comes back starts a new cycle: it must be wiped and checked again. No other
  -- move changes the cycle.
  IF NEW.status = 'received' THEN
    NEW.cycle := OLD.cycle + 1;
  ELSE
    NEW.cycle := OLD.cycle;
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER devices_check_transition BEFORE UPDATE OF status, cycle ON devices FOR EACH ROW EXECUTE FUNCTION devices_check_transition();

-- The device's history. Append-only: the application may add events, never change or delete them.
CREATE TABLE device_events (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  device_id   bigint NOT NULL REFERENCES devices (id),
  at          timestamptz NOT NULL DEFAULT now(),
  kind        text NOT NULL CHECK (kind IN ('intake', 'wipe', 'repair', 'qa', 'status', 'note', 'flag', 'edit', 'storage')),
  from_status text,
  to_status   text,
  actor_id    bigint REFERENCES users (id),
  note        text CHECK (length(note) <= 4000),
  detail      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX device_events_device_idx ON device_events (device_id, id DESC);
GRANT SELECT, INSERT ON device_events TO refurb_app;

-- Imports of donors' asset lists: keyed by the file's SHA-256 within a donation, so the same
-- file imported twice creates nothing new.
CREATE TABLE imports (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  donation_id  bigint NOT NULL REFERENCES donations (id),
  file_sha256  text NOT NULL CHECK (file_sha256 ~ '^[0-9a-f]{64}$'),
  filename     text NOT NULL CHECK (length(filename) <= 255),
  format       text NOT NULL CHECK (format IN ('csv', 'xlsx')),
  rows         int NOT NULL CHECK (rows >= 0),
  created      int NOT NULL CHECK (created >= 0),
  report       jsonb NOT NULL DEFAULT '{}',
  imported_by  bigint REFERENCES users (id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (donation_id, file_sha256)
);
GRANT SELECT, INSERT ON imports TO refurb_app;
