package importers

import "strings"

// valueSynonyms translate common wordings into a field's vocabulary, per
// field name. Keys are trimmed source values.
var valueSynonyms = map[string]map[string]string{
	"category": {
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
	},
	"source": {
		"12345热线": "12345", "市民热线": "12345", "12345市民服务热线": "12345", "热线": "12345",
		"24小时热线": "街道热线", "街道24小时热线": "街道热线",
		"网格员": "网格", "网格上报": "网格",
		"微信群": "微信", "公众号": "微信", "微信公众号": "微信",
		"入户走访": "走访", "巡查": "走访",
	},
	"status": {
		"受理": "received", "已受理": "received", "待派单": "received", "新建": "received",
		"派单": "dispatched", "已派单": "dispatched", "已派发": "dispatched",
		"处理中": "in_progress", "办理中": "in_progress", "在办": "in_progress", "已签收": "in_progress", "已响应": "in_progress",
		"办结": "resolved", "已办结": "resolved", "已解决": "resolved", "解决": "resolved",
		"关闭": "closed", "已关闭": "closed", "已归档": "closed", "结案": "closed", "已结案": "closed",
	},
}

// boolWords are yes/no words beyond those layers.Field.Parse knows.
var boolWords = map[string]bool{
	"y": true, "n": false, "√": true, "×": false, "对": true, "错": false,
	"满意": true, "非常满意": true, "基本满意": true, "比较满意": true,
	"不满意": false, "非常不满意": false,
	"已解决": true, "解决": true, "已办结": true, "未解决": false, "没解决": false, "未办结": false,
	"有": true, "无": false,
}

// nullWords stand for "no value" in typed columns.
var nullWords = map[string]bool{
	"-": true, "--": true, "—": true, "/": true, "null": true, "NULL": true, "n/a": true, "N/A": true,
	"#N/A": true, "无": true, "暂无": true, "未评价": true, "未知": true,
}

// canonicalValue maps v into field's vocabulary when it has one: the user's
// synonyms, the built-in ones, then the last and first parts of a
// hierarchical value ("城市管理-占道经营", "市政设施>雨箅子破损").
func canonicalValue(field string, vocab []string, user map[string]string, v string) (string, bool) {
	in := func(s string) bool {
		for _, e := range vocab {
			if e == s {
				return true
			}
		}
		return false
	}
	try := func(s string) (string, bool) {
		s = strings.TrimSpace(s)
		if in(s) {
			return s, true
		}
		if to, ok := user[s]; ok && in(to) {
			return to, true
		}
		if to, ok := valueSynonyms[field][s]; ok && in(to) {
			return to, true
		}
		if lower := strings.ToLower(s); lower != s && in(lower) {
			return lower, true
		}
		return "", false
	}
	if s, ok := try(v); ok {
		return s, true
	}
	parts := strings.FieldsFunc(v, func(r rune) bool {
		return r == '-' || r == '>' || r == '/' || r == '－' || r == '—' || r == '＞' || r == '|' || r == '、'
	})
	if len(parts) > 1 {
		for _, p := range []string{parts[len(parts)-1], parts[0]} {
			if s, ok := try(p); ok {
				return s, true
			}
		}
	}
	return "", false
}
