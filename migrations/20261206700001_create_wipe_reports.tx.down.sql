DROP TABLE held_wipe_reports;
DROP TRIGGER wipe_records_check_report ON wipe_records;
DROP FUNCTION wipe_records_check_report();
DROP INDEX storage_media_serial_nospace_idx;
ALTER TABLE wipe_records DROP COLUMN report_id;
DROP TABLE wipe_reports;
