package server

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"minqing/casework/intake"
	"minqing/casework/rates"
	"minqing/importers"
	"minqing/internal/auth"
	"minqing/layers"
	"minqing/layers/lifecycle"
)

// EventStore is what the 接诉即办 endpoints need of a store beyond
// layers.Source: the record of steps. Both stores implement it.
type EventStore = lifecycle.Store

// IntakeConfig configures 接诉即办 intake, Open311 and the rates.
type IntakeConfig struct {
	// Routing is the routing table and deadline rules (nil: intake.Defaults()).
	Routing *intake.Routing
	// Open311Source is the source recorded for public Open311 submissions
	// (default 网站; 微信 for a WeChat mini program in front of it).
	Open311Source string
	// Open311PerMinute and Open311Burst limit public Open311 submissions per
	// client address: a token bucket refilled at PerMinute per minute
	// holding at most Burst (defaults 6 and 3).
	Open311PerMinute, Open311Burst int
	// RateWeights weigh 响应率, 解决率 and 满意率 in the composite score
	// (default 0.2, 0.4, 0.4; see README).
	RateWeights *RateWeights
}

// intakeState is the state of the intake, lifecycle, Open311 and rates
// endpoints: the routing table, the community locator (re-read when the
// communities layer changes) and the Open311 rate limiter.
type intakeState struct {
	routing *intake.Routing
	limiter *rateLimiter
	live    *liveHub // live.go: version changes for /live

	mu        sync.Mutex
	locator   *importers.Locator
	locatorAt int64 // the communities layer version it was read at
}

func newIntakeState(s *Server) *intakeState {
	cfg := &s.cfg.Intake
	if cfg.Routing == nil {
		cfg.Routing = intake.Defaults()
	}
	if cfg.Open311Source == "" {
		cfg.Open311Source = "网站"
	}
	if cfg.Open311PerMinute <= 0 {
		cfg.Open311PerMinute = 6
	}
	if cfg.Open311Burst <= 0 {
		cfg.Open311Burst = 3
	}
	if cfg.RateWeights == nil || !cfg.RateWeights.Valid() {
		w := rates.DefaultWeights()
		cfg.RateWeights = &w
	}
	return &intakeState{routing: cfg.Routing, limiter: newRateLimiter(cfg.Open311PerMinute, cfg.Open311Burst, time.Now),
		live: newLiveHub(s.src.Versions)}
}

// events returns the store's record of steps, or an error if it has none.
func (s *Server) events() (EventStore, error) {
	es, ok := layers.As[EventStore](s.src) // the store under the deadline decorator
	if !ok {
		return nil, fmt.Errorf("server: the %s store keeps no record of incident steps", s.src.Kind())
	}
	return es, nil
}

// locator returns the community locator (point-in-polygon), re-reading the
// communities when their layer has changed.
func (s *Server) locator(ctx context.Context) (*importers.Locator, error) {
	st := s.ext.intake
	v, err := s.src.Versions(ctx)
	if err != nil {
		return nil, err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.locator != nil && st.locatorAt == v["communities"] {
		return st.locator, nil
	}
	loc, err := importers.NewLocator(ctx, s.src, s.catalog)
	if err != nil {
		return nil, err
	}
	st.locator, st.locatorAt = loc, v["communities"]
	return loc, nil
}

// callerName is the name of the caller's token ("" for public callers): the
// "who" of a recorded step.
func (s *Server) callerName(c echo.Context) (string, error) {
	secret := auth.FromHeader(c.Request().Header.Get("Authorization"))
	if secret == "" {
		secret = c.QueryParam("token")
	}
	if secret == "" {
		return "", nil
	}
	t, err := s.src.TokenByHash(c.Request().Context(), auth.Hash(secret))
	if err != nil {
		return "", err
	}
	return t.Name, nil
}

// requireStaff refuses public callers with the 404 a staff-only resource
// gives them (its existence is not confirmed).
func requireStaff(c echo.Context, what string) error {
	if roleOf(c) < layers.Staff {
		return notFound("no " + what + ": see /layers")
	}
	return nil
}

// conflictJSON answers 409 with the sentence that says why.
func conflictJSON(c echo.Context, msg string) error {
	return c.JSON(http.StatusConflict, apiError{Code: "conflict", Message: msg})
}
