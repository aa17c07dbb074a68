package demo

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/paulmach/orb/planar"

	"minqing/layers"
)

// Seed figures Check asserts besides the exact counts.
const (
	// CommunityCount is the number of communities (seed: 25 个社区).
	CommunityCount = 25
	// PatchCount is the number of patches (seed: 五大片区).
	PatchCount = 5
	// MinPatrols is the least total of street patrols (seed: 2800余次).
	MinPatrols = 2800
	// MinProblems is the least total of problems found, and of problems
	// solved (seed: 600余起).
	MinProblems = 600
	// Satisfaction among closed incidents must lie in this range.
	MinSatisfied, MaxSatisfied = 0.85, 0.95
	// MinInLimit is the least share of dispatched incidents dispatched within
	// their DispatchLimit.
	MinInLimit = 0.90
)

// Reader is what Check needs of a store: features and counts (and, found
// with layers.As, its lifecycle.Store for the records of steps). Every
// layers.Source is one.
type Reader interface {
	layers.FeatureStreamer
	layers.Counter
}

// Check reads the loaded data back through src as staff and returns an
// error listing every seed figure that does not hold (nil if all hold).
// Besides reading every feature it asks the store to count with filters
// (src.Count with Equal), and reports any count that disagrees.
func Check(ctx context.Context, src Reader, cat *layers.Catalog) error {
	t := newTally()
	for _, name := range LayerOrder() {
		l, ok := cat.Lookup(name)
		if !ok {
			t.failf("the catalog has no layer %s", name)
			continue
		}
		q := layers.Query{Role: layers.Staff}
		if name == lIncidents {
			q.Properties = []string{"category", "status", "received_at", "dispatched_at", "satisfied"}
		}
		err := src.Features(ctx, l, q, func(f *layers.Feature) error {
			t.add(name, f)
			return nil
		})
		if err != nil {
			return fmt.Errorf("demo: reading %s: %w", name, err)
		}
	}
	counts := []storeCount{
		{lStreets, map[string][]any{"upgraded": {true}}, int64(t.upgraded), "upgraded streets"},
		{lCareTargets, nil, int64(t.n[lCareTargets]), "care targets"},
		{lIncidents, map[string][]any{"status": {"closed"}}, t.closed, "closed incidents"},
		{lIncidents, map[string][]any{"status": {"closed"}, "satisfied": {true}}, t.satisfied, "satisfied closed incidents"},
	}
	for _, d := range demolitionKinds {
		counts = append(counts, storeCount{lDemolitions, map[string][]any{"kind": {d.kind}}, int64(t.demolitions[d.kind]), "demolitions of kind " + d.kind})
	}
	for _, c := range counts {
		l, ok := cat.Lookup(c.layer)
		if !ok {
			continue
		}
		n, err := src.Count(ctx, l, layers.Query{Role: layers.Staff, Equal: c.equal})
		if err != nil {
			return fmt.Errorf("demo: counting %s: %w", c.what, err)
		}
		if n != c.want {
			t.failf("the store counts %d %s, reading them gives %d", n, c.what, c.want)
		}
	}
	if err := checkRecords(ctx, src, cat, t); err != nil { // check_records.go
		return err
	}
	return t.err()
}

// storeCount is a count Check asks the store for, and what reading the
// features gave.
type storeCount struct {
	layer string
	equal map[string][]any
	want  int64
	what  string
}

// tally accumulates the figures of the data, feature by feature, whatever it
// is read from (a store, or a Generator directly).
type tally struct {
	fails []string
	n     map[string]int64

	commArea, patchArea float64
	commNames           map[string]int
	commPatch           map[string]int // patch named by communities → count
	patchComms          map[string]int64
	oldCompound         []string // problems with 北大地西区

	patrols, found, solved int64
	overSolved             []string
	upgraded, upgradedLane int
	streetNames            map[string]bool
	pledges                int

	demolitions map[string]int
	illegalArea float64
	early       int

	names map[string]map[string]bool // layer → names

	closed, satisfied      int64
	dispatched, inLimit    int64
	satisfiedOpen, badTime int64
}

