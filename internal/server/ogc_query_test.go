package server

import (
	"errors"
	"net/url"
	"testing"
	"time"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/query/selection"
)

// FuzzFeatureQuery: any query string a client sends to items or an export
// is either a Query or a 400 naming the parameter at fault — never a panic,
// never an error without a parameter.
func FuzzFeatureQuery(f *testing.F) {
	for _, seed := range []string{
		"bbox=116.27,39.845,116.3,39.87&datetime=2026-03-05/..",
		"filter=category%20%3D%20%27%E5%81%9C%E7%94%B5%27&filter-lang=cql2-text",
		"properties=category,status&category=停电,漏水&satisfied=false",
		"datetime=../2026-03-05T14:03:00%2B08:00&bbox-crs=http://www.opengis.net/def/crs/OGC/1.3/CRS84",
		"filter=S_INTERSECTS(geometry,POLYGON((0%200,1%200,1%201,0%200)))",
		"limit=10&cursor=Cg",
	} {
		f.Add(seed)
	}
	l, _ := fengtai.Catalog().Lookup("incidents")
	s := &Server{cfg: Config{MaxLimit: 100, DefaultLimit: 10}}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		for _, role := range []layers.Role{layers.Public, layers.Staff} {
			check := func(err error) {
				var inv *layers.InvalidError
				if err != nil && (!errors.As(err, &inv) || inv.Param == "" || inv.Message == "") {
					t.Fatalf("%q: error %v is not a 400 naming a parameter", raw, err)
				}
			}
			q, err := selection.Features(v, l, role, map[string]bool{"limit": true, "cursor": true}, time.Now())
			check(err)
			if err == nil {
				for _, c := range q.Columns(l) {
					if !role.Can(c.Access) {
						t.Fatalf("%q: %s sees %s", raw, role, c.Name)
					}
				}
			}
			_, err = s.parseLimit(v)
			check(err)
			if _, err := parseCursor(v.Get("cursor")); err != nil {
				check(badRequest("cursor", err.Error()))
			}
		}
	})
}
