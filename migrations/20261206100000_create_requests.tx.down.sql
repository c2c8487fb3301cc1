-- Reverts device requests: receipts lose their request, devices their request check, users
-- their language and the link to a partner organisation.
CREATE OR REPLACE FUNCTION certificates_check_supersede() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  successor certificates%ROWTYPE;
BEGIN
  IF OLD.superseded_by IS NOT NULL THEN
    RAISE EXCEPTION 'certificate % is already superseded', OLD.number USING ERRCODE = 'RF010'; -- pgcode.SupersedeRefused
  END IF;
  SELECT * INTO successor FROM certificates WHERE id = NEW.superseded_by;
  IF successor.kind <> OLD.kind OR successor.donation_id IS DISTINCT FROM OLD.donation_id OR successor.id < OLD.id THEN
    RAISE EXCEPTION 'certificate % can only be superseded by a later one of the same kind and subject', OLD.number
      USING ERRCODE = 'RF010'; -- pgcode.SupersedeRefused
  END IF;
  RETURN NEW;
END
$$;
DELETE FROM certificates WHERE device_request_id IS NOT NULL;
ALTER TABLE certificates DROP CONSTRAINT certificates_language_check;
ALTER TABLE certificates ADD CONSTRAINT certificates_language_check CHECK (language IN ('fr', 'de', 'en'));
ALTER TABLE certificates DROP COLUMN device_request_id;

DROP TRIGGER devices_require_request ON devices;
DROP FUNCTION devices_check_request();
DROP INDEX devices_ready_match_idx;
DROP FUNCTION refurb_device_quality(numeric, int, text, int);
DROP TABLE notification_outbox, device_request_signatures, device_request_events, request_transitions, device_requests;
DROP FUNCTION device_requests_check();
DELETE FROM settings WHERE key IN ('requests.max_open_per_worker', 'requests.open_kinds', 'requests.retention_days', 'org.support_contact');
ALTER TABLE users DROP COLUMN language;
DROP INDEX users_partner_idx;
ALTER TABLE users DROP CONSTRAINT users_partner_id_fkey;
DROP TABLE partner_organisations;
