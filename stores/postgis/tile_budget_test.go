package postgis

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"minqing/geo/hex"
	"minqing/layers"
	"minqing/tiles"
)

// TestTileBudgetAtAMillionIncidents fills the incidents with 1,000,000 rows
// in one statement (50,000 places over the street's area, 20 incidents at
// each, with every staff property filled) and renders every tile of the
// street at z10–z18 as staff see them, through tiles.Render: none is over
// tiles.MaxTileBytes, the tiles where points would overflow are clusters,
// and the clusters of each zoom count every incident once. A test of bytes,
// not of time.
func TestTileBudgetAtAMillionIncidents(t *testing.T) {
	if testing.Short() {
		t.Skip("inserts a million rows")
	}
	ctx := context.Background()
	st, cat := migratedStore(t)
	const places, each = 50_000, 20
	r := rand.New(rand.NewPCG(14, 2))
	lon, lat := make([]float64, places), make([]float64, places)
	cells := make([][]int64, hex.ExactCount+1) // res 15, then 5–11
	for i := range cells {
		cells[i] = make([]int64, places)
	}
	for i := range places {
		// Denser towards the centre, as incidents are.
		p := orb.Point{116.2875 + 0.0175*(r.Float64()+r.Float64()-1), 39.8575 + 0.0125*(r.Float64()+r.Float64()-1)}
		lon[i], lat[i] = p[0], p[1]
		c15, err := hex.FromPoint(p, hex.StoreRes)
		if err != nil {
			t.Fatal(err)
		}
		cells[0][i] = c15
		exact, err := hex.ExactCells(p)
		if err != nil {
			t.Fatal(err)
		}
		for k, c := range exact {
			cells[k+1][i] = c
		}
	}
	_, err := st.pool.Exec(ctx, `INSERT INTO incidents (external_id, source, category, subcategory, description, address,
			community, patch, status, received_at, satisfied, unit, level, h3, h3_5, h3_6, h3_7, h3_8, h3_9, h3_10, h3_11, geom)
		SELECT 'T-' || p.i || '-' || g, '12345', (ARRAY['停车管理','供暖','噪音扰民','环境卫生','道路维修'])[1 + (p.i + g) % 5], '小区内',
			'居民反映楼下长期有车辆占用消防通道，影响出行，希望尽快处理。', '丰台区某小区' || (p.i % 300) || '号楼',
			'第' || (p.i % 40) || '社区', '片区' || (p.i % 6), (ARRAY['open','dispatched','closed'])[1 + g % 3],
			timestamptz '2025-06-01 08:00+08' + (p.i * 20 + g) * interval '37 seconds', g % 10 <> 0, '街道城管科', '一般',
			p.h3, p.h3_5, p.h3_6, p.h3_7, p.h3_8, p.h3_9, p.h3_10, p.h3_11, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)
		FROM unnest($1::float8[], $2::float8[], $3::int8[], $4::int8[], $5::int8[], $6::int8[], $7::int8[], $8::int8[], $9::int8[], $10::int8[])
			WITH ORDINALITY AS p(lon, lat, h3, h3_5, h3_6, h3_7, h3_8, h3_9, h3_10, h3_11, i),
			generate_series(1, $11::int) AS g`,
		lon, lat, cells[0], cells[1], cells[2], cells[3], cells[4], cells[5], cells[6], cells[7], each)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.pool.Exec(ctx, "ANALYZE incidents"); err != nil {
		t.Fatal(err)
	}
	inc, _ := cat.Lookup("incidents")
	for z := 10; z <= 18; z++ {
		t.Run(fmt.Sprintf("z%d", z), func(t *testing.T) {
			var largest, clustered, pointTiles int
			var counted int64
			lo := maptile.At(orb.Point{116.2700, 39.8700}, maptile.Zoom(z))
			hi := maptile.At(orb.Point{116.3050, 39.8450}, maptile.Zoom(z))
			for x := lo.X - 1; x <= hi.X+1; x++ {
				for y := lo.Y - 1; y <= hi.Y+1; y++ {
					b, err := tiles.Render(ctx, st, layers.TileRequest{Layers: []*layers.Layer{inc}, Z: z, X: int(x), Y: int(y), Role: layers.Staff})
					if err != nil {
						t.Fatal(err)
					}
					largest = max(largest, len(b))
					if len(b) > tiles.MaxTileBytes {
						t.Errorf("tile %d/%d/%d is %d bytes, over the budget of %d", z, x, y, len(b), tiles.MaxTileBytes)
					}
					l := decodeLayer(t, b)
					if l == nil {
						continue
					}
					if _, ok := l.Features[0].Properties["count"]; ok {
						clustered++
						for _, f := range l.Features {
							counted += int64(f.Properties["count"].(float64))
						}
					} else {
						pointTiles++
						if len(l.Features) > tiles.PointBudget {
							t.Errorf("tile %d/%d/%d has %d points, over the budget of %d", z, x, y, len(l.Features), tiles.PointBudget)
						}
					}
				}
			}
			if z >= inc.ClusterBelowZoom && z <= 17 && clustered == 0 {
				t.Errorf("no tile over the budget at z%d: the fixture tests nothing", z)
			}
			if pointTiles == 0 && counted != places*each {
				t.Errorf("the clusters count %d incidents, want %d", counted, places*each)
			}
			t.Logf("z%d: largest tile %d bytes, %d tiles of clusters, %d of points", z, largest, clustered, pointTiles)
		})
	}
}

// decodeLayer decodes the incidents layer of a tile (nil if none).
func decodeLayer(t *testing.T, b []byte) *mvt.Layer {
	t.Helper()
	if len(b) == 0 {
		return nil
	}
	ls, err := mvt.Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		if l.Name == "incidents" && len(l.Features) > 0 {
			return l
		}
	}
	return nil
}
