package hotspot

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"minqing/geo/hex"
	"minqing/layers"
)

// The layers whose polygons make the street's area, in order of preference:
// a patch's outline is the union of its communities, so either gives the
// same area; communities are the fallback when no patch is loaded.
var areaLayers = []string{"patches", "communities"}

// place is one community polygon, for naming the community of a cell.
type place struct {
	name, patch string
	geom        orb.MultiPolygon
	bound       orb.Bound
}

// areaCache keeps, per store version of the area layers, the cells covering
// the street's area at each resolution and the community polygons.
type areaCache struct {
	mu      sync.Mutex
	version string             // the area layers' versions the entries belong to
	cells   map[int][]hex.Cell // res → sorted cells whose centre is in the area
	places  []place
	loaded  bool // places loaded for version
}

// areaVersion keys the area cache on the versions of the area layers.
func areaVersion(versions map[string]int64) string {
	return fmt.Sprintf("%d/%d", versions["patches"], versions["communities"])
}

// reset forgets everything if the area layers changed.
func (a *areaCache) reset(version string) {
	if a.version != version {
		a.version = version
		a.cells = map[int][]hex.Cell{}
		a.places = nil
		a.loaded = false
	}
}

// areaCells returns the sorted cells of resolution res whose centre lies in
// the street's area: the union of the patches' polygons, or of the
// communities' when there are no patches. It returns nil when neither layer
// has any feature.
func (s *Service) areaCells(ctx context.Context, res int, version string) ([]hex.Cell, error) {
	s.area.mu.Lock()
	s.area.reset(version)
	cells, ok := s.area.cells[res]
	s.area.mu.Unlock()
	if ok {
		return cells, nil
	}
	var mp orb.MultiPolygon
	for _, name := range areaLayers {
		l, ok := s.cat.Lookup(name)
		if !ok {
			continue
		}
		q := layers.Query{Role: layers.Public, Properties: []string{}}
		err := s.src.Features(ctx, l, q, func(f *layers.Feature) error {
			mp = append(mp, polygons(f.Geometry)...)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("hotspot: read %s: %w", name, err)
		}
		if len(mp) > 0 {
			break
		}
	}
	cells, err := hex.MultiPolygonCells(mp, res)
	if err != nil {
		return nil, fmt.Errorf("hotspot: cells of the street's area: %w", err)
	}
	s.area.mu.Lock()
	if s.area.version == version {
		s.area.cells[res] = cells
	}
	s.area.mu.Unlock()
	return cells, nil
}

// communities returns the community polygons, cached per version.
func (s *Service) communities(ctx context.Context, version string) ([]place, error) {
	s.area.mu.Lock()
	s.area.reset(version)
	if s.area.loaded {
		ps := s.area.places
		s.area.mu.Unlock()
		return ps, nil
	}
	s.area.mu.Unlock()
	l, ok := s.cat.Lookup("communities")
	if !ok {
		return nil, nil
	}
	var ps []place
	q := layers.Query{Role: layers.Public, Properties: []string{"name", "patch"}}
	err := s.src.Features(ctx, l, q, func(f *layers.Feature) error {
		mp := orb.MultiPolygon(polygons(f.Geometry))
		if len(mp) == 0 {
			return nil
		}
		name, _ := f.Props["name"].(string)
		patch, _ := f.Props["patch"].(string)
		ps = append(ps, place{name: name, patch: patch, geom: mp, bound: mp.Bound()})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("hotspot: read communities: %w", err)
	}
	s.area.mu.Lock()
	if s.area.version == version {
		s.area.places, s.area.loaded = ps, true
	}
	s.area.mu.Unlock()
	return ps, nil
}

// placeOf returns the community containing p, if any.
func placeOf(ps []place, p orb.Point) (place, bool) {
	for _, pl := range ps {
		if pl.bound.Contains(p) && planar.MultiPolygonContains(pl.geom, p) {
			return pl, true
		}
	}
	return place{}, false
}

// polygons returns the polygons of a polygonal geometry.
func polygons(g orb.Geometry) []orb.Polygon {
	switch g := g.(type) {
	case orb.Polygon:
		return []orb.Polygon{g}
	case orb.MultiPolygon:
		return g
	case orb.Collection:
		var out []orb.Polygon
		for _, x := range g {
			out = append(out, polygons(x)...)
		}
		return out
	}
	return nil
}

// studyCells returns the sorted cells of the analysis: the street's area
// plus every cell with incidents outside it. Without an area (no patches nor
// communities loaded) the area is the cells whose centre lies in the
// bounding box of the counted cells' centres. inArea[i] tells whether cells[i]
// belongs to the area.
func studyCells(area []hex.Cell, counted []hex.Cell, res int) (cells []hex.Cell, inArea []bool, err error) {
	if len(area) == 0 && len(counted) > 0 {
		b := orb.Bound{Min: hex.Center(counted[0]), Max: hex.Center(counted[0])}
		for _, c := range counted[1:] {
			b = b.Extend(hex.Center(c))
		}
		if area, err = hex.PolygonCells(b.ToPolygon(), res); err != nil {
			return nil, nil, fmt.Errorf("hotspot: cells of the incidents' extent: %w", err)
		}
	}
	cells = make([]hex.Cell, 0, len(area)+len(counted))
	cells = append(cells, area...)
	cells = append(cells, counted...)
	slices.Sort(cells)
	cells = slices.Compact(cells)
	inArea = make([]bool, len(cells))
	for i, c := range cells {
		_, inArea[i] = slices.BinarySearch(area, c)
	}
	return cells, inArea, nil
}

// graphs keeps the last few neighbourhood graphs: a street's study cells
// are the same analysis after analysis (its area, plus the cells with
// incidents outside it), and drawing every cell's k-ring (H3's gridDisk,
// through cgo) was a fifth of a cold analysis of 10,000 cells.
var graphs graphCache

// graphCache holds up to maxGraphs graphs of up to maxGraphCells cells,
// the most recently used last. A Graph is not modified once made.
type graphCache struct {
	mu     sync.Mutex
	recent []cachedGraph
}

type cachedGraph struct {
	k     int
	cells []hex.Cell
	g     Graph
}

const (
	maxGraphs     = 8
	maxGraphCells = 100_000
)

// get returns graph(cells, k), from the cache when it holds it.
func (gc *graphCache) get(cells []hex.Cell, k int) Graph {
	gc.mu.Lock()
	for i, e := range gc.recent {
		if e.k == k && slices.Equal(e.cells, cells) {
			gc.recent = append(append(gc.recent[:i:i], gc.recent[i+1:]...), e)
			gc.mu.Unlock()
			return e.g
		}
	}
	gc.mu.Unlock()
	g := graph(cells, k)
	if len(cells) <= maxGraphCells {
		gc.mu.Lock()
		gc.recent = append(gc.recent, cachedGraph{k: k, cells: slices.Clone(cells), g: g})
		if len(gc.recent) > maxGraphs {
			gc.recent = slices.Delete(gc.recent, 0, 1)
		}
		gc.mu.Unlock()
	}
	return g
}

// graph returns the Gi* neighbourhoods of cells (sorted): for each cell the
// indices of the cells of its k-ring (itself included) that are in cells.
func graph(cells []hex.Cell, k int) Graph {
	g := Graph{Neighbors: make([][]int, len(cells))}
	for i, c := range cells {
		nb := make([]int, 0, 3*k*(k+1)+1)
		for _, d := range hex.Disk(c, k) {
			if j, ok := slices.BinarySearch(cells, d); ok {
				nb = append(nb, j)
			}
		}
		slices.Sort(nb)
		g.Neighbors[i] = nb
	}
	return g
}
