package importers

import (
	"strings"

	"minqing/layers"
)

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

// canonicalValue maps v into fd's vocabulary (fd.Enum): the user's
// synonyms, the deployment's (fd.Synonyms, e.g. deploy/fengtai's), then the
// last and first parts of a hierarchical value ("城市管理-占道经营",
// "市政设施>雨箅子破损").
func canonicalValue(fd layers.Field, user map[string]string, v string) (string, bool) {
	vocab := fd.Enum
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
		if to, ok := fd.Synonyms[s]; ok && in(to) {
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
