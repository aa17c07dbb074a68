package postgis

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"minqing/layers"
)

// TestTilePointsByTime: a dense tile's points under a window of few rows
// are found through the time index, the box tested on each row (the
// planner alone ANDed the box's GiST bitmap, most of the time at 1M); under
// a window of many rows, or in a sparse tile, through the box's GiST index
// as before; with the planner's custom plan and a cached statement's
// generic one; and either way they are the same points.
func TestTilePointsByTime(t *testing.T) {
	ctx := context.Background()
	st, cat := analysedDemo(t, 20000)
	asOf := demoAsOf
	inc, _ := cat.Lookup("incidents")
	dense, beside := orb.Point{116.2875, 39.8575}, orb.Point{116.33, 39.88} // in the street, and a tile east of it
	query := func(at orb.Point, days int) layers.Query {
		box := maptile.At(at, 15).Bound()
		start := asOf.AddDate(0, 0, -days)
		return layers.Query{BBox: &box, Time: &layers.TimeRange{Start: &start, End: &asOf}, Unordered: true, Limit: 3073}
	}
	for _, tc := range []struct {
		name       string
		at         orb.Point
		days       int
		byTime     bool
		index, not string // the index the plan reads incidents by, and one it must not read
	}{
		{"7 days: by the window", dense, 7, true, "incidents_received_at_idx", "incidents_geom_idx"},
		{"two years (all 20,000 rows): by the box", dense, 730, false, "incidents_geom_idx", ""},
		{"7 days, a tile with no incident: by the box", beside, 7, false, "incidents_geom_idx", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := query(tc.at, tc.days)
			byTime, err := st.pointsByTime(ctx, inc, q)
			if err != nil {
				t.Fatal(err)
			}
			if byTime != tc.byTime {
				t.Fatalf("pointsByTime = %v, want %v", byTime, tc.byTime)
			}
			sql, args, _, err := featuresSQL(inc, q, byTime)
			if err != nil {
				t.Fatal(err)
			}
			for _, mode := range []string{"auto", "force_generic_plan"} {
				plan, _ := explain(t, st, mode, sql, args)
				if !strings.Contains(plan, tc.index) || tc.not != "" && strings.Contains(plan, tc.not) || strings.Contains(plan, `"Seq Scan"`) {
					t.Errorf("%s plan does not read incidents by %s alone:\n%s", mode, tc.index, plan)
				}
			}
			// The same points as the box's index finds.
			got, want := pointIDs(t, st, inc, q, byTime), pointIDs(t, st, inc, q, false)
			if len(want) == 0 && tc.at == dense || !slices.Equal(got, want) {
				t.Errorf("%d points, want the %d the box's index finds", len(got), len(want))
			}
		})
	}
	// Features itself decides: the 7-day points are those of the box.
	var n int
	if err := st.Features(ctx, inc, query(dense, 7), func(*layers.Feature) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if want := len(pointIDs(t, st, inc, query(dense, 7), false)); n != want {
		t.Errorf("Features gave %d points under 7 days, want %d", n, want)
	}
}

// pointIDs returns, sorted, the ids featuresSQL(l, q, byTime) reads.
func pointIDs(t *testing.T, st *Store, l *layers.Layer, q layers.Query, byTime bool) []int64 {
	t.Helper()
	sql, args, _, err := featuresSQL(l, q, byTime)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := st.pool.Query(context.Background(), "SELECT id FROM ("+sql+") f", args...)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(ids)
	return ids
}
