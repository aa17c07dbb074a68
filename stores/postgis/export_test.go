package postgis

// DeferAfter lets the tests defer indexes on small writes.
var DeferAfter = &deferAfter
