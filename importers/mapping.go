package importers

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"minqing/layers"
)

// Mapping tells Import what a file's columns (or GeoJSON properties, or KML
// data names) mean beyond the built-in names, and how to translate values.
//
// A mapping file is either JSON —
//
//	{"columns": {"事发地点": "address", "X坐标": "lon"},
//	 "values":  {"category": {"下水道堵了": "污水井冒污水"}}}
//
// (or just the "columns" object) — or lines of 源列=字段 with # comments:
//
//	事发地点=address
//	X坐标=lon
//	备注=ignore
//
// A target is a field name or Chinese title of the layer, or one of lon,
// lat, wkt, contact_name, contact_phone, resolved (是否解决: yes/no) and
// ignore.
type Mapping struct {
	Columns map[string]string            `json:"columns"`
	Values  map[string]map[string]string `json:"values"` // field → source value → vocabulary value
}

// maxMappingBytes bounds a mapping file.
const maxMappingBytes = 1 << 20

// ParseMapping reads a mapping file (JSON or 源列=字段 lines).
func ParseMapping(r io.Reader) (Mapping, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxMappingBytes+1))
	if err != nil {
		return Mapping{}, fmt.Errorf("importers: mapping: %w", err)
	}
	if len(b) > maxMappingBytes {
		return Mapping{}, fmt.Errorf("importers: mapping file is larger than 1 MiB")
	}
	b = bytes.TrimPrefix(b, []byte{0xEF, 0xBB, 0xBF})
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '{' {
		var probe map[string]json.RawMessage
		if err := json.Unmarshal(t, &probe); err != nil {
			return Mapping{}, fmt.Errorf("importers: mapping: not valid JSON: %w", err)
		}
		_, hasCols := probe["columns"]
		_, hasVals := probe["values"]
		var m Mapping
		if hasCols || hasVals {
			if err := json.Unmarshal(t, &m); err != nil {
				return Mapping{}, fmt.Errorf("importers: mapping: %w (want {\"columns\": {\"源列\": \"字段\"}, \"values\": {\"字段\": {\"源值\": \"值\"}}})", err)
			}
		} else if err := json.Unmarshal(t, &m.Columns); err != nil {
			return Mapping{}, fmt.Errorf("importers: mapping: %w (want {\"源列\": \"字段\"})", err)
		}
		return m, nil
	}
	m := Mapping{Columns: map[string]string{}}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		from, to, ok := strings.Cut(line, "=")
		if !ok {
			return Mapping{}, fmt.Errorf("importers: mapping line %d: %q is not 源列=字段", n, line)
		}
		from, to = strings.TrimSpace(from), strings.TrimSpace(to)
		if from == "" || to == "" {
			return Mapping{}, fmt.Errorf("importers: mapping line %d: %q: both the column and the field are needed", n, line)
		}
		m.Columns[from] = to
	}
	return m, nil
}

// targetKind is what a source column feeds.
type targetKind int

const (
	tUnknown      targetKind = iota
	tField                   // a layer field
	tLon                     // longitude (CSV)
	tLat                     // latitude (CSV)
	tWKT                     // a WKT geometry (CSV)
	tContactName             // the caller's name (incidents only)
	tContactPhone            // the caller's phone (incidents only)
	tResolved                // 是否解决: feeds the derived status
	tIgnore                  // known and deliberately dropped
)

// target is where one source column goes.
type target struct {
	kind  targetKind
	field layers.Field // for tField
}

func (t target) name() string {
	switch t.kind {
	case tField:
		return t.field.Name
	case tLon:
		return "lon"
	case tLat:
		return "lat"
	case tWKT:
		return "wkt"
	case tContactName:
		return "contact_name"
	case tContactPhone:
		return "contact_phone"
	case tResolved:
		return "resolved"
	}
	return ""
}

// pseudoTargets are the targets that are not layer fields.
var pseudoTargets = map[string]targetKind{
	"lon": tLon, "lat": tLat, "wkt": tWKT,
	"contact_name": tContactName, "contact_phone": tContactPhone,
	"resolved": tResolved, "ignore": tIgnore,
}

