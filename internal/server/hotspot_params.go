package server

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"minqing/hotspot"
	"minqing/layers"
	"minqing/query/selection"
)

// hotspotParamNames returns the query parameters of every hotspot endpoint,
// besides the incidents' properties the caller may see (category, source,
// status, community, patch, …), which filter.
func hotspotParamNames() []string { return []string{"res", "datetime", "k", "fdr", "steps", "series"} }

// hotspotParams parses a hotspot request's query into parameters. extra
// names endpoint-specific parameters (parsed by the caller). An unknown
// parameter, a staff-only property asked by the public, or a malformed
// value is a 400 naming it; ranges are checked by hotspot.Params.Normalize.
func (s *Server) hotspotParams(c echo.Context, extra ...string) (hotspot.Params, error) {
	role := roleOf(c)
	q := c.QueryParams()
	inc, ok := s.catalog.Lookup(hotspot.IncidentsLayer)
	if !ok {
		return hotspot.Params{}, notFound("this server has no incidents layer to find hotspots in")
	}
	allowed := append(hotspotParamNames(), extra...)
	if err := selection.Check(q, inc, role, allowed...); err != nil {
		return hotspot.Params{}, err
	}
	var p hotspot.Params
	var err error
	if p.Res, err = intParam(q.Get("res"), "res", "an H3 resolution such as 9"); err != nil {
		return p, err
	}
	if p.K, err = intParam(q.Get("k"), "k", "1, 2 or 3"); err != nil {
		return p, err
	}
	if p.Steps, err = intParam(q.Get("steps"), "steps", "a number of time steps such as 12"); err != nil {
		return p, err
	}
	if p.FDR, err = boolParam(q.Get("fdr"), "fdr"); err != nil {
		return p, err
	}
	if p.Series, err = boolParam(q.Get("series"), "series"); err != nil {
		return p, err
	}
	if _, given := q["res"]; given && p.Res == 0 {
		return p, badRequest("res", fmt.Sprintf("res must be an H3 resolution from %d to %d", hotspot.MinRes, hotspot.MaxRes))
	}
	if _, given := q["k"]; given && p.K == 0 {
		return p, badRequest("k", fmt.Sprintf("k (the neighbourhood ring) must be from 1 to %d", hotspot.MaxK))
	}
	tr, err := hotspotDatetime(q.Get("datetime"))
	if err != nil {
		return p, err
	}
	reserved := map[string]bool{}
	for _, k := range allowed {
		reserved[k] = true
	}
	eq, err := selection.Equal(q, inc, role, reserved)
	if err != nil {
		return p, err
	}
	p.Query = layers.Query{Role: role, Time: tr, Equal: eq}
	return p.Normalize()
}

// intParam parses an optional whole number ("" is 0).
func intParam(v, name, example string) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, badRequest(name, fmt.Sprintf("%s must be a whole number (%s), not %q", name, example, v))
	}
	return n, nil
}

// boolParam parses an optional true/false ("" is false).
func boolParam(v, name string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "false", "0", "no":
		return false, nil
	case "true", "1", "yes":
		return true, nil
	}
	return false, badRequest(name, fmt.Sprintf("%s must be true or false, not %q", name, v))
}
