// Package sourcetest is the contract suite every layers.Source must pass, so
// that the PostGIS and embedded stores cannot drift apart. A store's test
// calls Run with a function that opens a fresh, migrated, empty store.
package sourcetest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"minqing/deploy/fengtai"
	"minqing/layers"
)

// Open returns a fresh, migrated, empty store for one test.
type Open func(t *testing.T) layers.Source

// Run runs the whole contract suite.
func Run(t *testing.T, open Open) {
	tests := []struct {
		name string
		fn   func(t *testing.T, src layers.Source, cat *layers.Catalog)
	}{
		{"WriteReadRoundTrip", testRoundTrip},
		{"BBoxFilter", testBBox},
		{"EqualFilter", testEqual},
		{"TimeFilter", testTime},
		{"CQLFilter", testCQL},
		{"KeysetPaging", testPaging},
		{"FeatureByID", testFeatureByID},
		{"PublicSeesNoStaffFields", testVisibility},
		{"H3ComputedOnWrite", testH3},
		{"ContactsNeverRead", testContacts},
		{"UpsertIdempotent", testUpsert},
		{"Replace", testReplace},
		{"FailedReaderWritesNothing", testReaderError},
		{"InvalidFeatureWritesNothing", testInvalid},
		{"VersionsGrowOnWrite", testVersions},
		{"ChangesLogWhereWritesFell", testChanges},
		{"Tokens", testTokens},
		{"CellCounts", testCellCounts},
		{"ExactCells", testExactCells},
		{"RollupsEqualRawCounts", testRollups},
		{"RatesTalliedEqualCompute", testRates},
		{"ExtentAndDelete", testExtentDelete},
		{"CanceledContext", testCanceled},
		{"UnknownWriteMode", testUnknownMode},
		{"FrontChecksAlike", testFront},
		{"StreamPages", testStream},
		{"StreamReleasesStore", testStreamReleases},
		{"DeadlineIsUnavailable", testDeadline},
		{"PublicationsKeepTheFirst", testPublications},
		{"MonthMarksFollowCounts", MonthMarks},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := open(t)
			tc.fn(t, src, fengtai.Catalog())
		})
	}
}

// Slice is a FeatureReader over a slice.
type Slice struct {
	Features []*layers.Feature
	i        int
}

// Next returns the next feature or io.EOF.
func (s *Slice) Next() (*layers.Feature, error) {
	if s.i >= len(s.Features) {
		return nil, io.EOF
	}
	s.i++
	return s.Features[s.i-1], nil
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return c
}

var base = time.Date(2026, 3, 5, 14, 3, 0, 0, layers.Shanghai)

// Incident returns a valid incident at p, received i hours after base.
func Incident(i int, p orb.Point, category string) *layers.Feature {
	return &layers.Feature{
		Geometry: p,
		Props: map[string]any{
			"external_id": fmt.Sprintf("12345-T-%06d", i),
			"source":      "12345",
			"category":    category,
			"description": fmt.Sprintf("测试诉求 %d", i),
			"address":     fmt.Sprintf("新华街二里%d号楼", i%9+1),
			"community":   "新华街北里",
			"status":      "closed",
			"received_at": base.Add(time.Duration(i) * time.Hour),
			"closed_at":   base.Add(time.Duration(i)*time.Hour + 20*time.Hour),
			"satisfied":   i%10 != 0,
			"level":       "社区",
			"unit":        "社区居委会",
		},
	}
}

// grid returns n incidents on a regular grid over the street's area.
func grid(n int) []*layers.Feature {
	out := make([]*layers.Feature, n)
	cats := []string{"水管爆裂", "停电", "施工扰民"}
	for i := range out {
		p := orb.Point{116.270 + 0.035*float64(i%10)/10 + 0.001, 39.845 + 0.025*float64(i/10%10)/10 + 0.001}
		out[i] = Incident(i, p, cats[i%3])
	}
	return out
}

func mustWrite(t *testing.T, src layers.Source, l *layers.Layer, mode layers.WriteMode, fs []*layers.Feature) layers.WriteResult {
	t.Helper()
	res, err := src.Write(ctx(t), l, layers.WriteOptions{Mode: mode}, &Slice{Features: fs})
	if err != nil {
		t.Fatalf("write %s: %v", l.Name, err)
	}
	return res
}

func collect(t *testing.T, src layers.Source, l *layers.Layer, q layers.Query) []*layers.Feature {
	t.Helper()
	var out []*layers.Feature
	if err := src.Features(ctx(t), l, q, func(f *layers.Feature) error { out = append(out, f); return nil }); err != nil {
		t.Fatalf("features %s: %v", l.Name, err)
	}
	return out
}

func layer(t *testing.T, cat *layers.Catalog, name string) *layers.Layer {
	l, ok := cat.Lookup(name)
	if !ok {
		t.Fatalf("no layer %s", name)
	}
	return l
}

// errReader fails after yielding some features.
type errReader struct {
	s   Slice
	err error
}

func (r *errReader) Next() (*layers.Feature, error) {
	f, err := r.s.Next()
	if errors.Is(err, io.EOF) {
		return nil, r.err
	}
	return f, err
}