// builtinAliases are the column names of common exports, 12345 work-order
// sheets first. Each alias lists its targets in order of preference; the
// first the layer has (or a pseudo target) wins. Keys are normalized.
var builtinAliases = map[string][]string{
	// 12345 work orders
	"工单编号": {"external_id"}, "工单号": {"external_id"}, "工单id": {"external_id"},
	"诉求编号": {"external_id"}, "案件编号": {"external_id"}, "编号": {"code", "external_id"},
	"受理时间": {"received_at"}, "来电时间": {"received_at"}, "登记时间": {"received_at"},
	"接收时间": {"received_at"}, "诉求时间": {"received_at"}, "创建时间": {"received_at"},
	"诉求内容": {"description"}, "问题描述": {"description"}, "来电内容": {"description"},
	"事项描述": {"description"}, "内容": {"description"}, "描述": {"description"},
	"问题分类": {"category"}, "诉求分类": {"category"}, "一级分类": {"category"},
	"问题类型": {"category"}, "事项分类": {"category"}, "分类": {"category"}, "类别": {"category", "kind"},
	"二级分类": {"subcategory"}, "子类": {"subcategory"}, "小类": {"subcategory"},
	"地址": {"address"}, "诉求地址": {"address"}, "事发地址": {"address"}, "详细地址": {"address"}, "事发地点": {"address"},
	"办结时间": {"resolved_at"}, "完成时间": {"resolved_at"}, "结案时间": {"resolved_at"},
	"关闭时间": {"closed_at"}, "归档时间": {"closed_at"},
	"派单时间": {"dispatched_at"}, "派发时间": {"dispatched_at"},
	"响应时间": {"responded_at"}, "签收时间": {"responded_at"},
	"是否解决": {"resolved"}, "解决情况": {"resolved"}, "是否已解决": {"resolved"},
	"是否满意": {"satisfied"}, "满意度": {"satisfied"}, "满意情况": {"satisfied"}, "评价结果": {"satisfied"},
	"来源": {"source"}, "诉求来源": {"source"}, "渠道": {"source"}, "来电渠道": {"source"},
	"社区": {"community"}, "所属社区": {"community"},
	"片区": {"patch"}, "所属片区": {"patch"},
	"承办单位": {"unit"}, "主办单位": {"unit"}, "处置单位": {"unit"}, "责任单位": {"unit"},
	"响应层级": {"level"}, "层级": {"level"},
	"状态": {"status"}, "工单状态": {"status"}, "办理状态": {"status"},
	// callers: personal data, kept apart
	"来电人": {"contact_name"}, "联系人": {"contact_name"}, "姓名": {"contact_name"},
	"来电人姓名": {"contact_name"}, "诉求人": {"contact_name"}, "市民姓名": {"contact_name"},
	"联系电话": {"contact_phone"}, "电话": {"contact_phone"}, "手机": {"contact_phone"},
	"手机号": {"contact_phone"}, "来电号码": {"contact_phone"}, "联系方式": {"contact_phone"},
	"contact": {"contact_name"}, "phone": {"contact_phone"}, "tel": {"contact_phone"},
	// coordinates
	"经度": {"lon"}, "lon": {"lon"}, "lng": {"lon"}, "long": {"lon"}, "longitude": {"lon"}, "x": {"lon"}, "x坐标": {"lon"},
	"纬度": {"lat"}, "lat": {"lat"}, "latitude": {"lat"}, "y": {"lat"}, "y坐标": {"lat"},
	"wkt": {"wkt"}, "geometry": {"wkt"}, "geom": {"wkt"}, "the_geom": {"wkt"}, "几何": {"wkt"}, "shape": {"wkt"},
	// general
	"名称": {"name"}, "name": {"name"}, "类型": {"kind"}, "种类": {"kind"},
	"description": {"description"}, "备注": {"description"},
	// store-computed or store-owned: dropped silently
	"id": {"ignore"}, "fid": {"ignore"}, "ogc_fid": {"ignore"}, "objectid": {"ignore"}, "h3": {"ignore"},
}

