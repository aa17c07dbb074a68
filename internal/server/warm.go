package server

import (
	"context"
	"time"

	"minqing/hotspot"
	"minqing/layers"
)

// warmPublic counts the published tables of every month (package disclose)
// once the server listens, the work the first public hot spot, summary or
// rate answer would otherwise do while its caller waits (0.3–0.4 s at a
// million incidents). A request arriving meanwhile waits on the same
// counts, not a second copy (the publisher builds each month once). Errors
// are only logged: the request that needs the tables counts them again.
// So is a panic, which in a request the echo middleware would have turned
// into a 500: a background task must not take the server down.
func (s *Server) warmPublic(ctx context.Context) {
	if _, ok := s.catalog.Lookup(hotspot.IncidentsLayer); !ok {
		return
	}
	defer func() {
		if v := recover(); v != nil {
			s.log.Error("counting the published months at start panicked", "panic", v)
		}
	}()
	start := time.Now()
	if _, err := s.ext.hotspots.svc.Analyze(ctx, hotspot.Params{Query: layers.Query{Role: layers.Public}}); err != nil {
		if ctx.Err() == nil {
			s.log.Warn("counting the published months at start", "err", err)
		}
		return
	}
	s.log.Info("published months counted", "took", time.Since(start).Round(time.Millisecond))
}