func newTally() *tally {
	return &tally{
		n:         map[string]int64{},
		commNames: map[string]int{}, commPatch: map[string]int{}, patchComms: map[string]int64{},
		streetNames: map[string]bool{}, demolitions: map[string]int{},
		names: map[string]map[string]bool{lGreening: {}, lServicePoints: {}},
	}
}

func (t *tally) failf(format string, args ...any) {
	t.fails = append(t.fails, fmt.Sprintf(format, args...))
}

// add counts one feature of layer.
func (t *tally) add(layer string, f *layers.Feature) {
	t.n[layer]++
	p := f.Props
	switch layer {
	case lPatches:
		t.patchArea += planar.Area(f.Geometry)
		t.patchComms[str(p["name"])] = toInt(p["communities"])
	case lCommunities:
		t.commArea += planar.Area(f.Geometry)
		name := str(p["name"])
		t.commNames[name]++
		t.commPatch[str(p["patch"])]++
		if name == OldCompound {
			if y := toInt(p["built_year"]); y != 1978 {
				t.oldCompound = append(t.oldCompound, fmt.Sprintf("built in %d, not 1978", y))
			}
			if pm, ok := p["has_property_management"].(bool); !ok || pm {
				t.oldCompound = append(t.oldCompound, fmt.Sprintf("has_property_management is %v, want false", p["has_property_management"]))
			}
		}
	case lStreets:
		t.streetNames[str(p["name"])] = true
		found, solved := toInt(p["problems_found"]), toInt(p["problems_solved"])
		t.patrols += toInt(p["patrols"])
		t.found += found
		t.solved += solved
		if solved > found {
			t.overSolved = append(t.overSolved, str(p["name"]))
		}
		if up, _ := p["upgraded"].(bool); up {
			t.upgraded++
			if str(p["kind"]) == "巷" {
				t.upgradedLane++
			}
		}
		if toInt(p["shop_pledges"]) > 0 {
			t.pledges++
		}
	case lDemolitions:
		kind := str(p["kind"])
		t.demolitions[kind]++
		if kind == "违法建设" {
			t.illegalArea += toFloat(p["area_m2"])
		}
		if d, ok := p["date"].(time.Time); ok && d.Before(date(2018, 1, 1)) {
			t.early++
		}
	case lGreening, lServicePoints:
		t.names[layer][str(p["name"])] = true
	case lIncidents:
		status := str(p["status"])
		sat, hasSat := p["satisfied"].(bool)
		if status == "closed" {
			t.closed++
			if sat {
				t.satisfied++
			}
		} else if hasSat {
			t.satisfiedOpen++
		}
		rec, okR := p["received_at"].(time.Time)
		dis, okD := p["dispatched_at"].(time.Time)
		if okD {
			t.dispatched++
			if okR && dis.Sub(rec) <= DispatchLimit(str(p["category"])) {
				t.inLimit++
			}
			if okR && dis.Before(rec) {
				t.badTime++
			}
		}
	}
}

