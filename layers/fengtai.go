package layers

import "time"

// Vocabularies of the 丰台街道 layers.
var (
	IncidentSources    = []string{"12345", "街道热线", "网格", "微信", "走访", "网站"}
	IncidentStatuses   = []string{"received", "dispatched", "in_progress", "resolved", "closed"}
	IncidentLevels     = []string{"街道", "片区", "科室", "社区"}
	IncidentCategories = []string{
		"水管爆裂", "漏水", "停电", "雨箅子破损", "地面塌陷", "污水井冒污水", "疑似煤气异味",
		"施工扰民", "邻里装修扰民", "违法建设", "老旧小区环境治理", "水电气暖", "上门医疗",
		"供暖", "停车管理", "垃圾清运", "占道经营",
	}
	DemolitionKinds = []string{"违法建设", "开墙打洞", "占道经营", "群租房", "普通地下室", "人防工程", "无证无照校外培训机构"}
	StreetKinds     = []string{"街", "巷"}
	GreeningKinds   = []string{"街心花园", "口袋公园", "绿地"}
	ServiceKinds    = []string{"便民服务中心", "菜市场", "社区服务站", "养老驿站"}
	CareKinds       = []string{"独居老人", "困难居民", "特困党员", "残疾人", "上门医疗"}
)

func pub(name string, t FieldType, zh, en string) Field {
	return Field{Name: name, Type: t, TitleZH: zh, TitleEN: en, Access: Public}
}

func staff(name string, t FieldType, zh, en string) Field {
	return Field{Name: name, Type: t, TitleZH: zh, TitleEN: en, Access: Staff}
}

func enum(f Field, vocab []string) Field { f.Enum = vocab; return f }

func required(f Field) Field { f.Required = true; return f }

