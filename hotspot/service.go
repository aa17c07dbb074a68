package hotspot

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb"

	"minqing/disclose"
	"minqing/geo/hex"
	"minqing/layers"
)

// Config tunes a [Service].
type Config struct {
	// MinCount is the public suppression threshold: for public callers a
	// cell with fewer incidents reports no count (default DefaultMinCount).
	MinCount int
	// CacheEntries is how many analyses the service keeps (default 64;
	// negative: none).
	CacheEntries int
	// Now tells the time (default time.Now): the month in progress is not
	// published.
	Now func() time.Time
}

// Store is what a [Service] needs of a store: the incidents' and the
// area's features, their counts per H3 cell (grouped in the store), the
// layers' versions (for its cache) and what the published table needs
// (disclose.Store). Every layers.Source is one.
type Store interface {
	layers.FeatureStreamer
	layers.CellCounter
	layers.Versioner
	disclose.Store
}

// Service runs hotspot analyses of the incidents of one [Store]:
// counts per H3 cell (grouped in the store, on the parent of each incident's
// stored resolution-15 cell), Getis-Ord Gi* over the street's area, optional
// FDR correction and emerging hot spot trends. Results are cached per
// parameters, role and store version. It is safe for concurrent use.
type Service struct {
	src   Store
	cat   *layers.Catalog
	cfg   Config
	cache *lru[*Analysis]
	sums  *lru[*Summary]
	area  areaCache
	pub   *disclose.Publisher // the published table of the incidents
	now   func() time.Time
}

