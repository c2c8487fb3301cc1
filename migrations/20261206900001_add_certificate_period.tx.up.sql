-- An attendance certificate covers a period (the enrolment's, or the first to the last approved
-- entry): the trainee's "My progress" page lists their certificates with it, so it is kept
-- with the certificate as printed, never computed again from hours that may have changed.
-- Certificates issued before this migration have none (their PDF still shows it).

ALTER TABLE certificates ADD COLUMN period_from date, ADD COLUMN period_to date;
ALTER TABLE certificates ADD CONSTRAINT certificates_period CHECK (
  (period_from IS NULL) = (period_to IS NULL) AND period_from <= period_to
  AND (period_from IS NULL OR kind = 'attendance'));
