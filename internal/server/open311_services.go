package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// open311Codes are the Open311 service codes of the incident categories:
// stable ASCII codes, the zh-CN category as the service name.
func open311Codes() map[string]string {
	return map[string]string{
		"水管爆裂": "water_main_burst", "漏水": "water_leak", "停电": "power_outage", "雨箅子破损": "broken_drain_grate",
		"地面塌陷": "ground_collapse", "污水井冒污水": "sewer_overflow", "疑似煤气异味": "gas_smell",
		"施工扰民": "construction_noise", "邻里装修扰民": "renovation_noise", "违法建设": "illegal_building",
		"老旧小区环境治理": "old_estate_environment", "水电气暖": "utilities", "上门医疗": "home_medical",
		"供暖": "heating", "停车管理": "parking", "垃圾清运": "garbage", "占道经营": "street_vending",
	}
}

// open311ServiceInfo is one service of services.json.
type open311ServiceInfo struct {
	ServiceCode string   `json:"service_code" xml:"service_code"`
	ServiceName string   `json:"service_name" xml:"service_name"`
	Description string   `json:"description" xml:"description"`
	Metadata    bool     `json:"metadata" xml:"metadata"`
	Type        string   `json:"type" xml:"type"`
	Keywords    string   `json:"keywords" xml:"keywords"`
	Group       string   `json:"group" xml:"group"`
	Urgency     string   `json:"urgency" xml:"urgency"` // extension: the routing table's urgency
	Deadlines   deadline `json:"deadlines" xml:"deadlines"`
}

type deadline struct {
	Response   string `json:"response" xml:"response"`
	Resolution string `json:"resolution" xml:"resolution"`
}

// open311Catalog lists the services in the category vocabulary's order.
func (s *Server) open311Catalog() []open311ServiceInfo {
	codes := open311Codes()
	r := s.ext.intake.routing
	var cats []string // the catalog's category vocabulary
	if l, ok := s.catalog.Lookup("incidents"); ok {
		if f, ok := l.Field("category"); ok {
			cats = f.Enum
		}
	}
	out := make([]open311ServiceInfo, 0, len(cats))
	for _, cat := range cats {
		code, ok := codes[cat]
		if !ok {
			code = cat
		}
		unit, level := r.RouteFor(cat, "")
		urg := r.UrgencyOf(cat, false)
		d := r.Deadlines[urg]
		dj := deadline{}
		if b, err := d.Response.MarshalJSON(); err == nil {
			dj.Response = string(b[1 : len(b)-1])
		}
		if b, err := d.Resolution.MarshalJSON(); err == nil {
			dj.Resolution = string(b[1 : len(b)-1])
		}
		out = append(out, open311ServiceInfo{
			ServiceCode: code, ServiceName: cat, Metadata: false, Type: "realtime", Keywords: cat, Group: level,
			Description: "丰台街道接诉即办：" + cat + "（默认承办：" + unit + "）",
			Urgency:     urg, Deadlines: dj,
		})
	}
	return out
}

// categoryOfCode returns the category of a service code.
func (s *Server) categoryOfCode(code string) (string, bool) {
	for _, svc := range s.open311Catalog() {
		if svc.ServiceCode == code {
			return svc.ServiceName, true
		}
	}
	return "", false
}

// codeOfCategory returns the service code of a category.
func codeOfCategory(cat string) string {
	if code, ok := open311Codes()[cat]; ok {
		return code
	}
	return cat
}

func (s *Server) open311Discovery(c echo.Context) error {
	const changeset = "2026-07-01T00:00:00+08:00"
	return open311Send(c, http.StatusOK, open311Discovery{
		Changeset:  changeset,
		Contact:    "丰台街道 24 小时群众诉求服务热线 / 12345",
		KeyService: "api_key: a minqing token for trusted submitters (the district 12345 bridge); none needed to submit",
		Endpoints: []open311Endpoint{{
			Specification: "http://wiki.open311.org/GeoReport_v2",
			URL:           s.tileBase(c) + open311Base,
			Changeset:     changeset,
			Type:          "production",
			Formats:       []string{"text/xml", "application/json"},
		}},
	})
}

func (s *Server) open311Services(c echo.Context) error {
	return open311Send(c, http.StatusOK, s.open311Catalog())
}

func (s *Server) open311Service(c echo.Context) error {
	code, err := open311File(c)
	if err != nil {
		return err
	}
	if _, ok := s.categoryOfCode(code); !ok {
		return open311Fail(http.StatusNotFound, "no service "+quote(code)+": see services.json")
	}
	return open311Send(c, http.StatusOK, open311Definition{ServiceCode: code, Attributes: []struct{}{}})
}
