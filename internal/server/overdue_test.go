package server

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"minqing/internal/storetest"
	"minqing/layers"
)

// intakeAt takes in one incident received ago before now, then records
// steps (action → minutes after receipt); it returns the id.
func intakeAt(t *testing.T, s *Server, staff, category string, ago time.Duration, steps ...string) int64 {
	t.Helper()
	received := time.Now().Add(-ago).Truncate(time.Second)
	rec := postJSON(t, s, "/incidents", staff, fmt.Sprintf(`{"lon": 116.2875, "lat": 39.8575, "category": %q, "source": "网格", "received_at": %q}`,
		category, received.Format(time.RFC3339)))
	if rec.Code != http.StatusCreated {
		t.Fatalf("intake: %d %s", rec.Code, rec.Body)
	}
	var out createdIncident
	decode(t, rec, &out)
	for i, a := range steps {
		at := received.Add(time.Duration(i+1) * time.Minute).Format(time.RFC3339)
		rec := postJSON(t, s, fmt.Sprintf("/incidents/%d/events", out.ID), staff, fmt.Sprintf(`{"action": %q, "at": %q}`, a, at))
		if rec.Code != http.StatusCreated {
			t.Fatalf("%s: %d %s", a, rec.Code, rec.Body)
		}
	}
	return out.ID
}

func TestOverdueFilter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		seedAreas(t, src)
		s := newTestServer(t, src)
		staff := token(t, src, layers.Staff)
		a := intakeAt(t, s, staff, "水管爆裂", 3*time.Hour)                                    // response due 1 h: overdue
		b := intakeAt(t, s, staff, "水管爆裂", 3*time.Hour, "dispatch", "respond")             // contacted in time
		c := intakeAt(t, s, staff, "停电", 4*24*time.Hour, "dispatch", "respond")            // resolution due 3 d: overdue
		d := intakeAt(t, s, staff, "违法建设", 2*time.Hour)                                    // due in 24 h / 15 d
		e := intakeAt(t, s, staff, "水管爆裂", 30*time.Hour, "dispatch", "respond", "resolve") // resolved
		_, _, _ = b, d, e                                                                  // neither overdue
		ids := func(target string) string {
			t.Helper()
			rec := get(t, s, target, staff)
			if rec.Code != 200 {
				t.Fatalf("%s: %d %s", target, rec.Code, rec.Body)
			}
			var fc struct {
				Features []struct {
					ID int64 `json:"id"`
				} `json:"features"`
			}
			decode(t, rec, &fc)
			var out []string
			for _, f := range fc.Features {
				out = append(out, fmt.Sprint(f.ID))
			}
			return strings.Join(out, ",")
		}
		tests := []struct{ target, want string }{
			{"/layers/incidents.geojson?overdue=response", fmt.Sprint(a)},
			{"/layers/incidents.geojson?overdue=resolution", fmt.Sprint(c)},
			{"/ogc/collections/incidents/items?overdue=response", fmt.Sprint(a)},
			{"/ogc/collections/incidents/items?overdue=resolution&category=停电", fmt.Sprint(c)},
			{"/ogc/collections/incidents/items?overdue=response&filter=" + ogcEscape("category = '停电'"), ""},
			{"/export/incidents.geojson?overdue=resolution", fmt.Sprint(c)},
		}
		for _, tc := range tests {
			if got := ids(tc.target); got != tc.want {
				t.Errorf("%s: ids %q, want %q", tc.target, got, tc.want)
			}
		}
		csv := get(t, s, "/export/incidents.csv?overdue=response", staff)
		if n := strings.Count(strings.TrimSpace(csv.Body.String()), "\n"); csv.Code != 200 || n != 1 {
			t.Errorf("CSV export of overdue responses: %d, %d rows: %s", csv.Code, n, csv.Body)
		}
		for _, bad := range []struct{ target, secret string }{
			{"/layers/incidents.geojson?overdue=soon", staff},
			{"/layers/incidents.geojson?overdue=response", ""},
			{"/layers/communities.geojson?overdue=response", staff},
			{"/ogc/collections/incidents/items?overdue=", staff},
		} {
			wantError(t, get(t, s, bad.target, bad.secret), http.StatusBadRequest, "overdue")
		}
	})
}
