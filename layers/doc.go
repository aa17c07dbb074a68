// Package layers is the mechanism of minqing's map layers and the seam
// between the server and its stores.
//
// A [Layer] says what a layer is (name, Chinese and English titles, geometry
// type, fields with their types, vocabularies and visibility, time field,
// zoom range) and who may see it ([Public], [Staff] or [Admin]). A [Catalog]
// holds the layers of one deployment. The deployments themselves are data
// and live elsewhere: package minqing/deploy/fengtai builds the catalog and
// vocabularies of 丰台街道; nothing here names a layer or a value.
//
// A [Source] is one whole store (PostGIS in package stores/postgis, the
// embedded GeoPackage in package stores/gpkg), composed of small
// capabilities — [FeatureStreamer], [Counter], [Reader], [Writer],
// [Versioner], [Tiler], [CellCounter], [TokenStore] — so that a user asks
// only for what it uses. Handlers talk only to these and never see SQL;
// stores never see HTTP. The checks both stores share are made here, before
// a store translates a request ([CheckWrite], [Prepare], [CheckCellCounts],
// [CheckEqual]); package stores/sourcetest holds the contract suite every
// Source must pass, with a case for each of those checks.
package layers
