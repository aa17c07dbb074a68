package export

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"minqing/deploy/fengtai"
	"minqing/layers"
)

func testLayer(t testing.TB, name string) *layers.Layer {
	t.Helper()
	l, ok := fengtai.Catalog().Lookup(name)
	if !ok {
		t.Fatalf("no layer %s", name)
	}
	return l
}

var received = time.Date(2026, 3, 5, 14, 3, 7, 0, layers.Shanghai)

// incident returns a staff-visible incident with awkward text.
func incident(i int) *layers.Feature {
	return &layers.Feature{
		ID:       int64(i),
		Geometry: orb.Point{116.2812345678, 39.8523456789},
		Props: map[string]any{
			"external_id": fmt.Sprintf("12345-%06d", i),
			"source":      "12345",
			"category":    "水管爆裂",
			"description": "=HYPERLINK(\"http://evil\") 楼道\"漏水\", 三单元 <b>急</b> & 速",
			"address":     "新华街二里3号楼",
			"community":   "新华街北里",
			"status":      "resolved",
			"received_at": received.Add(time.Duration(i) * time.Hour),
			"closed_at":   nil,
			"satisfied":   i%2 == 0,
			"level":       "社区",
			"h3":          int64(644383430224494592),
		},
	}
}

func community(i int) *layers.Feature {
	return &layers.Feature{
		ID: int64(i),
		Geometry: orb.MultiPolygon{{
			{{116.27, 39.845}, {116.28, 39.845}, {116.28, 39.85}, {116.27, 39.85}, {116.27, 39.845}},
			{{116.272, 39.846}, {116.273, 39.846}, {116.273, 39.847}, {116.272, 39.846}},
		}},
		Props: map[string]any{
			"code": fmt.Sprintf("C%02d", i), "name": "北大地西区", "households": int64(1830),
			"has_property_management": false, "area_m2": 123456.5,
		},
	}
}

// genSource is a layers.Source that generates n incidents on the fly (for
// memory tests); only Features is implemented, with keyset paging
// (AfterID, Limit) as the stores do.
type genSource struct {
	layers.Source
	n int
}

func (g genSource) Features(ctx context.Context, l *layers.Layer, q layers.Query, fn func(*layers.Feature) error) error {
	sent := 0
	for i := int(q.AfterID) + 1; i <= g.n; i++ {
		if q.Limit > 0 && sent == q.Limit {
			return nil
		}
		sent++
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		f := incident(i)
		f.Geometry = orb.Point{116.27 + float64(i%1000)*0.000035, 39.845 + float64(i/1000%1000)*0.000025}
		if err := fn(f); err != nil {
			return err
		}
	}
	return nil
}

// sliceSource serves fixed features through Features.
type sliceSource struct {
	layers.Source
	fs []*layers.Feature
}

func (s sliceSource) Features(ctx context.Context, l *layers.Layer, q layers.Query, fn func(*layers.Feature) error) error {
	sent := 0
	for _, f := range s.fs {
		if f.ID != 0 && f.ID <= q.AfterID {
			continue
		}
		if q.Limit > 0 && sent == q.Limit {
			return nil
		}
		sent++
		if err := fn(f); err != nil {
			return err
		}
	}
	return nil
}
