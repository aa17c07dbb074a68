package fengtai

import (
	"minqing/layers"
	"minqing/layers/lifecycle"
)

// Vocabularies of the 丰台街道 layers: the values of each enum field, in the
// order forms and legends list them.
var (
	IncidentSources    = names(incidentSources)
	IncidentStatuses   = names(incidentStatuses)
	IncidentLevels     = names(incidentLevels)
	IncidentCategories = names(incidentCategories)
	DemolitionKinds    = names(demolitionKinds)
	DemolitionStatuses = names(demolitionStatuses)
	StreetKinds        = names(streetKinds)
	GreeningKinds      = names(greeningKinds)
	ServiceKinds       = names(serviceKinds)
	CareKinds          = names(careKinds)
)

func names(vs []layers.Value) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Value
	}
	return out
}

// v is one vocabulary value: stored value, Chinese name, English name, colour.
func v(value, zh, en, color string) layers.Value {
	return layers.Value{Value: value, ZH: zh, EN: en, Color: color}
}

// The incidents' statuses are the states of the 接诉即办 record of steps
// (package lifecycle): codes, shown by their names.
var incidentStatuses = []layers.Value{
	v(lifecycle.Received, "已受理", "Received", "#e41a1c"),
	v(lifecycle.Dispatched, "已派单", "Dispatched", "#ff7f00"),
	v(lifecycle.InProgress, "办理中", "In progress", "#d9a400"),
	v(lifecycle.Resolved, "已办结", "Resolved", "#4daf4a"),
	v(lifecycle.Closed, "已关闭", "Closed", "#8c8c8c"),
}

var incidentSources = []layers.Value{
	v("12345", "12345", "12345 hotline", "#1c7ed6"),
	v("街道热线", "街道热线", "Subdistrict hotline", "#0ca678"),
	v("网格", "网格", "Grid worker", "#f59f00"),
	v("微信", "微信", "WeChat", "#37b24d"),
	v("走访", "走访", "Door-to-door visit", "#ae3ec9"),
	v("网站", "网站", "Website", "#868e96"),
}

var incidentLevels = []layers.Value{
	v("街道", "街道", "Subdistrict", "#c92a2a"),
	v("片区", "片区", "Patch", "#e8590c"),
	v("科室", "科室", "Office", "#1971c2"),
	v("社区", "社区", "Community", "#2f9e44"),
}

var incidentCategories = []layers.Value{
	v("水管爆裂", "水管爆裂", "Burst water pipe", "#1f77b4"),
	v("漏水", "漏水", "Water leak", "#4dabf7"),
	v("停电", "停电", "Power cut", "#fab005"),
	v("雨箅子破损", "雨箅子破损", "Broken drain grate", "#495057"),
	v("地面塌陷", "地面塌陷", "Ground subsidence", "#8c564b"),
	v("污水井冒污水", "污水井冒污水", "Sewer overflow", "#5c940d"),
	v("疑似煤气异味", "疑似煤气异味", "Suspected gas smell", "#e03131"),
	v("施工扰民", "施工扰民", "Construction noise", "#f76707"),
	v("邻里装修扰民", "邻里装修扰民", "Neighbour renovation noise", "#ffa94d"),
	v("违法建设", "违法建设", "Illegal construction", "#d62728"),
	v("老旧小区环境治理", "老旧小区环境治理", "Old estate upkeep", "#20c997"),
	v("水电气暖", "水电气暖", "Utilities", "#3bc9db"),
	v("上门医疗", "上门医疗", "Home medical care", "#cc5de8"),
	v("供暖", "供暖", "Heating", "#ff6b6b"),
	v("停车管理", "停车管理", "Parking", "#748ffc"),
	v("垃圾清运", "垃圾清运", "Rubbish collection", "#82c91e"),
	v("占道经营", "占道经营", "Street vending", "#bcbd22"),
}

// 疏整促 (clearance and renovation) sites.
var demolitionKinds = []layers.Value{
	v("违法建设", "违法建设", "Illegal construction", "#d62728"),
	v("开墙打洞", "开墙打洞", "Wall openings for shops", "#ff7f0e"),
	v("占道经营", "占道经营", "Street vending", "#bcbd22"),
	v("群租房", "群租房", "Overcrowded rentals", "#9467bd"),
	v("普通地下室", "普通地下室", "Basement dwellings", "#8c564b"),
	v("人防工程", "人防工程", "Civil-defence shelters", "#7f7f7f"),
	v("无证无照校外培训机构", "无证无照校外培训机构", "Unlicensed tutoring schools", "#e377c2"),
}

var demolitionStatuses = []layers.Value{
	v("完成", "完成", "Done", "#2f9e44"),
	v("整治中", "整治中", "In progress", "#f08c00"),
}

