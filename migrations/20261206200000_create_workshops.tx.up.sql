-- Workshops: the workshop is also a school. Programmes (an employability track, an ADEM OTI
-- placement), trainees and their enrolments, sessions and attendance, hour entries reviewed by
-- staff, the skills catalogue and assessments, and bench devices where trainees sign in with a
-- PIN. The rules that protect the data live here as well as in package workshops: allowed values
-- as CHECKs, the hour entries' state machine, the 12-hour day and dates in the future in a
-- trigger (serialised per trainee, so that two entries logged at once cannot pass it together),
-- overlapping entries by an exclusion constraint, a session's capacity under its row lock.
-- Trainees' personal data is behind row-level security, forced on the tables' owner too: the
-- package sets the actor per transaction (set_config('refurb.role' / 'refurb.trainee_id' /
-- 'refurb.bench', ..., true)), and without one a query sees no trainee. See docs/workshops.md.

CREATE EXTENSION IF NOT EXISTS btree_gist;

-- Who is acting, as package workshops set it for the transaction (workshops/store.go).
CREATE FUNCTION workshops_office() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(current_setting('refurb.role', true), '') IN ('admin', 'staff')
$$;

-- workshops_sees says whether the actor may see a trainee's records: staff and administrators
-- every trainee's, a trainee their own.
CREATE FUNCTION workshops_sees(trainee bigint) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(current_setting('refurb.role', true), '') IN ('admin', 'staff')
      OR (coalesce(current_setting('refurb.role', true), '') = 'trainee'
          AND trainee = nullif(current_setting('refurb.trainee_id', true), '')::bigint)
$$;

CREATE TABLE programmes (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name               text NOT NULL UNIQUE CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  funder             text NOT NULL CHECK (length(btrim(funder)) BETWEEN 1 AND 200),
  -- Minutes, like every duration here: 1 to 5,000 hours (VAE asks for 5,000 hours of experience).
  target_minutes     int NOT NULL CHECK (target_minutes BETWEEN 1 AND 300000),
  -- ADEM's OTI: 40 hours a week (32 with a training plan). A week over it is flagged, not refused.
  weekly_cap_minutes int NOT NULL CHECK (weekly_cap_minutes BETWEEN 60 AND 4200),
  starts_on          date NOT NULL CHECK (starts_on >= '2000-01-01'),
  ends_on            date NOT NULL,
  tutor_id           bigint NOT NULL REFERENCES users (id),
  created_at         timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_on >= starts_on)
);
GRANT SELECT, INSERT, UPDATE ON programmes TO refurb_app;

CREATE TABLE trainees (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name                text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200 AND name !~ '[[:cntrl:]]'),
  contact             text CHECK (length(contact) <= 500),
  -- ISO 639 codes of the languages the trainee speaks, the first the one pages use.
  languages           text[] NOT NULL DEFAULT '{}'
                      CHECK (cardinality(languages) <= 10 AND array_to_string(languages, ',') ~ '^([a-z]{2,3}(,[a-z]{2,3})*)?$'),
  -- Overrides the programme's target when set.
  target_minutes      int CHECK (target_minutes BETWEEN 1 AND 300000),
  -- Consent to keep the records after the programme: null until asked, then the answer and
  -- the day it was given.
  consent_keep        boolean,
  consent_recorded_on date,
  -- What the trainee's QR badge encodes after PUBLIC_URL/T/: 10 base32 characters, no name.
  badge_token         text UNIQUE CHECK (badge_token ~ '^[A-Z2-7]{10}$'),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  CHECK ((consent_keep IS NULL) = (consent_recorded_on IS NULL))
);
CREATE INDEX trainees_name_idx ON trainees (lower(name), id);
GRANT SELECT, INSERT, UPDATE ON trainees TO refurb_app;

