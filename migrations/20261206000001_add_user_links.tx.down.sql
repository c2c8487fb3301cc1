-- Users lose their trainee link and the coordinator flag.
DROP INDEX users_trainee_key;
ALTER TABLE users
  DROP CONSTRAINT users_partner_role,
  DROP COLUMN coordinator,
  DROP COLUMN trainee_id;
