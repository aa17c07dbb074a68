package tiles_test

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"minqing/tiles"
)

func TestMercatorBoundIsSTTileEnvelope(t *testing.T) {
	// SELECT ST_TileEnvelope(16, 53937, 24844) in PostGIS 3.3.
	got := tiles.MercatorBound(maptile.New(53937, 24844, 16))
	want := orb.Bound{Min: orb.Point{12944763.614151169, 4844884.600827612}, Max: orb.Point{12945375.11037745, 4845496.097053893}}
	for i := range 2 {
		if math.Abs(got.Min[i]-want.Min[i]) > 1e-6 || math.Abs(got.Max[i]-want.Max[i]) > 1e-6 {
			t.Fatalf("bound %v, want %v", got, want)
		}
	}
}

func TestMercatorRoundTrip(t *testing.T) {
	for _, p := range []orb.Point{{116.2875, 39.8575}, {0, 0}, {-179.9, -80}, {180, 85}} {
		q := tiles.FromMercator(tiles.Mercator(p))
		if math.Abs(p[0]-q[0]) > 1e-9 || math.Abs(p[1]-q[1]) > 1e-9 {
			t.Errorf("%v → %v", p, q)
		}
	}
}

func TestInTileIsAPartition(t *testing.T) {
	a := maptile.New(10, 10, 5)
	b := maptile.New(11, 10, 5) // east of a
	c := maptile.New(10, 11, 5) // south of a
	ba, bb, bc := tiles.MercatorBound(a), tiles.MercatorBound(b), tiles.MercatorBound(c)
	corner := orb.Point{ba.Max[0], ba.Min[1]} // shared by a, b, c (and one more)
	n := 0
	for _, bd := range []orb.Bound{ba, bb, bc} {
		if tiles.InTile(bd, corner) {
			n++
		}
	}
	edge := orb.Point{ba.Max[0], (ba.Min[1] + ba.Max[1]) / 2}
	if tiles.InTile(ba, edge) == tiles.InTile(bb, edge) {
		t.Error("a point on the edge of two tiles is in both or neither")
	}
	if n > 1 {
		t.Errorf("a corner point is in %d tiles", n)
	}
}

func TestWindowGrowsTheTile(t *testing.T) {
	tl := maptile.At(orb.Point{116.2875, 39.8575}, 15)
	b, w := tl.Bound(), tiles.Window(tl, 64.0/4096)
	if !w.Contains(b.Min) || !w.Contains(b.Max) || w.Max[0]-w.Min[0] <= b.Max[0]-b.Min[0] {
		t.Errorf("window %v does not contain tile %v", w, b)
	}
}
