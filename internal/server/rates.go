package server

import "github.com/labstack/echo/v4"

// RateWeights weigh the three rates in the composite score.
type RateWeights struct{ Response, Resolution, Satisfaction float64 }

// DefaultRateWeights: see README.
var DefaultRateWeights = RateWeights{Response: 0.2, Resolution: 0.4, Satisfaction: 0.4}

func (s *Server) rateRoutes(e *echo.Echo) {}
