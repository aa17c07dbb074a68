package server

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/stores/sourcetest"
	"minqing/stores/storetest"
)

func seed(t *testing.T, src layers.Source) {
	t.Helper()
	cat := fengtai.Catalog()
	inc, _ := cat.Lookup("incidents")
	fs := []*layers.Feature{
		sourcetest.Incident(1, orb.Point{116.28, 39.85}, "水管爆裂"),
		sourcetest.Incident(2, orb.Point{116.29, 39.86}, "停电"),
	}
	fs[0].Contact = &layers.Contact{Name: "李来电", Phone: "13800001234"}
	if _, err := src.Write(context.Background(), inc, layers.WriteOptions{}, &sourcetest.Slice{Features: fs}); err != nil {
		t.Fatal(err)
	}
	care, _ := cat.Lookup("care_targets")
	if _, err := src.Write(context.Background(), care, layers.WriteOptions{}, &sourcetest.Slice{Features: []*layers.Feature{{
		Geometry: orb.Point{116.28, 39.85},
		Props:    map[string]any{"code": "BF-001", "kind": "独居老人", "alarm": true},
	}}}); err != nil {
		t.Fatal(err)
	}
}

func TestLayersListAndAccess(t *testing.T) {
	src := newEmbedded(t)
	seed(t, src)
	s := newTestServer(t, src)
	staff := token(t, src, layers.Staff)

	names := func(secret string) []string {
		rec := get(t, s, "/layers", secret)
		if rec.Code != http.StatusOK {
			t.Fatalf("/layers: %d %s", rec.Code, rec.Body)
		}
		var body struct {
			Layers []struct{ Name string } `json:"layers"`
		}
		decode(t, rec, &body)
		var out []string
		for _, l := range body.Layers {
			out = append(out, l.Name)
		}
		return out
	}
	pub := strings.Join(names(""), ",")
	if strings.Contains(pub, "care_targets") || !strings.Contains(pub, "communities") || !strings.Contains(pub, "incidents") {
		t.Errorf("public /layers = %s", pub)
	}
	if st := strings.Join(names(staff), ","); !strings.Contains(st, "care_targets") {
		t.Errorf("staff /layers = %s, want care_targets", st)
	}

	tests := []struct {
		name, target, secret string
		status               int
		absent, present      []string
	}{
		{"public incidents hide staff fields and contacts", "/layers/incidents.geojson", "", 200,
			[]string{"description", "13800001234", "李来电", "external_id", `"h3"`}, []string{"水管爆裂", "received_at"}},
		{"staff incidents show details but never contacts", "/layers/incidents.geojson", staff, 200,
			[]string{"13800001234", "李来电"}, []string{"description", "测试诉求"}},
		{"staff layer is a 404 for the public", "/layers/care_targets.geojson", "", 404, []string{"BF-001"}, []string{"no layer named"}},
		{"staff layer for staff", "/layers/care_targets.geojson", staff, 200, nil, []string{"BF-001"}},
		{"unknown layer", "/layers/nope.geojson", "", 404, nil, []string{`"code":"not_found"`}},
		{"bad token", "/layers", "mq_wrong", 401, nil, []string{"unknown or revoked"}},
		{"malformed bbox", "/layers/incidents.geojson?bbox=1,2,3", "", 400, nil, []string{`"param":"bbox"`}},
		{"bbox not a number", "/layers/incidents.geojson?bbox=a,2,3,4", "", 400, nil, []string{`"param":"bbox"`}},
		{"bbox NaN", "/layers/incidents.geojson?bbox=NaN,NaN,NaN,NaN", "", 400, nil, []string{`"param":"bbox"`}},
		{"datetime on a layer without time", "/layers/communities.geojson?datetime=2025-01-01", "", 400, nil, []string{`"param":"datetime"`}},
		{"unknown parameter", "/layers/incidents.geojson?colour=red", "", 400, nil, []string{"colour"}},
		{"public filter on a staff field", "/layers/incidents.geojson?description=x", "", 400, nil, []string{"description"}},
		{"unknown category", "/layers/incidents.geojson?category=火星", "", 400, nil, []string{`"param":"category"`}},
		{"inverted datetime", "/layers/incidents.geojson?datetime=2026-02-01/2026-01-01", "", 400, nil, []string{"datetime"}},
		{"token in query for map clients", "/layers/care_targets.geojson?token=" + staff, "", 200, nil, []string{"BF-001"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := get(t, s, tc.target, tc.secret)
			body := rec.Body.String()
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, body)
			}
			if tc.status >= 400 && !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
				t.Errorf("error content type %q, want JSON", rec.Header().Get("Content-Type"))
			}
			for _, a := range tc.absent {
				if strings.Contains(body, a) {
					t.Errorf("body contains %q", a)
				}
			}
			for _, p := range tc.present {
				if !strings.Contains(body, p) {
					t.Errorf("body lacks %q: %.300s", p, body)
				}
			}
		})
	}
}

func TestLayerGeoJSONFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		seed(t, src)
		s := newTestServer(t, src)
		tests := []struct {
			query string
			want  int
		}{
			{"", 2},
			{"?bbox=116.275,39.845,116.285,39.855", 1},
			{"?category=停电", 1},
			{"?category=停电,水管爆裂", 2},
			{"?datetime=2026-03-05T15:30:00%2B08:00/..", 1},
			{"?datetime=../2026-03-05T15:30:00Z", 2},
			{"?datetime=2026-03-05", 2},
			{"?datetime=2026-03-06", 0},
		}
		for _, tc := range tests {
			rec := get(t, s, "/layers/incidents.geojson"+tc.query, "")
			if rec.Code != 200 {
				t.Fatalf("%s: %d %s", tc.query, rec.Code, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/geo+json" {
				t.Errorf("content type %q", ct)
			}
			fc, err := geojson.UnmarshalFeatureCollection(rec.Body.Bytes())
			if err != nil {
				t.Fatalf("%s: %v", tc.query, err)
			}
			if len(fc.Features) != tc.want {
				t.Errorf("%s: %d features, want %d", tc.query, len(fc.Features), tc.want)
			}
		}
	})
}

// proxy forwards TCP to target until it is stopped; it can be restarted on the same address.
type proxy struct {
	addr, target string
	mu           sync.Mutex
	ln           net.Listener
	conns        []net.Conn
}

func (p *proxy) start(t *testing.T) {
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, u)
			p.mu.Unlock()
			go func() { io.Copy(u, c); u.Close() }()
			go func() { io.Copy(c, u); c.Close() }()
		}
	}()
}

func (p *proxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ln.Close()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func TestReadyzFollowsTheDatabase(t *testing.T) {
	dbURL := pgtestURL(t)
	host, rest, _ := strings.Cut(strings.TrimPrefix(dbURL, "postgres://"), "/")
	user, hostport, _ := strings.Cut(host, "@")
	p := &proxy{addr: "127.0.0.1:0", target: hostport}
	p.start(t)
	defer p.stop()
	src := openPostGIS(t, "postgres://"+user+"@"+p.addr+"/"+rest)
	s := newTestServer(t, src)

	status := func() int { return get(t, s, "/readyz", "").Code }
	if c := status(); c != 200 {
		t.Fatalf("readyz with the database up: %d", c)
	}
	p.stop()
	if c := status(); c != http.StatusServiceUnavailable {
		t.Errorf("readyz with the database gone: %d, want 503", c)
	}
	if c := get(t, s, "/healthz", "").Code; c != 200 {
		t.Errorf("healthz with the database gone: %d, want 200", c)
	}
	if rec := get(t, s, "/layers/communities.geojson", ""); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("a read with the database gone: %d %s, want 503", rec.Code, rec.Body)
	}
	p.start(t)
	deadline := time.Now().Add(10 * time.Second)
	for status() != 200 {
		if time.Now().After(deadline) {
			t.Fatal("readyz did not recover after the database came back")
		}
		time.Sleep(100 * time.Millisecond)
	}
}
