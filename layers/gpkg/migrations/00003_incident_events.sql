-- +goose Up
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