-- A trainee's users account (optional) is linked by users.trainee_id.
ALTER TABLE users ADD CONSTRAINT users_trainee_id_fkey FOREIGN KEY (trainee_id) REFERENCES trainees (id);
-- A TRAINEE account may also sign in on a bench device with a 4 to 6 digit PIN (auth/pin.go),
-- hashed with Argon2id like passwords. A table of its own rather than a column of users, so
-- that reading a user never carries it.
CREATE TABLE user_pins (
  user_id    bigint PRIMARY KEY REFERENCES users (id),
  pin_hash   text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT, UPDATE ON user_pins TO refurb_app;
-- Failed PIN sign-ins are counted per client address like failed logins.
CREATE INDEX audit_log_failed_pin_addr_idx ON audit_log (client_addr, at) WHERE action = 'pin.failed';

CREATE TABLE enrolments (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  trainee_id   bigint NOT NULL REFERENCES trainees (id),
  programme_id bigint NOT NULL REFERENCES programmes (id),
  starts_on    date NOT NULL CHECK (starts_on >= '2000-01-01'),
  ends_on      date NOT NULL,
  tutor_id     bigint NOT NULL REFERENCES users (id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_on >= starts_on),
  -- One programme at a time: an hour entry's date names the programme it counts for.
  CONSTRAINT enrolments_no_overlap EXCLUDE USING gist (trainee_id WITH =, daterange(starts_on, ends_on, '[]') WITH &&)
);
CREATE INDEX enrolments_programme_idx ON enrolments (programme_id, starts_on);
GRANT SELECT, INSERT, UPDATE ON enrolments TO refurb_app;

CREATE TABLE workshop_sessions (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  programme_id  bigint REFERENCES programmes (id),
  on_date       date NOT NULL CHECK (on_date >= '2000-01-01'),
  -- Minutes after midnight, the workshop's local time.
  start_minute  int NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
  end_minute    int NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
  topic         text NOT NULL CHECK (length(btrim(topic)) BETWEEN 1 AND 200),
  location      text CHECK (length(location) <= 200),
  supervisor_id bigint NOT NULL REFERENCES users (id),
  capacity      int NOT NULL CHECK (capacity BETWEEN 1 AND 200),
  created_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (end_minute > start_minute)
);
CREATE INDEX workshop_sessions_date_idx ON workshop_sessions (on_date, start_minute);
GRANT SELECT, INSERT, UPDATE ON workshop_sessions TO refurb_app;

-- The hour entries' state machine (workshops.Transitions holds the same, a test keeps them equal).
CREATE TABLE hour_transitions (
  from_status text NOT NULL,
  to_status   text NOT NULL,
  PRIMARY KEY (from_status, to_status)
);
INSERT INTO hour_transitions VALUES ('pending', 'approved'), ('pending', 'rejected');
GRANT SELECT ON hour_transitions TO refurb_app;

CREATE TABLE hour_entries (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  trainee_id  bigint NOT NULL REFERENCES trainees (id),
  on_date     date NOT NULL CHECK (on_date >= '2000-01-01'),
  -- Optional, in minutes after midnight: an entry with a start is a time range of its day that
  -- may not overlap another.
  start_minute int CHECK (start_minute BETWEEN 0 AND 1439),
  minutes     int NOT NULL CHECK (minutes BETWEEN 1 AND 720),
  activity    text NOT NULL CHECK (activity IN ('training', 'diagnosis', 'repair', 'wipe', 'qa', 'intake', 'handout', 'other')),
  note        text CHECK (length(note) <= 500),
  session_id  bigint REFERENCES workshop_sessions (id),
  -- manual: logged by the trainee or staff; attendance: from a session's attendance; work: proposed
  -- from wipes, repairs and QA checks the trainee did.
  source      text NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'attendance', 'work')),
  status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  reason      text CHECK (length(btrim(reason)) BETWEEN 1 AND 500),
  logged_by   bigint REFERENCES users (id),
  logged_at   timestamptz NOT NULL DEFAULT now(),
  reviewed_by bigint REFERENCES users (id),
  reviewed_at timestamptz,
  CHECK ((status = 'rejected') = (reason IS NOT NULL)),
  CHECK ((status = 'pending') = (reviewed_at IS NULL)),
  -- Nobody approves or rejects what they logged themselves.
  CHECK (reviewed_by IS NULL OR logged_by IS NULL OR reviewed_by <> logged_by),
  CHECK (source <> 'attendance' OR session_id IS NOT NULL),
  -- A time range ends the day it starts.
  CHECK (start_minute + minutes <= 1440),
  CONSTRAINT hour_entries_no_overlap EXCLUDE USING gist (
    trainee_id WITH =, on_date WITH =, int4range(start_minute, start_minute + minutes) WITH &&
  ) WHERE (status <> 'rejected' AND start_minute IS NOT NULL)
);
CREATE INDEX hour_entries_trainee_idx ON hour_entries (trainee_id, on_date, id);
CREATE INDEX hour_entries_date_idx ON hour_entries (on_date, trainee_id) WHERE status = 'approved';
CREATE INDEX hour_entries_pending_idx ON hour_entries (on_date, trainee_id) WHERE status = 'pending';
CREATE UNIQUE INDEX hour_entries_session_key ON hour_entries (session_id, trainee_id) WHERE session_id IS NOT NULL AND status <> 'rejected';
GRANT SELECT, INSERT ON hour_entries TO refurb_app;
-- Only the review changes an entry.
GRANT UPDATE (status, reason, reviewed_by, reviewed_at) ON hour_entries TO refurb_app;

