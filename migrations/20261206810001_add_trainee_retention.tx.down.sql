-- Reverts the retention of trainees' records: the rules go, the records anonymised stay so.
REVOKE DELETE ON user_pins FROM refurb_app;
DROP POLICY skill_assessments_update ON skill_assessments;
REVOKE UPDATE (note) ON skill_assessments FROM refurb_app;
DROP TRIGGER skill_assessments_check_update ON skill_assessments;
DROP FUNCTION skill_assessments_check_update();
REVOKE UPDATE (note) ON hour_entries FROM refurb_app;
CREATE OR REPLACE FUNCTION hour_entries_check() RETURNS trigger
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
DROP TRIGGER enrolments_refuse_anonymised ON enrolments;
DROP TRIGGER hour_entries_refuse_anonymised ON hour_entries;
DROP TRIGGER hour_entry_work_refuse_anonymised ON hour_entry_work;
DROP TRIGGER attendance_refuse_anonymised ON attendance;
DROP TRIGGER skill_assessments_refuse_anonymised ON skill_assessments;
DROP FUNCTION workshops_refuse_anonymised();
DROP TRIGGER trainees_check_anonymised ON trainees;
DROP FUNCTION trainees_check_anonymised();
ALTER TABLE trainees DROP CONSTRAINT trainees_anonymised, DROP COLUMN anonymised_at;
DELETE FROM settings WHERE key = 'workshops.retention_days';