var streetKinds = []layers.Value{
	v("街", "街", "Street", "#8c4a12"),
	v("巷", "巷", "Lane", "#d49a3a"),
}

var greeningKinds = []layers.Value{
	v("街心花园", "街心花园", "Street garden", "#2f9e44"),
	v("口袋公园", "口袋公园", "Pocket park", "#69db7c"),
	v("绿地", "绿地", "Green space", "#2b8a3e"),
}

var serviceKinds = []layers.Value{
	v("便民服务中心", "便民服务中心", "Service centre", "#1c7ed6"),
	v("菜市场", "菜市场", "Food market", "#1098ad"),
	v("社区服务站", "社区服务站", "Community service station", "#364fc7"),
	v("养老驿站", "养老驿站", "Elderly care post", "#4263eb"),
}

// Care targets (staff only).
var careKinds = []layers.Value{
	v("独居老人", "独居老人", "Elderly living alone", "#7048e8"),
	v("困难居民", "困难居民", "Residents in hardship", "#9c36b5"),
	v("特困党员", "特困党员", "Party members in hardship", "#5f3dc4"),
	v("残疾人", "残疾人", "People with disabilities", "#862e9c"),
	v("上门医疗", "上门医疗", "Home medical care", "#cc5de8"),
}

// Synonyms: the wordings of other systems' exports (12345 work orders,
// ledgers kept in spreadsheets) that imports translate into the incidents'
// vocabularies, by field. Keys are trimmed source values.
var (
	categorySynonyms = map[string]string{
		"水管漏水": "漏水", "管道漏水": "漏水", "漏水问题": "漏水", "屋顶漏水": "漏水", "房屋漏水": "漏水",
		"水管破裂": "水管爆裂", "爆管": "水管爆裂", "水管爆了": "水管爆裂", "管道爆裂": "水管爆裂",
		"停水": "水电气暖", "停气": "水电气暖", "水电气热": "水电气暖", "水电气": "水电气暖",
		"供水": "水电气暖", "燃气": "水电气暖", "用水": "水电气暖",
		"断电": "停电", "停电问题": "停电", "电力故障": "停电",
		"暖气不热": "供暖", "停暖": "供暖", "供热": "供暖", "暖气": "供暖", "采暖": "供暖",
		"雨水箅子破损": "雨箅子破损", "雨水篦子破损": "雨箅子破损", "雨篦子破损": "雨箅子破损", "井盖破损": "雨箅子破损",
		"路面塌陷": "地面塌陷", "道路塌陷": "地面塌陷",
		"污水外溢": "污水井冒污水", "下水道堵塞": "污水井冒污水", "污水井冒水": "污水井冒污水", "污水冒溢": "污水井冒污水",
		"煤气异味": "疑似煤气异味", "燃气异味": "疑似煤气异味", "煤气味": "疑似煤气异味", "燃气泄漏": "疑似煤气异味",
		"施工噪音": "施工扰民", "施工噪声": "施工扰民", "夜间施工": "施工扰民",
		"装修扰民": "邻里装修扰民", "装修噪音": "邻里装修扰民", "装修噪声": "邻里装修扰民",
		"违建": "违法建设", "私搭乱建": "违法建设", "违章建筑": "违法建设",
		"环境治理": "老旧小区环境治理", "小区环境": "老旧小区环境治理", "环境卫生": "老旧小区环境治理",
		"停车": "停车管理", "乱停车": "停车管理", "停车难": "停车管理", "地锁": "停车管理",
		"垃圾": "垃圾清运", "垃圾堆放": "垃圾清运", "垃圾未清运": "垃圾清运",
		"占道": "占道经营", "摆摊": "占道经营", "无照经营": "占道经营", "游商": "占道经营",
		"医疗": "上门医疗", "上门看病": "上门医疗",
	}
	sourceSynonyms = map[string]string{
		"12345热线": "12345", "市民热线": "12345", "12345市民服务热线": "12345", "热线": "12345",
		"24小时热线": "街道热线", "街道24小时热线": "街道热线",
		"网格员": "网格", "网格上报": "网格",
		"微信群": "微信", "公众号": "微信", "微信公众号": "微信",
		"入户走访": "走访", "巡查": "走访",
	}
	statusSynonyms = map[string]string{
		"受理": "received", "已受理": "received", "待派单": "received", "新建": "received",
		"派单": "dispatched", "已派单": "dispatched", "已派发": "dispatched",
		"处理中": "in_progress", "办理中": "in_progress", "在办": "in_progress", "已签收": "in_progress", "已响应": "in_progress",
		"办结": "resolved", "已办结": "resolved", "已解决": "resolved", "解决": "resolved",
		"关闭": "closed", "已关闭": "closed", "已归档": "closed", "结案": "closed", "已结案": "closed",
	}
)
