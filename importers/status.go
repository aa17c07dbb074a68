package importers

import "time"

// deriveStatus gives an incident without a status one, from what the
// work-order sheet does say:
//
//   - 是否解决 = 是: "closed" if the caller rated it (是否满意 given), else "resolved";
//   - 是否解决 = 否: "closed" if it was finished anyway (办结时间 given), else "in_progress";
//   - no 是否解决: "resolved" with a 办结时间, "in_progress" with a 响应时间,
//     "dispatched" with a 派单时间, else "received".
//
// A closed incident without 关闭时间 takes its 办结时间 as closed_at.
func deriveStatus(props map[string]any, resolved *bool) {
	has := func(k string) bool { _, ok := props[k].(time.Time); return ok }
	if _, ok := props["status"]; !ok {
		_, rated := props["satisfied"].(bool)
		var s string
		switch {
		case resolved != nil && *resolved && rated:
			s = "closed"
		case resolved != nil && *resolved:
			s = "resolved"
		case resolved != nil && has("resolved_at"):
			s = "closed"
		case resolved != nil:
			s = "in_progress"
		case has("resolved_at"):
			s = "resolved"
		case has("responded_at"):
			s = "in_progress"
		case has("dispatched_at"):
			s = "dispatched"
		default:
			s = "received"
		}
		props["status"] = s
	}
	if props["status"] == "closed" && !has("closed_at") && has("resolved_at") {
		props["closed_at"] = props["resolved_at"]
	}
}
