package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"minqing/layers"
)

// Seed figures of the sites.
const (
	// IllegalStructureArea is the total area of the 58 illegal structures
	// demolished since 2018, in m² (seed: 18502 平方米).
	IllegalStructureArea = 18502
	// CareTargetCount is the number of 定向精准帮扶对象 (seed: 239 人次).
	CareTargetCount = 239
)

// demolitionKinds lists the seed's 疏整促 figures since 2018, by kind.
var demolitionKinds = [...]struct {
	kind string
	n    int
}{
	{"违法建设", 58},
	{"占道经营", 12},
	{"开墙打洞", 73},
	{"人防工程", 1},
	{"普通地下室", 4},
	{"群租房", 82},
	{"无证无照校外培训机构", 18},
}

// DemolitionCounts returns the seed's 疏整促 counts by kind.
func DemolitionCounts() map[string]int {
	out := make(map[string]int, len(demolitionKinds))
	for _, d := range demolitionKinds {
		out[d.kind] = d.n
	}
	return out
}

// residentialWeights weights communities by households, old compounds
// without property management three times over.
func (m *model) residentialWeights(oldFactor float64) []float64 {
	w := make([]float64, len(m.comms))
	for k, c := range m.comms {
		w[k] = float64(c.households)
		if !c.pm {
			w[k] *= oldFactor
		}
	}
	return w
}

// building returns a building address in community k.
func (m *model) building(r *rand.Rand, k int) string {
	return fmt.Sprintf("%s%d号楼", m.comms[k].addr, between(r, 1, 28))
}

// streetNumber returns a house number on street s.
func streetNumber(r *rand.Rand, s string) string {
	return fmt.Sprintf("%s%d号", s, between(r, 1, 180))
}

type demolition struct {
	kind    string
	p       orb.Point
	comm    int
	address string
	area    int // m², 0 if not recorded
	day     time.Time
	order   int
}

// demolitionFeatures builds the 疏整促 layer: 248 records since 2018.
func (m *model) demolitionFeatures() []*layers.Feature {
	r := newRand(m.seed, "demolitions")
	resW := m.residentialWeights(3)
	first, last := date(2018, 1, 1), date(2019, 6, 30)
	days := int(last.Sub(first).Hours()/24) + 1
	var ds []demolition
	for _, dk := range demolitionKinds {
		var areas []int
		if dk.kind == "违法建设" {
			w := make([]float64, dk.n)
			for i := range w {
				w[i] = math.Exp(0.9 * r.NormFloat64())
			}
			areas = allocate(IllegalStructureArea, w, 15)
		}
		for i := 0; i < dk.n; i++ {
			d := demolition{kind: dk.kind, day: first.AddDate(0, 0, r.IntN(days)), order: len(ds)}
			nearStreet := false
			switch dk.kind {
			case "开墙打洞":
				nearStreet = true
			case "占道经营":
				nearStreet = i >= 5 // five hotspots around the market
			case "无证无照校外培训机构":
				nearStreet = r.IntN(2) == 0
			}
			switch {
			case dk.kind == "占道经营" && !nearStreet:
				d.p, d.comm = m.aroundInside(r, m.market, 60)
				d.address = fmt.Sprintf("%s周边", MarketName)
			case nearStreet:
				var s string
				d.p, s, d.comm = m.nearStreet(r)
				d.address = streetNumber(r, s)
			default:
				d.comm = pick(r, resW)
				d.p = m.randomIn(r, d.comm, 0.06)
				d.address = m.building(r, d.comm)
			}
			switch dk.kind {
			case "违法建设":
				d.area = areas[i]
			case "人防工程":
				d.area = between(r, 800, 1500)
				d.address += "地下人防工程"
			case "普通地下室":
				d.area = between(r, 150, 600)
				d.address += "地下室"
			case "群租房":
				d.area = between(r, 55, 140)
			}
			ds = append(ds, d)
		}
	}
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].day.Before(ds[j].day) })
	seq := map[int]int{}
	out := make([]*layers.Feature, 0, len(ds))
	for _, d := range ds {
		seq[d.day.Year()]++
		props := map[string]any{
			"code":      fmt.Sprintf("SZC-%d-%03d", d.day.Year(), seq[d.day.Year()]),
			"kind":      d.kind,
			"address":   d.address,
			"community": m.comms[d.comm].name,
			"status":    "完成",
			"date":      d.day,
		}
		if d.area > 0 {
			props["area_m2"] = float64(d.area)
		}
		out = append(out, &layers.Feature{Geometry: roundPoint(d.p), Props: props})
	}
	return out
}

// roundPoint rounds a point's coordinates to 1e-9 degrees.
func roundPoint(p orb.Point) orb.Point { return orb.Point{round9(p[0]), round9(p[1])} }

// aroundInside returns a point near p (normal, sigma metres) inside the
// street's area, and its community.
func (m *model) aroundInside(r *rand.Rand, p orb.Point, sigma float64) (orb.Point, int) {
	for try := 0; try < 20; try++ {
		q := roundPoint(gaussAround(r, p, sigma))
		if k := m.locate(q); k >= 0 {
			return q, k
		}
	}
	return p, m.locate(p)
}

