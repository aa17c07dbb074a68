// Package layers is the catalog of minqing's map layers and the seam between
// the server and its stores.
//
// A [Layer] says what a layer is (name, Chinese and English titles, geometry
// type, fields with their types and visibility, time field, zoom range) and who
// may see it ([Public], [Staff] or [Admin]). A [Catalog] holds the layers of
// one deployment; [Fengtai] returns the catalog of 丰台街道.
//
// A [Source] is one store (PostGIS in package layers/postgis, the embedded
// GeoPackage in package layers/gpkg). Handlers talk only to a Source and never
// see SQL; stores never see HTTP. Package layers/sourcetest holds the contract
// suite every Source must pass.
package layers