// Fengtai returns the catalog of 丰台街道: patches, communities, streets,
// demolitions, greening, service points, incidents (all public, with their
// personal or operational details staff-only) and care targets (staff only).
// Callers' names and phones are not in any layer: they live in the
// incident_contacts table, which no read path touches.
func Fengtai() *Catalog {
	return NewCatalog(
		&Layer{
			Name: "patches", TitleZH: "片区", TitleEN: "Patches", Geometry: "MultiPolygon",
			Key: "name", LabelField: "name", MinZoom: 10, MaxZoom: 22, Access: Public,
			MaxTileFeatures: 1000, CacheMaxAge: time.Hour,
			Fields: []Field{
				required(pub("name", String, "片区", "Patch")),
				pub("leader", String, "片长", "Patch leader"),
				pub("communities", Int, "社区数", "Communities"),
			},
		},
		&Layer{
			Name: "communities", TitleZH: "社区", TitleEN: "Communities", Geometry: "MultiPolygon",
			Key: "code", LabelField: "name", MinZoom: 10, MaxZoom: 22, Access: Public,
			MaxTileFeatures: 1000, CacheMaxAge: time.Hour,
			Fields: []Field{
				required(pub("code", String, "社区代码", "Code")),
				required(pub("name", String, "社区", "Community")),
				pub("patch", String, "片区", "Patch"),
				pub("secretary", String, "书记", "Party secretary"),
				pub("households", Int, "户数", "Households"),
				pub("population", Int, "人口", "Population"),
				pub("built_year", Int, "建成年份", "Built"),
				pub("has_property_management", Bool, "有物业", "Property management"),
				pub("area_m2", Float, "面积(平方米)", "Area (m²)"),
			},
		},
		&Layer{
			Name: "streets", TitleZH: "街巷", TitleEN: "Streets and lanes", Geometry: "LineString",
			Key: "name", LabelField: "name", MinZoom: 12, MaxZoom: 22, Access: Public,
			MaxTileFeatures: 5000, CacheMaxAge: time.Hour,
			Fields: []Field{
				required(pub("name", String, "街巷", "Street")),
				enum(required(pub("kind", String, "类型", "Kind")), StreetKinds),
				pub("community", String, "社区", "Community"),
				pub("street_chief", String, "街长", "Street chief"),
				pub("lane_chief", String, "巷长", "Lane chief"),
				pub("steward", String, "小巷管家", "Lane steward"),
				pub("length_m", Float, "长度(米)", "Length (m)"),
				pub("patrols", Int, "巡查次数", "Patrols"),
				pub("problems_found", Int, "发现问题", "Problems found"),
				pub("problems_solved", Int, "解决问题", "Problems solved"),
				pub("upgraded", Bool, "背街小巷提升", "Back lane upgraded"),
				pub("shop_pledges", Int, "门前三包", "Shop pledges"),
			},
		},
		&Layer{
			Name: "demolitions", TitleZH: "疏整促", TitleEN: "Clearance and renovation", Geometry: "Point",
			Key: "code", LabelField: "kind", TimeField: "date", MinZoom: 12, MaxZoom: 22, Access: Public,
			MaxTileFeatures: 5000, CacheMaxAge: 10 * time.Minute,
			Fields: []Field{
				required(pub("code", String, "编号", "Code")),
				enum(required(pub("kind", String, "类型", "Kind")), DemolitionKinds),
				pub("area_m2", Float, "面积(平方米)", "Area (m²)"),
				pub("address", String, "地址", "Address"),
				pub("community", String, "社区", "Community"),
				enum(pub("status", String, "状态", "Status"), []string{"完成", "整治中"}),
				pub("date", Date, "日期", "Date"),
			},
		},
		&Layer{
			Name: "greening", TitleZH: "绿化", TitleEN: "Greening", Geometry: "MultiPolygon",
			Key: "name", LabelField: "name", TimeField: "completed", MinZoom: 12, MaxZoom: 22, Access: Public,
			MaxTileFeatures: 1000, CacheMaxAge: time.Hour,
			Fields: []Field{
				required(pub("name", String, "名称", "Name")),
				enum(pub("kind", String, "类型", "Kind"), GreeningKinds),
				pub("area_m2", Float, "面积(平方米)", "Area (m²)"),
				pub("community", String, "社区", "Community"),
				pub("completed", Date, "完成日期", "Completed"),
			},
		},
		&Layer{
			Name: "service_points", TitleZH: "便民服务", TitleEN: "Service points", Geometry: "Point",
			Key: "name", LabelField: "name", MinZoom: 12, MaxZoom: 22, Access: Public,
			MaxTileFeatures: 1000, CacheMaxAge: time.Hour,
			Fields: []Field{
				required(pub("name", String, "名称", "Name")),
				enum(pub("kind", String, "类型", "Kind"), ServiceKinds),
				pub("address", String, "地址", "Address"),
				pub("community", String, "社区", "Community"),
				pub("hours", String, "开放时间", "Opening hours"),
			},
		},
		&Layer{
			Name: "incidents", TitleZH: "诉求", TitleEN: "Incidents", Geometry: "Point",
			Key: "external_id", LabelField: "category", TimeField: "received_at",
			MinZoom: 10, MaxZoom: 22, Access: Public,
			MaxTileFeatures: 20000, ClusterBelowZoom: 15, CacheMaxAge: 30 * time.Second,
			Fields: []Field{
				staff("external_id", String, "工单编号", "Work order"),
				enum(required(pub("source", String, "来源", "Source")), IncidentSources),
				enum(required(pub("category", String, "问题分类", "Category")), IncidentCategories),
				pub("subcategory", String, "子类", "Subcategory"),
				staff("description", String, "诉求内容", "Description"),
				staff("address", String, "地址", "Address"),
				pub("community", String, "社区", "Community"),
				pub("patch", String, "片区", "Patch"),
				enum(required(pub("status", String, "状态", "Status")), IncidentStatuses),
				required(pub("received_at", Time, "受理时间", "Received")),
				pub("dispatched_at", Time, "派单时间", "Dispatched"),
				pub("responded_at", Time, "响应时间", "Responded"),
				pub("resolved_at", Time, "办结时间", "Resolved"),
				pub("closed_at", Time, "关闭时间", "Closed"),
				pub("satisfied", Bool, "是否满意", "Satisfied"),
				pub("visit_resolved", Bool, "回访已解决", "Resolved at visit"),
				staff("unit", String, "承办单位", "Responsible unit"),
				enum(pub("level", String, "响应层级", "Level"), IncidentLevels),
				staff("response_due", Time, "响应时限", "Response due"),
				staff("resolution_due", Time, "办结时限", "Resolution due"),
				staff("h3", Cell, "H3单元", "H3 cell (res 15)"),
			},
		},
		&Layer{
			Name: "care_targets", TitleZH: "精准帮扶", TitleEN: "Targeted care", Geometry: "Point",
			Key: "code", LabelField: "kind", TimeField: "last_visit", MinZoom: 12, MaxZoom: 22, Access: Staff,
			MaxTileFeatures: 1000, CacheMaxAge: 0,
			Fields: []Field{
				required(staff("code", String, "台账编号", "Ledger code")),
				enum(required(staff("kind", String, "帮扶类型", "Kind")), CareKinds),
				staff("community", String, "社区", "Community"),
				staff("visits", Int, "走访次数", "Visits"),
				staff("last_visit", Date, "最近走访", "Last visit"),
				staff("alarm", Bool, "进出异常提示", "Movement alarm"),
			},
		},
	)
}
