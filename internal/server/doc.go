// Package server is minqing's HTTP API on echo: health, the layer list,
// GeoJSON, and (in their own files) tiles, OGC API – Features, exports,
// hotspots, imports and the web map.
//
// Handlers parse and validate a request into typed parameters and call a
// layers.Source; they never see SQL. One error handler turns typed errors into
// a JSON body {"code": …, "message": …} with the right status.
package server
