-- +goose Up
-- 接诉即办: the record of every step (纪实) of an incident, and the due times
-- and 回访 answer the incident carries. The incident's status, unit, level
-- and timestamps are always the replay of its events: the store appends an
-- event and updates the incident in one transaction, holding the incident's
-- row lock (SELECT … FOR UPDATE).
ALTER TABLE incidents
    ADD COLUMN visit_resolved boolean,
    ADD COLUMN response_due   timestamptz,
    ADD COLUMN resolution_due timestamptz;
CREATE INDEX incidents_response_due_idx ON incidents (response_due);

CREATE TABLE incident_events (
    incident_id bigint NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    seq         bigint NOT NULL,
    at          timestamptz NOT NULL,
    who         text NOT NULL,
    action      text NOT NULL CHECK (action IN ('dispatch', 'whistle', 'report', 'respond', 'resolve', 'visit', 'close', 'reopen', 'return')),
    unit        text,
    level       text,
    note        text,
    resolved    boolean,
    satisfied   boolean,
    reason      text,
    PRIMARY KEY (incident_id, seq)
);

-- Append-only: an event once written is never changed (deleting the
-- incident deletes its record).
-- +goose StatementBegin
CREATE FUNCTION incident_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'incident_events is append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER incident_events_no_update BEFORE UPDATE ON incident_events
    FOR EACH ROW EXECUTE FUNCTION incident_events_append_only();

-- +goose Down
DROP TABLE incident_events;
DROP FUNCTION incident_events_append_only();
ALTER TABLE incidents DROP COLUMN visit_resolved, DROP COLUMN response_due, DROP COLUMN resolution_due;
