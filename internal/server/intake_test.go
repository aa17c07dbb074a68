package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"minqing/deploy/fengtai"
	"minqing/deploy/fengtai/demo"
	"minqing/layers"
	"minqing/stores/storetest"
)

// seedAreas writes the demo's patches and communities (no incidents).
func seedAreas(t *testing.T, src layers.Source) {
	t.Helper()
	g := demo.New(demo.Options{Incidents: -1})
	cat := fengtai.Catalog()
	for _, name := range []string{"patches", "communities"} {
		l, _ := cat.Lookup(name)
		r, err := g.Reader(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := src.Write(context.Background(), l, layers.WriteOptions{Mode: layers.Insert}, r); err != nil {
			t.Fatal(err)
		}
	}
}

// send performs a request with a JSON (or other) body.
func send(t *testing.T, s *Server, method, target, secret, ctype, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if secret != "" {
		req.Header.Set("Authorization", "Bearer "+secret)
	}
	req.RemoteAddr = "192.0.2.7:5555"
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}

func postJSON(t *testing.T, s *Server, target, secret, body string) *httptest.ResponseRecorder {
	return send(t, s, http.MethodPost, target, secret, "application/json", body)
}

// wantError asserts a JSON error with status and param.
func wantError(t *testing.T, rec *httptest.ResponseRecorder, status int, param string) apiError {
	t.Helper()
	var e apiError
	if rec.Code != status {
		t.Fatalf("status %d, want %d: %s", rec.Code, status, rec.Body)
	}
	decode(t, rec, &e)
	if e.Message == "" || e.Param != param {
		t.Errorf("error %+v: want a message and param %q", e, param)
	}
	return e
}

func TestStaffIntakeAndRecord(t *testing.T) {
	for _, st := range storetest.Kinds() {
		t.Run(st.Name, func(t *testing.T) {
			src := st.Open(t)
			seedAreas(t, src)
			s := newTestServer(t, src)
			staff := token(t, src, layers.Staff)

			// A valid intake: placed, due times from the routing table,
			// the contact kept out of every answer.
			before := time.Now().Truncate(time.Second)
			rec := postJSON(t, s, "/incidents", staff, `{"lon": 116.2875, "lat": 39.8575, "category": "水管爆裂",
				"source": "街道热线", "description": "五层公共厕所下水管道漏水", "address": "新华街二里四号楼",
				"external_id": "JD-2026-0001", "contact": {"name": "王大姐", "phone": "13800001111"}}`)
			if rec.Code != http.StatusCreated {
				t.Fatalf("intake: %d %s", rec.Code, rec.Body)
			}
			if strings.Contains(rec.Body.String(), "13800001111") || strings.Contains(rec.Body.String(), "王大姐") {
				t.Errorf("the answer shows the caller's contact: %s", rec.Body)
			}
			var out createdIncident
			decode(t, rec, &out)
			if out.ID == 0 || out.Community == "" || out.Patch == "" || out.Status != "received" {
				t.Fatalf("created %+v: want an id, a community and a patch", out)
			}
			if got := out.ResponseDue.Sub(out.ReceivedAt); got != time.Hour {
				t.Errorf("response due %s after receipt, want 1h for 水管爆裂", got)
			}
			if out.ReceivedAt.Before(before) || out.Route.Unit != "城市管理办公室" || out.Route.Level != "科室" {
				t.Errorf("created %+v", out)
			}
			item := get(t, s, fmt.Sprintf("/ogc/collections/incidents/items/%d", out.ID), staff)
			if item.Code != http.StatusOK || !strings.Contains(item.Body.String(), out.Community) ||
				!strings.Contains(item.Body.String(), `"h3"`) || strings.Contains(item.Body.String(), "13800001111") {
				t.Errorf("the stored incident: %d %s", item.Code, item.Body)
			}

			bad := []struct {
				name, body string
				status     int
				param      string
			}{
				{"no coordinates", `{"category": "停电", "source": "网格"}`, 400, "lon"},
				{"unknown category", `{"lon": 116.2875, "lat": 39.8575, "category": "飞碟", "source": "网格"}`, 400, "category"},
				{"unknown source", `{"lon": 116.2875, "lat": 39.8575, "category": "停电", "source": "传真"}`, 400, "source"},
				{"outside the street", `{"lon": 116.4, "lat": 39.9, "category": "停电", "source": "网格"}`, 400, "lon"},
				{"latitude out of range", `{"lon": 116.2875, "lat": 139.9, "category": "停电"}`, 400, "lat"},
				{"bad crs", `{"lon": 116.2875, "lat": 39.8575, "crs": "mars", "category": "停电"}`, 400, "crs"},
				{"unknown field", `{"lon": 116.2875, "lat": 39.8575, "category": "停电", "colour": "red"}`, 400, ""},
				{"text where a number goes", `{"lon": "east", "lat": 39.8575}`, 400, "lon"},
				{"description too long", `{"lon": 116.2875, "lat": 39.8575, "category": "停电", "description": "` + strings.Repeat("长", 2001) + `"}`, 400, "description"},
				{"future receipt", `{"lon": 116.2875, "lat": 39.8575, "category": "停电", "received_at": "2099-01-01T00:00:00+08:00"}`, 400, "received_at"},
			}
			for _, tc := range bad {
				t.Run(tc.name, func(t *testing.T) { wantError(t, postJSON(t, s, "/incidents", staff, tc.body), tc.status, tc.param) })
			}
			big := postJSON(t, s, "/incidents", staff, `{"description": "`+strings.Repeat("x", maxIntakeBody)+`"}`)
			wantError(t, big, http.StatusRequestEntityTooLarge, "")
			dup := postJSON(t, s, "/incidents", staff, `{"lon": 116.2875, "lat": 39.8575, "category": "停电", "external_id": "JD-2026-0001"}`)
			wantError(t, dup, http.StatusConflict, "")
			wantError(t, postJSON(t, s, "/incidents", "", `{"lon": 116.2875, "lat": 39.8575, "category": "停电"}`), http.StatusNotFound, "")

			// The record of steps.
			ev := fmt.Sprintf("/incidents/%d/events", out.ID)
			rec = postJSON(t, s, ev, staff, `{"action": "dispatch", "note": "按职责派单"}`)
			if rec.Code != http.StatusCreated {
				t.Fatalf("dispatch: %d %s", rec.Code, rec.Body)
			}
			var er eventResponse
			decode(t, rec, &er)
			if er.Event.Unit != "城市管理办公室" || er.Event.Level != "科室" || er.Event.Who != "test staff" || er.State.Status != "dispatched" {
				t.Errorf("dispatch by the routing table: %+v", er)
			}
			if rec := postJSON(t, s, ev, staff, `{"action": "respond"}`); rec.Code != http.StatusCreated {
				t.Fatalf("respond: %d %s", rec.Code, rec.Body)
			}
			e := wantError(t, postJSON(t, s, ev, staff, `{"action": "close"}`), http.StatusConflict, "")
			if !strings.Contains(e.Message, "only a resolved incident can be closed") {
				t.Errorf("409 says %q", e.Message)
			}
			wantError(t, postJSON(t, s, ev, staff, `{"action": "escalate"}`), http.StatusBadRequest, "action")
			wantError(t, postJSON(t, s, ev, staff, `{"action": "resolve", "at": "2020-01-01T00:00:00+08:00"}`), http.StatusConflict, "")
			wantError(t, postJSON(t, s, "/incidents/99999/events", staff, `{"action": "respond"}`), http.StatusNotFound, "")
			wantError(t, postJSON(t, s, ev, "", `{"action": "respond"}`), http.StatusNotFound, "")

			rec = get(t, s, ev, staff)
			var list struct {
				Events []map[string]any `json:"events"`
			}
			decode(t, rec, &list)
			if len(list.Events) != 2 || list.Events[0]["action"] != "dispatch" || list.Events[1]["action"] != "respond" {
				t.Errorf("record: %s", rec.Body)
			}
			wantError(t, get(t, s, ev, ""), http.StatusNotFound, "")
			wantError(t, get(t, s, "/incidents/abc/events", staff), http.StatusNotFound, "")
		})
	}
}

// TestConcurrentIntake: many staff intakes at once all succeed with
// distinct ids, on both stores (on PostGIS every write used to move the id
// sequence back to the largest committed id, so a concurrent write took an
// id already taken: a 500 for about a third of them under bench/intake.sh).
func TestConcurrentIntake(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		seedAreas(t, src)
		s := newTestServer(t, src)
		staff := token(t, src, layers.Staff)
		const n = 64
		var wg sync.WaitGroup
		codes := make([]int, n)
		ids := make([]int64, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req := httptest.NewRequest(http.MethodPost, "/incidents", strings.NewReader(
					fmt.Sprintf(`{"lon": %f, "lat": 39.8575, "category": "漏水", "source": "网格"}`, 116.2870+float64(i)*0.00002)))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+staff)
				rec := httptest.NewRecorder()
				s.Handler().ServeHTTP(rec, req)
				codes[i] = rec.Code
				var out createdIncident
				_ = json.Unmarshal(rec.Body.Bytes(), &out)
				ids[i] = out.ID
			}()
		}
		wg.Wait()
		seen := map[int64]bool{}
		for i := range n {
			if codes[i] != http.StatusCreated || ids[i] <= 0 || seen[ids[i]] {
				t.Errorf("intake %d: %d, id %d (ids %v)", i, codes[i], ids[i], ids)
			}
			seen[ids[i]] = true
		}
	})
}
