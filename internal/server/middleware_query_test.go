package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/stores/storetest"
)

// junk returns n distinct parameters joined by '&'.
func junk(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte('&')
		}
		fmt.Fprintf(&b, "j%d=1", i)
	}
	return b.String()
}

// TestQueryLimits: a query string that is too long, has too many
// parameters, does not parse or repeats a single-valued parameter is a 400
// naming the fault, on every store; small inputs of issue #11 item 6 too.
func TestQueryLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		fx := ogcSeed(t, src, 30)
		s := newTestServer(t, src)
		tests := []struct {
			name, target string
			status       int
			param, msg   string
		}{
			{"10,001 parameters on a layer", "/layers/incidents.geojson?" + junk(10001), 400, "", "parameters"},
			{"257 parameters", "/ogc/collections/incidents/items?" + junk(257), 400, "", "at most 256"},
			{"256 unknown parameters still named", "/ogc/collections/incidents/items?" + junk(256), 400, "j0", "unknown"},
			{"17 KiB query", "/layers/incidents.geojson?category=" + strings.Repeat("x", 17<<10), 400, "", "bytes long"},
			{"malformed escape", "/layers/incidents.geojson?category=%zz", 400, "", "malformed"},
			{"semicolon", "/layers/incidents.geojson?a=1;b=2", 400, "", "malformed"},
			{"repeated bbox", "/ogc/collections/incidents/items?bbox=116,39,117,40&bbox=0,0,1,1", 400, "bbox", "given 2 times"},
			{"repeated limit", "/ogc/collections/incidents/items?limit=1&limit=2", 400, "limit", "given 2 times"},
			{"repeated filter", "/export/incidents.csv?filter=status='closed'&filter=status='open'", 400, "filter", "given 2 times"},
			{"repeated res", "/hotspots?res=9&res=8", 400, "res", "given 2 times"},
			{"repeated token", "/layers?token=a&token=b", 400, "token", "given 2 times"},
			{"repeated equality filter is any-of", "/layers/incidents.geojson?category=停电&category=漏水", 200, "", ""},
			{"6-number bbox on /ogc", "/ogc/collections/incidents/items?bbox=116,39,0,117,40,100", 200, "", ""},
			{"6-number bbox on /layers", "/layers/incidents.geojson?bbox=116,39,0,117,40,100", 400, "bbox", "four numbers"},
			{"6-number bbox on /export", "/export/incidents.geojson?bbox=116,39,0,117,40,100", 400, "bbox", "four numbers"},
			{"garbage cursor", "/ogc/collections/incidents/items?cursor=garbage", 400, "cursor", "not one this server gave out"},
			{"negative limit", "/ogc/collections/incidents/items?limit=-1", 400, "limit", "at least 1"},
			{"fractional limit", "/ogc/collections/incidents/items?limit=1.5", 400, "limit", "whole number"},
			{"exponent limit", "/ogc/collections/incidents/items?limit=1e12", 400, "limit", "whole number"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				rec := get(t, s, tc.target, "")
				if rec.Code != tc.status {
					t.Fatalf("%d, want %d: %.300s", rec.Code, tc.status, rec.Body)
				}
				if tc.status != 400 {
					return
				}
				var e apiError
				decode(t, rec, &e)
				if e.Code != "bad_request" || e.Param != tc.param || !strings.Contains(e.Message, tc.msg) {
					t.Errorf("%+v, want param %q and a message with %q", e, tc.param, tc.msg)
				}
			})
		}

		// A too-large limit is lowered to the maximum, however large.
		var pages [2]string
		for i, lim := range []string{"20000", "1000000000000"} {
			rec := get(t, s, "/ogc/collections/incidents/items?limit="+lim, "")
			var fc struct {
				Returned int `json:"numberReturned"`
			}
			decode(t, rec, &fc)
			if rec.Code != 200 || fc.Returned != len(fx.incidents) {
				t.Errorf("limit=%s: %d, %d returned", lim, rec.Code, fc.Returned)
			}
			pages[i] = strings.Split(rec.Body.String(), `"timeStamp"`)[0]
		}
		if pages[0] != pages[1] {
			t.Errorf("limit=20000 and limit=1e12 differ")
		}
	})
}

// TestDryRunWithJunkParameters: an admin's dry run with 10,001 extra
// parameters is refused and writes nothing (Go's parser would have dropped
// every parameter, dry_run included).
func TestDryRunWithJunkParameters(t *testing.T) {
	for _, st := range storetest.Kinds() {
		t.Run(st.Name, func(t *testing.T) {
			src := st.Open(t)
			admin := token(t, src, layers.Admin)
			s := newTestServer(t, src)
			l, _ := fengtai.Catalog().Lookup("service_points")
			count := func() int64 {
				n, err := src.Count(context.Background(), l, layers.Query{Role: layers.Admin})
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			before := count()
			csv := "name,kind,lon,lat\n便民点,便民服务,116.28,39.85\n"
			req := httptest.NewRequest(http.MethodPost, "/import/service_points?format=csv&dry_run=true&"+junk(10001), strings.NewReader(csv))
			req.Header.Set("Authorization", "Bearer "+admin)
			req.Header.Set("Content-Type", "text/csv")
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "parameters") {
				t.Errorf("%d %s, want a 400 about parameters", rec.Code, rec.Body)
			}
			if after := count(); after != before {
				t.Errorf("%d service points after a refused dry run, want %d", after, before)
			}
		})
	}
}
