-- Reverts the inventory schema.
DROP TABLE imports, device_events, device_flags, qa_checks, qa_templates, repair_workers, repair_logs,
  wipe_records, storage_media, device_transitions, devices, donations, donation_counters,
  collection_points;
ALTER TABLE users DROP CONSTRAINT users_donor_role_check;
ALTER TABLE users DROP CONSTRAINT users_donor_id_fkey;
DROP TABLE donors, settings;
DROP FUNCTION devices_check_transition(), wipe_missing(bigint), devices_assign_tag(), refurb_tag(text, bigint), refurb_check_char(text);
DROP SEQUENCE device_tag_seq;
