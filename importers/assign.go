package importers

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"minqing/layers"
)

// communityIndex finds the community (and its patch) a point lies in.
type communityIndex struct {
	items   []communityArea
	patchOf map[string]string // community name → patch
}

type communityArea struct {
	name, patch string
	geom        orb.MultiPolygon
	bound       orb.Bound
}

// loadCommunities reads the communities layer of src (nil if the catalog has
// none). The 25 communities of a street are few: a bound check and a
// point-in-polygon test per community is fast enough.
func loadCommunities(ctx context.Context, src layers.FeatureStreamer, cat *layers.Catalog) (*communityIndex, error) {
	if src == nil || cat == nil {
		return nil, nil
	}
	l, ok := cat.Lookup("communities")
	if !ok {
		return nil, nil
	}
	idx := &communityIndex{patchOf: map[string]string{}}
	err := src.Features(ctx, l, layers.Query{Role: layers.Admin, Properties: []string{"name", "patch"}}, func(f *layers.Feature) error {
		name, _ := f.Props["name"].(string)
		patch, _ := f.Props["patch"].(string)
		if name == "" {
			return nil
		}
		var mp orb.MultiPolygon
		switch g := f.Geometry.(type) {
		case orb.MultiPolygon:
			mp = g
		case orb.Polygon:
			mp = orb.MultiPolygon{g}
		default:
			return nil
		}
		idx.items = append(idx.items, communityArea{name: name, patch: patch, geom: mp, bound: mp.Bound()})
		if patch != "" {
			idx.patchOf[name] = patch
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("importers: read communities: %w", err)
	}
	return idx, nil
}

// locate returns the community containing p ("" if none).
func (c *communityIndex) locate(p orb.Point) (name, patch string) {
	if c == nil {
		return "", ""
	}
	for _, it := range c.items {
		if it.bound.Contains(p) && planar.MultiPolygonContains(it.geom, p) {
			return it.name, it.patch
		}
	}
	return "", ""
}

func (c *communityIndex) empty() bool { return c == nil || len(c.items) == 0 }