// greeningFeatures builds the three pocket gardens (街心花园) of the seed.
func (m *model) greeningFeatures() []*layers.Feature {
	r := newRand(m.seed, "greening")
	sites := []struct {
		name, comm     string
		u0, u1, v0, v1 float64
	}{
		// in the middle of 福顺里
		{"福顺里街心花园", "福顺里", 0.42, 0.52, 0.44, 0.53},
		// on the south side of 游泳场北路 (the north edge of its community)
		{"游泳场北路街心花园", "游泳场北路", 0.30, 0.42, 0.88, 0.97},
		// on the east side of 北大街 (the west edge of 北大街北里)
		{"北大街街心花园", "北大街北里", 0.03, 0.12, 0.40, 0.50},
	}
	out := make([]*layers.Feature, 0, len(sites))
	for _, s := range sites {
		k := m.byName[s.comm]
		// an octagon: the rectangle with its corners cut
		cu, cv := (s.u1-s.u0)*0.25, (s.v1-s.v0)*0.25
		uv := [][2]float64{
			{s.u0 + cu, s.v0}, {s.u1 - cu, s.v0}, {s.u1, s.v0 + cv}, {s.u1, s.v1 - cv},
			{s.u1 - cu, s.v1}, {s.u0 + cu, s.v1}, {s.u0, s.v1 - cv}, {s.u0, s.v0 + cv},
		}
		var ring orb.Ring
		for _, q := range uv {
			ring = append(ring, roundPoint(m.cellPoint(k, q[0], q[1])))
		}
		ring = append(ring, ring[0])
		poly := orb.Polygon{ring}
		out = append(out, &layers.Feature{
			Geometry: orb.MultiPolygon{poly},
			Props: map[string]any{
				"name":      s.name,
				"kind":      "街心花园",
				"area_m2":   math.Round(geo.Area(poly)*10) / 10,
				"community": s.comm,
				"completed": date(2018, 5, 1).AddDate(0, 0, r.IntN(420)),
			},
		})
	}
	return out
}

// serviceFeatures builds the service points: the seed's one-stop centre and
// market, and the community service stations and elderly-care posts.
func (m *model) serviceFeatures() []*layers.Feature {
	r := newRand(m.seed, "service points")
	type sp struct {
		name, kind, comm, hours string
	}
	list := []sp{
		{ServiceCentreName, "便民服务中心", "近园路阳光社区", "周一至周六 08:30-17:30"},
		{MarketName, "菜市场", "桥南", "06:00-20:00"},
		{"北大地西区社区服务站", "社区服务站", "北大地西区", "周一至周五 08:30-17:30"},
		{"新华街北里社区服务站", "社区服务站", "新华街北里", "周一至周五 08:30-17:30"},
		{"正阳北里社区服务站", "社区服务站", "正阳北里", "周一至周五 08:30-17:30"},
		{"福顺里社区服务站", "社区服务站", "福顺里", "周一至周五 08:30-17:30"},
		{"东安街头条社区服务站", "社区服务站", "东安街头条", "周一至周五 08:30-17:30"},
		{"北大街北里养老驿站", "养老驿站", "北大街北里", "每天 08:00-20:00"},
		{"丰益花园养老驿站", "养老驿站", "丰益花园", "每天 08:00-20:00"},
		{"前泥洼养老驿站", "养老驿站", "前泥洼", "每天 08:00-20:00"},
	}
	out := make([]*layers.Feature, 0, len(list))
	for _, s := range list {
		k := m.byName[s.comm]
		var p orb.Point
		var addr string
		switch s.name {
		case MarketName:
			p = m.market
			addr = streetNumber(r, "东安街")
		case ServiceCentreName:
			p = m.randomIn(r, k, 0.35)
			addr = streetNumber(r, "近园路")
		default:
			p = m.randomIn(r, k, 0.2)
			addr = m.building(r, k) + "底商"
		}
		out = append(out, &layers.Feature{
			Geometry: roundPoint(p),
			Props: map[string]any{
				"name": s.name, "kind": s.kind, "address": addr, "community": s.comm, "hours": s.hours,
			},
		})
	}
	return out
}

// careKinds splits the 239 care targets by kind.
var careKinds = [...]struct {
	kind string
	n    int
}{
	{"独居老人", 78},
	{"困难居民", 64},
	{"特困党员", 27},
	{"残疾人", 41},
	{"上门医疗", 29},
}

// careAlarms is how many elderly living alone have a movement alarm.
const careAlarms = 6

// careFeatures builds the 239 定向精准帮扶对象: points with a ledger code,
// kind, community, visits and the last visit before asOf. They carry no name
// or any other personal identifier.
func (m *model) careFeatures(asOf time.Time) []*layers.Feature {
	r := newRand(m.seed, "care targets")
	w := m.residentialWeights(2)
	today := date(asOf.Year(), asOf.Month(), asOf.Day())
	var out []*layers.Feature
	alarms := 0
	for _, ck := range careKinds {
		for i := 0; i < ck.n; i++ {
			k := pick(r, w)
			alarm := ck.kind == "独居老人" && alarms < careAlarms && r.IntN(ck.n-i) < careAlarms-alarms
			if alarm {
				alarms++
			}
			out = append(out, &layers.Feature{
				Geometry: roundPoint(m.randomIn(r, k, 0.08)),
				Props: map[string]any{
					"kind":       ck.kind,
					"community":  m.comms[k].name,
					"visits":     int64(between(r, 2, 30)),
					"last_visit": today.AddDate(0, 0, -between(r, 1, 90)),
					"alarm":      alarm,
				},
			})
		}
	}
	// ledger codes in a shuffled order, so a code says nothing of the kind
	codes := r.Perm(len(out))
	sorted := make([]*layers.Feature, len(out))
	for i, f := range out {
		f.Props["code"] = fmt.Sprintf("JZBF-%03d", codes[i]+1)
		sorted[codes[i]] = f
	}
	return sorted
}