// normalizeKey makes column names comparable: trimmed, without a byte-order
// mark or spaces, ASCII lower case, and without a bracketed suffix such as
// "(WGS84)" or "（平方米）".
func normalizeKey(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '\ufeff', ' ', '\u3000', '\t', '\r', '\n', '"':
			return -1
		}
		return r
	}, s)
	for _, open := range []string{"(", "（", "[", "【"} {
		if i := strings.Index(s, open); i > 0 {
			s = s[:i]
		}
	}
	return strings.ToLower(s)
}

// resolver maps source column names to targets for one layer.
type resolver struct {
	layer  *layers.Layer
	user   map[string]target
	known  map[string]target // field names and titles
	cache  map[string]target
	values map[string]map[string]string // user value synonyms per field
}

// clone returns a resolver that shares r's mappings and has a cache of its
// own, for another goroutine.
func (r *resolver) clone() *resolver {
	rc := *r
	rc.cache = make(map[string]target, len(r.cache))
	for k, t := range r.cache {
		rc.cache[k] = t
	}
	return &rc
}

// maxResolverCache bounds the memo of resolved names (GeoJSON property
// names are chosen by the file).
const maxResolverCache = 4096

func newResolver(l *layers.Layer, m Mapping) (*resolver, error) {
	r := &resolver{layer: l, user: map[string]target{}, known: map[string]target{}, cache: map[string]target{}, values: map[string]map[string]string{}}
	for _, f := range l.Fields {
		if f.Name == "h3" { // computed on write from the geometry
			continue
		}
		t := target{kind: tField, field: f}
		for _, k := range []string{f.TitleEN, f.TitleZH, f.Name} { // later wins
			if k != "" {
				r.known[normalizeKey(k)] = t
			}
		}
	}
	froms := make([]string, 0, len(m.Columns))
	for from := range m.Columns {
		froms = append(froms, from)
	}
	sort.Strings(froms)
	for _, from := range froms {
		to := m.Columns[from]
		t, ok := r.targetNamed(to)
		if !ok {
			return nil, fmt.Errorf("importers: mapping %s=%s: %q is not a field of %s (fields: %s; or lon, lat, wkt, contact_name, contact_phone, resolved, ignore)",
				from, to, to, l.Name, strings.Join(fieldNames(l), ", "))
		}
		r.user[normalizeKey(from)] = t
	}
	for field, syn := range m.Values {
		t, ok := r.targetNamed(field)
		if !ok || t.kind != tField {
			return nil, fmt.Errorf("importers: mapping values: %q is not a field of %s", field, l.Name)
		}
		r.values[t.field.Name] = syn
	}
	return r, nil
}

// targetNamed resolves a target named in a mapping (a field name or title,
// or a pseudo target).
func (r *resolver) targetNamed(name string) (target, bool) {
	k := normalizeKey(name)
	if kind, ok := pseudoTargets[k]; ok {
		return target{kind: kind}, true
	}
	t, ok := r.known[k]
	return t, ok
}

// resolve returns where the source column key goes.
func (r *resolver) resolve(key string) target {
	if t, ok := r.cache[key]; ok {
		return t
	}
	k := normalizeKey(key)
	t, ok := r.user[k]
	if !ok {
		t, ok = r.known[k]
	}
	if !ok {
		for _, name := range builtinAliases[k] {
			if kind, pseudo := pseudoTargets[name]; pseudo {
				t, ok = target{kind: kind}, true
				break
			}
			if f, has := r.layer.Field(name); has {
				t, ok = target{kind: tField, field: f}, true
				break
			}
		}
	}
	if !ok {
		t = target{kind: tUnknown}
	}
	if len(r.cache) < maxResolverCache {
		r.cache[key] = t
	}
	return t
}

func fieldNames(l *layers.Layer) []string {
	out := make([]string, 0, len(l.Fields))
	for _, f := range l.Fields {
		out = append(out, f.Name)
	}
	return out
}
