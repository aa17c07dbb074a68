package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"minqing/deploy/fengtai"
	"minqing/layers"
)

// memSource is an in-memory layers.Source with just what Load and Check
// use: Write (through layers.Prepare, as the real stores do), Features and
// Count with Equal filters. Other methods are not implemented (the embedded
// nil interface panics).
type memSource struct {
	layers.Source
	rows     map[string][]*layers.Feature
	contacts map[string]int
	modes    []layers.WriteMode
	order    []string
}

func newMemSource() *memSource {
	return &memSource{rows: map[string][]*layers.Feature{}, contacts: map[string]int{}}
}

func (s *memSource) Write(ctx context.Context, l *layers.Layer, opts layers.WriteOptions, r layers.FeatureReader) (layers.WriteResult, error) {
	s.modes = append(s.modes, opts.Mode)
	s.order = append(s.order, l.Name)
	var rows []*layers.Feature
	contacts := 0
	for {
		f, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return layers.WriteResult{}, err
		}
		if err := layers.Prepare(l, f); err != nil {
			return layers.WriteResult{}, fmt.Errorf("%s row %d: %w", l.Name, len(rows)+1, err)
		}
		if f.Contact != nil {
			contacts++
			f.Contact = nil // kept apart, never read back
		}
		f.ID = int64(len(rows) + 1)
		rows = append(rows, f)
		if opts.Progress != nil && len(rows)%1000 == 0 {
			opts.Progress(int64(len(rows)))
		}
	}
	s.rows[l.Name] = rows
	s.contacts[l.Name] = contacts
	return layers.WriteResult{Inserted: int64(len(rows))}, nil
}

