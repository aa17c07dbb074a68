package server

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/stores/storetest"
)

// open311Fixture takes in two incidents at fixed past times (one with a
// description that XML must escape) and records steps on the second;
// it returns their ids.
func open311Fixture(t *testing.T, s *Server, staff string) (int64, int64) {
	t.Helper()
	var ids [2]int64
	for i, body := range []string{
		`{"lon": 116.2875, "lat": 39.8575, "category": "漏水", "source": "街道热线", "address": "新华街二里4号楼",
		  "description": "五层 <厕所> & 楼道漏水", "received_at": "2026-06-01T09:30:00+08:00"}`,
		`{"lon": 116.2880, "lat": 39.8580, "category": "停电", "source": "网格", "external_id": "JD-2026-0042",
		  "received_at": "2026-06-02T20:05:00+08:00"}`,
	} {
		rec := postJSON(t, s, "/incidents", staff, body)
		if rec.Code != http.StatusCreated {
			t.Fatalf("intake: %d %s", rec.Code, rec.Body)
		}
		var out createdIncident
		decode(t, rec, &out)
		ids[i] = out.ID
	}
	for _, step := range []string{
		`{"action": "dispatch", "unit": "城市管理办公室", "level": "科室", "at": "2026-06-02T20:10:00+08:00"}`,
		`{"action": "respond", "at": "2026-06-02T20:40:00+08:00"}`,
		`{"action": "resolve", "at": "2026-06-03T11:00:00+08:00"}`,
	} {
		if rec := postJSON(t, s, fmt.Sprintf("/incidents/%d/events", ids[1]), staff, step); rec.Code != http.StatusCreated {
			t.Fatalf("%s: %d %s", step, rec.Code, rec.Body)
		}
	}
	return ids[0], ids[1]
}

// TestOpen311XMLGolden: every GeoReport v2 document in XML, against
// testdata/open311/*.xml (go test -run Open311XMLGolden -update rewrites
// them), on both stores; each XML document parses and carries the same
// values as its JSON twin.
func TestOpen311XMLGolden(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		seedAreas(t, src)
		s := New(Config{Intake: IntakeConfig{Open311Burst: 1000}, PublicIncidents: PublicPoints}, src, fengtai.Catalog(), quietLog())
		staff := token(t, src, layers.Staff)
		a, b := open311Fixture(t, s, staff)
		window := "start_date=" + url.QueryEscape("2026-05-01T00:00:00+08:00") + "&end_date=" + url.QueryEscape("2026-06-30T00:00:00+08:00")
		key := "&api_key=" + url.QueryEscape(staff)
		tests := []struct {
			name, target string
			status       int
		}{
			{"discovery", "/open311/v2/discovery.xml", 200},
			{"services", "/open311/v2/services.xml", 200},
			{"service_definition", "/open311/v2/services/water_leak.xml", 200},
			{"requests_staff", "/open311/v2/requests.xml?" + window + key, 200},
			{"requests_public", "/open311/v2/requests.xml?" + window, 200},
			{"requests_closed", "/open311/v2/requests.xml?status=closed&" + window + key, 200},
			{"request_staff", fmt.Sprintf("/open311/v2/requests/%d.xml?api_key=%s", a, url.QueryEscape(staff)), 200},
			{"request_public", fmt.Sprintf("/open311/v2/requests/%d.xml", b), 200},
			{"error_400", "/open311/v2/requests.xml?status=pending", 400},
			{"error_404", "/open311/v2/requests/424242.xml", 404},
			{"error_401", fmt.Sprintf("/open311/v2/requests/%d.xml?api_key=mq_nope", a), 401},
		}
		for _, tc := range tests {
			rec := get(t, s, tc.target, "")
			if rec.Code != tc.status || rec.Header().Get("Content-Type") != "text/xml; charset=utf-8" {
				t.Errorf("%s: %d %q, want %d text/xml: %s", tc.name, rec.Code, rec.Header().Get("Content-Type"), tc.status, rec.Body)
				continue
			}
			golden(t, tc.name, rec.Body.String())
			if tc.status == 200 {
				sameAsJSON(t, s, tc.target, rec.Body.Bytes())
			}
		}

		// A submission in XML (the id and the notice's times vary).
		form := url.Values{"service_code": {"water_leak"}, "lat": {"39.8575"}, "long": {"116.2875"}, "phone": {"13912345678"}}
		rec := send(t, s, http.MethodPost, "/open311/v2/requests.xml", "", formType, form.Encode())
		if rec.Code != http.StatusCreated {
			t.Fatalf("POST requests.xml: %d %s", rec.Code, rec.Body)
		}
		masked := regexp.MustCompile(`<service_request_id>\d+</service_request_id>`).ReplaceAllString(rec.Body.String(), "<service_request_id>ID</service_request_id>")
		masked = regexp.MustCompile(`\d+月\d+日 \d\d:\d\d`).ReplaceAllString(masked, "M月D日 hh:mm")
		golden(t, "created", masked)
		if strings.Contains(rec.Body.String(), "13912345678") {
			t.Error("the caller's phone is in the answer")
		}
		rec = send(t, s, http.MethodPost, "/open311/v2/requests.xml", "", formType, url.Values{"lat": {"39.8575"}}.Encode())
		if rec.Code != 400 || !strings.Contains(rec.Body.String(), "<errors>") {
			t.Errorf("POST requests.xml without service_code: %d %s", rec.Code, rec.Body)
		}
	})
}

// golden compares got with testdata/open311/name.xml (or rewrites it
// under -update).
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "open311", name+".xml")
	if *updateGoldens {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run Open311XMLGolden -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s:\n%s", name, path, got)
	}
}

// sameAsJSON decodes the XML document and its JSON twin (the same target
// with .json) into the same Go values and compares them.
func sameAsJSON(t *testing.T, s *Server, target string, body []byte) {
	t.Helper()
	jsonTarget := strings.Replace(target, ".xml", ".json", 1)
	rec := get(t, s, jsonTarget, "")
	var fromXML, fromJSON any
	switch {
	case strings.Contains(target, "/discovery."):
		var x, j open311Discovery
		decodeBoth(t, body, rec.Body.Bytes(), &x, &j)
		x.XMLName = xml.Name{}
		fromXML, fromJSON = x, j
	case strings.Contains(target, "/services/"):
		var x, j open311Definition
		decodeBoth(t, body, rec.Body.Bytes(), &x, &j)
		fromXML, fromJSON = x.ServiceCode, j.ServiceCode
	case strings.Contains(target, "/services."):
		var x open311ServicesXML
		var j []open311ServiceInfo
		decodeBoth(t, body, rec.Body.Bytes(), &x, &j)
		fromXML, fromJSON = x.Services, j
	default:
		var x open311RequestsXML
		var j []open311Request
		decodeBoth(t, body, rec.Body.Bytes(), &x, &j)
		fromXML, fromJSON = x.Requests, j
	}
	if !reflect.DeepEqual(fromXML, fromJSON) {
		t.Errorf("%s: XML and JSON differ:\n xml %+v\njson %+v", target, fromXML, fromJSON)
	}
}

func decodeBoth(t *testing.T, x, j []byte, vx, vj any) {
	t.Helper()
	if err := xml.Unmarshal(x, vx); err != nil {
		t.Fatalf("XML does not parse: %v\n%s", err, x)
	}
	if err := json.Unmarshal(j, vj); err != nil {
		t.Fatalf("JSON does not parse: %v\n%s", err, j)
	}
}