// problems returns every seed figure that does not hold.
func (t *tally) problems() []string {
	out := append([]string(nil), t.fails...)
	fail := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }

	if t.n[lCommunities] != CommunityCount {
		fail("communities: %d, want %d (seed: 25 个社区)", t.n[lCommunities], CommunityCount)
	}
	if t.n[lPatches] != PatchCount {
		fail("patches: %d, want %d (seed: 五大片区)", t.n[lPatches], PatchCount)
	}
	if t.commArea <= 0 || math.Abs(t.commArea-t.patchArea) > 1e-9*t.commArea {
		fail("communities cover %.12g deg², the patches %.12g deg²: the patches are not the union of the communities", t.commArea, t.patchArea)
	}
	var sum int64
	for _, name := range sortedKeys(t.patchComms) {
		n := t.patchComms[name]
		sum += n
		if int64(t.commPatch[name]) != n {
			fail("patch %s says it has %d communities, %d name it", name, n, t.commPatch[name])
		}
	}
	if t.n[lPatches] > 0 && sum != CommunityCount {
		fail("the patches' communities add up to %d, want %d", sum, CommunityCount)
	}
	for _, name := range SeedCommunities() {
		if t.commNames[name] != 1 {
			fail("community %s appears %d times, want once", name, t.commNames[name])
		}
	}
	for _, s := range t.oldCompound {
		fail("community %s: %s (seed: 建于1978年，无物业)", OldCompound, s)
	}

	if t.patrols < MinPatrols {
		fail("streets: %d patrols, want at least %d (seed: 巡查2800余次)", t.patrols, MinPatrols)
	}
	if t.found < MinProblems || t.solved < MinProblems {
		fail("streets: %d problems found and %d solved, want at least %d each (seed: 600余起)", t.found, t.solved, MinProblems)
	}
	if len(t.overSolved) > 0 {
		fail("streets solved more problems than they found: %s", strings.Join(t.overSolved, ", "))
	}
	if t.upgraded != UpgradedLanes || t.upgradedLane != UpgradedLanes {
		fail("streets: %d upgraded (%d of them lanes 巷), want %d back lanes (seed: 7条背街小巷)", t.upgraded, t.upgradedLane, UpgradedLanes)
	}
	for _, name := range []string{"北大街", "游泳场北路"} {
		if !t.streetNames[name] {
			fail("streets: no street named %s", name)
		}
	}
	if t.pledges == 0 {
		fail("streets: no shop signed a 门前三包 pledge")
	}

	for _, d := range demolitionKinds {
		if got := t.demolitions[d.kind]; got != d.n {
			fail("demolitions: %d of kind %s, want %d", got, d.kind, d.n)
		}
	}
	if math.Abs(t.illegalArea-IllegalStructureArea) > 1e-6 {
		fail("demolitions: illegal structures total %.6g m², want %d (seed: 18502平方米)", t.illegalArea, IllegalStructureArea)
	}
	if t.early > 0 {
		fail("demolitions: %d dated before 2018 (seed: 2018年以来)", t.early)
	}

	if t.n[lGreening] != int64(len(GreeningNames())) {
		fail("greening: %d sites, want %d", t.n[lGreening], len(GreeningNames()))
	}
	for _, name := range GreeningNames() {
		if !t.names[lGreening][name] {
			fail("greening: no site named %s", name)
		}
	}
	for _, name := range []string{ServiceCentreName, MarketName} {
		if !t.names[lServicePoints][name] {
			fail("service points: none named %s", name)
		}
	}
	if t.n[lCareTargets] != CareTargetCount {
		fail("care targets: %d, want %d (seed: 定向精准帮扶对象239人次)", t.n[lCareTargets], CareTargetCount)
	}

	if t.n[lIncidents] == 0 {
		fail("incidents: none")
	}
	if t.closed == 0 {
		fail("incidents: none closed, so no satisfaction rate")
	} else if s := float64(t.satisfied) / float64(t.closed); s < MinSatisfied || s > MaxSatisfied {
		fail("incidents: %.1f %% of closed incidents satisfied, want %.0f–%.0f %%", 100*s, 100*MinSatisfied, 100*MaxSatisfied)
	}
	if t.satisfiedOpen > 0 {
		fail("incidents: %d not closed but rated", t.satisfiedOpen)
	}
	if t.dispatched == 0 {
		fail("incidents: none dispatched")
	} else if s := float64(t.inLimit) / float64(t.dispatched); s < MinInLimit {
		fail("incidents: %.1f %% dispatched within the time limit, want at least %.0f %%", 100*s, 100*MinInLimit)
	}
	if t.badTime > 0 {
		fail("incidents: %d dispatched before they were received", t.badTime)
	}
	return out
}

// err returns the problems as one error, or nil.
func (t *tally) err() error {
	ps := t.problems()
	if len(ps) == 0 {
		return nil
	}
	return fmt.Errorf("demo: %d seed figures do not hold:\n  - %s", len(ps), strings.Join(ps, "\n  - "))
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func toInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int:
		return int64(x)
	case float64:
		return int64(x)
	}
	return 0
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int64:
		return float64(x)
	case int:
		return float64(x)
	}
	return 0
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
