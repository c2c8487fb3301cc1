-- Retention of trainees' records (docs/workshops.md, "Retention"): a trainee who did not consent
-- to keeping their records after the programme (consent no, or never asked) is anonymised once
-- their last enrolment, hour entry or, with neither, their record is older than
-- workshops.retention_days. Package workshops does it (Store.Anonymise); the database holds the
-- rules: an anonymised record has no name, contact, languages or badge and never changes
-- again, nothing new is recorded about it, and only the anonymisation removes an hour entry's
-- note, a rejection's reason or an assessment's note, which are otherwise frozen.

INSERT INTO settings (key, value) VALUES ('workshops.retention_days', '90') ON CONFLICT (key) DO NOTHING;

ALTER TABLE trainees ADD COLUMN anonymised_at timestamptz;
-- The name of an anonymised record is its number, which every report can still print.
ALTER TABLE trainees ADD CONSTRAINT trainees_anonymised CHECK (
  anonymised_at IS NULL OR (name = '#' || id AND contact IS NULL AND languages = '{}' AND badge_token IS NULL));

-- An anonymised record never changes again.
CREATE FUNCTION trainees_check_anonymised() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.anonymised_at IS NOT NULL THEN
    RAISE EXCEPTION 'trainee %: the record is anonymised', OLD.id USING ERRCODE = 'RF038'; -- pgcode.TraineeAnonymised
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER trainees_check_anonymised BEFORE UPDATE ON trainees FOR EACH ROW EXECUTE FUNCTION trainees_check_anonymised();

-- Nothing new is recorded about an anonymised trainee.
CREATE FUNCTION workshops_refuse_anonymised() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM trainees WHERE id = NEW.trainee_id AND anonymised_at IS NOT NULL) THEN
    RAISE EXCEPTION 'trainee %: the record is anonymised', NEW.trainee_id USING ERRCODE = 'RF038'; -- pgcode.TraineeAnonymised
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER enrolments_refuse_anonymised BEFORE INSERT ON enrolments FOR EACH ROW EXECUTE FUNCTION workshops_refuse_anonymised();
CREATE TRIGGER hour_entries_refuse_anonymised BEFORE INSERT ON hour_entries FOR EACH ROW EXECUTE FUNCTION workshops_refuse_anonymised();
CREATE TRIGGER hour_entry_work_refuse_anonymised BEFORE INSERT ON hour_entry_work FOR EACH ROW EXECUTE FUNCTION workshops_refuse_anonymised();
CREATE TRIGGER attendance_refuse_anonymised BEFORE INSERT ON attendance FOR EACH ROW EXECUTE FUNCTION workshops_refuse_anonymised();
CREATE TRIGGER skill_assessments_refuse_anonymised BEFORE INSERT ON skill_assessments FOR EACH ROW EXECUTE FUNCTION workshops_refuse_anonymised();

-- hour_entries_check as before, with one more change allowed: once the trainee is anonymised,
-- the note goes and a rejection's reason becomes a dash (the CHECK wants a reason), nothing else.
CREATE OR REPLACE FUNCTION hour_entries_check() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  total int;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF (NEW.trainee_id, NEW.on_date, NEW.start_minute, NEW.minutes, NEW.activity, NEW.session_id, NEW.source, NEW.status, NEW.logged_by, NEW.logged_at, NEW.reviewed_by, NEW.reviewed_at)
       IS NOT DISTINCT FROM (OLD.trainee_id, OLD.on_date, OLD.start_minute, OLD.minutes, OLD.activity, OLD.session_id, OLD.source, OLD.status, OLD.logged_by, OLD.logged_at, OLD.reviewed_by, OLD.reviewed_at)
       AND NEW.note IS NULL AND (NEW.reason IS NOT DISTINCT FROM OLD.reason OR NEW.reason = '—')
       AND EXISTS (SELECT 1 FROM trainees WHERE id = OLD.trainee_id AND anonymised_at IS NOT NULL) THEN
      RETURN NEW;
    END IF;
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
GRANT UPDATE (note) ON hour_entries TO refurb_app;

-- Assessments stay append-only but for the anonymisation, which removes their note.
CREATE FUNCTION skill_assessments_check_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.id, NEW.trainee_id, NEW.skill_id, NEW.level, NEW.assessed_by, NEW.assessed_on, NEW.created_at)
     IS NOT DISTINCT FROM (OLD.id, OLD.trainee_id, OLD.skill_id, OLD.level, OLD.assessed_by, OLD.assessed_on, OLD.created_at)
     AND NEW.note IS NULL
     AND EXISTS (SELECT 1 FROM trainees WHERE id = OLD.trainee_id AND anonymised_at IS NOT NULL) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'skill assessment %: assessments are append-only', OLD.id USING ERRCODE = 'RF039'; -- pgcode.AssessmentFrozen
END
$$;
CREATE TRIGGER skill_assessments_check_update BEFORE UPDATE ON skill_assessments FOR EACH ROW EXECUTE FUNCTION skill_assessments_check_update();
GRANT UPDATE (note) ON skill_assessments TO refurb_app;
CREATE POLICY skill_assessments_update ON skill_assessments FOR UPDATE USING (workshops_office()) WITH CHECK (workshops_office());

-- The anonymisation deletes the PIN of the trainee's account (auth.AnonymiseTraineeAccounts).
GRANT DELETE ON user_pins TO refurb_app;
