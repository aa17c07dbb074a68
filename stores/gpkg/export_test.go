package gpkg

// BulkAfter lets the tests turn small writes to bulk mode.
var BulkAfter = &bulkAfter
