DELETE FROM notification_outbox WHERE kind = 'request_follow_up';
ALTER TABLE notification_outbox DROP CONSTRAINT notification_outbox_kind_check;
ALTER TABLE notification_outbox ADD CONSTRAINT notification_outbox_kind_check
  CHECK (kind IN ('request_decided', 'request_allocated', 'request_handed_out'));
DROP TABLE request_follow_ups;
DROP FUNCTION request_follow_ups_check();