func (s *memSource) match(f *layers.Feature, q layers.Query) bool {
	for k, vals := range q.Equal {
		ok := false
		for _, v := range vals {
			if f.Props[k] == v {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func (s *memSource) Features(ctx context.Context, l *layers.Layer, q layers.Query, fn func(*layers.Feature) error) error {
	cols := q.Columns(l)
	for _, f := range s.rows[l.Name] {
		if !s.match(f, q) {
			continue
		}
		out := &layers.Feature{ID: f.ID, Geometry: f.Geometry, Props: map[string]any{}}
		for _, c := range cols {
			out.Props[c.Name] = f.Props[c.Name]
		}
		if err := fn(out); err != nil {
			return err
		}
	}
	return nil
}

func (s *memSource) Count(ctx context.Context, l *layers.Layer, q layers.Query) (int64, error) {
	var n int64
	for _, f := range s.rows[l.Name] {
		if s.match(f, q) {
			n++
		}
	}
	return n, nil
}

// loaded returns a memSource with the demo loaded.
func loaded(t *testing.T, opts Options) (*memSource, *layers.Catalog) {
	t.Helper()
	src, cat := newMemSource(), fengtai.Catalog()
	progress := map[string]int64{}
	counts, err := Load(context.Background(), src, cat, opts, func(layer string, rows int64) {
		progress[layer] = rows
	})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if strings.Join(src.order, ",") != strings.Join(LayerOrder(), ",") {
		t.Errorf("load order %v, want %v", src.order, LayerOrder())
	}
	for _, m := range src.modes {
		if m != layers.Replace {
			t.Errorf("write mode %s, want replace", m)
		}
	}
	for _, name := range LayerOrder() {
		if counts[name] != int64(len(src.rows[name])) || progress[name] != counts[name] {
			t.Errorf("%s: Load reports %d, progress %d, the store holds %d", name, counts[name], progress[name], len(src.rows[name]))
		}
	}
	return src, cat
}

func TestLoadAndCheck(t *testing.T) {
	src, cat := loaded(t, Options{Incidents: 5000, AsOf: testAsOf})
	if err := Check(context.Background(), src, cat); err != nil {
		t.Fatalf("Check after Load: %v", err)
	}
	if n := len(src.rows[lIncidents]); n != 5000 {
		t.Errorf("%d incidents loaded", n)
	}
	if c := src.contacts[lIncidents]; c < 3000 || c > 4000 {
		t.Errorf("%d of 5000 incidents came with a contact", c)
	}
	for _, f := range src.rows[lIncidents] {
		if _, ok := f.Props["h3"].(int64); !ok {
			t.Fatalf("Prepare did not set h3: %v", f.Props["h3"])
		}
	}
}

func TestLoadCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Load(ctx, newMemSource(), fengtai.Catalog(), Options{Incidents: 10, AsOf: testAsOf}, nil)
	if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "demo: ") {
		t.Errorf("Load with a cancelled context: %v", err)
	}
}

func TestLoadMissingLayer(t *testing.T) {
	cat := layers.NewCatalog(fengtai.Catalog().All()[:3]...)
	_, err := Load(context.Background(), newMemSource(), cat, Options{Incidents: 10, AsOf: testAsOf}, nil)
	if err == nil || !strings.Contains(err.Error(), "demolitions") {
		t.Errorf("Load into a catalog without demolitions: %v", err)
	}
}

// Check names every figure that does not hold.
func TestCheckListsEveryFailure(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(s *memSource)
		want   []string
	}{
		{"one illegal structure fewer", func(s *memSource) {
			s.rows[lDemolitions] = drop(s.rows[lDemolitions], "kind", "违法建设")
		}, []string{"demolitions: 57 of kind 违法建设, want 58", "illegal structures total"}},
		{"a group rental more", func(s *memSource) {
			for _, f := range s.rows[lDemolitions] {
				if f.Props["kind"] == "开墙打洞" {
					f.Props["kind"] = "群租房"
					break
				}
			}
		}, []string{"72 of kind 开墙打洞", "83 of kind 群租房"}},
		{"北大地西区 rebuilt with property management", func(s *memSource) {
			for _, f := range s.rows[lCommunities] {
				if f.Props["name"] == OldCompound {
					f.Props["built_year"] = int64(1990)
					f.Props["has_property_management"] = true
				}
			}
		}, []string{"built in 1990", "has_property_management is true"}},
		{"a community missing", func(s *memSource) {
			s.rows[lCommunities] = drop(s.rows[lCommunities], "name", "丰益花园")
		}, []string{"communities: 24, want 25", "丰益花园 appears 0 times", "not the union"}},
		{"an upgrade undone and patrols lost", func(s *memSource) {
			for _, f := range s.rows[lStreets] {
				if f.Props["upgraded"] == true {
					f.Props["upgraded"] = false
					break
				}
			}
			for _, f := range s.rows[lStreets] {
				f.Props["patrols"] = int64(10)
			}
		}, []string{"6 upgraded", "patrols, want at least 2800"}},
		{"problems unsolved", func(s *memSource) {
			f := s.rows[lStreets][0]
			f.Props["problems_solved"] = f.Props["problems_found"].(int64) + 1
			for _, f := range s.rows[lStreets][1:] {
				f.Props["problems_solved"] = int64(0)
			}
		}, []string{"solved more problems than they found: " + s0name(), "want at least 600 each"}},
		{"a garden and the market gone", func(s *memSource) {
			s.rows[lGreening] = drop(s.rows[lGreening], "name", "福顺里街心花园")
			s.rows[lServicePoints] = drop(s.rows[lServicePoints], "name", MarketName)
		}, []string{"greening: 2 sites", "no site named 福顺里街心花园", "none named 桥南冠京隆市场"}},
		{"a care target gone", func(s *memSource) {
			s.rows[lCareTargets] = s.rows[lCareTargets][1:]
		}, []string{"care targets: 238, want 239"}},
		{"everyone unhappy and late", func(s *memSource) {
			for _, f := range s.rows[lIncidents] {
				if f.Props["status"] == "closed" {
					f.Props["satisfied"] = false
				}
				if rec, ok := f.Props["dispatched_at"].(time.Time); ok {
					f.Props["dispatched_at"] = rec.Add(48 * time.Hour)
				}
			}
		}, []string{"0.0 % of closed incidents satisfied", "dispatched within the time limit"}},
		{"no incidents", func(s *memSource) {
			s.rows[lIncidents] = nil
		}, []string{"incidents: none", "none closed", "none dispatched"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src, cat := loaded(t, Options{Incidents: 2000, AsOf: testAsOf})
			tc.tamper(src)
			err := Check(context.Background(), src, cat)
			if err == nil {
				t.Fatal("Check passed tampered data")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "demo: ") {
				t.Errorf("error %q does not start with demo:", msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error does not mention %q:\n%s", w, msg)
				}
			}
		})
	}
}

// s0name is the name of the first street the generator yields.
func s0name() string {
	r, _ := New(Options{AsOf: testAsOf}).Reader(lStreets)
	f, _ := r.Next()
	return f.Props["name"].(string)
}

// drop removes the first feature whose field equals v.
func drop(fs []*layers.Feature, field string, v any) []*layers.Feature {
	for i, f := range fs {
		if f.Props[field] == v {
			return append(fs[:i:i], fs[i+1:]...)
		}
	}
	return fs
}

// A store whose counts disagree with its features is reported.
func TestCheckCrossCountsWithStore(t *testing.T) {
	src, cat := loaded(t, Options{Incidents: 500, AsOf: testAsOf})
	lying := &countingSource{memSource: src, extra: 1}
	err := Check(context.Background(), lying, cat)
	if err == nil || !strings.Contains(err.Error(), "the store counts 8 upgraded streets, reading them gives 7") {
		t.Errorf("Check with a store that miscounts: %v", err)
	}
}

type countingSource struct {
	*memSource
	extra int64
}

func (s *countingSource) Count(ctx context.Context, l *layers.Layer, q layers.Query) (int64, error) {
	n, err := s.memSource.Count(ctx, l, q)
	return n + s.extra, err
}
