package importers

import (
	"context"

	"github.com/paulmach/orb"

	"minqing/layers"
)

// Locator assigns a point its community and patch by point-in-polygon over
// the communities layer, as imports do; staff intake and Open311 use it for
// single incidents.
type Locator struct{ idx *communityIndex }

// NewLocator reads the communities layer of src once.
func NewLocator(ctx context.Context, src layers.FeatureStreamer, cat *layers.Catalog) (*Locator, error) {
	idx, err := loadCommunities(ctx, src, cat)
	if err != nil {
		return nil, err
	}
	return &Locator{idx: idx}, nil
}

// Locate returns the community and patch containing p ("" when none).
func (l *Locator) Locate(p orb.Point) (community, patch string) {
	if l == nil {
		return "", ""
	}
	return l.idx.locate(p)
}

// Empty reports whether there are no communities to assign from.
func (l *Locator) Empty() bool { return l == nil || l.idx.empty() }
