-- Erasure tools' reports imported as files (nwipe/ShredOS PDFs, Blancco XML) instead of typed:
-- each file is kept once, with its SHA-256, and the sanitization records read from it link to
-- it (docs/wipes.md). The file is evidence beside the record: the application may add
-- reports, never change or delete them, as for wipe_records.
CREATE TABLE wipe_reports (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  sha256      text NOT NULL UNIQUE CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  filename    text NOT NULL CHECK (length(btrim(filename)) BETWEEN 1 AND 255 AND filename !~ '[[:cntrl:]/\\]'),
  format      text NOT NULL CHECK (format IN ('nwipe_pdf', 'blancco_xml')),
  -- 5 MB, wipereport.MaxBytes.
  data        bytea NOT NULL CHECK (octet_length(data) BETWEEN 1 AND 5242880),
  uploaded_by bigint NOT NULL REFERENCES users (id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (sha256 = encode(sha256(data), 'hex'))
);
GRANT SELECT, INSERT ON wipe_reports TO refurb_app;

ALTER TABLE wipe_records ADD COLUMN report_id bigint REFERENCES wipe_reports (id);
-- A report is recorded once per drive: importing it again skips the drive.
CREATE UNIQUE INDEX wipe_records_report_key ON wipe_records (medium_id, report_id) WHERE report_id IS NOT NULL;
CREATE INDEX wipe_records_report_idx ON wipe_records (report_id) WHERE report_id IS NOT NULL;
CREATE INDEX wipe_records_medium_sha_idx ON wipe_records (medium_id, report_sha256) WHERE report_sha256 IS NOT NULL;

-- Serials are matched without spaces, in any case (inventory.ImportWipeReports).
CREATE INDEX storage_media_serial_nospace_idx ON storage_media (lower(regexp_replace(serial_number, '\s+', '', 'g')))
  WHERE serial_number IS NOT NULL;

-- A record linked to a report names that report's file and hash, so that the certificate,
-- which prints report_filename and report_sha256, shows the file that is kept.
CREATE FUNCTION wipe_records_check_report() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r wipe_reports;
BEGIN
  IF NEW.report_id IS NULL THEN
    RETURN NEW;
  END IF;
  SELECT * INTO r FROM wipe_reports WHERE id = NEW.report_id;
  IF NEW.report_sha256 IS DISTINCT FROM r.sha256 OR NEW.report_filename IS DISTINCT FROM r.filename THEN
    RAISE EXCEPTION 'wipe record: report_sha256 and report_filename must be those of report %', NEW.report_id
      USING ERRCODE = 'RF070'; -- pgcode.WipeReportMismatch
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER wipe_records_check_report BEFORE INSERT ON wipe_records
  FOR EACH ROW EXECUTE FUNCTION wipe_records_check_report();

-- A batch of reports checked and waiting for its confirmation, as held_imports for asset
-- lists: the confirmation may reach another instance.
CREATE TABLE held_wipe_reports (
  token_hash bytea NOT NULL,
  position   int NOT NULL CHECK (position BETWEEN 0 AND 49),
  user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  filename   text NOT NULL,
  data       bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (token_hash, position)
);
CREATE INDEX held_wipe_reports_expires_idx ON held_wipe_reports (expires_at);
GRANT SELECT, INSERT, DELETE ON held_wipe_reports TO refurb_app;
