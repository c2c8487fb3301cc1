-- Users link to what they act for: a TRAINEE account may belong to a trainee's record
-- (workshops), and a SOCIAL_WORKER may be their partner organisation's coordinator, who sees all
-- of the organisation's requests. trainee_id and partner_id get their foreign keys in the
-- migrations that create trainees and partner organisations.
ALTER TABLE users
  ADD COLUMN trainee_id bigint,
  ADD COLUMN coordinator boolean NOT NULL DEFAULT false;
ALTER TABLE users
  ADD CONSTRAINT users_trainee_role CHECK (trainee_id IS NULL OR role = 'trainee'),
  ADD CONSTRAINT users_partner_role CHECK (partner_id IS NULL OR role = 'social_worker'),
  ADD CONSTRAINT users_coordinator_partner CHECK (NOT coordinator OR partner_id IS NOT NULL);
-- One account a trainee.
CREATE UNIQUE INDEX users_trainee_key ON users (trainee_id) WHERE trainee_id IS NOT NULL;
