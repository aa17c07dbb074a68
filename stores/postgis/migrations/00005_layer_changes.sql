-- +goose Up
-- Where each write fell, for tile caches that keep the tiles a write does
-- not reach (a steady stream of new incidents must not empty the cache),
-- and a notification of every version change, so that a server learns of
-- a write by any process without asking per request (LISTEN
-- minqing_layer_versions).
--
-- The statement triggers now come one per event, each with its transition
-- table, and log the extent of the rows the statement touched (old and new
-- geometries) as the change from version - 1 to version. TRUNCATE logs
-- nothing: a version no change covers invalidates every tile of the layer.
CREATE TABLE layer_changes (
    layer        text NOT NULL,
    from_version bigint NOT NULL,
    to_version   bigint NOT NULL,
    minx double precision, miny double precision, maxx double precision, maxy double precision,
    PRIMARY KEY (layer, to_version)
);

-- +goose StatementBegin
CREATE FUNCTION log_layer_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v bigint;
    b box2d;
BEGIN
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
        -- An empty extent (no row touched) is logged with NULL bounds: a
        -- change that reaches no tile.
        INSERT INTO layer_changes VALUES (TG_TABLE_NAME, v - 1, v, ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b));
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
CREATE FUNCTION notify_layer_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('minqing_layer_versions', NEW.layer);
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER layer_versions_notify AFTER INSERT OR UPDATE ON layer_versions
    FOR EACH ROW EXECUTE FUNCTION notify_layer_version();

-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['patches', 'communities', 'streets', 'demolitions', 'greening',
                             'service_points', 'incidents', 'care_targets'] LOOP
        EXECUTE format('DROP TRIGGER %I ON %I', t || '_version', t);
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION log_layer_change()', t || '_version_insert', t);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION log_layer_change()', t || '_version_update', t);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION log_layer_change()', t || '_version_delete', t);
        EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %I '
                       'FOR EACH STATEMENT EXECUTE FUNCTION log_layer_change()', t || '_version_truncate', t);
    END LOOP;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['patches', 'communities', 'streets', 'demolitions', 'greening',
                             'service_points', 'incidents', 'care_targets'] LOOP
        EXECUTE format('DROP TRIGGER %I ON %I', t || '_version_insert', t);
        EXECUTE format('DROP TRIGGER %I ON %I', t || '_version_update', t);
        EXECUTE format('DROP TRIGGER %I ON %I', t || '_version_delete', t);
        EXECUTE format('DROP TRIGGER %I ON %I', t || '_version_truncate', t);
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I '
                       'FOR EACH STATEMENT EXECUTE FUNCTION bump_layer_version()', t || '_version', t);
    END LOOP;
END
$$;
-- +goose StatementEnd
DROP TRIGGER layer_versions_notify ON layer_versions;
DROP FUNCTION notify_layer_version();
DROP FUNCTION log_layer_change();
DROP TABLE layer_changes;
