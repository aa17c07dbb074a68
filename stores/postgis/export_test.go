package postgis

// DeferAfter lets the tests defer indexes on small writes.
var DeferAfter = &deferAfter

// RunRows is how many rows of a layer with cells a bulk write orders by
// place at a time.
const RunRows = runRows

// RollupsAfter lets the tests turn the rollup trigger off on small writes.
var RollupsAfter = &rollupsAfter

// RateSyncLoadBytes lets the tests read the rate facts in the background.
var RateSyncLoadBytes = &rateSyncLoadBytes

// RateFactsVersion is the version of l's rate facts in memory (-1: none).
func RateFactsVersion(s *Store, layer string) int64 {
	c := s.rates.cache(layer)
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.t == nil {
		return -1
	}
	return c.t.version
}

// RateFactsLoads is how many times l's rate facts were read whole.
func RateFactsLoads(s *Store, layer string) int64 { return s.rates.cache(layer).loads.Load() }
