-- +goose Up
-- Tokens get a version, as the layers have, in layer_versions under the
-- name 'tokens': every statement that adds, changes or revokes a token
-- bumps it. A server keeps the tokens it has resolved while that version
-- stays, so a request with a token costs no read of the file, and a
-- revoked token opens nothing from the next request on (SQLite's
-- data_version tells the server of the commit).
INSERT INTO layer_versions (layer, version) VALUES ('tokens', 0) ON CONFLICT DO NOTHING;
-- +goose StatementBegin
CREATE TRIGGER tokens_version_insert AFTER INSERT ON tokens
BEGIN
    UPDATE layer_versions SET version = version + 1 WHERE layer = 'tokens';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tokens_version_update AFTER UPDATE ON tokens
BEGIN
    UPDATE layer_versions SET version = version + 1 WHERE layer = 'tokens';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tokens_version_delete AFTER DELETE ON tokens
BEGIN
    UPDATE layer_versions SET version = version + 1 WHERE layer = 'tokens';
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER tokens_version_insert;
DROP TRIGGER tokens_version_update;
DROP TRIGGER tokens_version_delete;
DELETE FROM layer_versions WHERE layer = 'tokens';
