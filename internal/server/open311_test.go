package server

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/stores/storetest"
)

const formType = "application/x-www-form-urlencoded"

func submit(t *testing.T, s *Server, v url.Values) *httptest.ResponseRecorder {
	t.Helper()
	return send(t, s, http.MethodPost, "/open311/v2/requests.json", "", formType, v.Encode())
}

// wantOpen311Error asserts GeoReport v2's error format with status.
func wantOpen311Error(t *testing.T, rec *httptest.ResponseRecorder, status int) string {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d: %s", rec.Code, status, rec.Body)
	}
	var errs []open311Error
	decode(t, rec, &errs)
	if len(errs) != 1 || errs[0].Code != status || errs[0].Description == "" {
		t.Fatalf("error body %s: want [{code: %d, description}]", rec.Body, status)
	}
	return errs[0].Description
}

func TestOpen311Client(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		seedAreas(t, src)
		// A burst large enough for every submission of this test (the
		// limit itself is TestOpen311RateLimit's).
		// Public look-ups are allowed only where the office publishes
		// incidents' points; the default policy's refusal is checked below.
		s := New(Config{Intake: IntakeConfig{Open311Burst: 1000}, PublicIncidents: PublicPoints}, src, fengtai.Catalog(), quietLog())
		staff := token(t, src, layers.Staff)

		rec := get(t, s, "/open311/v2/discovery.json", "")
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "/open311/v2") || !strings.Contains(rec.Body.String(), "GeoReport_v2") {
			t.Fatalf("discovery: %d %s", rec.Code, rec.Body)
		}
		var services []open311ServiceInfo
		decode(t, get(t, s, "/open311/v2/services.json", ""), &services)
		codes := map[string]bool{}
		for _, svc := range services {
			if codes[svc.ServiceCode] || svc.ServiceCode == svc.ServiceName || svc.Type != "realtime" {
				t.Errorf("service %+v: want a unique ASCII code and a zh-CN name", svc)
			}
			codes[svc.ServiceCode] = true
		}
		if len(services) != len(fengtai.IncidentCategories) || services[0].ServiceName != fengtai.IncidentCategories[0] {
			t.Errorf("%d services, want one per category (%d)", len(services), len(fengtai.IncidentCategories))
		}
		if rec := get(t, s, "/open311/v2/services/gas_smell.json", ""); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"attributes"`) {
			t.Errorf("service definition: %d %s", rec.Code, rec.Body)
		}
		wantOpen311Error(t, get(t, s, "/open311/v2/services/ufo.json", ""), 404)
		wantOpen311Error(t, get(t, s, "/open311/v2/services/gas_smell.csv", ""), 404)

		// A public submission.
		rec = submit(t, s, url.Values{"service_code": {"water_leak"}, "lat": {"39.8575"}, "long": {"116.2875"},
			"address_string": {"新华街二里4号楼"}, "description": {"楼道漏水"},
			"first_name": {"大姐"}, "last_name": {"王"}, "phone": {"13912345678"}, "email": {"w@example.org"}})
		if rec.Code != http.StatusCreated {
			t.Fatalf("submit: %d %s", rec.Code, rec.Body)
		}
		var created []map[string]any
		decode(t, rec, &created)
		id, _ := created[0]["service_request_id"].(string)
		if id == "" || created[0]["service_notice"] == "" {
			t.Fatalf("submit answered %s", rec.Body)
		}

		// Trusted submissions: the 12345 bridge sets source and work order.
		bridge := url.Values{"api_key": {staff}, "service_code": {"gas_smell"}, "lat": {"39.8575"}, "long": {"116.2875"},
			"source": {"12345"}, "work_order": {"12345-2026-000777"}, "description": {"疑似煤气味"}, "phone": {"13700000000"}}
		if rec := submit(t, s, bridge); rec.Code != http.StatusCreated {
			t.Fatalf("trusted submit: %d %s", rec.Code, rec.Body)
		}
		wantOpen311Error(t, submit(t, s, bridge), http.StatusConflict) // the same work order again

		// Look-up: public sees the coarse request only.
		rec = get(t, s, "/open311/v2/requests/"+id+".json", "")
		var one []open311Request
		decode(t, rec, &one)
		if len(one) != 1 || one[0].Status != "open" || one[0].ServiceCode != "water_leak" || one[0].ServiceName != "漏水" {
			t.Fatalf("public look-up: %s", rec.Body)
		}
		if one[0].Lat != nil || one[0].Description != "" || one[0].AddressString != "" ||
			!strings.HasSuffix(one[0].RequestedDatetime, "T00:00:00+08:00") {
			t.Errorf("public look-up shows more than the coarse request: %s", rec.Body)
		}
		rec = get(t, s, "/open311/v2/requests/"+id+".json?api_key="+url.QueryEscape(staff), "")
		decode(t, rec, &one)
		if one[0].Lat == nil || one[0].Description != "楼道漏水" || one[0].Source != "网站" || one[0].Community == "" {
			t.Errorf("staff look-up: %s", rec.Body)
		}
		// Under the default policy (aggregates) the public may submit but
		// not look requests up: ids are sequential, a look-up would list them.
		agg := New(Config{Intake: IntakeConfig{Open311Burst: 1000}}, src, fengtai.Catalog(), quietLog())
		for _, path := range []string{"/open311/v2/requests/" + id + ".json", "/open311/v2/requests.json", "/open311/v2/requests.json?service_code=water_leak"} {
			wantOpen311Error(t, get(t, agg, path, ""), http.StatusForbidden)
			if rec := get(t, agg, path, staff); rec.Code != http.StatusOK {
				t.Errorf("staff %s under aggregates: %d", path, rec.Code)
			}
		}
		wantOpen311Error(t, get(t, s, "/open311/v2/requests/424242.json", ""), 404)
		wantOpen311Error(t, get(t, s, "/open311/v2/requests/"+id+".json?api_key=mq_nope", ""), 401)

		// Lists with the standard filters.
		list := func(q string, secret string) []open311Request {
			t.Helper()
			rec := get(t, s, "/open311/v2/requests.json?"+q, secret)
			if rec.Code != 200 {
				t.Fatalf("requests.json?%s: %d %s", q, rec.Code, rec.Body)
			}
			var out []open311Request
			decode(t, rec, &out)
			return out
		}
		now := time.Now()
		tests := []struct {
			q    string
			want int
		}{
			{"", 2},
			{"service_code=water_leak", 1},
			{"service_code=water_leak,gas_smell", 2},
			{"service_code=heating", 0},
			{"status=open", 2},
			{"status=closed", 0},
			{"start_date=" + url.QueryEscape(now.Add(time.Hour).Format(time.RFC3339)) + "&end_date=" + url.QueryEscape(now.Add(2*time.Hour).Format(time.RFC3339)), 0},
			{"start_date=" + url.QueryEscape(now.Add(-time.Hour).Format(time.RFC3339)), 2},
			{"service_request_id=" + id + ",999999", 1},
		}
		for _, tc := range tests {
			if got := list(tc.q, ""); len(got) != tc.want {
				t.Errorf("requests.json?%s: %d requests, want %d", tc.q, len(got), tc.want)
			}
		}
		staffList := list("service_code=gas_smell", staff)
		if len(staffList) != 1 || staffList[0].WorkOrder != "12345-2026-000777" || staffList[0].Source != "12345" {
			t.Errorf("staff list: %+v", staffList)
		}
		wantOpen311Error(t, get(t, s, "/open311/v2/requests.json?status=pending", ""), 400)
		wantOpen311Error(t, get(t, s, "/open311/v2/requests.json?start_date=yesterday", ""), 400)
		wantOpen311Error(t, get(t, s, "/open311/v2/requests.json?colour=red", ""), 400)

		// The callers' contacts appear in no output, public or staff.
		for _, target := range []string{
			"/open311/v2/requests.json", "/open311/v2/requests/" + id + ".json",
			"/layers/incidents.geojson", "/export/incidents.csv", "/export/incidents.geojson",
			"/ogc/collections/incidents/items", "/ogc/collections/incidents/items/" + id,
			fmt.Sprintf("/incidents/%s/events", id),
		} {
			for _, secret := range []string{"", staff} {
				body := get(t, s, target, secret).Body.String()
				for _, pii := range []string{"13912345678", "王大姐", "13700000000", "w@example.org"} {
					if strings.Contains(body, pii) {
						t.Errorf("%s (token %v) shows %s", target, secret != "", pii)
					}
				}
			}
		}

		// Bad submissions.
		wantOpen311Error(t, submit(t, s, url.Values{"lat": {"39.8575"}, "long": {"116.2875"}}), 400)
		wantOpen311Error(t, submit(t, s, url.Values{"service_code": {"ufo"}, "lat": {"39.8575"}, "long": {"116.2875"}}), 400)
		wantOpen311Error(t, submit(t, s, url.Values{"service_code": {"water_leak"}, "address_string": {"北大街"}}), 400)
		wantOpen311Error(t, submit(t, s, url.Values{"service_code": {"water_leak"}, "lat": {"39.9"}, "long": {"116.4"}}), 400)
		wantOpen311Error(t, submit(t, s, url.Values{"service_code": {"water_leak"}, "lat": {"39.8575"}, "long": {"116.2875"}, "source": {"12345"}}), 403)
		wantOpen311Error(t, submit(t, s, url.Values{"api_key": {"mq_nope"}, "service_code": {"water_leak"}}), 401)
		big := send(t, s, http.MethodPost, "/open311/v2/requests.json", "", formType, "description="+strings.Repeat("x", open311MaxBody))
		wantOpen311Error(t, big, http.StatusRequestEntityTooLarge)
	})
}

// TestOpen311RateLimit: a client past its burst is told to wait (429 with
// Retry-After) while other clients and trusted submitters go on.
func TestOpen311RateLimit(t *testing.T) {
	src := newEmbedded(t)
	seedAreas(t, src)
	s := New(Config{Intake: IntakeConfig{Open311PerMinute: 1, Open311Burst: 2}}, src, fengtai.Catalog(), quietLog())
	staff := token(t, src, layers.Staff)
	form := url.Values{"service_code": {"power_outage"}, "lat": {"39.8575"}, "long": {"116.2875"}}
	from := func(addr string, v url.Values) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/open311/v2/requests.json", strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", formType)
		req.RemoteAddr = addr + ":4000"
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		return rec
	}
	for i, want := range []int{201, 201, 429, 429} {
		if rec := from("198.51.100.1", form); rec.Code != want {
			t.Fatalf("submission %d: %d, want %d: %s", i+1, rec.Code, want, rec.Body)
		} else if want == 429 && rec.Header().Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
	}
	if rec := from("198.51.100.2", form); rec.Code != 201 {
		t.Errorf("another client: %d", rec.Code)
	}
	trusted := url.Values{"api_key": {staff}}
	for k, v := range form {
		trusted[k] = v
	}
	if rec := from("198.51.100.1", trusted); rec.Code != 201 {
		t.Errorf("a trusted submitter behind the limited address: %d %s", rec.Code, rec.Body)
	}
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestRateLimiterRefills(t *testing.T) {
	now := time.Date(2026, 7, 1, 9, 0, 0, 0, layers.Shanghai)
	l := newRateLimiter(6, 2, func() time.Time { return now })
	steps := []struct {
		advance time.Duration
		want    bool
	}{{0, true}, {0, true}, {0, false}, {5 * time.Second, false}, {5 * time.Second, true}, {0, false}, {time.Hour, true}, {0, true}, {0, false}}
	for i, st := range steps {
		now = now.Add(st.advance)
		if got, _ := l.allow("a"); got != st.want {
			t.Errorf("step %d: allowed %v, want %v", i, got, st.want)
		}
	}
}
