package server

import (
	"cmp"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"minqing/disclose"
	"minqing/query/selection"
)

// incidentSummary is GET /incidents/summary: the published incident figures
// of an area (by community or patch, else the whole street) over a window
// of whole months, by category.
type incidentSummary struct {
	Community  []string        `json:"community,omitempty"`
	Patch      []string        `json:"patch,omitempty"`
	Months     []string        `json:"months"`
	MinCount   int             `json:"min_count"`
	Cells      int             `json:"cells"` // published cells with incidents
	Total      int64           `json:"total"`
	Partial    bool            `json:"partial"`    // total leaves out suppressed atoms
	Suppressed bool            `json:"suppressed"` // the area has incidents, but no published count
	Categories []categoryCount `json:"categories"`
}

// categoryCount is a category's published count in the area.
type categoryCount struct {
	Category string `json:"category"`
	Count    int64  `json:"count"`
	Partial  bool   `json:"partial,omitempty"`
}

// incidentSummaryHandler answers GET /incidents/summary?community=…
// &datetime=2026-01/2026-03[&category=…|&source=…]: sums of the published
// atoms (package disclose) over the cells whose centre lies in the
// community or patch, for every caller: it is what the web map's
// community panel shows the public. Counts leave out suppressed atoms and
// say so with partial; categories with no shown atom are not listed.
func (s *Server) incidentSummaryHandler(c echo.Context) error {
	if err := selection.Check(c.QueryParams(), nil, roleOf(c), "datetime", "category", "source", "status", "community", "patch"); err != nil {
		return err
	}
	ctx := c.Request().Context()
	pq, err := s.parsePublicQuery(ctx, c.QueryParams(), true)
	if err != nil {
		return err
	}
	sums, tables, err := s.publicSums(ctx, pq)
	if err != nil {
		return err
	}
	out := incidentSummary{
		Community: c.QueryParams()["community"], Patch: c.QueryParams()["patch"],
		Months: monthText(pq.months), MinCount: s.ext.hotspots.svc.Publisher().K(),
		Cells: len(sums), Categories: []categoryCount{},
	}
	for _, sum := range sums {
		out.Total += sum.Count
		out.Partial = out.Partial || sum.Hidden > 0
	}
	out.Suppressed = out.Partial && out.Total == 0
	out.Partial = out.Partial && out.Total > 0
	if pq.filter.Dim != disclose.Source {
		byCat := map[string]disclose.Sum{}
		for cell := range sums {
			for v, sum := range disclose.Breakdown(tables, cell, disclose.Category) {
				if pq.filter.Dim == disclose.Category && !slices.Contains(pq.filter.Values, v) {
					continue
				}
				acc := byCat[v]
				acc.Count += sum.Count
				acc.Shown += sum.Shown
				acc.Hidden += sum.Hidden
				byCat[v] = acc
			}
		}
		for v, sum := range byCat {
			if sum.Shown > 0 {
				out.Categories = append(out.Categories, categoryCount{Category: v, Count: sum.Count, Partial: sum.Partial()})
			}
		}
		slices.SortFunc(out.Categories, func(a, b categoryCount) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Category, b.Category))
		})
	}
	s.hotspotCacheControl(c)
	return c.JSON(http.StatusOK, out)
}

// monthText formats months as 2026-03.
func monthText(ms []disclose.Month) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.String()
	}
	return out
}
