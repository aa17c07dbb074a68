package layers_test

import (
	"testing"
	"time"

	"github.com/paulmach/orb"

	"minqing/geo/hex"
	"minqing/layers"
)

// BenchmarkRollupDelta adds up the rollups of incidents as a bulk import
// does, one Add per row: 28 days, 14 categories, 5 sources and points spread
// over the street (res-11 cells: about 4,000).
func BenchmarkRollupDelta(b *testing.B) {
	day := func(t time.Time) string { return t.In(layers.Shanghai).Format("2006-01-02") }
	cats := []string{"水管漏水", "停电", "雨箅子破损", "地面塌陷", "污水井冒污水", "燃气异味", "施工噪音", "装修扰民", "违建", "停水", "暖气不热", "乱停车", "垃圾清运", "占道经营"}
	srcs := []string{"12345", "街道热线", "网格员", "微信", "12345热线"}
	type row struct {
		at       time.Time
		cat, src string
		cells    []int64
	}
	const n = 1 << 16
	rows := make([]row, n)
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, layers.Shanghai)
	for i := range rows {
		p := orb.Point{116.270 + float64((i*7919)%3500)*0.00001, 39.845 + float64((i*104729)%2500)*0.00001}
		exact, err := hex.ExactCells(p)
		if err != nil {
			b.Fatal(err)
		}
		cells := make([]int64, len(exact))
		for j, c := range exact {
			cells[j] = int64(c)
		}
		rows[i] = row{start.Add(time.Duration((i*7)%(28*24*60)) * time.Minute), cats[i%len(cats)], srcs[(i/3)%len(srcs)], cells}
	}
	b.ReportAllocs()
	var d *layers.RollupDelta
	for i := 0; b.Loop(); i++ {
		if i%n == 0 {
			d = layers.NewRollupDelta(day)
		}
		r := &rows[i%n]
		d.Add(r.at, r.cat, r.src, r.cells, 1)
	}
}
