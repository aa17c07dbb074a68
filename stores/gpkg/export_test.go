package gpkg

// BulkAfter lets the tests turn small writes to bulk mode.
var BulkAfter = &bulkAfter

// RegisterFuncs adds the GeoPackage R-tree triggers' SQL functions to a
// connection, for tests that open a file as another client would.
var RegisterFuncs = registerFuncs