-- The rules of an hour entry, whatever code writes it: new entries are pending and not in the
-- future (the workshop's calendar), a trainee's day holds at most 12 hours of entries that are
-- not rejected (counted under a per-trainee lock, so two entries logged at once cannot both
-- pass), only the review changes an entry, and only along hour_transitions.
CREATE FUNCTION hour_entries_check() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  total int;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF (NEW.trainee_id, NEW.on_date, NEW.start_minute, NEW.minutes, NEW.activity, NEW.note, NEW.session_id, NEW.source, NEW.logged_by, NEW.logged_at)
       IS DISTINCT FROM (OLD.trainee_id, OLD.on_date, OLD.start_minute, OLD.minutes, OLD.activity, OLD.note, OLD.session_id, OLD.source, OLD.logged_by, OLD.logged_at)
       OR NEW.status = OLD.status THEN
      RAISE EXCEPTION 'hour entry %: only its review changes it, once', OLD.id USING ERRCODE = 'RF034'; -- pgcode.HourEntryFrozen
    END IF;
    IF NOT EXISTS (SELECT 1 FROM hour_transitions WHERE from_status = OLD.status AND to_status = NEW.status) THEN
      RAISE EXCEPTION 'hour entry %: % -> % is not an allowed review', OLD.id, OLD.status, NEW.status
        USING ERRCODE = 'RF032'; -- pgcode.HoursTransitionRefused
    END IF;
    RETURN NEW;
  END IF;
  IF NEW.status <> 'pending' THEN
    RAISE EXCEPTION 'a new hour entry is pending, not %', NEW.status USING ERRCODE = 'RF032'; -- pgcode.HoursTransitionRefused
  END IF;
  IF NEW.on_date > (now() AT TIME ZONE 'Europe/Luxembourg')::date THEN
    RAISE EXCEPTION 'hour entry on %: the date is in the future', NEW.on_date USING ERRCODE = 'RF031'; -- pgcode.HoursInFuture
  END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended('refurb.hours', NEW.trainee_id));
  SELECT coalesce(sum(minutes), 0) INTO total FROM hour_entries
  WHERE trainee_id = NEW.trainee_id AND on_date = NEW.on_date AND status <> 'rejected';
  IF total + NEW.minutes > 720 THEN
    RAISE EXCEPTION 'trainee %: % minutes on % would exceed 12 hours', NEW.trainee_id, total + NEW.minutes, NEW.on_date
      USING ERRCODE = 'RF030'; -- pgcode.DayCapExceeded
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER hour_entries_check BEFORE INSERT OR UPDATE ON hour_entries FOR EACH ROW EXECUTE FUNCTION hour_entries_check();

-- The devices an entry's work was on.
CREATE TABLE hour_entry_devices (
  entry_id  bigint NOT NULL REFERENCES hour_entries (id),
  device_id bigint NOT NULL REFERENCES devices (id),
  PRIMARY KEY (entry_id, device_id)
);
CREATE INDEX hour_entry_devices_device_idx ON hour_entry_devices (device_id);
GRANT SELECT, INSERT ON hour_entry_devices TO refurb_app;

-- Which wipes, repairs and QA checks an entry was proposed from: each piece of work proposes
-- hours once, for each trainee who did it.
CREATE TABLE hour_entry_work (
  entry_id   bigint NOT NULL REFERENCES hour_entries (id),
  trainee_id bigint NOT NULL REFERENCES trainees (id),
  kind       text NOT NULL CHECK (kind IN ('wipe', 'repair', 'qa')),
  record_id  bigint NOT NULL,
  PRIMARY KEY (trainee_id, kind, record_id)
);
CREATE INDEX hour_entry_work_entry_idx ON hour_entry_work (entry_id);
GRANT SELECT, INSERT ON hour_entry_work TO refurb_app;

