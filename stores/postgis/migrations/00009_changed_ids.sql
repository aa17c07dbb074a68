-- +goose Up
-- Which rows each logged change touched, so that a server keeping a layer's
-- rows in memory (the incidents' rate facts, see ratefacts.go) reads again
-- only those rows after a write, not the whole table:
--   ids           the ids of the rows a statement inserted, updated (old
--                 and new ids) or deleted — NULL past 50,000 rows (a reader
--                 then reads everything, as it would rather than read so
--                 many again: ratefacts.go's rateRereadMax);
--   id_lo, id_hi  a bulk write's range of ids (log_layer_write's new
--                 overload): every row it wrote has an id in it.
-- A change logged with neither (by the five-argument log_layer_write of an
-- older server) touched unknown rows, as does a version no change covers (a
-- TRUNCATE): a reader must then read the whole layer again.
ALTER TABLE layer_changes ADD COLUMN ids bigint[], ADD COLUMN id_lo bigint, ADD COLUMN id_hi bigint;

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION log_layer_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v bigint;
    b box2d;
    n bigint;
    touched bigint[];
BEGIN
    IF TG_OP = 'INSERT' AND current_setting('minqing.versions_deferred', true) = 'on' THEN
        -- A bulk write bumps the version once, just before it commits
        -- (log_layer_write): the row lock on layer_versions is then held
        -- for an instant, not for the whole import.
        RETURN NULL;
    END IF;
    -- The ids are gathered only when there are few enough to read again.
    IF TG_OP = 'INSERT' THEN
        SELECT ST_Extent(geom), count(*) INTO b, n FROM new_rows;
        IF n <= 50000 THEN
            SELECT coalesce(array_agg(id), '{}') INTO touched FROM new_rows;
        END IF;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT ST_Extent(geom), count(*) INTO b, n FROM old_rows;
        IF n <= 50000 THEN
            SELECT coalesce(array_agg(id), '{}') INTO touched FROM old_rows;
        END IF;
    ELSIF TG_OP = 'UPDATE' THEN
        SELECT ST_Extent(g), count(*) INTO b, n
        FROM (SELECT geom AS g FROM old_rows UNION ALL SELECT geom FROM new_rows) x;
        IF n <= 100000 THEN -- old and new rows: 50,000 updated
            SELECT coalesce(array_agg(DISTINCT i), '{}') INTO touched
            FROM (SELECT id AS i FROM old_rows UNION ALL SELECT id FROM new_rows) x;
        END IF;
    END IF;
    INSERT INTO layer_versions (layer, version) VALUES (TG_TABLE_NAME, 1)
    ON CONFLICT (layer) DO UPDATE SET version = layer_versions.version + 1
    RETURNING version INTO v;
    IF TG_OP <> 'TRUNCATE' THEN
        -- An empty extent (no row touched) is logged with NULL bounds: a
        -- change that reaches no tile.
        INSERT INTO layer_changes (layer, from_version, to_version, minx, miny, maxx, maxy, ids)
        VALUES (TG_TABLE_NAME, v - 1, v, ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b), touched);
        -- Keep the last 1000 changes of the layer; a reader further behind
        -- drops its tiles of the layer.
        IF v % 100 = 0 THEN
            DELETE FROM layer_changes WHERE layer = TG_TABLE_NAME AND to_version <= v - 1000;
        END IF;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- log_layer_write bumps layer's version once for a bulk write and logs
-- where it fell and the range of the ids it wrote.
CREATE FUNCTION log_layer_write(layer_name text, minx double precision, miny double precision,
                                maxx double precision, maxy double precision,
                                lo bigint, hi bigint) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    v bigint;
BEGIN
    INSERT INTO layer_versions (layer, version) VALUES (layer_name, 1)
    ON CONFLICT (layer) DO UPDATE SET version = layer_versions.version + 1
    RETURNING version INTO v;
    INSERT INTO layer_changes (layer, from_version, to_version, minx, miny, maxx, maxy, id_lo, id_hi)
    VALUES (layer_name, v - 1, v, minx, miny, maxx, maxy, lo, hi);
    IF v % 100 = 0 THEN
        DELETE FROM layer_changes WHERE layer = layer_name AND to_version <= v - 1000;
    END IF;
    RETURN v;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION log_layer_write(text, double precision, double precision, double precision, double precision, bigint, bigint);
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION log_layer_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v bigint;
    b box2d;
BEGIN
    IF TG_OP = 'INSERT' AND current_setting('minqing.versions_deferred', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        SELECT ST_Extent(geom) INTO b FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT ST_Extent(geom) INTO b FROM old_rows;
    ELSIF TG_OP = 'UPDATE' THEN
        SELECT ST_Extent(g) INTO b FROM (SELECT geom AS g FROM old_rows UNION ALL SELECT geom FROM new_rows) x;
    END IF;
    INSERT INTO layer_versions (layer, version) VALUES (TG_TABLE_NAME, 1)
    ON CONFLICT (layer) DO UPDATE SET version = layer_versions.version + 1
    RETURNING version INTO v;
    IF TG_OP <> 'TRUNCATE' THEN
        INSERT INTO layer_changes VALUES (TG_TABLE_NAME, v - 1, v, ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b));
        IF v % 100 = 0 THEN
            DELETE FROM layer_changes WHERE layer = TG_TABLE_NAME AND to_version <= v - 1000;
        END IF;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
ALTER TABLE layer_changes DROP COLUMN ids, DROP COLUMN id_lo, DROP COLUMN id_hi;
