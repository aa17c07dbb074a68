package layers

// Value is how one value of a vocabulary field is shown: its names in
// Chinese and English and the colour the web map draws it in. /layers
// serves these with each field's enum, so the web map, its legend and the
// exports all read one table.
type Value struct {
	Value string `json:"value"`
	ZH    string `json:"zh"`
	EN    string `json:"en"`
	Color string `json:"color"`
}

// valueNames holds the vocabulary values of the catalog's fields, by field
// name and then value: {zh, en, colour}. Field names are shared across
// layers (kind of a street, of a demolition site, of a greening site…)
// because their vocabularies do not overlap. machine marks fields whose
// stored values are codes (closed), not the words people read (已关闭).
var valueNames = map[string]map[string][3]string{
	"status": {
		// Incidents: codes.
		"received":    {"已受理", "Received", "#e41a1c"},
		"dispatched":  {"已派单", "Dispatched", "#ff7f00"},
		"in_progress": {"办理中", "In progress", "#d9a400"},
		"resolved":    {"已办结", "Resolved", "#4daf4a"},
		"closed":      {"已关闭", "Closed", "#8c8c8c"},
		// 疏整促 sites: words.
		"完成":  {"完成", "Done", "#2f9e44"},
		"整治中": {"整治中", "In progress", "#f08c00"},
	},
	"source": {
		"12345": {"12345", "12345 hotline", "#1c7ed6"},
		"街道热线":  {"街道热线", "Subdistrict hotline", "#0ca678"},
		"网格":    {"网格", "Grid worker", "#f59f00"},
		"微信":    {"微信", "WeChat", "#37b24d"},
		"走访":    {"走访", "Door-to-door visit", "#ae3ec9"},
		"网站":    {"网站", "Website", "#868e96"},
	},
	"level": {
		"街道": {"街道", "Subdistrict", "#c92a2a"},
		"片区": {"片区", "Patch", "#e8590c"},
		"科室": {"科室", "Office", "#1971c2"},
		"社区": {"社区", "Community", "#2f9e44"},
	},
	"category": {
		"水管爆裂":     {"水管爆裂", "Burst water pipe", "#1f77b4"},
		"漏水":       {"漏水", "Water leak", "#4dabf7"},
		"停电":       {"停电", "Power cut", "#fab005"},
		"雨箅子破损":    {"雨箅子破损", "Broken drain grate", "#495057"},
		"地面塌陷":     {"地面塌陷", "Ground subsidence", "#8c564b"},
		"污水井冒污水":   {"污水井冒污水", "Sewer overflow", "#5c940d"},
		"疑似煤气异味":   {"疑似煤气异味", "Suspected gas smell", "#e03131"},
		"施工扰民":     {"施工扰民", "Construction noise", "#f76707"},
		"邻里装修扰民":   {"邻里装修扰民", "Neighbour renovation noise", "#ffa94d"},
		"违法建设":     {"违法建设", "Illegal construction", "#d62728"},
		"老旧小区环境治理": {"老旧小区环境治理", "Old estate upkeep", "#20c997"},
		"水电气暖":     {"水电气暖", "Utilities", "#3bc9db"},
		"上门医疗":     {"上门医疗", "Home medical care", "#cc5de8"},
		"供暖":       {"供暖", "Heating", "#ff6b6b"},
		"停车管理":     {"停车管理", "Parking", "#748ffc"},
		"垃圾清运":     {"垃圾清运", "Rubbish collection", "#82c91e"},
		"占道经营":     {"占道经营", "Street vending", "#bcbd22"},
	},
	"kind": {
		// Streets and lanes.
		"街": {"街", "Street", "#8c4a12"},
		"巷": {"巷", "Lane", "#d49a3a"},
		// 疏整促 (demolition and clean-up) sites.
		"违法建设":       {"违法建设", "Illegal construction", "#d62728"},
		"开墙打洞":       {"开墙打洞", "Wall openings for shops", "#ff7f0e"},
		"占道经营":       {"占道经营", "Street vending", "#bcbd22"},
		"群租房":        {"群租房", "Overcrowded rentals", "#9467bd"},
		"普通地下室":      {"普通地下室", "Basement dwellings", "#8c564b"},
		"人防工程":       {"人防工程", "Civil-defence shelters", "#7f7f7f"},
		"无证无照校外培训机构": {"无证无照校外培训机构", "Unlicensed tutoring schools", "#e377c2"},
		// Greening.
		"街心花园": {"街心花园", "Street garden", "#2f9e44"},
		"口袋公园": {"口袋公园", "Pocket park", "#69db7c"},
		"绿地":   {"绿地", "Green space", "#2b8a3e"},
		// Service points.
		"便民服务中心": {"便民服务中心", "Service centre", "#1c7ed6"},
		"菜市场":    {"菜市场", "Food market", "#1098ad"},
		"社区服务站":  {"社区服务站", "Community service station", "#364fc7"},
		"养老驿站":   {"养老驿站", "Elderly care post", "#4263eb"},
		// Care targets (staff only).
		"独居老人": {"独居老人", "Elderly living alone", "#7048e8"},
		"困难居民": {"困难居民", "Residents in hardship", "#9c36b5"},
		"特困党员": {"特困党员", "Party members in hardship", "#5f3dc4"},
		"残疾人":  {"残疾人", "People with disabilities", "#862e9c"},
		"上门医疗": {"上门医疗", "Home medical care", "#cc5de8"},
	},
}

// machineValues are the fields whose stored values are codes rather than
// the words people read: exports and the map show their names instead.
var machineValues = map[string]bool{"status": true}

// Values returns how each value of a vocabulary is shown (in the order of
// enum). A value the table does not know is named as stored, with no
// colour.
func Values(field string, enum []string) []Value {
	if len(enum) == 0 {
		return nil
	}
	out := make([]Value, 0, len(enum))
	for _, v := range enum {
		e, ok := valueNames[field][v]
		if !ok {
			out = append(out, Value{Value: v, ZH: v, EN: v})
			continue
		}
		out = append(out, Value{Value: v, ZH: e[0], EN: e[1], Color: e[2]})
	}
	return out
}

// ValueLabel returns the display name in lang ("zh" or "en") of a stored
// machine value of a vocabulary field (incident status: closed → 已关闭), as
// the web map shows it, and whether the field has such names. Values that
// are already Chinese words (categories, kinds, sources) have none and are
// written as stored.
func ValueLabel(field, value, lang string) (string, bool) {
	if !machineValues[field] {
		return "", false
	}
	e, ok := valueNames[field][value]
	if !ok || e[0] == value {
		return "", false
	}
	if lang == "en" {
		return e[1], true
	}
	return e[0], true
}

// BoolLabel is a yes/no value in lang: 是/否, or yes/no.
func BoolLabel(v bool, lang string) string {
	switch {
	case lang == "en" && v:
		return "yes"
	case lang == "en":
		return "no"
	case v:
		return "是"
	}
	return "否"
}
