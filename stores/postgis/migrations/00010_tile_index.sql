-- +goose Up
-- Tiles find their features through the GiST index on geom, as
-- pg_tileserv does: the tile's envelope is transformed to EPSG:4326 (Web
-- Mercator maps a longitude/latitude box to a box, so the transformed
-- envelope is the tile's box exactly) and the stored geom_3857 is only
-- clipped and encoded. The second GiST index, on geom_3857, is dropped: it
-- was the largest single cost of building the indexes after a bulk import
-- (2–2.5 s of 8.5 for a million incidents) and a second index to keep on
-- every write.
-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['patches', 'communities', 'streets', 'demolitions', 'greening',
                             'service_points', 'incidents', 'care_targets'] LOOP
        EXECUTE format('DROP INDEX IF EXISTS %I', t || '_geom_3857_idx');
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
        EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I USING gist (geom_3857)', t || '_geom_3857_idx', t);
    END LOOP;
END
$$;
-- +goose StatementEnd
