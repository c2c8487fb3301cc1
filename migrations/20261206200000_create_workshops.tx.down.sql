-- Reverts the workshops schema: programmes, trainees, sessions, hours, skills, benches, PINs
-- and the attendance certificates' link to a trainee.
DROP TRIGGER certificates_check_supersede_trainee ON certificates;
DROP FUNCTION certificates_check_supersede_trainee();
DELETE FROM certificates WHERE kind = 'attendance';
DELETE FROM certificate_counters WHERE kind = 'attendance';
ALTER TABLE certificates DROP CONSTRAINT certificates_attendance_trainee, DROP COLUMN trainee_id;
DROP INDEX qa_checks_performer_idx;
DROP INDEX wipe_records_operator_idx;
DROP INDEX audit_log_failed_pin_addr_idx;
DROP TABLE user_pins;
ALTER TABLE users DROP CONSTRAINT users_trainee_id_fkey;
DROP TABLE skill_evidence, skill_assessments, skills, attendance, hour_entry_work, hour_entry_devices,
  hour_entries, hour_transitions, workshop_sessions, enrolments, trainees, programmes, trainee_benches;
DROP FUNCTION hour_entries_check(), attendance_check_capacity(), workshops_bench_open(), workshops_sees(bigint), workshops_office();
