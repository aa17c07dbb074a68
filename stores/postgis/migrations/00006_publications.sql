-- +goose Up
-- What the server has published once and must not change afterwards: the
-- public rate families of a settled month (package disclose), frozen when
-- first asked, so that a later step on an old incident cannot be read off
-- two snapshots of the public rates. Published figures only: no raw count
-- below the threshold is ever stored here.
CREATE TABLE publications (
    key          text PRIMARY KEY,
    body         bytea NOT NULL,
    published_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE publications;
