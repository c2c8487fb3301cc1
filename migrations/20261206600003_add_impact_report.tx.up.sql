-- The annual impact report (docs/impact.md): a certificate of kind impact_report, numbered
-- IR-2026-00042 and verifiable like the others, about a calendar year (report_year). A re-issue
-- (another language, a correction) supersedes the year's current report.

ALTER TABLE certificates DROP CONSTRAINT certificates_number_check;
ALTER TABLE certificates ADD CONSTRAINT certificates_number_check CHECK (number ~ '^(DC|EC|HC|AC|IR)-[0-9]{4}-[0-9]{5,}$');
ALTER TABLE certificates DROP CONSTRAINT certificates_kind_check;
ALTER TABLE certificates ADD CONSTRAINT certificates_kind_check CHECK (kind IN ('donation', 'erasure', 'handover', 'attendance', 'impact_report'));
ALTER TABLE certificate_counters DROP CONSTRAINT certificate_counters_kind_check;
ALTER TABLE certificate_counters ADD CONSTRAINT certificate_counters_kind_check CHECK (kind IN ('donation', 'erasure', 'handover', 'attendance', 'impact_report'));

ALTER TABLE certificates ADD COLUMN report_year int CHECK (report_year BETWEEN 2000 AND 2999);
ALTER TABLE certificates ADD CONSTRAINT certificates_impact_report_year CHECK ((kind = 'impact_report') = (report_year IS NOT NULL));
CREATE INDEX certificates_report_year_idx ON certificates (report_year, id) WHERE report_year IS NOT NULL;
-- The ledger counts certificates issued in a period.
CREATE INDEX certificates_issued_idx ON certificates (issued_at);

-- An annual report is superseded only by a later one of the same year (certificates_check_supersede
-- compares kinds, donations and requests; certificates_check_supersede_trainee trainees).
CREATE FUNCTION certificates_check_supersede_report() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT report_year FROM certificates WHERE id = NEW.superseded_by) IS DISTINCT FROM OLD.report_year THEN
    RAISE EXCEPTION 'certificate % can only be superseded by a later one of the same year', OLD.number
      USING ERRCODE = 'RF010'; -- pgcode.SupersedeRefused
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER certificates_check_supersede_report BEFORE UPDATE ON certificates FOR EACH ROW EXECUTE FUNCTION certificates_check_supersede_report();
