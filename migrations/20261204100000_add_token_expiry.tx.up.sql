-- API tokens may expire: a token for a label printer or a script given to a volunteer should not
-- outlive the reason it was made. NULL: no expiry (tokens made before this migration).
ALTER TABLE api_tokens ADD COLUMN expires_at timestamptz CHECK (expires_at > created_at);
