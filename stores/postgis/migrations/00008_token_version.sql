-- +goose Up
-- Tokens get a version, as the layers have, in layer_versions under the
-- name 'tokens': every statement that adds, changes or revokes a token
-- bumps it (and, through layer_versions_notify, tells the listeners). A
-- server keeps the tokens it has resolved while that version stays, so a
-- request with a token costs no round trip, and a revoked token opens
-- nothing from the moment its version reaches the server.

-- +goose StatementBegin
CREATE FUNCTION bump_token_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO layer_versions (layer, version) VALUES ('tokens', 1)
    ON CONFLICT (layer) DO UPDATE SET version = layer_versions.version + 1;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER tokens_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tokens
    FOR EACH STATEMENT EXECUTE FUNCTION bump_token_version();
INSERT INTO layer_versions (layer, version) VALUES ('tokens', 0) ON CONFLICT DO NOTHING;

-- +goose Down
DROP TRIGGER tokens_version ON tokens;
DROP FUNCTION bump_token_version();
DELETE FROM layer_versions WHERE layer = 'tokens';