CREATE TABLE attendance (
  session_id    bigint NOT NULL REFERENCES workshop_sessions (id),
  trainee_id    bigint NOT NULL REFERENCES trainees (id),
  via           text NOT NULL CHECK (via IN ('tick', 'badge')),
  marked_by     bigint REFERENCES users (id),
  marked_at     timestamptz NOT NULL DEFAULT now(),
  hour_entry_id bigint NOT NULL UNIQUE REFERENCES hour_entries (id),
  PRIMARY KEY (session_id, trainee_id)
);
CREATE INDEX attendance_trainee_idx ON attendance (trainee_id);
GRANT SELECT, INSERT ON attendance TO refurb_app;

-- A session holds at most its capacity, counted under the session's row lock.
CREATE FUNCTION attendance_check_capacity() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  cap int;
  n int;
BEGIN
  SELECT capacity INTO cap FROM workshop_sessions WHERE id = NEW.session_id FOR UPDATE;
  SELECT count(*) INTO n FROM attendance WHERE session_id = NEW.session_id;
  IF n >= cap THEN
    RAISE EXCEPTION 'session %: all % places are taken', NEW.session_id, cap USING ERRCODE = 'RF033'; -- pgcode.SessionFull
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER attendance_check_capacity BEFORE INSERT ON attendance FOR EACH ROW EXECUTE FUNCTION attendance_check_capacity();

