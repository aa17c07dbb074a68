package server

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// limiter bounds how many requests of a class run at once. It does not
// queue: a request that finds it full waits at most limitWait for a place
// (enough for a quick request, such as a cached hot spot analysis, to
// finish) and is then refused (a queue would only grow under load and hold
// connections).
type limiter chan struct{}

// limitWait is the longest a request waits for a place in its limiter.
const limitWait = 100 * time.Millisecond

func newLimiter(n int) limiter { return make(limiter, n) }

// acquire takes a place if one is free within limitWait.
func (l limiter) acquire() bool {
	select {
	case l <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(limitWait)
	defer t.Stop()
	select {
	case l <- struct{}{}:
		return true
	case <-t.C:
		return false
	}
}

func (l limiter) release() { <-l }

// limitClass returns the limiter of a route template and the class's name
// for metrics, or nil: streams (GeoJSON layers, OGC items, exports) and
// compute-heavy requests (hot spots, imports).
func (s *Server) limitClass(route string) (limiter, string) {
	switch route {
	case "/layers/:file", "/ogc/collections/:layer/items", "/export/:file":
		return s.streams, "stream"
	case "/hotspots", "/hotspots/summary", "/import/:layer":
		return s.heavy, "heavy"
	}
	return nil, ""
}

// limitConcurrency runs a request of a bounded class only when its limiter
// has room; otherwise it answers 503 with Retry-After and a sentence.
func (s *Server) limitConcurrency(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		l, class := s.limitClass(c.Path())
		if l == nil {
			return next(c)
		}
		if !l.acquire() {
			s.metrics.rejected(class)
			c.Response().Header().Set("Retry-After", "2")
			msg := "the server is busy with other downloads; try again in a few seconds"
			if class == "heavy" {
				msg = "the server is busy with other heavy requests (hot spots, imports); try again in a few seconds"
			}
			return c.JSON(http.StatusServiceUnavailable, apiError{Code: "busy", Message: msg})
		}
		defer l.release()
		return next(c)
	}
}
