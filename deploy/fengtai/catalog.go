package fengtai

import (
	"time"

	"minqing/layers"
)

func pub(name string, t layers.FieldType, zh, en string) layers.Field {
	return layers.Field{Name: name, Type: t, TitleZH: zh, TitleEN: en, Access: layers.Public}
}

func staff(name string, t layers.FieldType, zh, en string) layers.Field {
	return layers.Field{Name: name, Type: t, TitleZH: zh, TitleEN: en, Access: layers.Staff}
}

// enum gives f its vocabulary: the values it takes and how each is shown.
func enum(f layers.Field, vocab []layers.Value) layers.Field {
	f.Enum, f.Vocab = names(vocab), vocab
	return f
}

// synonyms gives f the other wordings imports accept for its values.
func synonyms(f layers.Field, m map[string]string) layers.Field { f.Synonyms = m; return f }

func required(f layers.Field) layers.Field { f.Required = true; return f }

// Catalog returns the catalog of 丰台街道: patches, communities, streets,
// demolitions, greening, service points, incidents (all public, with their
// personal or operational details staff-only) and care targets (staff only).
// Callers' names and phones are not in any layer: they live in the
// incident_contacts table, which no read path touches. Each call builds a
// new catalog (callers may not share one they change).
func Catalog() *layers.Catalog {
	return layers.NewCatalog(
		&layers.Layer{
			Name: "patches", TitleZH: "片区", TitleEN: "Patches", Geometry: "MultiPolygon",
			Key: "name", LabelField: "name", MinZoom: 10, MaxZoom: 22, Access: layers.Public,
			MaxTileFeatures: 1000, CacheMaxAge: time.Hour,
			Fields: []layers.Field{
				required(pub("name", layers.String, "片区", "Patch")),
				pub("leader", layers.String, "片长", "Patch leader"),
				pub("communities", layers.Int, "社区数", "Communities"),
			},
		},
		&layers.Layer{
			Name: "communities", TitleZH: "社区", TitleEN: "Communities", Geometry: "MultiPolygon",
			Key: "code", LabelField: "name", MinZoom: 10, MaxZoom: 22, Access: layers.Public,
			MaxTileFeatures: 1000, CacheMaxAge: time.Hour,
			Fields: []layers.Field{
				required(pub("code", layers.String, "社区代码", "Code")),
				required(pub("name", layers.String, "社区", "Community")),
				pub("patch", layers.String, "片区", "Patch"),
				pub("secretary", layers.String, "书记", "Party secretary"),
				pub("households", layers.Int, "户数", "Households"),
				pub("population", layers.Int, "人口", "Population"),
				pub("built_year", layers.Int, "建成年份", "Built"),
				pub("has_property_management", layers.Bool, "有物业", "Property management"),
				pub("area_m2", layers.Float, "面积(平方米)", "Area (m²)"),
			},
		},
		&layers.Layer{
			Name: "streets", TitleZH: "街巷", TitleEN: "Streets and lanes", Geometry: "LineString",
			Key: "name", LabelField: "name", MinZoom: 12, MaxZoom: 22, Access: layers.Public,
			MaxTileFeatures: 5000, CacheMaxAge: time.Hour,
			Fields: []layers.Field{
				required(pub("name", layers.String, "街巷", "Street")),
				enum(required(pub("kind", layers.String, "类型", "Kind")), streetKinds),
				pub("community", layers.String, "社区", "Community"),
				pub("street_chief", layers.String, "街长", "Street chief"),
				pub("lane_chief", layers.String, "巷长", "Lane chief"),
				pub("steward", layers.String, "小巷管家", "Lane steward"),
				pub("length_m", layers.Float, "长度(米)", "Length (m)"),
				pub("patrols", layers.Int, "巡查次数", "Patrols"),
				pub("problems_found", layers.Int, "发现问题", "Problems found"),
				pub("problems_solved", layers.Int, "解决问题", "Problems solved"),
				pub("upgraded", layers.Bool, "背街小巷提升", "Back lane upgraded"),
				pub("shop_pledges", layers.Int, "门前三包", "Shop pledges"),
			},
		},
		&layers.Layer{
			Name: "demolitions", TitleZH: "疏整促", TitleEN: "Clearance and renovation", Geometry: "Point",
			Key: "code", LabelField: "kind", TimeField: "date", MinZoom: 12, MaxZoom: 22, Access: layers.Public,
			MaxTileFeatures: 5000, CacheMaxAge: 10 * time.Minute,
			Fields: []layers.Field{
				required(pub("code", layers.String, "编号", "Code")),
				enum(required(pub("kind", layers.String, "类型", "Kind")), demolitionKinds),
				pub("area_m2", layers.Float, "面积(平方米)", "Area (m²)"),
				pub("address", layers.String, "地址", "Address"),
				pub("community", layers.String, "社区", "Community"),
				enum(pub("status", layers.String, "状态", "Status"), demolitionStatuses),
				pub("date", layers.Date, "日期", "Date"),
			},
		},
		&layers.Layer{
			Name: "greening", TitleZH: "绿化", TitleEN: "Greening", Geometry: "MultiPolygon",
			Key: "name", LabelField: "name", TimeField: "completed", MinZoom: 12, MaxZoom: 22, Access: layers.Public,
			MaxTileFeatures: 1000, CacheMaxAge: time.Hour,
			Fields: []layers.Field{
				required(pub("name", layers.String, "名称", "Name")),
				enum(pub("kind", layers.String, "类型", "Kind"), greeningKinds),
				pub("area_m2", layers.Float, "面积(平方米)", "Area (m²)"),
				pub("community", layers.String, "社区", "Community"),
				pub("completed", layers.Date, "完成日期", "Completed"),
			},
		},
		&layers.Layer{
			Name: "service_points", TitleZH: "便民服务", TitleEN: "Service points", Geometry: "Point",
			Key: "name", LabelField: "name", MinZoom: 12, MaxZoom: 22, Access: layers.Public,
			MaxTileFeatures: 1000, CacheMaxAge: time.Hour,
			Fields: []layers.Field{
				required(pub("name", layers.String, "名称", "Name")),
				enum(pub("kind", layers.String, "类型", "Kind"), serviceKinds),
				pub("address", layers.String, "地址", "Address"),
				pub("community", layers.String, "社区", "Community"),
				pub("hours", layers.String, "开放时间", "Opening hours"),
			},
		},
		&layers.Layer{
			Name: "incidents", TitleZH: "诉求", TitleEN: "Incidents", Geometry: "Point",
			Key: "external_id", LabelField: "category", TimeField: "received_at",
			MinZoom: 10, MaxZoom: 22, Access: layers.Public,
			MaxTileFeatures: 20000, ClusterBelowZoom: 15, CacheMaxAge: 30 * time.Second,
			Fields: []layers.Field{
				staff("external_id", layers.String, "工单编号", "Work order"),
				synonyms(enum(required(pub("source", layers.String, "来源", "Source")), incidentSources), sourceSynonyms),
				synonyms(enum(required(pub("category", layers.String, "问题分类", "Category")), incidentCategories), categorySynonyms),
				pub("subcategory", layers.String, "子类", "Subcategory"),
				staff("description", layers.String, "诉求内容", "Description"),
				staff("address", layers.String, "地址", "Address"),
				pub("community", layers.String, "社区", "Community"),
				pub("patch", layers.String, "片区", "Patch"),
				synonyms(enum(required(pub("status", layers.String, "状态", "Status")), incidentStatuses), statusSynonyms),
				required(pub("received_at", layers.Time, "受理时间", "Received")),
				pub("dispatched_at", layers.Time, "派单时间", "Dispatched"),
				pub("responded_at", layers.Time, "响应时间", "Responded"),
				pub("resolved_at", layers.Time, "办结时间", "Resolved"),
				pub("closed_at", layers.Time, "关闭时间", "Closed"),
				pub("satisfied", layers.Bool, "是否满意", "Satisfied"),
				pub("visit_resolved", layers.Bool, "回访已解决", "Resolved at visit"),
				staff("unit", layers.String, "承办单位", "Responsible unit"),
				enum(pub("level", layers.String, "响应层级", "Level"), incidentLevels),
				staff("response_due", layers.Time, "响应时限", "Response due"),
				staff("resolution_due", layers.Time, "办结时限", "Resolution due"),
				staff("h3", layers.Cell, "H3单元", "H3 cell (res 15)"),
			},
		},
		&layers.Layer{
			Name: "care_targets", TitleZH: "精准帮扶", TitleEN: "Targeted care", Geometry: "Point",
			Key: "code", LabelField: "kind", TimeField: "last_visit", MinZoom: 12, MaxZoom: 22, Access: layers.Staff,
			MaxTileFeatures: 1000, CacheMaxAge: 0,
			Fields: []layers.Field{
				required(staff("code", layers.String, "台账编号", "Ledger code")),
				enum(required(staff("kind", layers.String, "帮扶类型", "Kind")), careKinds),
				staff("community", layers.String, "社区", "Community"),
				staff("visits", layers.Int, "走访次数", "Visits"),
				staff("last_visit", layers.Date, "最近走访", "Last visit"),
				staff("alarm", layers.Bool, "进出异常提示", "Movement alarm"),
			},
		},
	)
}
