-- Tokens lose their expiry; expired ones become valid again unless revoked.
ALTER TABLE api_tokens DROP COLUMN expires_at;
