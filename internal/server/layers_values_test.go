package server

import (
	"net/http"
	"regexp"
	"testing"

	"minqing/layers"
)

var hexColour = regexp.MustCompile(`^#[0-9a-f]{6}$`)

// /layers serves, with each vocabulary field, how every value is shown: a
// Chinese and an English name and a colour (the web map keeps no copy).
// Checked for every role and for the public of both incident policies.
func TestLayersServeValueLabels(t *testing.T) {
	src := newEmbedded(t)
	staff := token(t, src, layers.Staff)
	for _, tc := range []struct {
		name   string
		s      *Server
		secret string
		want   []string // layer.field that must be among those checked
	}{
		{"staff", newTestServer(t, src), staff, []string{"incidents.status", "incidents.category", "streets.kind", "demolitions.kind", "care_targets.kind"}},
		{"public points", newTestServer(t, src), "", []string{"incidents.status", "streets.kind"}},
		{"public aggregates", newAggregateServer(t, src), "", []string{"incidents.category", "incidents.source", "demolitions.kind"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := get(t, tc.s, "/layers", tc.secret)
			if rec.Code != http.StatusOK {
				t.Fatalf("/layers: %d %s", rec.Code, rec.Body)
			}
			var body struct {
				Layers []struct {
					Name   string
					Fields []struct {
						Name   string
						Enum   []string
						Values []layers.Value
					}
				}
			}
			decode(t, rec, &body)
			seen := map[string]bool{}
			for _, l := range body.Layers {
				for _, f := range l.Fields {
					if len(f.Enum) == 0 {
						if len(f.Values) != 0 {
							t.Errorf("%s.%s: values without an enum", l.Name, f.Name)
						}
						continue
					}
					seen[l.Name+"."+f.Name] = true
					if len(f.Values) != len(f.Enum) {
						t.Errorf("%s.%s: %d values for %d enum entries", l.Name, f.Name, len(f.Values), len(f.Enum))
						continue
					}
					for i, v := range f.Values {
						if v.Value != f.Enum[i] || v.ZH == "" || v.EN == "" || !hexColour.MatchString(v.Color) {
							t.Errorf("%s.%s value %d: %+v (enum %q)", l.Name, f.Name, i, v, f.Enum[i])
						}
					}
				}
			}
			for _, w := range tc.want {
				if !seen[w] {
					t.Errorf("%s has no vocabulary in /layers (saw %v)", w, seen)
				}
			}
		})
	}
}