// NewService returns a service over src with the layers of cat.
func NewService(src Store, cat *layers.Catalog, cfg Config) *Service {
	if cfg.MinCount <= 0 {
		cfg.MinCount = DefaultMinCount
	}
	switch {
	case cfg.CacheEntries == 0:
		cfg.CacheEntries = 64
	case cfg.CacheEntries < 0:
		cfg.CacheEntries = 0
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Service{src: src, cat: cat, cfg: cfg, cache: newLRU[*Analysis](cfg.CacheEntries), sums: newLRU[*Summary](cfg.CacheEntries), now: cfg.Now}
	l, ok := cat.Lookup(IncidentsLayer)
	if !ok {
		l = &layers.Layer{Name: IncidentsLayer}
	}
	s.pub = disclose.NewPublisher(src, l, cfg.MinCount, cfg.Now)
	return s
}

// MinCount returns the public suppression threshold in effect.
func (s *Service) MinCount() int { return s.cfg.MinCount }

// Analysis is the outcome of one hotspot analysis, as one caller may see it.
// It is shared between callers through the cache: do not modify it.
type Analysis struct {
	Params Params // normalized
	// Steps are the time steps of an emerging analysis (nil without steps).
	Steps []layers.TimeRange
	// Cells are the study cells, sorted by index: the street's area plus
	// every cell with incidents outside it.
	Cells []CellResult
	// Total is the number of incidents counted (0 when TotalSuppressed).
	// For a public caller it is the sum of the published counts, and
	// TotalPartial says that suppressed atoms were left out of it.
	Total           int64
	TotalSuppressed bool
	TotalPartial    bool
	// Months are the published months a public analysis covers (nil for
	// staff).
	Months []disclose.Month
	// MinCount is the suppression threshold applied (0: none, for staff).
	MinCount int
	// Version is the incidents layer's version the analysis was made from.
	Version int64
	// Key identifies the analysis: its parameters, the caller's role and
	// the versions of the layers read (for caches of what is made from it).
	Key string

	areaVersion string      // the area layers' versions (for the communities)
	public      *publicData // the published atoms of a public analysis
	polysOnce   sync.Once
	polys       []orb.Polygon // hexagons of Cells, for tiles
	jsonOnce    sync.Once
	json        []byte // FeatureCollection encoded, for GeoJSON answers
	jsonErr     error
	gzipOnce    sync.Once
	gzip        []byte // json gzip-compressed
}

// CellResult is one study cell.
type CellResult struct {
	Cell hex.Cell
	// InArea is false for a cell outside the street's area that has
	// incidents.
	InArea bool
	// Count is the number of incidents in the cell; 0 when Suppressed.
	Count int64
	// Suppressed: the caller is public and the cell's atoms in the window
	// are all suppressed, so Count, Z and P are withheld.
	Suppressed bool
	// Partial: the caller is public and Count (the sum of the shown atoms)
	// leaves out suppressed atoms.
	Partial bool
	// Result holds z, p and the confidence class (after FDR when asked).
	Result
	// Trend is set in an emerging analysis.
	Trend *CellTrend

	rankZ float64 // z, kept for ranking when Z is withheld
}

// CellTrend is the emerging hot spot outcome of one cell.
type CellTrend struct {
	// Tau and P are the Mann–Kendall tau and two-sided p of the cell's Gi*
	// z-score series.
	Tau, P float64
	// Label is the emerging hot spot label (see [EmergingLabel]).
	Label string
	// Series is the count per step when asked (Params.Series); for a public
	// caller the published sum, -1 for a step whose atoms are all
	// suppressed.
	Series []int64
}

// Analyze runs (or fetches from the cache) the analysis p selects. Bad
// parameters give an error made with [layers.Invalid].
func (s *Service) Analyze(ctx context.Context, p Params) (*Analysis, error) {
	a, _, err := s.analysis(ctx, p)
	return a, err
}

// analysis is Analyze that also returns the cache key of the analysis.
func (s *Service) analysis(ctx context.Context, p Params) (*Analysis, string, error) {
	p, err := p.Normalize()
	if err != nil {
		return nil, "", err
	}
	versions, err := s.src.Versions(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("hotspot: versions: %w", err)
	}
	key, err := s.key(ctx, p, versions)
	if err != nil {
		return nil, "", err
	}
	if a, ok := s.cache.get(key); ok {
		return a, key, nil
	}
	a, err := s.analyze(ctx, p, versions)
	if err != nil {
		return nil, "", err
	}
	a.Key = key
	s.cache.put(key, a)
	return a, key, nil
}

// incidents returns the incidents layer.
func (s *Service) incidents() (*layers.Layer, error) {
	l, ok := s.cat.Lookup(IncidentsLayer)
	if !ok {
		return nil, fmt.Errorf("hotspot: the catalog has no %s layer: %w", IncidentsLayer, layers.ErrNotFound)
	}
	return l, nil
}

// analyze computes an analysis of normalized parameters. A public analysis
// reads the published table only (see package disclose); a staff one counts
// the incidents.
func (s *Service) analyze(ctx context.Context, p Params, versions map[string]int64) (*Analysis, error) {
	l, err := s.incidents()
	if err != nil {
		return nil, err
	}
	public := !p.Query.Role.Can(layers.Staff)
	var steps []layers.TimeRange
	var stepCounts []map[hex.Cell]int64
	var pd *publicData
	counts := map[hex.Cell]int64{}
	switch {
	case public:
		if pd, err = s.publicCounts(ctx, p, versions); err != nil {
			return nil, err
		}
		counts, steps = countsOf(pd.sums), pd.steps
		for _, m := range pd.stepSums {
			stepCounts = append(stepCounts, countsOf(m))
		}
	case p.Steps > 0:
		if err := s.checkPlaces(ctx, p.Query.Equal, versions); err != nil {
			return nil, err
		}
		steps = stepRanges(p.Query.Time, p.Steps)
		stepCounts = make([]map[hex.Cell]int64, len(steps))
		err := parallel(ctx, len(steps), 4, func(ctx context.Context, i int) error {
			q := p.Query
			q.Time = &steps[i]
			m, err := s.cellCounts(ctx, l, p.Res, q)
			stepCounts[i] = m
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, m := range stepCounts {
			for c, n := range m {
				counts[c] += n
			}
		}
	default:
		if err := s.checkPlaces(ctx, p.Query.Equal, versions); err != nil {
			return nil, err
		}
		if counts, err = s.cellCounts(ctx, l, p.Res, p.Query); err != nil {
			return nil, err
		}
	}

	area, err := s.areaCells(ctx, p.Res, areaVersion(versions))
	if err != nil {
		return nil, err
	}
	counted := make([]hex.Cell, 0, len(counts))
	for c := range counts {
		counted = append(counted, c)
	}
	slices.Sort(counted)
	cells, inArea, err := studyCells(area, counted, p.Res)
	if err != nil {
		return nil, err
	}
	g := graphs.get(cells, p.K)

	a := &Analysis{Params: p, Steps: steps, Cells: make([]CellResult, len(cells)),
		Version: versions[IncidentsLayer], areaVersion: areaVersion(versions), public: pd}
	x := make([]float64, len(cells))
	for i, c := range cells {
		n := counts[c]
		x[i] = float64(n)
		a.Total += n
		a.Cells[i] = CellResult{Cell: c, InArea: inArea[i], Count: n}
	}
	rs, err := giStar(x, g, p.FDR)
	if err != nil {
		return nil, err
	}
	for i := range a.Cells {
		a.Cells[i].Result = rs[i]
		a.Cells[i].rankZ = rs[i].Z
	}
	if p.Steps > 0 {
		if err := emerging(a, g, stepCounts); err != nil {
			return nil, err
		}
	}
	if public {
		publish(a, pd, s.cfg.MinCount)
	}
	return a, nil
}

// giStar runs Gi* and, if asked, the FDR correction.
func giStar(x []float64, g Graph, fdr bool) ([]Result, error) {
	rs, err := GiStar(x, g)
	if err != nil {
		return nil, fmt.Errorf("hotspot: %w", err)
	}
	if fdr {
		rs = FDR(rs)
	}
	return rs, nil
}

// emerging fills each cell's trend from the per-step counts: Gi* (and FDR)
// per step over the same cells and neighbourhoods, the Mann–Kendall test of
// the cell's z-score series and its emerging hot spot label.
func emerging(a *Analysis, g Graph, stepCounts []map[hex.Cell]int64) error {
	n := len(stepCounts)
	perStep := make([][]Result, n)
	x := make([]float64, len(a.Cells))
	for k, m := range stepCounts {
		for i, c := range a.Cells {
			x[i] = float64(m[c.Cell])
		}
		rs, err := giStar(x, g, a.Params.FDR)
		if err != nil {
			return err
		}
		perStep[k] = rs
	}
	hist := make([]Result, n)
	zs := make([]float64, n)
	for i := range a.Cells {
		for k := range n {
			hist[k] = perStep[k][i]
			zs[k] = hist[k].Z
		}
		tr := MannKendall(zs)
		ct := &CellTrend{Tau: tr.Tau, P: tr.P, Label: EmergingLabel(hist, tr)}
		if a.Params.Series {
			ct.Series = make([]int64, n)
			for k, m := range stepCounts {
				ct.Series[k] = m[a.Cells[i].Cell]
			}
		}
		a.Cells[i].Trend = ct
	}
	return nil
}

// cellCounts returns the incident count per cell of resolution res.
func (s *Service) cellCounts(ctx context.Context, l *layers.Layer, res int, q layers.Query) (map[hex.Cell]int64, error) {
	ccs, err := s.src.CellCounts(ctx, l, res, q, "")
	if err != nil {
		return nil, fmt.Errorf("hotspot: cell counts: %w", err)
	}
	m := make(map[hex.Cell]int64, len(ccs))
	for _, cc := range ccs {
		m[cc.Cell] += cc.Count
	}
	return m, nil
}

// parallel runs fn(ctx, i) for i in 0..n-1, at most limit at a time, and
// returns the first error (cancelling the others).
func parallel(ctx context.Context, n, limit int, fn func(context.Context, int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	sem := make(chan struct{}, limit)
	for i := range n {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := fn(ctx, i); err != nil {
				once.Do(func() { first = err; cancel() })
			}
		}()
	}
	wg.Wait()
	return first
}

// cacheKey identifies an analysis: its normalized parameters, the caller's
// role and the versions of the layers it reads.
func cacheKey(p Params, versions map[string]int64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "res=%d k=%d fdr=%t steps=%d series=%t role=%d", p.Res, p.K, p.FDR, p.Steps, p.Series, p.Query.Role)
	if r := p.Query.Time; r != nil {
		if r.Start != nil {
			fmt.Fprintf(&b, " from=%d", r.Start.UnixNano())
		}
		if r.End != nil {
			fmt.Fprintf(&b, " to=%d", r.End.UnixNano())
		}
	}
	names := make([]string, 0, len(p.Query.Equal))
	for k := range p.Query.Equal {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Fprintf(&b, " %q=", k)
		for _, v := range p.Query.Equal[k] {
			if t, ok := v.(time.Time); ok {
				v = t.UnixNano()
			}
			fmt.Fprintf(&b, "%T:%q,", v, fmt.Sprint(v))
		}
	}
	fmt.Fprintf(&b, " v=%d/%s", versions[IncidentsLayer], areaVersion(versions))
	return b.String()
}

// key is cacheKey plus, for a public analysis, the last published month
// (the window's open end moves with it). A public analysis is a function
// of its months' published tables: when the store keeps month marks, the
// marks of those months stand in its key for the incidents' version, so
// that an intake today (which changes no closed month) keeps it.
func (s *Service) key(ctx context.Context, p Params, versions map[string]int64) (string, error) {
	if p.Query.Role.Can(layers.Staff) {
		return cacheKey(p, versions), nil
	}
	closed := " closed=" + disclose.LastClosed(s.now()).String()
	if s.pub == nil {
		return cacheKey(p, versions) + closed, nil // no incidents layer: analyze says so
	}
	version := versions[IncidentsLayer]
	months, err := s.PublicMonths(ctx, p.Query.Time, version)
	if err != nil {
		return "", err
	}
	stamp, ok, err := s.pub.Stamp(ctx, version, months)
	if err != nil {
		return "", err
	}
	if !ok {
		return cacheKey(p, versions) + closed, nil
	}
	vs := maps.Clone(versions)
	vs[IncidentsLayer] = 0
	return cacheKey(p, vs) + " marks=" + stamp + closed, nil
}
