package postgis

// DeferAfter lets the tests defer indexes on small writes.
var DeferAfter = &deferAfter

// RollupsAfter lets the tests turn the rollup trigger off on small writes.
var RollupsAfter = &rollupsAfter