-- The skills catalogue (administrators edit it). names: {"fr": ..., "de": ..., "en": ...,
-- optionally "pt", "ar"}. work_kind and keywords say which of a trainee's wipes, repairs and QA
-- checks evidence the skill (a repair whose description or parts name a keyword).
CREATE TABLE skills (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  key        text NOT NULL UNIQUE CHECK (key ~ '^[a-z][a-z0-9_]{1,49}$'),
  names      jsonb NOT NULL CHECK (jsonb_typeof(names) = 'object' AND names ? 'fr' AND names ? 'de' AND names ? 'en'),
  work_kind  text CHECK (work_kind IN ('wipe', 'repair', 'qa')),
  keywords   text[] NOT NULL DEFAULT '{}' CHECK (cardinality(keywords) <= 30),
  position   int NOT NULL DEFAULT 0,
  active     boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT, UPDATE ON skills TO refurb_app;
-- domain.md section 6 (Restart Project, WEEE Open Tarallo).
INSERT INTO skills (key, position, work_kind, keywords, names) VALUES
  ('hardware_diagnosis', 10, 'qa', '{}',
   '{"fr": "Diagnostic matériel", "de": "Hardware-Diagnose", "en": "Hardware diagnosis", "pt": "Diagnóstico de hardware", "ar": "تشخيص العتاد"}'),
  ('laptop_disassembly', 20, 'repair', '{disassembl,démont,demont,zerleg,opened,ouvert}',
   '{"fr": "Démontage d''ordinateur portable", "de": "Zerlegen von Laptops", "en": "Laptop disassembly", "pt": "Desmontagem de portáteis", "ar": "تفكيك الحاسوب المحمول"}'),
  ('screen_replacement', 30, 'repair', '{screen,écran,ecran,display,bildschirm,lcd,panel}',
   '{"fr": "Remplacement d''écran", "de": "Bildschirmtausch", "en": "Screen replacement", "pt": "Substituição de ecrã", "ar": "استبدال الشاشة"}'),
  ('component_replacement', 40, 'repair', '{ram,memory,mémoire,speicher,ssd,hdd,disk,disque,keyboard,clavier,tastatur,battery,batterie,akku,charger,chargeur}',
   '{"fr": "Remplacement de composants", "de": "Austausch von Komponenten", "en": "Component replacement", "pt": "Substituição de componentes", "ar": "استبدال المكونات"}'),
  ('thermal_paste', 50, 'repair', '{thermal,paste,pâte,wärmeleit,fan,ventilateur,lüfter}',
   '{"fr": "Pâte thermique et refroidissement", "de": "Wärmeleitpaste und Kühlung", "en": "Thermal paste and cooling", "pt": "Pasta térmica e arrefecimento", "ar": "المعجون الحراري والتبريد"}'),
  ('os_installation', 60, 'repair', '{install,windows,linux,ubuntu,mint,debian,système,betriebssystem}',
   '{"fr": "Installation du système", "de": "Installation des Betriebssystems", "en": "OS installation", "pt": "Instalação do sistema operativo", "ar": "تثبيت نظام التشغيل"}'),
  ('data_wiping', 70, 'wipe', '{}',
   '{"fr": "Effacement des données", "de": "Datenlöschung", "en": "Data wiping", "pt": "Apagamento de dados", "ar": "مسح البيانات"}'),
  ('electronics_safety', 80, NULL, '{}',
   '{"fr": "Sécurité électrique", "de": "Elektrosicherheit", "en": "Electronics safety", "pt": "Segurança elétrica", "ar": "السلامة الكهربائية"}'),
  ('customer_handout', 90, NULL, '{}',
   '{"fr": "Remise au bénéficiaire", "de": "Übergabe an Begünstigte", "en": "Customer hand-out", "pt": "Entrega ao beneficiário", "ar": "التسليم للمستفيد"}');

-- A skill observed, done with help or done alone, by a trainee, as a staff member saw it on a
-- day. Append-only: a later assessment supersedes, never rewrites.
CREATE TABLE skill_assessments (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  trainee_id  bigint NOT NULL REFERENCES trainees (id),
  skill_id    bigint NOT NULL REFERENCES skills (id),
  level       text NOT NULL CHECK (level IN ('observed', 'assisted', 'independent')),
  assessed_by bigint NOT NULL REFERENCES users (id),
  assessed_on date NOT NULL CHECK (assessed_on >= '2000-01-01'),
  note        text CHECK (length(note) <= 500),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX skill_assessments_trainee_idx ON skill_assessments (trainee_id, skill_id, assessed_on DESC, id DESC);
GRANT SELECT, INSERT ON skill_assessments TO refurb_app;

-- What an assessment rests on: device events (a wipe, a repair, a QA check), sessions.
CREATE TABLE skill_evidence (
  assessment_id bigint NOT NULL REFERENCES skill_assessments (id),
  kind          text NOT NULL CHECK (kind IN ('device_event', 'session')),
  ref_id        bigint NOT NULL,
  PRIMARY KEY (assessment_id, kind, ref_id)
);
GRANT SELECT, INSERT ON skill_evidence TO refurb_app;

-- Shared devices at the bench where a staff member opened bench mode: trainees pick their name
-- there and sign in with their PIN. The device keeps a random token in a cookie; only its
-- SHA-256 is stored.
CREATE TABLE trainee_benches (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
  name       text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
  opened_by  bigint NOT NULL REFERENCES users (id),
  opened_at  timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  closed_by  bigint REFERENCES users (id),
  closed_at  timestamptz,
  CHECK (expires_at > opened_at)
);
GRANT SELECT, INSERT ON trainee_benches TO refurb_app;
GRANT UPDATE (closed_by, closed_at) ON trainee_benches TO refurb_app;

-- workshops_bench_open says whether the transaction's bench token names an open bench: the
-- list of names on a bench device is read under it.
CREATE FUNCTION workshops_bench_open() RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM trainee_benches
                 WHERE token_hash = decode(nullif(current_setting('refurb.bench', true), ''), 'hex')
                   AND closed_at IS NULL AND expires_at > now())
$$;

-- Row-level security on everything about a trainee. FORCE makes it hold for the tables' owner
-- too (superusers and the demo loader's replica mode aside).
ALTER TABLE trainees ENABLE ROW LEVEL SECURITY;
ALTER TABLE trainees FORCE ROW LEVEL SECURITY;
CREATE POLICY trainees_select ON trainees FOR SELECT USING (workshops_sees(id) OR workshops_bench_open());
CREATE POLICY trainees_insert ON trainees FOR INSERT WITH CHECK (workshops_office());
CREATE POLICY trainees_update ON trainees FOR UPDATE USING (workshops_office()) WITH CHECK (workshops_office());

ALTER TABLE enrolments ENABLE ROW LEVEL SECURITY;
ALTER TABLE enrolments FORCE ROW LEVEL SECURITY;
CREATE POLICY enrolments_select ON enrolments FOR SELECT USING (workshops_sees(trainee_id) OR workshops_bench_open());
CREATE POLICY enrolments_insert ON enrolments FOR INSERT WITH CHECK (workshops_office());
CREATE POLICY enrolments_update ON enrolments FOR UPDATE USING (workshops_office()) WITH CHECK (workshops_office());

ALTER TABLE hour_entries ENABLE ROW LEVEL SECURITY;
ALTER TABLE hour_entries FORCE ROW LEVEL SECURITY;
CREATE POLICY hour_entries_select ON hour_entries FOR SELECT USING (workshops_sees(trainee_id));
-- A trainee adds pending entries of their own; staff anyone's.
CREATE POLICY hour_entries_insert ON hour_entries FOR INSERT
  WITH CHECK (workshops_office() OR (workshops_sees(trainee_id) AND status = 'pending' AND source <> 'attendance'));
CREATE POLICY hour_entries_update ON hour_entries FOR UPDATE USING (workshops_office()) WITH CHECK (workshops_office());

ALTER TABLE hour_entry_devices ENABLE ROW LEVEL SECURITY;
ALTER TABLE hour_entry_devices FORCE ROW LEVEL SECURITY;
CREATE POLICY hour_entry_devices_select ON hour_entry_devices FOR SELECT
  USING (EXISTS (SELECT 1 FROM hour_entries e WHERE e.id = entry_id));
CREATE POLICY hour_entry_devices_insert ON hour_entry_devices FOR INSERT
  WITH CHECK (EXISTS (SELECT 1 FROM hour_entries e WHERE e.id = entry_id));

ALTER TABLE hour_entry_work ENABLE ROW LEVEL SECURITY;
ALTER TABLE hour_entry_work FORCE ROW LEVEL SECURITY;
CREATE POLICY hour_entry_work_select ON hour_entry_work FOR SELECT USING (workshops_sees(trainee_id));
CREATE POLICY hour_entry_work_insert ON hour_entry_work FOR INSERT WITH CHECK (workshops_sees(trainee_id));

ALTER TABLE attendance ENABLE ROW LEVEL SECURITY;
ALTER TABLE attendance FORCE ROW LEVEL SECURITY;
CREATE POLICY attendance_select ON attendance FOR SELECT USING (workshops_sees(trainee_id));
CREATE POLICY attendance_insert ON attendance FOR INSERT WITH CHECK (workshops_office());

ALTER TABLE skill_assessments ENABLE ROW LEVEL SECURITY;
ALTER TABLE skill_assessments FORCE ROW LEVEL SECURITY;
CREATE POLICY skill_assessments_select ON skill_assessments FOR SELECT USING (workshops_sees(trainee_id));
CREATE POLICY skill_assessments_insert ON skill_assessments FOR INSERT WITH CHECK (workshops_office());

ALTER TABLE skill_evidence ENABLE ROW LEVEL SECURITY;
ALTER TABLE skill_evidence FORCE ROW LEVEL SECURITY;
CREATE POLICY skill_evidence_select ON skill_evidence FOR SELECT
  USING (EXISTS (SELECT 1 FROM skill_assessments a WHERE a.id = assessment_id));
CREATE POLICY skill_evidence_insert ON skill_evidence FOR INSERT WITH CHECK (workshops_office());

-- Lookups of a trainee's work in the inventory (workshops reads it through inventory.WorkBy):
-- wipes by operator and QA checks by performer.
CREATE INDEX wipe_records_operator_idx ON wipe_records (operator_id, finished_at);
CREATE INDEX qa_checks_performer_idx ON qa_checks (performed_by, created_at);

-- Attendance certificates (kind attendance, AC-2026-00042) are about a trainee.
ALTER TABLE certificates ADD COLUMN trainee_id bigint REFERENCES trainees (id);
ALTER TABLE certificates ADD CONSTRAINT certificates_attendance_trainee CHECK (kind <> 'attendance' OR trainee_id IS NOT NULL);
CREATE INDEX certificates_trainee_idx ON certificates (trainee_id, id) WHERE trainee_id IS NOT NULL;

-- certificates_check_supersede compares the donations of a certificate and its successor; this
-- one compares their trainees, so that an attendance certificate is superseded only by a later
-- one of the same trainee.
CREATE FUNCTION certificates_check_supersede_trainee() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT trainee_id FROM certificates WHERE id = NEW.superseded_by) IS DISTINCT FROM OLD.trainee_id THEN
    RAISE EXCEPTION 'certificate % can only be superseded by a later one of the same trainee', OLD.number
      USING ERRCODE = 'RF010'; -- pgcode.SupersedeRefused
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER certificates_check_supersede_trainee BEFORE UPDATE ON certificates FOR EACH ROW EXECUTE FUNCTION certificates_check_supersede_trainee();
