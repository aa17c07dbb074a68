-- +goose Up
-- The incidents' 回访 answer and due times (files made before this
-- migration get them here; the first migration leaves them out).
ALTER TABLE incidents ADD COLUMN visit_resolved BOOLEAN;
ALTER TABLE incidents ADD COLUMN response_due DATETIME;
ALTER TABLE incidents ADD COLUMN resolution_due DATETIME;
CREATE INDEX incidents_response_due_idx ON incidents (response_due);
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('incidents', 'visit_resolved', '回访已解决', 'Resolved at visit');
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('incidents', 'response_due', '响应时限', 'Response due');
INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('incidents', 'resolution_due', '办结时限', 'Resolution due');
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('incidents', 'visit_resolved', '回访已解决', 'Resolved at visit', 'bool', 'public', 0, NULL);
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('incidents', 'response_due', '响应时限', 'Response due', 'time', 'staff', 0, NULL);
INSERT INTO layer_fields (layer, field, title_zh, title_en, type, access, required, vocabulary) VALUES ('incidents', 'resolution_due', '办结时限', 'Resolution due', 'time', 'staff', 0, NULL);
-- Open311 submissions come from the web (网站).
UPDATE layer_fields SET vocabulary = '12345|街道热线|网格|微信|走访|网站' WHERE layer = 'incidents' AND field = 'source';

-- 接诉即办: the record of every step (纪实) of an incident. An internal table
-- like tokens and incident_contacts: not registered in gpkg_contents, so it
-- is no layer. The incident's status, unit, level and timestamps are always
-- the replay of its events: the store appends an event and updates the
-- incident in one transaction on its single write connection.
CREATE TABLE incident_events (
    incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    at          DATETIME NOT NULL,
    who         TEXT NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('dispatch', 'whistle', 'report', 'respond', 'resolve', 'visit', 'close', 'reopen', 'return')),
    unit        TEXT,
    level       TEXT,
    note        TEXT,
    resolved    BOOLEAN,
    satisfied   BOOLEAN,
    reason      TEXT,
    PRIMARY KEY (incident_id, seq)
);

-- Append-only: an event once written is never changed.
-- +goose StatementBegin
CREATE TRIGGER incident_events_no_update BEFORE UPDATE ON incident_events
BEGIN
    SELECT RAISE(ABORT, 'incident_events is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE incident_events;
DELETE FROM layer_fields WHERE layer = 'incidents' AND field IN ('visit_resolved', 'response_due', 'resolution_due');
DELETE FROM gpkg_data_columns WHERE table_name = 'incidents' AND column_name IN ('visit_resolved', 'response_due', 'resolution_due');
DROP INDEX incidents_response_due_idx;
ALTER TABLE incidents DROP COLUMN resolution_due;
ALTER TABLE incidents DROP COLUMN response_due;
ALTER TABLE incidents DROP COLUMN visit_resolved;
