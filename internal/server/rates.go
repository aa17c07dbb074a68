package server

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"minqing/casework/rates"
	"minqing/layers"
	"minqing/query/selection"
)

// RateWeights weigh 响应率, 解决率 and 满意率 in the composite score.
type RateWeights = rates.Weights

// rateGroupings are the by= values and the incident property each groups on.
func rateGroupings() map[string]string {
	return map[string]string{"community": "community", "patch": "patch", "unit": "unit", "category": "category"}
}

// rateDefaultWindow is the window when no datetime is given: the last 30 days.
const rateDefaultWindow = 30 * 24 * time.Hour

// rateRoutes registers the three rates.
func (s *Server) rateRoutes(e *echo.Echo) {
	e.GET("/rates", s.getRates)
	e.GET("/rates.csv", s.getRates)
	e.GET("/rates.xlsx", s.getRates)
}

// ratesAnswer is the JSON of /rates.
type ratesAnswer struct {
	By       string      `json:"by"`
	Start    time.Time   `json:"start"`
	End      time.Time   `json:"end"`
	AsOf     time.Time   `json:"as_of"`
	Weights  RateWeights `json:"weights"`
	MinCount int         `json:"min_count"`
	Groups   any         `json:"groups"`
	Total    any         `json:"total"` // null when withheld from public callers
	Note     string      `json:"note,omitempty"`
	Months   []string    `json:"months,omitempty"` // the whole months of a public answer
}

// publicRate is what a public caller sees of a group: rates, score and
// rank, no counts (see README).
type publicRate struct {
	Group            string   `json:"group"`
	Rank             int      `json:"rank,omitempty"`
	ResponseRate     *float64 `json:"response_rate"`
	ResolutionRate   *float64 `json:"resolution_rate"`
	SatisfactionRate *float64 `json:"satisfaction_rate"`
	Score            *float64 `json:"score"`
	Suppressed       bool     `json:"suppressed,omitempty"`
}

func toPublicRate(r rates.Row) publicRate {
	if r.Suppressed {
		return publicRate{Group: r.Group, Suppressed: true}
	}
	return publicRate{Group: r.Group, Rank: r.Rank, ResponseRate: r.ResponseRate, ResolutionRate: r.ResolutionRate,
		SatisfactionRate: r.SatisfactionRate, Score: r.Score}
}

// getRates answers GET /rates (JSON, or the table as CSV or XLSX with
// f=csv|xlsx or /rates.csv|.xlsx, headers in lang=zh|en: rates_table.go).
func (s *Server) getRates(c echo.Context) error {
	q := c.QueryParams()
	if err := selection.Check(q, nil, layers.Public, "by", "datetime", "category", "f", "lang"); err != nil {
		return err
	}
	by := q.Get("by")
	if by == "" {
		by = "community"
	}
	field, ok := rateGroupings()[by]
	if !ok {
		return badRequest("by", "by must be community, patch, unit or category")
	}
	format, lang, err := rateFormat(c.Request().URL.Path, q)
	if err != nil {
		return err
	}
	if s.incidentsHidden(roleOf(c)) {
		// A group's rates over any window counted from the raw incidents
		// could be differenced against the published cells (docs/privacy.md):
		// the public gets them from published atoms only.
		return s.getPublishedRates(c, by, format, lang) // rates_public.go
	}
	now := time.Now()
	window := &layers.TimeRange{}
	if v := q.Get("datetime"); v != "" {
		tr, err := selection.Datetime(v)
		if err != nil {
			return err
		}
		if tr != nil {
			window = tr
		}
	}
	if window.Start == nil && window.End == nil {
		start := now.Add(-rateDefaultWindow)
		window = &layers.TimeRange{Start: &start, End: &now}
	}
	l, ok := s.catalog.Lookup("incidents")
	if !ok {
		return notFound("no incidents layer")
	}
	query := layers.Query{Role: layers.Admin, Time: window, Properties: rateProperties}
	if v := q.Get("category"); v != "" {
		eq, err := selection.Equal(q, l, layers.Public, map[string]bool{"by": true, "datetime": true, "f": true, "lang": true})
		if err != nil {
			return err
		}
		query.Equal = map[string][]any{"category": eq["category"]}
	}
	w := *s.cfg.Intake.RateWeights
	groups, total, tallied, err := s.tallyRates(c.Request().Context(), l, field, window, query.Equal["category"], now, w) // rates_tally.go
	if err != nil {
		return err
	}
	if !tallied {
		routing := s.ext.intake.routing
		var incidents []rates.Incident
		err = s.src.Features(c.Request().Context(), l, query, func(f *layers.Feature) error {
			in := rateIncident(f, field, routing)
			if in.Group == "" {
				in.Group = "(无)"
			}
			incidents = append(incidents, in)
			return nil
		})
		if err != nil {
			return err
		}
		groups, total = rates.Compute(incidents, now, w)
	}
	public := roleOf(c) < layers.Staff
	hidden := 0
	if public {
		for i := range groups {
			if groups[i].Count < s.cfg.MinCount {
				groups[i].Suppressed = true
				hidden++
			}
		}
		rates.Rank(groups)
	}
	ans := ratesAnswer{By: by, AsOf: now, Weights: w, MinCount: s.cfg.MinCount}
	if window.Start != nil {
		ans.Start = *window.Start
	}
	if window.End != nil {
		ans.End = *window.End
	}
	if public {
		pub := make([]publicRate, len(groups))
		for i, g := range groups {
			pub[i] = toPublicRate(g)
		}
		ans.Groups = pub
		if hidden == 0 && total.Count >= s.cfg.MinCount {
			ans.Total = toPublicRate(total)
		} else {
			ans.Note = fmt.Sprintf("groups with fewer than %d incidents are suppressed, and then the total is withheld so that it cannot be used to recover them", s.cfg.MinCount)
		}
	} else {
		if groups == nil {
			groups = []rates.Row{}
		}
		ans.Groups, ans.Total = groups, total
	}
	if format != "json" {
		return writeRatesTable(c, format, lang, ans, groups, public) // rates_table.go
	}
	return c.JSON(http.StatusOK, ans)
}

func itoa(n int) string { return strconv.Itoa(n) }
