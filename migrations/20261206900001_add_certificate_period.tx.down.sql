ALTER TABLE certificates DROP CONSTRAINT certificates_period;
ALTER TABLE certificates DROP COLUMN period_to, DROP COLUMN period_from;
